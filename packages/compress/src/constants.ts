/** The `processor` metadata value of every archive; also how the function knows its own outputs. */
export const PROCESSOR = 'compress';

export type Format = 'zip' | 'gzip' | 'zstd';

/** What each format appends to the key, and the Content-Type the archive is stored with. */
export const FORMATS: Record<Format, { extension: string; contentType: string }> = {
  zip: { extension: '.zip', contentType: 'application/zip' },
  gzip: { extension: '.gz', contentType: 'application/gzip' },
  zstd: { extension: '.zst', contentType: 'application/zstd' },
};

/**
 * How the bytes were packed, as the archive's `compression` metadata and the report's
 * `compression` say: deflate (zip method 8, or gzip), stored (zip method 0, or gzip of stored
 * deflate blocks) or zstd.
 */
export type Compression = 'deflate' | 'stored' | 'zstd';

/**
 * How zip and gzip are deflated: `blocks` splits the input into blocks deflated on worker
 * threads (pigz's method); `stream` is one zlib stream on libuv's thread pool, the only engine
 * before blocks existed, kept so that the benchmark can measure against it in the same run.
 */
export type Engine = 'blocks' | 'stream';

/**
 * Metadata keys the archive carries beside the layer's `source-*` and `processor` keys, all
 * known before the first archive byte (the original's MD5 is not: see zipComment).
 */
export const ARCHIVE_METADATA = {
  originalSize: 'original-size',
  originalContentType: 'original-content-type',
  format: 'format',
  level: 'level',
  /** `deflate`, `stored` or `zstd` (see Compression). */
  compression: 'compression',
  /** out/in of the sample (the first block) deflated, when one was taken. */
  sampleRatio: 'sample-ratio',
  /** The STORE_ABOVE_RATIO the sample was held against. */
  storeAboveRatio: 'store-above-ratio',
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

/**
 * Deflate's window: each block is primed with this much of the input before it (pigz's method),
 * so matches reach back across block boundaries as in one stream.
 */
export const DEFLATE_WINDOW = 32 * 1024;

/** How often a long compression logs its progress. */
export const PROGRESS_EVERY_MS = 10_000;
