import { createCipheriv, createHash } from 'node:crypto';

/**
 * Everything random in a chaos run comes from its seed, through these two sources:
 *
 * - `draw(seed, ...parts)`: one number in [0, 1) that depends only on the seed and the parts. The
 *   fault proxy names each request by what it is (pipeline, operation, key, how many times it was
 *   seen), so the same request gets the same fate in every run with that seed, whatever the
 *   interleaving of the other pipelines' requests.
 * - `Prng`: a sequence, for planning the workload in one pass (mulberry32, seeded by `draw`).
 */
export function draw(seed: number, ...parts: (string | number)[]): number {
  const digest = createHash('sha256')
    .update(`${seed}\u0000${parts.join('\u0000')}`)
    .digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

export class Prng {
  private state: number;

  constructor(seed: number, label: string) {
    this.state = Math.floor(draw(seed, 'prng', label) * 2 ** 32) >>> 0;
  }

  /** [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the entries, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let at = this.next() * total;
    for (const [value, weight] of entries) {
      at -= weight;
      if (at < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** The items in an order that depends on the seed only. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

/**
 * `size` bytes that look random and depend only on the seed and label: AES-128-CTR over zeros,
 * which the native cipher produces at memory speed (tens of MiB in milliseconds).
 */
export function pseudoRandomBytes(seed: number, label: string, size: number): Buffer {
  const key = createHash('sha256').update(`${seed}\u0000${label}`).digest();
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}
