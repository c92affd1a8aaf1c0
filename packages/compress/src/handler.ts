import { createLogger, createPipelineHandler, parseConfig } from '@s3-pipelines/s3-stream';
import { CompressConfigSchema } from './config';
import { PROCESSOR } from './constants';
import { compressPipeline } from './pipeline';

export const handler = createPipelineHandler(
  compressPipeline(parseConfig(CompressConfigSchema), createLogger(PROCESSOR)),
);
