import {
  createLogger,
  createPipelineHandler,
  getS3Client,
  isOwnOutput,
  parseConfig,
} from '@s3-pipelines/s3-stream';
import { MetadataConfigSchema, RECORD_SUFFIX } from './config';
import { describeObject, PROCESSOR } from './metadata';

const config = parseConfig(MetadataConfigSchema);
const logger = createLogger(PROCESSOR);

export const handler = createPipelineHandler({
  logger,
  isOwnOutput: (ref) =>
    isOwnOutput(ref, [
      {
        bucket: config.OUTPUT_BUCKET || undefined,
        prefix: config.OUTPUT_PREFIX,
        suffix: RECORD_SUFFIX,
      },
    ]),
  process: (ref) => describeObject(getS3Client(), ref, config),
});
