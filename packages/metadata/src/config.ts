import { triggerSettings, z } from '@s3-pipelines/s3-stream';

/** The metadata function's environment, validated once at cold start. */
export const MetadataConfigSchema = z.object({
  ...triggerSettings(),
  /** Bucket for records; empty means beside the source object. */
  OUTPUT_BUCKET: z.string().default(''),
  /** Prefix put in front of `<key>.metadata.json`. */
  OUTPUT_PREFIX: z.string().default(''),
});

export type MetadataConfig = z.infer<typeof MetadataConfigSchema>;

export const RECORD_SUFFIX = '.metadata.json';
