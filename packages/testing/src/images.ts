import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Test images, generated on the spot: no binary is committed. Pixel content is chosen so that an
 * outside decoder can tell what happened (orientation, alpha, frames).
 */

/** A JPEG with gradients and a little noise, so encoders work as they would on a photo. */
export async function photo(width: number, height: number, quality = 90): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) & 15;
      const i = (y * width + x) * 3;
      raw[i] = ((x * 255) / width + noise) & 255;
      raw[i + 1] = ((y * 255) / height + noise) & 255;
      raw[i + 2] = (96 + noise * 4) & 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
}

/**
 * A JPEG stored sideways: `width` × `height` pixels with EXIF orientation 6 (rotate 90° clockwise
 * to view), so it is `height` wide and `width` tall when shown upright.
 */
export async function sidewaysJpeg(width: number, height: number): Promise<Buffer> {
  return sharp(await photo(width, height))
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

/** A PNG whose left half is fully transparent and right half opaque red. */
export async function halfTransparentPng(width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = width / 2; x < width; x++) raw.set([255, 0, 0, 255], (y * width + x) * 4);
  }
  return sharp(raw, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

/** A GIF of `frames` solid frames (red, green, blue, ...), 100 ms each, looping. */
export async function animatedGif(width: number, height: number, frames = 3): Promise<Buffer> {
  const colours = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
  ];
  const raw = Buffer.alloc(width * height * frames * 4);
  for (let f = 0; f < frames; f++) {
    const [r, g, b] = colours[f % colours.length]!;
    for (let i = 0; i < width * height; i++)
      raw.set([r!, g!, b!, 255], (f * width * height + i) * 4);
  }
  return sharp(raw, { raw: { width, height: height * frames, channels: 4, pageHeight: height } })
    .gif({ delay: Array(frames).fill(100), loop: 0 })
    .toBuffer();
}

/** The same picture in another container. */
export function convert(
  image: Buffer,
  format: 'png' | 'webp' | 'avif' | 'tiff' | 'gif' | 'jpeg',
): Promise<Buffer> {
  return sharp(image).toFormat(format).toBuffer();
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(width: number, height: number, idat: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A decompression bomb by claim: a valid header promising `width` × `height`, a few bytes of data. */
export function pngClaiming(width: number, height: number): Buffer {
  return png(width, height, deflateSync(Buffer.alloc(64)));
}

/**
 * A real decompression bomb: a complete, valid black greyscale PNG of `width` × `height` whose
 * rows of zeros deflate about 1000:1 (12000 × 12000 is 144 MB of pixels in ~140 KB).
 */
export function solidPngBomb(width: number, height: number): Buffer {
  const row = Buffer.alloc(width + 1); // filter byte 0, then black pixels
  const rows = Buffer.alloc(row.length * height);
  return png(width, height, deflateSync(rows, { level: 9 }));
}
