import type { S3Client } from '@aws-sdk/client-s3';
import {
  createProcessContext,
  processObject,
  type ObjectRef,
  type PipelineDefinition,
  type ProcessResult,
} from '@s3-pipelines/s3-stream';

/**
 * One object through a function's definition as its handler runs it (every skip rule, then the
 * work), against `s3`: what a core test calls instead of the core alone. `remainingMs` is the
 * invocation's time left, as Lambda's context would give it (none: no deadline).
 */
export function runPipeline(
  definition: PipelineDefinition,
  s3: S3Client,
  ref: ObjectRef,
  { remainingMs }: { remainingMs?: number } = {},
): Promise<ProcessResult> {
  const context = createProcessContext({
    s3,
    logger: definition.logger,
    processor: definition.processor,
    lambda: remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => remainingMs },
  });
  return processObject(definition, ref, context);
}
