export { getS3Client } from './client';
export { envFlag, envList, parseConfig } from './config';
export { SOURCE_METADATA, DEFAULT_PART_SIZE, DEFAULT_RANGE_SIZE } from './constants';
export {
  ConfigError,
  InputTooLargeError,
  ObjectGoneError,
  PermanentError,
  PipelineError,
  ReadInterruptedError,
  TransientError,
  UnsupportedEventError,
  httpStatus,
  toPipelineError,
} from './errors';
export { bareETag, decodeS3Key, parseEvent } from './events/parseEvent';
export type { EventSource, ParsedEvent, WorkItem } from './events/parseEvent';
export { isOwnOutput, writtenBy } from './guard';
export type { OutputPattern } from './guard';
export { createPipelineHandler } from './handler/createPipelineHandler';
export type {
  HandlerSummary,
  ObjectReport,
  PipelineHandlerOptions,
  ProcessResult,
} from './handler/createPipelineHandler';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { attributesIfAllowed, headPinned } from './read/headPinned';
export { isCurrent } from './read/isCurrent';
export { openObject } from './read/openObject';
export type { OpenedObject, ReadOptions } from './read/openObject';
export type { ObjectInfo, ObjectRef } from './types';
export type {
  GetObjectAttributesCommandOutput,
  HeadObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
export { deleteIfCurrent } from './write/deleteIfCurrent';
export type { DeleteOutcome, DeletePin } from './write/deleteIfCurrent';
export { headIfExists } from './write/headOutput';
export { replaceMetadata } from './write/replaceMetadata';
export type { StoredObject } from './write/replaceMetadata';
export { madeFrom, sourceMetadata } from './write/sourceMetadata';
export { uploadStream } from './write/uploadStream';
export type { WriteRequest, WriteResult } from './write/uploadStream';
// The layer's zod, so that functions validate their config without bundling a second copy.
export { z } from 'zod';
