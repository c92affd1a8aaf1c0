import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { Logger } from '../logger';
import { headPinned } from '../object/head';
import { writtenBy } from '../object/provenance';
import { openObject, type OpenedObject, type ReadOptions } from '../read/openObject';
import type { ObjectRef } from '../types';
import { Skip } from './skipReasons';

/** What a function's core gets besides its config: the client, the log, the clock, the reads. */
export interface ProcessContext {
  s3: S3Client;
  logger: Logger;
  /** Milliseconds before Lambda stops the invocation; Infinity outside Lambda. */
  remainingMs(): number;
  /**
   * The version `ref` pins, opened for streaming. An object this function wrote itself is
   * skipped here (`own-output`), so no core reads its own output as input.
   */
  open(ref: ObjectRef, options?: ReadOptions): Promise<OpenedObject>;
  /** HEAD of the version `ref` pins, with the same own-output rule, for cores that read no bytes. */
  head(ref: ObjectRef): Promise<HeadObjectCommandOutput>;
}

export interface ContextOptions {
  s3: S3Client;
  logger: Logger;
  /** The `processor` metadata this function writes, and so recognises. */
  processor: string;
  lambda?: Pick<Context, 'getRemainingTimeInMillis'>;
}

export function createProcessContext({
  s3,
  logger,
  processor,
  lambda,
}: ContextOptions): ProcessContext {
  return {
    s3,
    logger,
    remainingMs: () => lambda?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
    async open(ref, options) {
      const opened = await openObject(s3, ref, options);
      if (writtenBy(opened.info.metadata, processor)) {
        opened.body.destroy();
        throw new Skip('own-output');
      }
      return opened;
    },
    async head(ref) {
      const head = await headPinned(s3, ref);
      if (writtenBy(head.Metadata, processor)) throw new Skip('own-output');
      return head;
    },
  };
}
