import { draw } from './random';
import type { OperationName } from './s3Operation';

/**
 * The faults a chaos run injects between the functions and S3, which requests each applies to,
 * and how one is chosen. Pure: the proxy (faultProxy.ts) does what is chosen here.
 */
export type FaultKind =
  | 'reset-before-response'
  | 'reset-mid-body'
  | 'internal-error'
  | 'slow-down'
  | 'slow-past-timeout'
  | 'upload-part-failed'
  | 'complete-failed';

/** How the report names each kind, in the order it prints them. */
export const FAULT_LABELS: Record<FaultKind, string> = {
  'reset-before-response': 'connection reset before a response',
  'reset-mid-body': 'connection reset in the middle of a body',
  'internal-error': '500 InternalError',
  'slow-down': '503 SlowDown',
  'slow-past-timeout': "slow response past the function's timeout",
  'upload-part-failed': 'failed UploadPart',
  'complete-failed': 'failed CompleteMultipartUpload (200 + <Error>)',
};

export const FAULT_KINDS = Object.keys(FAULT_LABELS) as FaultKind[];

const ANSWERS: FaultKind[] = ['reset-before-response', 'internal-error', 'slow-down'];

/**
 * Faults drawn afresh for every attempt of a request, by operation. A body can break only where
 * there is one (GET); a slow response is put only on the reads a function waits on, because
 * each costs a whole timeout of that pipeline's time (GetObjectAttributes is metadata's read).
 */
export const PER_ATTEMPT: Record<OperationName, FaultKind[]> = {
  GetObject: [
    'reset-before-response',
    'reset-mid-body',
    'internal-error',
    'slow-down',
    'slow-past-timeout',
  ],
  GetObjectAttributes: [
    'reset-before-response',
    'reset-mid-body',
    'internal-error',
    'slow-down',
    'slow-past-timeout',
  ],
  ListObjects: ['reset-before-response', 'reset-mid-body', 'internal-error', 'slow-down'],
  HeadObject: ANSWERS,
  PutObject: ANSWERS,
  CopyObject: ANSWERS,
  DeleteObject: ANSWERS,
  CreateMultipartUpload: ANSWERS,
  UploadPart: ANSWERS,
  UploadPartCopy: ANSWERS,
  CompleteMultipartUpload: ANSWERS,
  AbortMultipartUpload: ANSWERS,
  Other: [],
};

/**
 * Faults drawn once per part or per upload and then given to every retry of it: the SDK retries
 * a single 500 by itself, so only a part (or a completion) that keeps failing makes the upload
 * fail, which is the path to prove (the upload is aborted, no archive, the original kept).
 */
export const STICKY: Partial<Record<OperationName, FaultKind>> = {
  UploadPart: 'upload-part-failed',
  CompleteMultipartUpload: 'complete-failed',
};

/** Each kind fires at `rate` of the requests it applies to, so rate × kinds must fit in 1. */
export const MAX_RATE = 1 / Math.max(...Object.values(PER_ATTEMPT).map((k) => k.length), 1);

export interface FaultQuestion {
  seed: number;
  rate: number;
  operation: OperationName;
  /** What the request is, e.g. `checksum|GetObject|bucket/key|bytes=0-99`. */
  identity: string;
  /** How many requests with this identity came before it (0 for the first). */
  occurrence: number;
  /** For a sticky kind: the part or upload, the same for all its retries. */
  stickyIdentity?: string;
}

/**
 * The fault for one request, or undefined. One draw per request splits [0, 1) into slices of
 * width `rate`, one per kind the operation allows, so each kind fires at exactly `rate` of them.
 */
export function chooseFault(q: FaultQuestion): FaultKind | undefined {
  if (q.rate <= 0) return undefined;
  const sticky = STICKY[q.operation];
  if (sticky && q.stickyIdentity !== undefined && draw(q.seed, 'sticky', q.stickyIdentity) < q.rate)
    return sticky;
  const kinds = PER_ATTEMPT[q.operation];
  const slice = Math.floor(draw(q.seed, q.identity, q.occurrence) / q.rate);
  return kinds[slice];
}

/** Where in a body of `length` bytes a mid-body reset cuts: 10% to 90% in, at least 1 byte. */
export function cutPoint(q: FaultQuestion, length: number): number {
  if (length <= 1) return 0;
  const fraction = 0.1 + 0.8 * draw(q.seed, q.identity, q.occurrence, 'cut');
  return Math.max(1, Math.min(length - 1, Math.floor(length * fraction)));
}
