import { createLogger, createPipelineHandler, parseConfig } from '@s3-pipelines/s3-stream';
import { PROCESSOR } from './checksum';
import { ChecksumConfigSchema } from './config';
import { checksumPipeline } from './pipeline';

export const handler = createPipelineHandler(
  checksumPipeline(parseConfig(ChecksumConfigSchema), createLogger(PROCESSOR)),
);
