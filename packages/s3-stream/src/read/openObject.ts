import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { DEFAULT_MAX_RESUMES, DEFAULT_RANGE_SIZE } from '../constants';
import { InputTooLargeError, ObjectGoneError, httpStatus, toPipelineError } from '../errors';
import { bareETag } from '../object/etag';
import { isGone } from '../object/gone';
import type { Pin } from '../object/pin';
import type { ObjectInfo, ObjectRef } from '../types';
import { RangeStream, pinnedGet, type ResumeOptions } from './rangeReader';
import { DEFAULT_FAN_OUT_IDLE_SHARE, ParallelRangeStream } from './parallelRanges';

export interface ReadOptions {
  /**
   * Ranged GETs in flight at once. 1 (the default) streams the object over one connection;
   * more lets a sequential consumer outrun one connection's bandwidth: the read starts on one
   * GET and fans out when that connection is what the consumer waits for (fanOutIdleShare).
   * Memory is bounded by (concurrency + 1) × rangeSize.
   */
  concurrency?: number;
  /**
   * With concurrency > 1: fan out once the event loop has sat idle (waiting on the network) this
   * share of the time since the first read, judged after every rangeSize bytes; 0 fans out at
   * the first read. Default 0.2: a process that one connection keeps busy never pays for ranges.
   */
  fanOutIdleShare?: number;
  /** Bytes per ranged GET when concurrency > 1. Default 8 MiB. */
  rangeSize?: number;
  /** Consecutive failed attempts without progress before the read fails. Default 5. */
  maxResumes?: number;
  /** First back-off between attempts, doubling each time. Default 200 ms. */
  backoffMs?: number;
  /** Objects larger than this fail with a permanent InputTooLargeError before any byte is read. */
  maxBytes?: number;
  /**
   * The consumer keeps no chunk: it is done with each one before it reads on (it hashes or
   * counts them; checksum does). A chunk then stays valid only until the consumer has read
   * another rangeSize bytes past it, and parallel reads copy their read-ahead into
   * concurrency + 1 buffers of rangeSize that are used again, which spares V8 the major GCs
   * that held socket chunks cause. Default false: every chunk is the consumer's to keep.
   */
  reuseBuffers?: boolean;
}

export interface OpenedObject {
  info: ObjectInfo;
  /** The object's bytes in order, as one stream, whatever breaks underneath. */
  body: Readable;
}

async function firstResponse(s3: S3Client, pin: Pin): Promise<GetObjectCommandOutput> {
  try {
    return await pinnedGet(s3, pin);
  } catch (error) {
    if (isGone(error)) throw new ObjectGoneError(pin.key, httpStatus(error) ?? 0);
    throw toPipelineError(error, `GET ${pin.key}`);
  }
}

/**
 * Opens the version of an object that an event announced, for streaming. Throws ObjectGoneError
 * when that version was deleted or replaced before the read, and InputTooLargeError over maxBytes.
 */
export async function openObject(
  s3: S3Client,
  ref: ObjectRef,
  options: ReadOptions = {},
): Promise<OpenedObject> {
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const rangeSize = options.rangeSize ?? DEFAULT_RANGE_SIZE;
  const resume: ResumeOptions = {
    maxResumes: options.maxResumes ?? DEFAULT_MAX_RESUMES,
    backoffMs: options.backoffMs ?? 200,
  };
  const pin: Pin = { bucket: ref.bucket, key: ref.key, versionId: ref.versionId, eTag: ref.eTag };
  // One GET for the whole object either way: a parallel read fans out from it when it must.
  const first = await firstResponse(s3, pin);

  const total = first.ContentLength ?? 0;
  const info: ObjectInfo = {
    bucket: ref.bucket,
    key: ref.key,
    size: total,
    eTag: bareETag(first.ETag) ?? ref.eTag ?? '',
    versionId: first.VersionId ?? ref.versionId,
    contentType: first.ContentType,
    lastModified: first.LastModified,
    metadata: first.Metadata ?? {},
  };
  if (options.maxBytes !== undefined && total > options.maxBytes) {
    (first.Body as Readable | undefined)?.destroy();
    throw new InputTooLargeError(ref.key, total, options.maxBytes);
  }
  // Resumes must read exactly what the first response started, even when the event named no ETag.
  pin.versionId = info.versionId;
  pin.eTag = info.eTag || undefined;

  if (concurrency === 1 || total <= rangeSize) {
    return { info, body: new RangeStream(s3, pin, 0, undefined, total, resume, first) };
  }
  return {
    info,
    body: new ParallelRangeStream(s3, pin, total, first, {
      concurrency,
      rangeSize,
      resume,
      reuseBuffers: options.reuseBuffers,
      fanOutIdleShare: options.fanOutIdleShare ?? DEFAULT_FAN_OUT_IDLE_SHARE,
    }),
  };
}
