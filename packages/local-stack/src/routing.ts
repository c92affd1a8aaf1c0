import { TfvarsError } from './errors';
import type { FunctionName, Tfvars } from './tfvars';

/**
 * The routing rules of terraform/locals.tf and modules/trigger, in TypeScript. Keep the two in
 * step: a config must route (and be rejected) the same way in both worlds.
 */

interface FunctionTraits {
  /** Output key suffix by settings.FORMAT ("" = default); empty = unknown. */
  outputSuffixes: Record<string, string>;
  /** Writes beside the source object, ignoring output_bucket/output_prefix. */
  outputInSource: boolean;
  outputKeyPrefix: 'prefix' | 'output_prefix+prefix' | 'output_prefix';
}

export const FUNCTION_TRAITS: Record<FunctionName, FunctionTraits> = {
  checksum: { outputSuffixes: { '': '.md5' }, outputInSource: true, outputKeyPrefix: 'prefix' },
  metadata: {
    outputSuffixes: { '': '.metadata.json' },
    outputInSource: false,
    outputKeyPrefix: 'output_prefix+prefix',
  },
  compress: {
    outputSuffixes: { '': '.zip', zip: '.zip', gzip: '.gz' },
    outputInSource: false,
    outputKeyPrefix: 'output_prefix',
  },
  'image-resize': { outputSuffixes: {}, outputInSource: false, outputKeyPrefix: 'output_prefix' },
};

export interface Route {
  pipeline: string;
  function: FunctionName;
  delivery: 'direct' | 'queue';
  /** Logical bucket names, as in tfvars. */
  sourceBucket: string;
  outputBucket: string;
  prefix: string;
  suffix: string;
  /** What every output key starts with. */
  outputKeyPrefix: string;
  /** What every output key ends with; null when unknown (could be anything). */
  outputSuffix: string | null;
  /** EventBridge `anything-but: { suffix }`, for queue routes that watch their own outputs. */
  excludeSuffix: string | null;
}

export function buildRoutes(vars: Pick<Tfvars, 'pipelines'>): Route[] {
  return Object.entries(vars.pipelines).map(([pipeline, p]) => {
    const traits = FUNCTION_TRAITS[p.function];
    const outputBucket = traits.outputInSource
      ? p.source_bucket
      : (p.output_bucket ?? p.source_bucket);
    const outputPrefix = traits.outputInSource ? '' : p.output_prefix;
    const outputKeyPrefix =
      traits.outputKeyPrefix === 'prefix'
        ? p.prefix
        : traits.outputKeyPrefix === 'output_prefix+prefix'
          ? `${outputPrefix}${p.prefix}`
          : outputPrefix;
    const outputSuffix =
      traits.outputSuffixes[p.settings.FORMAT ?? ''] ?? traits.outputSuffixes[''] ?? null;
    const excludeSuffix =
      p.delivery === 'queue' &&
      p.prefix === '' &&
      p.suffix === '' &&
      outputSuffix !== null &&
      outputBucket === p.source_bucket
        ? outputSuffix
        : null;
    return {
      pipeline,
      function: p.function,
      delivery: p.delivery,
      sourceBucket: p.source_bucket,
      outputBucket,
      prefix: p.prefix,
      suffix: p.suffix,
      outputKeyPrefix,
      outputSuffix,
      excludeSuffix,
    };
  });
}

/**
 * Whether a new object's key triggers the route. S3 notification filters test prefix and suffix
 * independently; an EventBridge `wildcard` "prefix*suffix" needs them not to share characters, so
 * a key shorter than both together never matches a queue route.
 */
export function matches(route: Route, key: string): boolean {
  const affixes = key.startsWith(route.prefix) && key.endsWith(route.suffix);
  if (route.delivery === 'direct') return affixes;
  if (route.prefix !== '' || route.suffix !== '')
    return affixes && key.length >= route.prefix.length + route.suffix.length;
  return route.excludeSuffix === null || !key.endsWith(route.excludeSuffix);
}

/** Every route a new object in `logicalBucket` triggers, in config order. */
export function routesFor(routes: Route[], logicalBucket: string, key: string): Route[] {
  return routes.filter((r) => r.sourceBucket === logicalBucket && matches(r, key));
}

function loopMessage(r: Route): string | undefined {
  if (r.outputBucket !== r.sourceBucket) return undefined;
  const prefixCompatible =
    r.outputKeyPrefix.startsWith(r.prefix) || r.prefix.startsWith(r.outputKeyPrefix);
  // Every output ends with <trigger suffix><output suffix> (locals.tf explains the test).
  const suffixCompatible =
    r.outputSuffix === null || `${r.suffix}${r.outputSuffix}`.endsWith(r.suffix);
  if (!prefixCompatible || !suffixCompatible || r.excludeSuffix !== null) return undefined;
  const pattern = `${r.outputKeyPrefix}${r.outputSuffix === null ? '' : `*${r.outputSuffix}`}`;
  return (
    `pipeline "${r.pipeline}" (${r.function}) writes "${pattern}..." into its own source bucket ` +
    `"${r.sourceBucket}", which its trigger (prefix "${r.prefix}", suffix "${r.suffix}", ` +
    `${r.delivery} delivery) would match again; set output_bucket to another bucket, or choose an ` +
    `output_prefix/prefix/suffix that its outputs cannot match.`
  );
}

function overlapMessage(a: Route, b: Route): string | undefined {
  if (a.delivery !== 'direct' || b.delivery !== 'direct') return undefined;
  if (a.sourceBucket !== b.sourceBucket) return undefined;
  const prefixes = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
  const suffixes = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
  if (!prefixes || !suffixes) return undefined;
  return (
    `direct pipelines "${a.pipeline}" (prefix "${a.prefix}", suffix "${a.suffix}") and ` +
    `"${b.pipeline}" (prefix "${b.prefix}", suffix "${b.suffix}") both match the same new objects ` +
    `in bucket "${a.sourceBucket}", which S3 rejects; make their prefixes or suffixes disjoint, ` +
    `or set delivery = "queue" on one of them.`
  );
}

/** Every reason Terraform would refuse these routes at plan time, as sentences. */
export function routingProblems(routes: Route[]): string[] {
  const problems: string[] = [];
  routes.forEach((a, i) => {
    for (const b of routes.slice(i + 1)) {
      const overlap = overlapMessage(a, b);
      if (overlap) problems.push(overlap);
    }
  });
  for (const r of routes) {
    const loop = loopMessage(r);
    if (loop) problems.push(loop);
  }
  return problems;
}

/** Routes for a config, or a TfvarsError naming every overlapping or looping pipeline. */
export function validatedRoutes(vars: Pick<Tfvars, 'pipelines'>): Route[] {
  const routes = buildRoutes(vars);
  const problems = routingProblems(routes);
  if (problems.length) throw new TfvarsError(problems.join('\n'));
  return routes;
}
