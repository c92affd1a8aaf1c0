import type { OUTPUT_FORMATS } from './constants';

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

/** One configured size: a width (height follows the aspect ratio), or a box that FIT fills. */
export interface Size {
  width: number;
  height?: number;
}

/** What the header of the source says, read before any pixel is decoded. */
export interface SourceImage {
  /** As sharp names it: jpeg, png, webp, gif, tiff, heif. */
  format: string;
  /** Upright size (after EXIF orientation) of one frame. */
  width: number;
  height: number;
  /** Frames in the file (1 for still images). */
  pages: number;
  /** EXIF orientation tag, 1 when absent. */
  orientation: number;
  hasAlpha: boolean;
  /** True when an embedded ICC profile describes RGB pixels, so it can travel to every output. */
  rgbProfile: boolean;
}

/** One encoded output, ready to upload. */
export interface Rendition {
  size: Size;
  format: OutputFormat;
  data: Buffer;
  width: number;
  height: number;
  /** Frames written (more than 1 only for animated WebP). */
  pages: number;
}

/** `<key without ext>/manifest.json`: the complete set, written after every rendition. */
export interface Manifest {
  source: {
    bucket: string;
    key: string;
    versionId?: string;
    eTag: string;
    format: string;
    width: number;
    height: number;
    pages: number;
  };
  renditions: Array<{
    key: string;
    format: OutputFormat;
    width: number;
    height: number;
    pages: number;
    bytes: number;
    contentType: string;
  }>;
}

/** `<key>.error.json`: why an object could not be turned into renditions. */
export interface ErrorMarker {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
  error: string;
  errorType: string;
  at: string;
}
