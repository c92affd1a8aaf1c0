import {
  checkTimeBudget,
  inputHasher,
  isCurrent,
  sourceMetadata,
  uploadStream,
  type InputHasher,
  type ObjectRef,
  type ProcessContext,
  type ProcessResult,
} from '@s3-pipelines/s3-stream';
import type { ChecksumConfig } from './config';
import { sidecarKey, sidecarLine } from './sidecar';

export const PROCESSOR = 'checksum';
const PROGRESS_EVERY_MS = 10_000;
const TIME_HINT = 'raise timeout_s, or lower MIN_MB_PER_SECOND if the function reads faster';

/**
 * Reads the object once, giving each chunk to the hasher before reading the next one (the
 * hasher copies what it keeps, so the reader may reuse its buffers).
 */
async function hashObject(
  body: AsyncIterable<Buffer>,
  hasher: InputHasher,
  onProgress: (bytes: number) => void,
): Promise<number> {
  let bytes = 0;
  let lastReport = Date.now();
  for await (const chunk of body) {
    await hasher.update(chunk);
    bytes += chunk.length;
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = Date.now();
      onProgress(bytes);
    }
  }
  return bytes;
}

/**
 * Streams one object through MD5 (and any extra algorithms) with no temp file, and writes
 * `<key>.md5` beside it. The handler has applied every skip rule before this runs.
 */
export async function checksumObject(
  ref: ObjectRef,
  config: ChecksumConfig,
  { s3, logger, open, remainingMs }: ProcessContext,
): Promise<ProcessResult> {
  const budget = (key: string) => ({
    key,
    remainingMs: remainingMs(),
    bytesPerSecond: config.MIN_MB_PER_SECOND * 1e6,
    hint: TIME_HINT,
  });
  // The event's size refuses an object before any GET; a Batch task has none, so the opened
  // object's size is checked too, before its first chunk is hashed.
  if (ref.size !== undefined) checkTimeBudget(ref.size, budget(ref.key));
  const { info, body } = await open(ref, {
    concurrency: config.READ_CONCURRENCY,
    rangeSize: config.RANGE_SIZE_MB * 1024 * 1024,
    // hashObject is done with each chunk before it reads the next one, and keeps none.
    reuseBuffers: true,
  });
  try {
    checkTimeBudget(info.size, budget(info.key));
  } catch (error) {
    body.destroy();
    throw error;
  }

  let hasher: InputHasher | undefined;
  let bytes: number;
  let digests: Record<string, string>;
  try {
    // A large object is hashed on a thread of its own, beside the reads (see inputHasher).
    hasher = inputHasher({ algorithms: ['md5', ...config.EXTRA_ALGORITHMS], size: info.size });
    bytes = await hashObject(body, hasher, (read) =>
      logger.info('checksum progress', { key: ref.key, bytes: read, size: info.size }),
    );
    digests = (await hasher.digest()).hex;
  } catch (error) {
    body.destroy();
    throw error;
  } finally {
    hasher?.close();
  }

  if (!(await isCurrent(s3, info))) return { outcome: 'skipped', reason: 'superseded', bytes };

  const target = sidecarKey(info.key);
  await uploadStream(s3, {
    bucket: info.bucket,
    key: target,
    body: sidecarLine(digests.md5!, info.key),
    contentType: 'text/plain; charset=utf-8',
    metadata: { ...sourceMetadata(info, PROCESSOR), ...digests },
  });
  return { outcome: 'processed', bytes, output: { sidecar: target, ...digests } };
}
