import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The images a run uploads, by format; a planned version names one by its index. */
export type Images = Record<'jpeg' | 'png', string[]>;

/** Images per format: the workload picks among this many. */
export const IMAGES_PER_FORMAT = 3;

/**
 * Makes the run's images once with ImageMagick (`convert`, seeded, so the same seed gives the
 * same bytes) beside the committed sample photo: small and large, opaque and with alpha.
 */
export function makeImages(dir: string, seed: number, samplePhoto: string): Images {
  mkdirSync(dir, { recursive: true });
  const convert = (name: string, args: string[]) => {
    const file = join(dir, name);
    execFileSync('convert', ['-seed', String(seed), ...args, file], { stdio: 'pipe' });
    return file;
  };
  const sample = join(dir, 'sample.jpg');
  copyFileSync(samplePhoto, sample);
  return {
    jpeg: [
      sample,
      convert('plasma.jpg', ['-size', '640x480', 'plasma:fractal', '-quality', '85']),
      convert('gradient.jpg', ['-size', '1200x900', 'gradient:navy-orange', '-quality', '80']),
    ],
    png: [
      convert('alpha.png', [
        '-size',
        '300x200',
        'xc:none',
        '-fill',
        'rgba(200,30,30,0.8)',
        '-draw',
        'circle 150,100 150,10',
      ]),
      convert('plasma.png', ['-size', '800x600', 'plasma:', '-depth', '8']),
      convert('checker.png', ['-size', '64x48', 'pattern:checkerboard']),
    ],
  };
}
