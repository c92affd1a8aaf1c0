import { readFileSync } from 'node:fs';
import { CATALOG, FUNCTION_NAMES, type Field } from './catalog';
import { TfvarsError } from './errors';
import { unknownField } from './nearest';

export type FunctionName = string;

export interface PipelineVars {
  function: FunctionName;
  source_bucket: string;
  prefix: string;
  suffix: string;
  output_bucket: string | null;
  output_prefix: string;
  delivery: 'direct' | 'queue';
  memory_mb: number;
  timeout_s: number;
  architecture: 'arm64' | 'x86_64';
  reserved_concurrency: number | null;
  max_retries: number;
  max_event_age_s: number;
  batch_size: number;
  publish: boolean;
  settings: Record<string, string>;
  /** Pipelines whose outputs this one may process (a declared chain). */
  consumes: string[];
}

export interface BucketVars {
  force_destroy: boolean;
  kms_key_arn: string | null;
  noncurrent_days: number;
}

export interface NetworkVars {
  create: boolean;
  cidr: string;
  azs: string[];
}

export interface Tfvars {
  project: string;
  region: string;
  tags: Record<string, string>;
  buckets: Record<string, BucketVars>;
  pipelines: Record<string, PipelineVars>;
  network: NetworkVars;
}

const KEY = /^[a-z0-9][a-z0-9-]*$/;
const SETTING = /^[A-Z][A-Z0-9_]*$/;
/** Terraform's project validation (variables.tf). */
const PROJECT = /^[a-z][a-z0-9-]{1,19}$/;
/** The longest real bucket name, since Terraform knows the name only after apply. */
const BUCKET_NAME_BOUND = 63;

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Terraform's tostring/tonumber/tobool conversions, which `type = any` input goes through. */
function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  return undefined;
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * One field checked against its catalog entry: the value (or its default), or a sentence that
 * names the owner, the field and the value. Null counts as unset, as in Terraform.
 */
function fieldValue(owner: string, name: string, field: Field, raw: unknown, problems: string[]) {
  if (raw === undefined || raw === null) {
    if (field.required) problems.push(`${owner}: ${name} is required`);
    return field.default ?? null;
  }
  switch (field.type) {
    case 'string': {
      const value = asString(raw);
      if (value === undefined) {
        problems.push(`${owner}: ${name} is ${show(raw)}; it must be a string`);
        return field.default ?? null;
      }
      if (field.one_of && !field.one_of.includes(value)) {
        problems.push(
          `${owner}: ${name} is "${value}"; it must be one of ${field.one_of.join(', ')}`,
        );
        return field.default ?? null;
      }
      return value;
    }
    case 'number': {
      const value = asNumber(raw);
      const low = field.min ?? Number.NEGATIVE_INFINITY;
      const high = field.max ?? Number.POSITIVE_INFINITY;
      if (value === undefined || !Number.isInteger(value) || value < low || value > high) {
        const range =
          field.max === undefined
            ? `of at least ${field.min}`
            : `from ${field.min} to ${field.max}`;
        problems.push(`${owner}: ${name} is ${show(raw)}; it must be a whole number ${range}`);
        return field.default ?? null;
      }
      return value;
    }
    case 'bool': {
      const value = asBool(raw);
      if (value === undefined)
        problems.push(`${owner}: ${name} is ${show(raw)}; it must be true or false`);
      return value ?? field.default ?? null;
    }
    case 'map': {
      if (!isObject(raw) || Object.values(raw).some((v) => asString(v) === undefined)) {
        problems.push(`${owner}: ${name} must be an object of strings`);
        return field.default ?? {};
      }
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, asString(v)!]));
    }
    case 'list': {
      if (!Array.isArray(raw) || raw.some((v) => asString(v) === undefined)) {
        problems.push(`${owner}: ${name} must be a list of strings`);
        return field.default ?? [];
      }
      return raw.map((v) => asString(v)!);
    }
  }
}

/** Every field of an object against its catalog section; unknown fields are problems. */
function fields(
  owner: string,
  raw: unknown,
  catalog: Record<string, Field>,
  problems: string[],
): Raw {
  const object = isObject(raw) ? raw : {};
  if (!isObject(raw)) problems.push(`${owner}: must be an object`);
  const valid = Object.keys(catalog);
  for (const name of Object.keys(object)) {
    if (!valid.includes(name)) problems.push(`${owner}: ${unknownField(name, valid)}`);
  }
  return Object.fromEntries(
    valid.map((name) => [name, fieldValue(owner, name, catalog[name]!, object[name], problems)]),
  );
}

