import type { Compression } from './constants';

export interface StoreDecision {
  compression: Compression;
  /** out/in of the compressed sample, rounded to 4 places; undefined when nothing was sampled. */
  sampleRatio?: number;
}

/**
 * Compress or store, from a sample: the first block compressed at the object's level (deflate
 * for zip and gzip, zstd for zstd). Above `storeAboveRatio` (out/in) the sample did not shrink
 * enough to be worth the CPU, and the object is stored; random, encrypted and already-compressed
 * data deflate to about 1.0003 and zstd to about 1.0001. Level 0 (zip, gzip) means stored
 * without a sample; so does an empty object (there is nothing to sample).
 */
export function storeDecision(
  level: number,
  sample: { in: number; out: number } | undefined,
  storeAboveRatio: number,
  compressed: Extract<Compression, 'deflate' | 'zstd'> = 'deflate',
): StoreDecision {
  if (level === 0 || !sample || sample.in === 0) return { compression: 'stored' };
  const sampleRatio = Number((sample.out / sample.in).toFixed(4));
  return {
    compression: sample.out / sample.in > storeAboveRatio ? 'stored' : compressed,
    sampleRatio,
  };
}
