import { PermanentError } from '@s3-pipelines/s3-stream';

/**
 * The object cannot become renditions, and never will: retrying the same bytes gives the same
 * answer. The handler logs it with `retryable: false`; the core records it in an error marker.
 */
export class ImageError extends PermanentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImageError';
  }
}

/** Zero bytes, or bytes no decoder recognises (whatever the key's extension says). */
export class NotAnImageError extends ImageError {
  constructor(key: string, detail: string) {
    super(`${key} is not an image: ${detail}`);
    this.name = 'NotAnImageError';
  }
}

/** An image in a format this function does not accept (SVG, PDF, HEIC with HEVC, ...). */
export class UnsupportedImageError extends ImageError {
  constructor(key: string, format: string) {
    super(`${key} is ${format}, which image-resize does not accept`);
    this.name = 'UnsupportedImageError';
  }
}

/** The header promises more pixels than MAX_INPUT_PIXELS: refused before any decoding. */
export class ImageTooLargeError extends ImageError {
  constructor(key: string, limit: number, pixels?: number) {
    super(
      pixels === undefined
        ? `${key} has more than ${limit} pixels`
        : `${key} has ${pixels} pixels, over the limit of ${limit} pixels`,
    );
    this.name = 'ImageTooLargeError';
  }
}

/** The decoder gave up: truncated data, a broken stream, invalid headers. */
export class CorruptImageError extends ImageError {
  constructor(key: string, cause: unknown) {
    super(`${key} could not be decoded: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'CorruptImageError';
  }
}

/** Decoded, but one rendition could not be encoded (e.g. a size the format cannot hold). */
export class RenderError extends ImageError {
  constructor(key: string, rendition: string, cause: unknown) {
    super(
      `${key}: ${rendition} could not be encoded: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'RenderError';
  }
}

/**
 * What a sharp failure means for `key`. sharp reports everything as a plain Error, so its message
 * is all there is to go on; every failure of the image itself is permanent.
 */
export function imageErrorFrom(key: string, error: unknown, maxPixels: number): ImageError {
  if (error instanceof ImageError) return error;
  const message = (error as Error)?.message ?? String(error);
  if (/unsupported image format/i.test(message))
    return new NotAnImageError(key, 'no decoder recognises its bytes');
  if (/buffer is empty/i.test(message)) return new NotAnImageError(key, 'it is empty');
  if (/exceeds pixel limit/i.test(message)) return new ImageTooLargeError(key, maxPixels);
  return new CorruptImageError(key, error);
}
