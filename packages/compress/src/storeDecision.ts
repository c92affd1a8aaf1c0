import type { Compression } from './constants';

export interface StoreDecision {
  compression: Extract<Compression, 'deflate' | 'stored'>;
  /** out/in of the deflated sample, rounded to 4 places; undefined when nothing was sampled. */
  sampleRatio?: number;
}

/**
 * Deflate or store, from a sample: the first block deflated at the object's level. Above
 * `storeAboveRatio` (out/in) the sample did not shrink enough to be worth the CPU, and the
 * object is stored; random, encrypted and already-compressed data deflate to about 1.0003.
 * Level 0 means stored without a sample; so does an empty object (there is nothing to sample).
 */
export function storeDecision(
  level: number,
  sample: { in: number; out: number } | undefined,
  storeAboveRatio: number,
): StoreDecision {
  if (level === 0 || !sample || sample.in === 0) return { compression: 'stored' };
  const sampleRatio = Number((sample.out / sample.in).toFixed(4));
  return {
    compression: sample.out / sample.in > storeAboveRatio ? 'stored' : 'deflate',
    sampleRatio,
  };
}
