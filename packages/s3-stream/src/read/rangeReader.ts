import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ObjectGoneError,
  PermanentError,
  ReadInterruptedError,
  TransientError,
  httpStatus,
  toPipelineError,
} from '../errors';

/** Which exact object version every request of one read is pinned to. */
export interface Pin {
  bucket: string;
  key: string;
  versionId?: string;
  /** Bare ETag; used with If-Match when there is no version id. */
  eTag?: string;
}

export interface ResumeOptions {
  /** Consecutive attempts without progress before giving up. */
  maxResumes: number;
  /** First back-off delay; doubles per failed attempt. */
  backoffMs: number;
}

/** GetObject pinned to one version: VersionId when known, otherwise If-Match on the ETag. */
export function pinnedGet(s3: S3Client, pin: Pin, range?: string): Promise<GetObjectCommandOutput> {
  return s3.send(
    new GetObjectCommand({
      Bucket: pin.bucket,
      Key: pin.key,
      VersionId: pin.versionId,
      IfMatch: pin.versionId || !pin.eTag ? undefined : `"${pin.eTag}"`,
      Range: range,
    }),
  );
}

function rangeHeader(start: number, end: number | undefined): string {
  return `bytes=${start}-${end === undefined ? '' : end}`;
}

/**
 * Yields the bytes [start, end] (end inclusive, or to the end of the object) as one unbroken
 * sequence. When the body breaks or ends early it asks again with a Range from the last byte
 * received, pinned to the same version, so the consumer never sees the break.
 *
 * `first` is a response already in hand for this range (the opening GET), to avoid a second call.
 */
export async function* readRange(
  s3: S3Client,
  pin: Pin,
  start: number,
  end: number | undefined,
  total: number,
  options: ResumeOptions,
  first?: GetObjectCommandOutput,
): AsyncGenerator<Buffer> {
  const stop = end ?? total - 1;
  let offset = start;
  let failures = 0;
  let response = first;
  for (;;) {
    try {
      if (!response) {
        response = await pinnedGet(s3, pin, rangeHeader(offset, end));
        // A server that ignored our Range would replay bytes the consumer already has.
        if (!response.ContentRange?.startsWith(`bytes ${offset}-`)) {
          throw new PermanentError(
            `GET ${pin.key} answered ${response.ContentRange} for byte ${offset}`,
          );
        }
      }
      const body = response.Body as Readable | undefined;
      if (body) {
        for await (const chunk of body) {
          const buffer = chunk as Buffer;
          offset += buffer.length;
          failures = 0;
          yield buffer;
        }
      }
      if (offset > stop) return;
      throw new TransientError(`body ended at byte ${offset} of ${stop + 1}`);
    } catch (error) {
      response = undefined;
      if (isGone(error)) throw new ObjectGoneError(pin.key, httpStatus(error) ?? 0);
      const classified = toPipelineError(error, `GET ${pin.key}`);
      if (!classified.retryable) throw classified;
      failures += 1;
      if (failures > options.maxResumes) {
        throw new ReadInterruptedError(pin.key, offset, failures, error);
      }
      await sleep(options.backoffMs * 2 ** (failures - 1));
    }
  }
}

/** 404 (deleted, or version gone) and 412 (replaced since the event) mean: nothing to read. */
export function isGone(error: unknown): boolean {
  const status = httpStatus(error);
  return status === 404 || status === 412;
}
