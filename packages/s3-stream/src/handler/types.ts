import type { S3Client } from '@aws-sdk/client-s3';
import type { Logger } from '../logger';
import type { ObjectRef } from '../types';
import type { ProcessContext } from './processContext';
import type { HandlerSettings } from './settings';
import type { OutputSpec, Trigger } from './skipRules';
import type { SkipReason } from './skipReasons';

/** What a function's core reports for one object. */
export interface ProcessResult {
  outcome: 'processed' | 'skipped';
  /** Why it was skipped: one of the fixed reasons in SKIP_REASONS. */
  reason?: SkipReason;
  /** Bytes read from the source. */
  bytes?: number;
  /** Anything the function wants returned and logged (e.g. the checksum). */
  output?: Record<string, unknown>;
}

export interface ObjectReport {
  bucket: string;
  key: string;
  versionId?: string;
  outcome: 'processed' | 'skipped' | 'failed';
  reason?: SkipReason;
  error?: string;
  retryable?: boolean;
  bytes?: number;
  durationMs: number;
  output?: Record<string, unknown>;
}

export interface HandlerSummary {
  processed: number;
  skipped: number;
  failed: number;
  objects: ObjectReport[];
}

/** A function, declared: the handler applies every shared rule from this. */
export interface PipelineDefinition {
  /** The `processor` metadata its outputs carry (and how it recognises them). */
  processor: string;
  logger: Logger;
  /** What it writes for each source object. */
  output: OutputSpec;
  /** Its trigger: the pipeline's TRIGGER_PREFIX and TRIGGER_SUFFIX (see triggerSettings). */
  trigger: Trigger;
  /** A skip of its own, decided from the key before any request (compress: already compressed). */
  skip?: (ref: ObjectRef) => SkipReason | undefined;
  /** Default RECORD_CONCURRENCY for this function (the setting wins). Default 2. */
  recordConcurrency?: number;
  /** Settings over the environment's (tests). */
  settings?: Partial<HandlerSettings>;
  /** Default: the one S3 client per container. */
  s3?: () => S3Client;
  /** The function's real work on one object that passed every skip rule. */
  process: (ref: ObjectRef, context: ProcessContext) => Promise<ProcessResult>;
}
