import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import type { Images } from './images';
import { Prng, pseudoRandomBytes } from './random';
import type { VersionPlan } from './types';

const WORDS = [
  'alpha',
  'bravo',
  'charlie',
  'delta',
  'echo',
  'données',
  'été',
  '東京',
  'ταχύ',
  'быстро',
  'a+b',
  '100%',
  'q&a',
];

/** Text that compresses like a log: numbered lines of words, exactly `size` bytes long. */
function text(seed: number, label: string, size: number): Buffer {
  const random = new Prng(seed, label);
  const chunks: Buffer[] = [];
  let length = 0;
  for (let line = 1; length < size; line++) {
    const words = Array.from({ length: random.int(3, 12) }, () => random.pick(WORDS));
    const chunk = Buffer.from(`${line}\t${words.join(' ')}\n`, 'utf8');
    chunks.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(chunks).subarray(0, size);
}

/**
 * Writes one version's bytes to `file`, from the seed (text, random), a tool we did not write
 * (gzip) or an image made for the run (images.ts).
 */
export function writeContent(
  file: string,
  plan: VersionPlan,
  seed: number,
  label: string,
  images: Images,
): void {
  switch (plan.kind) {
    case 'folder':
      return writeFileSync(file, Buffer.alloc(0));
    case 'random':
      return writeFileSync(file, pseudoRandomBytes(seed, label, plan.size));
    case 'text':
      return writeFileSync(file, text(seed, label, plan.size));
    case 'gzip':
      // Already compressed: compress must leave it alone, and gzip -t still pass on it.
      return writeFileSync(
        file,
        execFileSync('gzip', ['-c', '-n', '-6'], { input: text(seed, label, plan.size) }),
      );
    case 'jpeg':
    case 'png':
      return copyFileSync(images[plan.kind][plan.image ?? 0]!, file);
  }
}
