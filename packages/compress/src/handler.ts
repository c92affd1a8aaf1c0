import {
  createLogger,
  createPipelineHandler,
  getS3Client,
  isOwnOutput,
  parseConfig,
} from '@s3-pipelines/s3-stream';
import { compressObject } from './compress';
import { CompressConfigSchema } from './config';
import { FORMATS, PROCESSOR } from './constants';

const config = parseConfig(CompressConfigSchema);
const logger = createLogger(PROCESSOR);

export const handler = createPipelineHandler({
  logger,
  // Every archive is <OUTPUT_PREFIX>...<.zip|.gz> in the output bucket.
  isOwnOutput: (ref) =>
    isOwnOutput(ref, [
      {
        bucket: config.OUTPUT_BUCKET || undefined,
        prefix: config.OUTPUT_PREFIX,
        suffix: FORMATS[config.FORMAT].extension,
      },
    ]),
  process: (ref) => compressObject(getS3Client(), ref, config, logger),
});
