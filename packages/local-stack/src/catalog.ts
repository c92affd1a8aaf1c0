import { z } from 'zod';
import catalogJson from '../../../terraform/catalog.json';

/**
 * terraform/catalog.json, the one place that says what each function writes and needs and what
 * every pipeline field may hold. Terraform reads the same file (locals.tf), so the local stack
 * and a deploy route, default and refuse configs alike.
 */
const FieldSchema = z.object({
  type: z.enum(['string', 'number', 'bool', 'map', 'list']),
  required: z.boolean().optional(),
  default: z.unknown().optional(),
  one_of: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});

const FunctionSchema = z.object({
  layers: z.array(z.string()),
  /** beside-source: KEY.out next to KEY; configurable: output_bucket/prefix; other-bucket: must differ. */
  output_location: z.enum(['beside-source', 'configurable', 'other-bucket']),
  /** How every output key starts: the trigger prefix, output_prefix+prefix, or output_prefix. */
  output_key_prefix: z.enum(['prefix', 'output_prefix+prefix', 'output_prefix']),
  /** Output keys end with the source key (so with its trigger suffix) plus the output suffix. */
  output_keeps_key: z.boolean(),
  /** Output suffix by settings.FORMAT ("" = default); empty = unknown (could end with anything). */
  output_suffixes: z.record(z.string(), z.string()),
  source_actions: z.array(z.string()),
  output_actions: z.array(z.string()),
  list: z.array(z.enum(['source', 'output'])),
});

const CatalogSchema = z.object({
  max_pipelines: z.number().int().min(1),
  /** EMF namespace root; each project's functions publish under `<this>/<project>`. */
  metrics_namespace: z.string().min(1),
  pipeline_fields: z.record(z.string(), FieldSchema),
  bucket_fields: z.record(z.string(), FieldSchema),
  network_fields: z.record(z.string(), FieldSchema),
  reserved_settings: z.object({
    set_by_terraform: z.array(z.string()),
    set_by_lambda: z.array(z.string()),
  }),
  environment_limit_bytes: z.number().int(),
  layers: z.record(z.string(), z.array(z.string())),
  functions: z.record(z.string(), FunctionSchema),
});

export type Field = z.infer<typeof FieldSchema>;
export type FunctionEntry = z.infer<typeof FunctionSchema>;
export type Catalog = z.infer<typeof CatalogSchema>;

export const CATALOG: Catalog = CatalogSchema.parse(catalogJson);

export const FUNCTION_NAMES = Object.keys(CATALOG.functions).sort();
