import {
  createLogger,
  createPipelineHandler,
  getS3Client,
  isOwnOutput,
  parseConfig,
} from '@s3-pipelines/s3-stream';
import { checksumObject, PROCESSOR } from './checksum';
import { ChecksumConfigSchema } from './config';
import { SIDECAR_SUFFIX } from './sidecar';

const config = parseConfig(ChecksumConfigSchema);
const logger = createLogger(PROCESSOR);

export const handler = createPipelineHandler({
  logger,
  isOwnOutput: (ref) => isOwnOutput(ref, [{ suffix: SIDECAR_SUFFIX }]),
  process: (ref) => checksumObject(getS3Client(), ref, config, logger),
});
