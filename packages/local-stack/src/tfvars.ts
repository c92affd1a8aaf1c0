import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TfvarsError } from './errors';

export const FUNCTIONS = ['checksum', 'metadata', 'compress', 'image-resize'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** Variables Terraform sets itself (locals.reserved_env); settings may not override them. */
export const RESERVED_ENV = [
  'OUTPUT_BUCKET',
  'OUTPUT_PREFIX',
  'TRIGGER_PREFIX',
  'TRIGGER_SUFFIX',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
];

const KEY = /^[a-z0-9][a-z0-9-]*$/;

/** The defaults are variables.tf's `optional(..., default)` values, so both worlds agree. */
const PipelineSchema = z.object({
  function: z.enum(FUNCTIONS),
  source_bucket: z.string().min(1),
  prefix: z.string().default(''),
  suffix: z.string().default(''),
  output_bucket: z.string().min(1).nullish(),
  output_prefix: z.string().default(''),
  delivery: z.enum(['direct', 'queue']).default('direct'),
  memory_mb: z.number().int().min(128).max(10240).default(512),
  timeout_s: z.number().int().min(1).max(900).default(300),
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  reserved_concurrency: z.number().int().min(0).nullish(),
  max_retries: z.number().int().min(0).max(2).default(2),
  max_event_age_s: z.number().int().min(60).max(21600).default(3600),
  batch_size: z.number().int().min(1).max(10000).default(10),
  publish: z.boolean().default(true),
  settings: z
    .record(
      z
        .string()
        .regex(/^[A-Z][A-Z0-9_]*$/, 'settings keys must match ^[A-Z][A-Z0-9_]*$')
        .refine((name) => !RESERVED_ENV.includes(name), {
          message: `settings must not set ${RESERVED_ENV.join(', ')} (Terraform sets those)`,
        }),
      z.string(),
    )
    .default({}),
});

const BucketSchema = z.object({
  force_destroy: z.boolean().default(false),
  kms_key_arn: z.string().nullish(),
  noncurrent_days: z.number().int().min(1).default(30),
});

/** Extra top-level keys (network, alarm_topic_arn, ...) belong to Terraform alone: kept, unused. */
export const TfvarsSchema = z
  .object({
    project: z.string().regex(KEY, 'project must be lowercase letters, digits and hyphens'),
    region: z.string().min(1).default('eu-west-1'),
    tags: z.record(z.string(), z.string()).default({}),
    buckets: z.record(
      z.string().regex(KEY, 'bucket keys must match ^[a-z0-9][a-z0-9-]*$'),
      BucketSchema,
    ),
    pipelines: z.record(
      z.string().regex(KEY, 'pipeline keys must match ^[a-z0-9][a-z0-9-]*$'),
      PipelineSchema,
    ),
  })
  .loose()
  .superRefine((vars, ctx) => {
    for (const [name, p] of Object.entries(vars.pipelines)) {
      const path = ['pipelines', name];
      for (const field of ['source_bucket', 'output_bucket'] as const) {
        const logical = p[field];
        if (logical && !(logical in vars.buckets)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, field],
            message: `${field} "${logical}" is not a key of buckets (use logical names, not real bucket names)`,
          });
        }
      }
      if (p.function === 'checksum' && (p.output_bucket || p.output_prefix)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message:
            'checksum writes KEY.md5 beside the source object: leave output_bucket and output_prefix unset',
        });
      }
      if (
        p.function === 'image-resize' &&
        (!p.output_bucket || p.output_bucket === p.source_bucket)
      ) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'image-resize must write to a different bucket: set output_bucket',
        });
      }
    }
  });

export type Tfvars = z.infer<typeof TfvarsSchema>;
export type PipelineVars = Tfvars['pipelines'][string];

/** Parses tfvars already read as JSON; every problem is named by its path in the file. */
export function parseTfvars(value: unknown, source = 'tfvars'): Tfvars {
  const result = TfvarsSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`,
  );
  throw new TfvarsError(`${source} is not a valid configuration: ${problems.join('; ')}`);
}

export function loadTfvars(path: string): Tfvars {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TfvarsError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TfvarsError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseTfvars(json, path);
}

/** Locally a bucket has no random suffix (Terraform adds one through bucket_prefix). */
export function realBucketName(vars: Pick<Tfvars, 'project'>, logical: string): string {
  return `${vars.project}-${logical}`.toLowerCase();
}

/** Terraform names each function, role and queue `<project>-<pipeline>`. */
export function functionName(vars: Pick<Tfvars, 'project'>, pipeline: string): string {
  return `${vars.project}-${pipeline}`;
}
