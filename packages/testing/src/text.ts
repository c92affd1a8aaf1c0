/** Deterministic English-like text: words, numbers and punctuation in lines of varying length. */
const WORDS = (
  'the of and to in is was that for on with as by at from this be are or an which have not ' +
  'were but his they all her she there their one been has more if will would who when its ' +
  'report invoice total amount customer order shipped pending region north south east west ' +
  'quarter revenue margin delta status approved rejected review bucket object stream archive'
).split(' ');

/** A small seeded PRNG (mulberry32), so every run produces the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One block of CSV-ish log text, about `size` bytes, ending with a newline. */
export function textBlock(size: number, seed = 1): Buffer {
  const random = prng(seed);
  const lines: string[] = [];
  let length = 0;
  for (let n = 1; length < size; n++) {
    const words = Array.from(
      { length: 4 + Math.floor(random() * 12) },
      () => WORDS[Math.floor(random() * WORDS.length)],
    );
    const line = `${n},2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(
      1 + Math.floor(random() * 28),
    ).padStart(2, '0')},${(random() * 100000).toFixed(2)},${words.join(' ')}\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, size);
}

/**
 * `size` bytes of text, built from 4 MiB blocks with different seeds repeated as needed (a repeat
 * is far outside deflate's 32 KiB window, so it compresses like fresh text).
 */
export function textBytes(size: number): Buffer {
  const blockSize = 4 * 1024 * 1024;
  const blocks = [1, 2, 3, 4].map((seed) => textBlock(Math.min(blockSize, size), seed));
  const out = Buffer.allocUnsafe(size);
  for (let at = 0, i = 0; at < size; at += blockSize, i++) {
    blocks[i % blocks.length]!.copy(out, at, 0, Math.min(blockSize, size - at));
  }
  return out;
}
