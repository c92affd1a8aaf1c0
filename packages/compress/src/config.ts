import { envFlag, envList, triggerSettings, z } from '@s3-pipelines/s3-stream';
import {
  COMPRESSOR_CHUNK_SIZE,
  DEFAULT_COMPRESSED_SUFFIXES,
  DEFAULT_COMPRESSED_TYPES,
} from './constants';
import { deflatedBound, zstdFramesBound } from './bounds';

const MiB = 1024 * 1024;
/** S3's most parts in one multipart upload. */
const MAX_PARTS = 10_000;

/** A key prefix: empty, or ending with `/` is typical, but any prefix is allowed. */
const prefix = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => value ?? fallback);

/** The compress function's environment, validated once at cold start. */
export const CompressConfigSchema = z
  .object({
    /** The trigger; keys are archived relative to its prefix. Default prefix `incoming/`. */
    ...triggerSettings('incoming/'),
    /** Bucket the archives go to; empty means the source object's bucket. */
    OUTPUT_BUCKET: z.string().default(''),
    /** Prefix of every archive key. Default `processed/`. */
    OUTPUT_PREFIX: prefix('processed/'),
    /** `zip` (one entry named after the original), `gzip` or `zstd`. */
    FORMAT: z
      .string()
      .trim()
      .toLowerCase()
      .default('zip')
      .pipe(z.enum(['zip', 'gzip', 'zstd'])),
    /** zlib level for zip and gzip, 0 (store) to 9 (smallest). */
    LEVEL: z.coerce.number().int().min(0).max(9).default(6),
    /** zstd level, 1 (fastest) to 19 (smallest); zstd's own default is 3. */
    ZSTD_LEVEL: z.coerce.number().int().min(1).max(19).default(3),
    /**
     * Worker threads that compress BLOCK_SIZE_KB blocks: 0 = one per vCPU (in Lambda one per
     * 1,769 MB of memory, at least one; elsewhere `os.availableParallelism()`), n = at most n.
     */
    WORKERS: z.coerce.number().int().min(0).max(64).default(0),
    /**
     * Block size in KiB (zstd: each block is one frame). Compression buffers at most
     * 2 × workers × (2 × this + 32 KiB): each thread holds a block and its output and has the
     * next block queued.
     */
    BLOCK_SIZE_KB: z.coerce.number().int().min(64).max(16384).default(1024),
    /**
     * The first block is compressed as a sample (deflate for zip and gzip, zstd for zstd); when
     * its out/in is above this ratio the whole object is stored instead (zip method 0, stored
     * deflate blocks in gzip, raw blocks in zstd), which costs no CPU and starts no compression
     * thread. 1 stores only what cannot be shrunk at all.
     */
    STORE_ABOVE_RATIO: z.coerce.number().min(0).max(1).default(0.98),
    /**
     * zip/gzip: `blocks` (parallel deflate) or `stream` (one zlib stream, as before blocks
     * existed: one core, no store decision; kept for comparison). zstd always uses blocks.
     */
    ENGINE: z
      .string()
      .trim()
      .toLowerCase()
      .default('blocks')
      .pipe(z.enum(['blocks', 'stream'])),
    /** ENGINE=stream: the stream's coalesced writes and output chunks, in KiB (16 = zlib's). */
    STREAM_CHUNK_KB: z.coerce
      .number()
      .int()
      .min(16)
      .max(16384)
      .default(COMPRESSOR_CHUNK_SIZE / 1024),
    /**
     * The compression rate per vCPU the function counts on: an object that would not finish
     * within the invocation's remaining time at this rate fails permanently before it is read,
     * instead of timing out on every retry. 0 turns the check off.
     */
    MIN_MB_PER_SECOND_PER_VCPU: z.coerce.number().min(0).default(10),
    /** Set by Lambda; the function's vCPUs follow from it (one per 1,769 MB). */
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: z.coerce.number().int().min(1).optional(),
    /** Delete the original once the archive is written and verified. */
    DELETE_SOURCE: envFlag(true),
    /** Skip objects that are already compressed (by suffix or content type). */
    SKIP_COMPRESSED: envFlag(true),
    /** Suffixes treated as already compressed (comma-separated, any case). */
    COMPRESSED_SUFFIXES: envList(DEFAULT_COMPRESSED_SUFFIXES.join(',')),
    /** Content types treated as already compressed; `image/*` matches a family. */
    COMPRESSED_CONTENT_TYPES: envList(DEFAULT_COMPRESSED_TYPES.join(',')),
    /**
     * Larger objects fail permanently before any byte is read, and stay where they are: beyond
     * what one invocation compresses within Lambda's 15 minutes they would only time out, be
     * retried and time out again. Default 5 GiB.
     */
    MAX_INPUT_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(5 * 1024 ** 3),
    /** Ranged GETs in flight for objects larger than one range (1 = a single streaming GET). */
    READ_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    /** Size of each ranged GET in MiB; read memory is about (READ_CONCURRENCY + 1) × this. */
    RANGE_SIZE_MB: z.coerce.number().int().min(1).max(64).default(8),
    /**
     * Multipart part size of the archive upload in MiB. Default 5, S3's minimum and lib-storage's
     * own default: lib-storage holds UPLOAD_QUEUE_SIZE parts in flight and gathers the next one
     * (a copy of its pieces), so the part size sets most of the upload's memory. It caps the
     * archive at 10,000 parts (48.8 GiB at 5 MiB).
     */
    PART_SIZE_MB: z.coerce.number().int().min(5).max(512).default(5),
    /** Parts uploaded at once; upload memory is about UPLOAD_QUEUE_SIZE × PART_SIZE_MB. */
    UPLOAD_QUEUE_SIZE: z.coerce.number().int().min(1).max(16).default(4),
  })
  .refine((c) => c.OUTPUT_PREFIX !== '' || c.OUTPUT_BUCKET !== '', {
    path: ['OUTPUT_PREFIX'],
    message: 'must not be empty when OUTPUT_BUCKET is unset (archives would land among sources)',
  })
  // An input that does not shrink makes an archive a little larger than itself (zstd's frames
  // more so than deflate's): refused at cold start rather than failing at part 10,001 after
  // most of the work.
  .refine(
    (c) =>
      (c.FORMAT === 'zstd' ? zstdFramesBound : deflatedBound)(
        c.MAX_INPUT_BYTES,
        c.BLOCK_SIZE_KB * 1024,
      ) <=
      MAX_PARTS * c.PART_SIZE_MB * MiB,
    {
      path: ['MAX_INPUT_BYTES'],
      message: `its archive could need more than ${MAX_PARTS} parts of PART_SIZE_MB: raise PART_SIZE_MB or lower MAX_INPUT_BYTES`,
    },
  );

export type CompressConfig = z.infer<typeof CompressConfigSchema>;
