import { envFlag, envList, triggerSettings, z } from '@s3-pipelines/s3-stream';
import { DEFAULT_COMPRESSED_SUFFIXES, DEFAULT_COMPRESSED_TYPES } from './constants';

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
    /** `zip` (one deflated entry named after the original) or `gzip`. */
    FORMAT: z
      .string()
      .trim()
      .toLowerCase()
      .default('zip')
      .pipe(z.enum(['zip', 'gzip'])),
    /** zlib level, 0 (store) to 9 (smallest). */
    LEVEL: z.coerce.number().int().min(0).max(9).default(6),
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
    /** Multipart part size of the archive upload in MiB (S3's minimum is 5). */
    PART_SIZE_MB: z.coerce.number().int().min(5).max(512).default(8),
    /** Parts uploaded at once; upload memory is about UPLOAD_QUEUE_SIZE × PART_SIZE_MB. */
    UPLOAD_QUEUE_SIZE: z.coerce.number().int().min(1).max(16).default(4),
  })
  .refine((c) => c.OUTPUT_PREFIX !== '' || c.OUTPUT_BUCKET !== '', {
    path: ['OUTPUT_PREFIX'],
    message: 'must not be empty when OUTPUT_BUCKET is unset (archives would land among sources)',
  });

export type CompressConfig = z.infer<typeof CompressConfigSchema>;
