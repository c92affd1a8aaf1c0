// What the functions import, and nothing else: the handler and its rules, the object reads and
// writes, config and errors. The event parser stays inside the handler.
export { createS3Client, getS3Client } from './client';
export { envFlag, envList, parseConfig, triggerOf, triggerSettings } from './config';
export { SOURCE_METADATA } from './constants';
export {
  ConfigError,
  InputTooLargeError,
  ObjectGoneError,
  PermanentError,
  TransientError,
  WouldTimeOutError,
} from './errors';
export { createPipelineHandler } from './handler/createPipelineHandler';
export { mapBounded } from './handler/mapBounded';
export { processObject } from './handler/processObject';
export type { PipelineDefinition, ProcessResult } from './handler/types';
export { createProcessContext } from './handler/processContext';
export type { ProcessContext } from './handler/processContext';
export type { SkipReason } from './handler/skipReasons';
export { checkTimeBudget } from './timeBudget';
export type { TimeBudget } from './timeBudget';
export { inputHasher } from './hash/inputHasher';
export type { InputHasher } from './hash/types';
export { createLogger } from './logger';
export { waitOnThread } from './threadWaits';
export { LAMBDA_MB_PER_VCPU, vcpus } from './vcpus';
export type { Logger } from './logger';
export { bareETag } from './object/etag';
export { attributesIfAllowed, headIfExists } from './object/head';
export { isCurrent } from './object/isCurrent';
export { madeFrom, sourceMetadata, writtenBy } from './object/provenance';
export type { ObjectInfo, ObjectRef } from './types';
export type {
  GetObjectAttributesCommandOutput,
  HeadObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
export { deleteIfCurrent } from './write/deleteIfCurrent';
export type { DeleteOutcome } from './write/deleteIfCurrent';
export { uploadStream } from './write/uploadStream';
// zod for the functions' config schemas, from the layer's one copy: a function bundling its own
// would ship a second zod and build schemas the layer's parseConfig cannot read.
export { z } from 'zod';
