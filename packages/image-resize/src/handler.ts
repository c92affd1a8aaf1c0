import {
  createLogger,
  createPipelineHandler,
  getS3Client,
  isOwnOutput,
  parseConfig,
} from '@s3-pipelines/s3-stream';
import sharp from 'sharp';
import { ImageResizeConfigSchema } from './config';
import { PROCESSOR } from './constants';
import { resizeObject } from './imageResize';

const config = parseConfig(ImageResizeConfigSchema);
const logger = createLogger(PROCESSOR);
// One image at a time per container: libvips' operation cache would only hold memory.
sharp.cache(false);

export const handler = createPipelineHandler({
  logger,
  // Everything in the destination bucket is output (Terraform keeps it apart from the source).
  isOwnOutput: (ref) => isOwnOutput(ref, [{ bucket: config.OUTPUT_BUCKET }]),
  process: (ref) => resizeObject(getS3Client(), ref, config, logger),
});
