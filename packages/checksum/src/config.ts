import { envList, triggerSettings, z } from '@s3-pipelines/s3-stream';

const ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;

/** The checksum function's environment, validated once at cold start. */
export const ChecksumConfigSchema = z.object({
  ...triggerSettings(),
  /** Comma-separated hashes computed in the same pass and stored as sidecar metadata. */
  EXTRA_ALGORITHMS: envList().pipe(z.array(z.enum(ALGORITHMS))),
  /**
   * Ranged GETs in flight for objects larger than one range once the read fans out: it starts on
   * one GET and fans out when the function sits waiting on it (1 = never: one streaming GET).
   */
  READ_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  /** Size of each ranged GET in MiB; memory is about (READ_CONCURRENCY + 1) × this. */
  RANGE_SIZE_MB: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * The rate an object is counted on to be read and hashed at, in MB/s (default 50, below one
   * S3 connection's ~90): an object that would not finish before the timeout at it is refused
   * with a permanent error before a byte is read, instead of timing out on every retry. 0 turns
   * the check off.
   */
  MIN_MB_PER_SECOND: z.coerce.number().min(0).default(50),
});

export type ChecksumConfig = z.infer<typeof ChecksumConfigSchema>;
export type ExtraAlgorithm = (typeof ALGORITHMS)[number];
