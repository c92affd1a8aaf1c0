/** Metadata keys every output carries, naming the object it was made from (README "The functions"). */
export const SOURCE_METADATA = {
  bucket: 'source-bucket',
  key: 'source-key',
  eTag: 'source-etag',
  versionId: 'source-version-id',
  processor: 'processor',
} as const;

/** Default resume budget: consecutive failed attempts without a byte of progress. */
export const DEFAULT_MAX_RESUMES = 5;

/** Default size of one ranged GET in parallel reads (memory is concurrency × this). */
export const DEFAULT_RANGE_SIZE = 8 * 1024 * 1024;

/** Default multipart part size for writes; lib-storage buffers queueSize × partSize at most. */
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const DEFAULT_QUEUE_SIZE = 4;
