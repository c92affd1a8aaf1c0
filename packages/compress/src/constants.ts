/** The `processor` metadata value of every archive; also how the function knows its own outputs. */
export const PROCESSOR = 'compress';

export type Format = 'zip' | 'gzip';

/** What each format appends to the key, and the Content-Type the archive is stored with. */
export const FORMATS: Record<Format, { extension: string; contentType: string }> = {
  zip: { extension: '.zip', contentType: 'application/zip' },
  gzip: { extension: '.gz', contentType: 'application/gzip' },
};

/** Metadata keys the archive carries beside the layer's `source-*` and `processor` keys. */
export const ARCHIVE_METADATA = {
  originalSize: 'original-size',
  originalContentType: 'original-content-type',
  /** Hex MD5 of the original bytes, computed while they streamed through the compressor. */
  originalMd5: 'original-md5',
  format: 'format',
  level: 'level',
} as const;

/** Suffixes (lower case) of files that are already compressed archives. */
export const DEFAULT_COMPRESSED_SUFFIXES = [
  '.zip',
  '.gz',
  '.tgz',
  '.bz2',
  '.tbz2',
  '.xz',
  '.txz',
  '.zst',
  '.lz4',
  '.lzma',
  '.br',
  '.7z',
  '.rar',
];

/** Content types of already-compressed archives; `type/*` matches a whole family. */
export const DEFAULT_COMPRESSED_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-bzip2',
  'application/x-xz',
  'application/zstd',
  'application/x-zstd',
  'application/x-lz4',
  'application/x-7z-compressed',
  'application/vnd.rar',
  'application/x-rar-compressed',
];

/**
 * Output chunk of the deflate stream. zlib's default (16 KiB) makes its worker thread wait for the
 * main thread after every 16 KiB of output; while the main thread hashes, uploads or collects
 * garbage, deflate stalls. Incompressible data produces as many bytes as it takes in, so this
 * round trip decided its throughput (measured in the compress benchmark, see docs/compress.md).
 */
export const COMPRESSOR_CHUNK_SIZE = 2 * 1024 * 1024;

/** How often a long compression logs its progress. */
export const PROGRESS_EVERY_MS = 10_000;
