/** The `processor` every output names in its metadata; also the recursion guard's marker. */
export const PROCESSOR = 'image-resize';

/** Written last under `<OUTPUT_PREFIX><key without ext>/`: its presence means the set is complete. */
export const MANIFEST_NAME = 'manifest.json';

/** Suffix of the marker recording a permanent failure: `<OUTPUT_PREFIX><key>.error.json`. */
export const ERROR_MARKER_SUFFIX = '.error.json';

/** Output formats: file extension, content type, and what the container can carry. */
export const OUTPUT_FORMATS = {
  webp: { extension: 'webp', contentType: 'image/webp', alpha: true, animation: true },
  avif: { extension: 'avif', contentType: 'image/avif', alpha: true, animation: false },
  jpeg: { extension: 'jpg', contentType: 'image/jpeg', alpha: false, animation: false },
  png: { extension: 'png', contentType: 'image/png', alpha: true, animation: false },
} as const;

/**
 * Input formats accepted, as sharp names them (content sniffing, never the key's extension).
 * `heif` covers AVIF; HEIC (HEVC) is refused because sharp's prebuilt libvips cannot decode it.
 */
export const INPUT_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif'] as const;

/** Largest rendition edge: WebP cannot exceed 16383, and renditions this big are not thumbnails. */
export const MAX_RENDITION_EDGE = 8192;

/** Default settings (see docs/image-resize.md). */
export const DEFAULT_WIDTHS = '320,640,1280';
export const DEFAULT_FORMATS = 'webp,avif,jpeg';
export const DEFAULT_MAX_INPUT_PIXELS = 100_000_000;
export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;
