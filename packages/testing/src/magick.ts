import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * ImageMagick (Debian's `imagemagick`), the decoder that judges our outputs: expected values never
 * come from sharp, which made them.
 */

function withFile<T>(bytes: Buffer, name: string, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'magick-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Identified {
  width: number;
  height: number;
  /** ImageMagick's format name: JPEG, WEBP, PNG, GIF, HEIC (its name for AVIF too). */
  format: string;
  /** Frames ImageMagick decoded. */
  frames: number;
  /** `srgb`, `srgba`, `gray`, ... */
  channels: string;
  /** EXIF orientation tag, empty when there is none. */
  orientation: string;
}

/** `identify -format "%w %h %m %[channels] %[EXIF:Orientation]"`, one line per frame. */
export function identify(bytes: Buffer): Identified {
  return withFile(bytes, 'image', (path) => {
    const run = spawnSync(
      'identify',
      ['-format', '%w %h %m %[channels] |%[EXIF:Orientation]|\\n', path],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`identify failed: ${run.stderr}`);
    const lines = run.stdout.trim().split('\n');
    const [size, orientation] = lines[0]!.split('|');
    const [width, height, format, channels] = size!.trim().split(' ');
    return {
      width: Number(width),
      height: Number(height),
      format: format!,
      frames: lines.length,
      channels: channels!,
      orientation: orientation ?? '',
    };
  });
}

/** The colour ImageMagick reads at (x, y), e.g. `srgb(255,255,255)`. */
export function pixelAt(bytes: Buffer, x: number, y: number): string {
  return withFile(bytes, 'image', (path) =>
    execFileSync('convert', [`${path}[0]`, '-format', `%[pixel:p{${x},${y}}]`, 'info:'], {
      encoding: 'utf8',
    }).trim(),
  );
}

/** The ISO-BMFF brand of an AVIF/HEIF file (`avif`, `heic`), which names the codec inside. */
export function brandOf(bytes: Buffer): string {
  return bytes.subarray(8, 12).toString('latin1');
}

/** A JPEG converted by ImageMagick into HEIC (HEVC): the iPhone format sharp's prebuilt refuses. */
export function heicFrom(jpeg: Buffer): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'magick-'));
  try {
    writeFileSync(join(dir, 'in.jpg'), jpeg);
    execFileSync('convert', [join(dir, 'in.jpg'), join(dir, 'out.heic')]);
    return readFileSync(join(dir, 'out.heic'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
