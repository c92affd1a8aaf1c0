import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import type { ImageResizeConfig } from './config';
import { INPUT_FORMATS, OUTPUT_FORMATS } from './constants';
import {
  ImageTooLargeError,
  NotAnImageError,
  RenderError,
  UnsupportedImageError,
  imageErrorFrom,
} from './errors';
import { sizeLabel } from './keys';
import type { OutputFormat, Rendition, Size, SourceImage } from './types';

export type RenderOptions = Pick<
  ImageResizeConfig,
  | 'WIDTHS'
  | 'FORMATS'
  | 'QUALITY'
  | 'AVIF_EFFORT'
  | 'FIT'
  | 'NO_UPSCALE'
  | 'MAX_INPUT_PIXELS'
  | 'BACKGROUND'
  | 'KEEP_METADATA'
  | 'ANIMATED'
>;

const ANIMATABLE_INPUTS = new Set(['gif', 'webp']);
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

/**
 * Reads the header only (no pixel is decoded) and refuses what must not be decoded: empty or
 * unknown bytes, formats we do not accept, and images over the pixel limit, however small the
 * file (a decompression bomb is a few bytes claiming a huge size).
 */
export async function inspectImage(
  key: string,
  data: Buffer,
  options: Pick<RenderOptions, 'MAX_INPUT_PIXELS' | 'ANIMATED' | 'FORMATS'>,
): Promise<SourceImage> {
  if (data.length === 0) throw new NotAnImageError(key, 'it is empty (0 bytes)');
  let meta: Metadata;
  try {
    // Header only: no pixel is decoded, so sharp's own limit is lifted to count them exactly.
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw imageErrorFrom(key, error, options.MAX_INPUT_PIXELS);
  }
  const format = meta.format as string;
  if (!(INPUT_FORMATS as readonly string[]).includes(format))
    throw new UnsupportedImageError(key, format);
  if (format === 'heif' && meta.compression !== 'av1')
    throw new UnsupportedImageError(key, `HEIF with ${meta.compression ?? 'unknown'} compression`);

  const pages = meta.pages ?? 1;
  const frameHeight = meta.pageHeight ?? meta.height;
  const upright = (meta.orientation ?? 1) >= 5;
  const width = upright ? frameHeight : meta.width;
  const height = upright ? meta.width : frameHeight;
  const source: SourceImage = {
    format,
    width,
    height,
    pages,
    orientation: meta.orientation ?? 1,
    hasAlpha: meta.hasAlpha,
    rgbProfile: meta.hasProfile === true && (meta.space === 'srgb' || meta.space === 'rgb16'),
  };
  const pixels = width * height * (decodesAnimation(source, options) ? pages : 1);
  if (pixels > options.MAX_INPUT_PIXELS)
    throw new ImageTooLargeError(key, options.MAX_INPUT_PIXELS, pixels);
  return source;
}

/** Whether every frame is decoded: an animated source and an output format that can animate. */
export function decodesAnimation(
  source: Pick<SourceImage, 'format' | 'pages'>,
  options: Pick<RenderOptions, 'ANIMATED' | 'FORMATS'>,
): boolean {
  return (
    options.ANIMATED &&
    source.pages > 1 &&
    ANIMATABLE_INPUTS.has(source.format) &&
    options.FORMATS.some((f) => OUTPUT_FORMATS[f].animation)
  );
}

/**
 * The scale of the one decode every rendition is made from: large enough for the largest
 * rendition, never larger than the source (an allowed upscale happens per rendition).
 */
export function baseScale(
  source: Pick<SourceImage, 'width' | 'height'>,
  sizes: Size[],
  fit: RenderOptions['FIT'],
): number {
  const needed = sizes.map((size) => {
    const sx = size.width / source.width;
    if (size.height === undefined) return sx;
    const sy = size.height / source.height;
    return fit === 'contain' || fit === 'inside' ? Math.min(sx, sy) : Math.max(sx, sy);
  });
  return Math.min(1, Math.max(...needed));
}

