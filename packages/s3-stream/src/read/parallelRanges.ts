import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { Pin } from '../object/pin';
import { RangeStream, type ResumeOptions } from './rangeReader';

export interface ParallelOptions {
  concurrency: number;
  rangeSize: number;
  resume: ResumeOptions;
}

/**
 * Reads [0, total) with up to `concurrency` ranged GETs in flight and yields the ranges in order.
 * Each range is resumable on its own. At most concurrency + 1 ranges are held in memory: the ones
 * in flight and the one the consumer is working through.
 *
 * `first` is the response for range 0, already in hand.
 */
export async function* parallelRanges(
  s3: S3Client,
  pin: Pin,
  total: number,
  first: GetObjectCommandOutput,
  { concurrency, rangeSize, resume }: ParallelOptions,
): AsyncGenerator<Buffer> {
  const count = Math.ceil(total / rangeSize);
  // Chunks are kept as received: concatenating would briefly hold every range twice.
  const fetchRange = async (index: number): Promise<Buffer[]> => {
    const start = index * rangeSize;
    const end = Math.min(start + rangeSize, total) - 1;
    const chunks: Buffer[] = [];
    for await (const chunk of new RangeStream(
      s3,
      pin,
      start,
      end,
      total,
      resume,
      index === 0 ? first : undefined,
    )) {
      chunks.push(chunk);
    }
    return chunks;
  };

  const inFlight: Promise<Buffer[]>[] = [];
  let next = 0;
  const startNext = (): void => {
    const pending = fetchRange(next++);
    // Awaited in order below; this only keeps a later failure from being reported as unhandled
    // while an earlier range is still being awaited.
    pending.catch(() => undefined);
    inFlight.push(pending);
  };
  while (next < count && inFlight.length < concurrency) startNext();
  while (inFlight.length > 0) {
    const range = await inFlight.shift()!;
    if (next < count) startNext();
    yield* range;
  }
}
