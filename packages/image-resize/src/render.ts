import sharp, { type AnimationOptions, type Metadata, type OutputInfo, type Sharp } from 'sharp';
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

/**
 * The encoder settings every rendition of `format` uses. `animation` (frame delays and loop
 * count) applies to an animated WebP.
 */
export function encode(
  pipeline: Sharp,
  format: OutputFormat,
  options: RenderOptions,
  animation: AnimationOptions = {},
): Sharp {
  switch (format) {
    case 'webp':
      return pipeline.webp({ quality: options.QUALITY, ...animation });
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

/** A decoded image held in memory, and what it was decoded from. */
export interface DecodedImage {
  key: string;
  /**
   * The decoded pixels in an uncompressed container: PNG for a still image (keeps the ICC
   * profile, EXIF and XMP), a multi-page TIFF for an animation (keeps the frames, the ICC
   * profile and XMP). Empty after `dispose()`.
   */
  data: Buffer;
  source: SourceImage;
  animated: boolean;
  /** Frame delays and loop count of an animation, from the source's header (TIFF has neither). */
  animation: AnimationOptions;
  /** Drops the decoded pixels (nothing is on disk). */
  dispose(): Promise<void>;
}

/**
 * The one decode: EXIF orientation applied, shrunk (using the decoder's shrink-on-load where the
 * format has one) to the size the largest rendition needs, and kept in memory with its metadata
 * as an uncompressed PNG (still) or multi-page TIFF (animated) that every rendition reads.
 * Nothing is written to disk. Its size is about base width × height × channels × frames.
 */
export async function decodeOnce(
  key: string,
  data: Buffer,
  source: SourceImage,
  options: RenderOptions,
): Promise<DecodedImage> {
  const animated = decodesAnimation(source, options);
  const scale = baseScale(source, options.WIDTHS, options.FIT);
  let decoded: Buffer;
  const animation: AnimationOptions = {};
  try {
    let pipeline = sharp(data, {
      failOn: 'error',
      limitInputPixels: options.MAX_INPUT_PIXELS,
      animated,
    });
    if (animated) {
      const { delay, loop } = await pipeline.metadata();
      if (delay && delay.length === source.pages) animation.delay = delay;
      if (loop !== undefined) animation.loop = loop;
    }
    pipeline = pipeline.autoOrient();
    if (scale < 1) {
      pipeline = pipeline.resize({
        width: Math.ceil(source.width * scale),
        height: Math.ceil(source.height * scale),
        fit: 'fill',
      });
    }
    pipeline = pipeline.keepMetadata();
    // Uncompressed: the container is only a way to keep pixels and metadata together in memory.
    pipeline = animated
      ? pipeline.tiff({ compression: 'none' })
      : pipeline.png({ compressionLevel: 0, adaptiveFiltering: false });
    decoded = await pipeline.toBuffer();
  } catch (error) {
    throw imageErrorFrom(key, error, options.MAX_INPUT_PIXELS);
  }
  const image: DecodedImage = {
    key,
    data: decoded,
    source,
    animated,
    animation,
    dispose: () => {
      image.data = Buffer.alloc(0);
      return Promise.resolve();
    },
  };
  return image;
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
  let pipeline = sharp(decoded.data, { animated, limitInputPixels: false }).resize({
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
    encoded = await encode(pipeline, format, options, animated ? decoded.animation : {}).toBuffer({
      resolveWithObject: true,
    });
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
