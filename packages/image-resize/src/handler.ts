import { createLogger, createPipelineHandler, parseConfig } from '@s3-pipelines/s3-stream';
import sharp from 'sharp';
import { ImageResizeConfigSchema } from './config';
import { PROCESSOR } from './constants';
import { imageResizePipeline } from './pipeline';

// One image at a time per container: libvips' operation cache would only hold memory.
sharp.cache(false);

export const handler = createPipelineHandler(
  imageResizePipeline(parseConfig(ImageResizeConfigSchema), createLogger(PROCESSOR)),
);
