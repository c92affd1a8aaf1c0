import { triggerOf, type Logger, type PipelineDefinition } from '@s3-pipelines/s3-stream';
import { RECORD_SUFFIX, type MetadataConfig } from './config';
import { describeObject, PROCESSOR, recordLocation } from './metadata';

/** metadata, declared: the handler applies the shared skip rules from this. */
export function metadataPipeline(config: MetadataConfig, logger: Logger): PipelineDefinition {
  return {
    processor: PROCESSOR,
    logger,
    trigger: triggerOf(config),
    output: {
      patterns: [
        {
          bucket: config.OUTPUT_BUCKET || undefined,
          prefix: config.OUTPUT_PREFIX,
          suffix: RECORD_SUFFIX,
        },
      ],
      locate: (ref) => recordLocation(ref, config),
    },
    // A HEAD and a small PUT per object: records are cheap to run side by side.
    recordConcurrency: 4,
    process: (ref, context) => describeObject(ref, config, context),
  };
}