/** The encoder settings every rendition of `format` uses. */
export function encode(pipeline: Sharp, format: OutputFormat, options: RenderOptions): Sharp {
  switch (format) {
    case 'webp':
      return pipeline.webp({ quality: options.QUALITY });
    case 'avif':
      // 4:2:0 as libvips' own heifsave chooses below Q 90; sharp's default 4:4:4 costs ~35% more.
      return pipeline.avif({
        quality: options.QUALITY,
        effort: options.AVIF_EFFORT,
        chromaSubsampling: '4:2:0',
      });
    case 'jpeg':
      return pipeline.jpeg({ quality: options.QUALITY });
    case 'png':
      return pipeline.png();
  }
}

/** A decoded image on local disk, in libvips' native format, and what it was decoded from. */
export interface DecodedImage {
  key: string;
  path: string;
  source: SourceImage;
  animated: boolean;
  /** Removes the temporary file. */
  dispose(): Promise<void>;
}

/**
 * The one decode: EXIF orientation applied, shrunk (using the decoder's shrink-on-load where the
 * format has one) to the size the largest rendition needs, and kept with its metadata (ICC
 * profile, EXIF, frames and delays) as an uncompressed libvips `.v` file that every rendition
 * reads. Its size is base width × height × channels × frames.
 */
export async function decodeOnce(
  key: string,
  data: Buffer,
  source: SourceImage,
  options: RenderOptions,
): Promise<DecodedImage> {
  const animated = decodesAnimation(source, options);
  const scale = baseScale(source, options.WIDTHS, options.FIT);
  const dir = await mkdtemp(join(tmpdir(), 'image-resize-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'decoded.v');
  try {
    let pipeline = sharp(data, {
      failOn: 'error',
      limitInputPixels: options.MAX_INPUT_PIXELS,
      animated,
    }).autoOrient();
    if (scale < 1) {
      pipeline = pipeline.resize({
        width: Math.ceil(source.width * scale),
        height: Math.ceil(source.height * scale),
        fit: 'fill',
      });
    }
    await pipeline.keepMetadata().toFile(path);
  } catch (error) {
    await dispose();
    throw imageErrorFrom(key, error, options.MAX_INPUT_PIXELS);
  }
  return { key, path, source, animated, dispose };
}

/** Encodes one rendition from the decoded image. */
export async function renderOne(
  decoded: DecodedImage,
  size: Size,
  format: OutputFormat,
  options: RenderOptions,
): Promise<Rendition> {
  const traits = OUTPUT_FORMATS[format];
  const animated = decoded.animated && traits.animation;
  const alpha = decoded.source.hasAlpha && traits.alpha;
  let pipeline = sharp(decoded.path, { animated, limitInputPixels: false }).resize({
    width: size.width,
    height: size.height,
    fit: options.FIT,
    withoutEnlargement: options.NO_UPSCALE,
    background: alpha ? TRANSPARENT : options.BACKGROUND,
  });
  if (decoded.source.hasAlpha && !traits.alpha)
    pipeline = pipeline.flatten({ background: options.BACKGROUND });
  if (options.KEEP_METADATA) pipeline = pipeline.keepMetadata();
  else if (decoded.source.rgbProfile) pipeline = pipeline.keepIccProfile();
  let encoded: { data: Buffer; info: OutputInfo };
  try {
    encoded = await encode(pipeline, format, options).toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new RenderError(decoded.key, `${sizeLabel(size)}.${traits.extension}`, error);
  }
  const { data, info } = encoded;
  const pages = animated ? (info.pages ?? 1) : 1;
  return {
    size,
    format,
    data,
    width: info.width,
    height: pages > 1 && info.pageHeight ? info.pageHeight : info.height,
    pages,
  };
}

/** Every configured size in every configured format, from one decode, one at a time. */
export async function* renderAll(
  decoded: DecodedImage,
  options: RenderOptions,
): AsyncGenerator<Rendition> {
  for (const size of options.WIDTHS)
    for (const format of options.FORMATS) yield await renderOne(decoded, size, format, options);
}
