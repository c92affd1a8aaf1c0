import { triggerOf, type Logger, type PipelineDefinition } from '@s3-pipelines/s3-stream';
import { checksumObject, PROCESSOR } from './checksum';
import type { ChecksumConfig } from './config';
import { SIDECAR_SUFFIX, sidecarKey } from './sidecar';

/** checksum, declared: the handler applies the shared skip rules from this. */
export function checksumPipeline(config: ChecksumConfig, logger: Logger): PipelineDefinition {
  return {
    processor: PROCESSOR,
    logger,
    trigger: triggerOf(config),
    output: {
      patterns: [{ suffix: SIDECAR_SUFFIX }],
      locate: (ref) => ({ bucket: ref.bucket, key: sidecarKey(ref.key) }),
    },
    process: (ref, context) => checksumObject(ref, config, context),
  };
}