/** Terraform's local.metrics_namespace: per project, so environments never share a graph. */
export function metricsNamespace(project: string): string {
  return `${CATALOG.metrics_namespace}/${project}`;
}

/** What Terraform puts in a function's environment besides its settings (terraform/main.tf). */
export function terraformEnvironment(
  project: string,
  pipeline: string,
  p: PipelineVars,
): Record<string, string> {
  const beside = CATALOG.functions[p.function]?.output_location === 'beside-source';
  return {
    OUTPUT_BUCKET: 'x'.repeat(BUCKET_NAME_BOUND),
    OUTPUT_PREFIX: beside ? '' : p.output_prefix,
    TRIGGER_PREFIX: p.prefix,
    TRIGGER_SUFFIX: p.suffix,
    POWERTOOLS_SERVICE_NAME: pipeline,
    POWERTOOLS_LOG_LEVEL: 'INFO',
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(project),
  };
}

function environmentBytes(env: Record<string, string>): number {
  return Object.entries(env).reduce(
    (sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v),
    0,
  );
}

/** The rules of one pipeline that need the whole config (buckets, other pipelines). */
function pipelineProblems(
  name: string,
  p: PipelineVars,
  raw: Raw,
  vars: Pick<Tfvars, 'project' | 'buckets' | 'pipelines'>,
): string[] {
  const owner = `pipeline "${name}"`;
  const problems: string[] = [];
  if (!KEY.test(name)) problems.push(`${owner}: the name must match ^[a-z0-9][a-z0-9-]*$`);
  const entry = CATALOG.functions[p.function];
  if (p.function && !entry) {
    problems.push(
      `${owner}: function is "${p.function}"; it must be one of ${FUNCTION_NAMES.join(', ')}`,
    );
  }
  const bucketNames = Object.keys(vars.buckets).sort();
  for (const field of ['source_bucket', 'output_bucket'] as const) {
    const logical = p[field];
    if (logical && !(logical in vars.buckets)) {
      problems.push(
        `${owner}: ${field} is "${logical}", which is not a key of buckets (${bucketNames.join(', ')})`,
      );
    }
  }
  for (const field of ['prefix', 'suffix', 'output_prefix'] as const) {
    if (field !== 'suffix' && p[field].startsWith('/')) {
      problems.push(`${owner}: ${field} is "${p[field]}"; S3 keys do not start with "/"`);
    }
  }
  if (entry?.output_location === 'beside-source' && (p.output_bucket || p.output_prefix)) {
    problems.push(
      `${owner}: ${p.function} writes beside the source object; leave output_bucket and output_prefix unset`,
    );
  }
  if (
    entry?.output_location === 'other-bucket' &&
    (!p.output_bucket || p.output_bucket === p.source_bucket)
  ) {
    problems.push(
      `${owner}: ${p.function} must write to another bucket; set output_bucket to a bucket other than source_bucket`,
    );
  }
  const { set_by_terraform, set_by_lambda } = CATALOG.reserved_settings;
  for (const key of Object.keys(p.settings)) {
    if (!SETTING.test(key))
      problems.push(`${owner}: setting "${key}" must match ^[A-Z][A-Z0-9_]*$`);
    else if (set_by_terraform.includes(key))
      problems.push(`${owner}: setting "${key}" is reserved (Terraform sets it)`);
    else if (set_by_lambda.includes(key))
      problems.push(`${owner}: setting "${key}" is reserved (Lambda sets it)`);
  }
  const bytes = environmentBytes({ ...p.settings, ...terraformEnvironment(vars.project, name, p) });
  if (bytes > CATALOG.environment_limit_bytes) {
    problems.push(
      `${owner}: its environment is ${bytes} bytes (settings plus what Terraform sets, with a 63-character bucket name); Lambda allows ${CATALOG.environment_limit_bytes}`,
    );
  }
  if (p.delivery === 'queue' && raw.max_retries !== undefined && raw.max_retries !== null) {
    problems.push(
      `${owner}: max_retries applies to direct delivery only (a queue retries through its redrive policy); remove it`,
    );
  }
  for (const other of p.consumes) {
    if (!(other in vars.pipelines)) {
      problems.push(`${owner}: consumes "${other}", which is not a pipeline`);
    }
  }
  return problems;
}

