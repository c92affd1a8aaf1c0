import { createLogger, createPipelineHandler, parseConfig } from '@s3-pipelines/s3-stream';
import { MetadataConfigSchema } from './config';
import { PROCESSOR } from './metadata';
import { metadataPipeline } from './pipeline';

export const handler = createPipelineHandler(
  metadataPipeline(parseConfig(MetadataConfigSchema), createLogger(PROCESSOR)),
);
