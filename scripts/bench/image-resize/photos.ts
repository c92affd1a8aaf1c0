import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type sharpType from '../../../packages/image-resize/node_modules/sharp';

// sharp is a dependency of packages/image-resize only.
const sharp = createRequire(
  join(__dirname, '..', '..', '..', 'packages', 'image-resize', 'package.json'),
)('sharp') as typeof sharpType;

/**
 * Photo-like JPEGs (smooth gradients, a few shapes, sensor-like noise), generated once and kept
 * in .bench: encoders do realistic work on them, unlike on flat colour or pure noise.
 */
export async function generatePhotos(
  dir: string,
  count: number,
  width: number,
  height: number,
): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let n = 0; n < count; n++) {
    const file = join(dir, `photo-${n}-${width}x${height}.jpg`);
    files.push(file);
    if (existsSync(file)) continue;
    const raw = Buffer.alloc(width * height * 3);
    let seed = 12345 + n;
    const cx = width * (0.3 + 0.05 * n);
    const cy = height * 0.5;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const noise = ((seed >> 16) & 15) - 8;
        const d = Math.hypot(x - cx, y - cy) / height;
        const sky = y < height * 0.55;
        const i = (y * width + x) * 3;
        const base = sky
          ? [90 + (y * 100) / height, 140 + (y * 60) / height, 230 - (y * 40) / height]
          : [120 + 40 * Math.sin(x / 97 + n), 100 + 30 * Math.cos(y / 53), 60 + (x * 40) / width];
        const sun = d < 0.12 ? 80 : 0;
        raw[i] = Math.max(0, Math.min(255, base[0]! + sun + noise));
        raw[i + 1] = Math.max(0, Math.min(255, base[1]! + sun * 0.8 + noise));
        raw[i + 2] = Math.max(0, Math.min(255, base[2]! + noise));
      }
    }
    await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 92 })
      .toFile(file);
  }
  return files;
}