function bucketProblems(name: string, project: string, b: BucketVars): string[] {
  const owner = `bucket "${name}"`;
  const problems: string[] = [];
  if (!KEY.test(name) || name === 'artifacts') {
    problems.push(`${owner}: the name must match ^[a-z0-9][a-z0-9-]*$ and not be "artifacts"`);
  }
  if (`${project}-${name}-`.length > 37) {
    problems.push(
      `${owner}: "${project}-${name}-" is over 37 characters (S3 adds 26 to bucket_prefix); shorten the project or the bucket key`,
    );
  }
  if (b.kms_key_arn !== null && !/^arn:aws[a-z-]*:kms:/.test(b.kms_key_arn)) {
    problems.push(`${owner}: kms_key_arn is "${b.kms_key_arn}"; it must be a KMS key ARN`);
  }
  return problems;
}

function networkProblems(region: string, n: NetworkVars): string[] {
  const problems: string[] = [];
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(n.cidr)) {
    problems.push(`network: cidr is "${n.cidr}"; it must be an IPv4 CIDR such as 10.42.0.0/16`);
  }
  if (n.azs.length < 2) problems.push('network: azs must list at least 2 availability zones');
  for (const az of n.azs) {
    if (!az.startsWith(region)) problems.push(`network: az "${az}" is not in region "${region}"`);
  }
  return problems;
}

/**
 * Parses tfvars already read as JSON, by the rules of terraform/catalog.json: unknown fields in a
 * pipeline, bucket or network object are refused with the nearest valid name, and every value
 * problem names its owner and the value. Other top-level keys belong to Terraform alone.
 */
export function parseTfvars(value: unknown, source = 'tfvars'): Tfvars {
  const problems: string[] = [];
  const top = isObject(value) ? value : {};
  const project = asString(top.project) ?? '';
  if (!PROJECT.test(project)) {
    problems.push(
      `project is ${show(top.project)}; it must be 2-20 lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  const region = asString(top.region) ?? 'eu-west-1';
  const tags = isObject(top.tags) ? (top.tags as Record<string, string>) : {};

  const rawBuckets = isObject(top.buckets) ? top.buckets : {};
  if (!isObject(top.buckets))
    problems.push('buckets: must be an object of buckets by logical name');
  const buckets: Record<string, BucketVars> = {};
  for (const [name, raw] of Object.entries(rawBuckets)) {
    buckets[name] = fields(
      `bucket "${name}"`,
      raw,
      CATALOG.bucket_fields,
      problems,
    ) as unknown as BucketVars;
    problems.push(...bucketProblems(name, project, buckets[name]));
  }

  const rawPipelines = isObject(top.pipelines) ? top.pipelines : {};
  if (top.pipelines !== undefined && !isObject(top.pipelines))
    problems.push('pipelines: must be an object of pipelines by name');
  const pipelines: Record<string, PipelineVars> = {};
  for (const [name, raw] of Object.entries(rawPipelines)) {
    pipelines[name] = fields(
      `pipeline "${name}"`,
      raw,
      CATALOG.pipeline_fields,
      problems,
    ) as unknown as PipelineVars;
  }
  if (Object.keys(pipelines).length > CATALOG.max_pipelines) {
    problems.push(
      `${Object.keys(pipelines).length} pipelines: at most ${CATALOG.max_pipelines} are supported (the loop check follows chains that long)`,
    );
  }
  for (const [name, p] of Object.entries(pipelines)) {
    problems.push(
      ...pipelineProblems(name, p, rawPipelines[name] as Raw, { project, buckets, pipelines }),
    );
  }

  const network = fields(
    'network',
    top.network ?? {},
    CATALOG.network_fields,
    problems,
  ) as unknown as NetworkVars;
  network.azs = network.azs ?? [`${region}a`, `${region}b`];
  problems.push(...networkProblems(region, network));

  if (problems.length) {
    throw new TfvarsError(`${source} is not a valid configuration:\n  ${problems.join('\n  ')}`);
  }
  return { project, region, tags, buckets, pipelines, network };
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
