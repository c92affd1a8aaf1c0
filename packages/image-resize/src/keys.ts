import { ERROR_MARKER_SUFFIX, MANIFEST_NAME, OUTPUT_FORMATS } from './constants';
import type { OutputFormat, Size } from './types';

/**
 * The key without the extension of its last segment: `a/b/cat.jpg` -> `a/b/cat`. A leading dot is
 * a name, not an extension (`a/.hidden` stays), and a key without a dot stays as it is.
 */
export function stemOf(key: string): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  return dot > slash + 1 ? key.slice(0, dot) : key;
}

/** `640w` for a width, `200x200` for a box. */
export function sizeLabel(size: Size): string {
  return size.height === undefined ? `${size.width}w` : `${size.width}x${size.height}`;
}

/** `<prefix><key without ext>/<640w|200x200>.<webp|avif|jpg|png>` */
export function renditionKey(
  prefix: string,
  key: string,
  size: Size,
  format: OutputFormat,
): string {
  return `${prefix}${stemOf(key)}/${sizeLabel(size)}.${OUTPUT_FORMATS[format].extension}`;
}

/** `<prefix><key without ext>/manifest.json`, written after every rendition of the set. */
export function manifestKey(prefix: string, key: string): string {
  return `${prefix}${stemOf(key)}/${MANIFEST_NAME}`;
}

/** `<prefix><key>.error.json` (the full key: two sources with one stem fail separately). */
export function errorMarkerKey(prefix: string, key: string): string {
  return `${prefix}${key}${ERROR_MARKER_SUFFIX}`;
}
