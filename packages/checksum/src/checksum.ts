import {
  checkTimeBudget,
  isCurrent,
  sourceMetadata,
  uploadStream,
  type ObjectRef,
  type ProcessContext,
  type ProcessResult,
} from '@s3-pipelines/s3-stream';
import { createHash, type Hash } from 'node:crypto';
import type { ChecksumConfig } from './config';
import { sidecarKey, sidecarLine } from './sidecar';

export const PROCESSOR = 'checksum';
const PROGRESS_EVERY_MS = 10_000;
const TIME_HINT = 'raise timeout_s, or lower MIN_MB_PER_SECOND if the function reads faster';

/** Reads the object once, feeding every hash from the same chunks; keeps no chunk. */
async function hashObject(
  body: AsyncIterable<Buffer>,
  hashes: Record<string, Hash>,
  onProgress: (bytes: number) => void,
): Promise<number> {
  let bytes = 0;
  let lastReport = Date.now();
  for await (const chunk of body) {
    for (const hash of Object.values(hashes)) hash.update(chunk);
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

  const hashes: Record<string, Hash> = { md5: createHash('md5') };
  for (const algorithm of config.EXTRA_ALGORITHMS) hashes[algorithm] = createHash(algorithm);
  const bytes = await hashObject(body, hashes, (read) =>
    logger.info('checksum progress', { key: ref.key, bytes: read, size: info.size }),
  );
  const digests = Object.fromEntries(
    Object.entries(hashes).map(([name, h]) => [name, h.digest('hex')]),
  );

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
