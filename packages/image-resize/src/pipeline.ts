import { triggerOf, type Logger, type PipelineDefinition } from '@s3-pipelines/s3-stream';
import type { ImageResizeConfig } from './config';
import { PROCESSOR } from './constants';
import { manifestLocation, resizeObject } from './imageResize';

/** image-resize, declared: the handler applies the shared skip rules from this. */
export function imageResizePipeline(config: ImageResizeConfig, logger: Logger): PipelineDefinition {
  return {
    processor: PROCESSOR,
    logger,
    trigger: triggerOf(config),
    output: {
      // Everything in the destination bucket is output (Terraform keeps it apart from the source).
      patterns: [{ bucket: config.OUTPUT_BUCKET }],
      locate: (ref) => manifestLocation(ref, config),
    },
    // A decoded image can take hundreds of MiB: one at a time.
    recordConcurrency: 1,
    process: (ref, context) => resizeObject(ref, config, context),
  };
}
