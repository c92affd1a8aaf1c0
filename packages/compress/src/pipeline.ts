import { triggerOf, type Logger, type PipelineDefinition } from '@s3-pipelines/s3-stream';
import { archiveLocation, compressObject, finishAlreadyDone } from './compress';
import type { CompressConfig } from './config';
import { FORMATS, PROCESSOR } from './constants';
import { looksCompressed } from './keys';
import { isCompleteArchiveOf } from './verify';

/** compress, declared: the handler applies the shared skip rules from this. */
export function compressPipeline(config: CompressConfig, logger: Logger): PipelineDefinition {
  return {
    processor: PROCESSOR,
    logger,
    trigger: triggerOf(config),
    output: {
      // Every archive is <OUTPUT_PREFIX>...<.zip|.gz> in the output bucket.
      patterns: [
        {
          bucket: config.OUTPUT_BUCKET || undefined,
          prefix: config.OUTPUT_PREFIX,
          suffix: FORMATS[config.FORMAT].extension,
        },
      ],
      locate: (ref) => archiveLocation(ref, config),
      isDone: isCompleteArchiveOf,
      whenDone: (ref, existing, context) => finishAlreadyDone(ref, existing, config, context),
    },
    skip: (ref) =>
      config.SKIP_COMPRESSED && looksCompressed(ref.key, undefined, config)
        ? 'already-compressed'
        : undefined,
    // Deflate takes a whole vCPU: two records at once would only halve each one's time budget.
    recordConcurrency: 1,
    process: (ref, context) => compressObject(ref, config, context),
  };
}
