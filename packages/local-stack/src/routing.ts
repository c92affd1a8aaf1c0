import { CATALOG } from './catalog';
import { TfvarsError } from './errors';
import type { FunctionName, Tfvars } from './tfvars';

/**
 * Routes and the routing graph, from terraform/catalog.json and the pipelines map: the same rules
 * terraform/locals.tf applies, checked against it by the parity cases in
 * terraform/tests/routing-cases.json.
 */

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
  /** The function's output suffix; null when unknown (could be anything). */
  outputSuffix: string | null;
  /** What every output key ends with (the source's trigger suffix kept, where it is); null = unknown. */
  outputEnd: string | null;
  /** EventBridge `anything-but: { suffix }`, for queue routes that watch their own outputs. */
  excludeSuffix: string | null;
  /** Pipelines whose outputs this one may process. */
  consumes: string[];
}

export function buildRoutes(vars: Pick<Tfvars, 'pipelines'>): Route[] {
  return Object.entries(vars.pipelines).map(([pipeline, p]) => {
    const fn = CATALOG.functions[p.function]!;
    const beside = fn.output_location === 'beside-source';
    const outputBucket = beside ? p.source_bucket : (p.output_bucket ?? p.source_bucket);
    const outputPrefix = beside ? '' : p.output_prefix;
    const outputKeyPrefix =
      fn.output_key_prefix === 'prefix'
        ? p.prefix
        : fn.output_key_prefix === 'output_prefix+prefix'
          ? `${outputPrefix}${p.prefix}`
          : outputPrefix;
    const outputSuffix =
      fn.output_suffixes[p.settings.FORMAT ?? ''] ?? fn.output_suffixes[''] ?? null;
    const outputEnd =
      outputSuffix === null
        ? null
        : fn.output_keeps_key
          ? `${p.suffix}${outputSuffix}`
          : outputSuffix;
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
      outputEnd,
      excludeSuffix,
      consumes: p.consumes,
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

const longer = (a: string, b: string) => (a.length >= b.length ? a : b);

/**
 * An output key of `a` that `b`'s trigger matches, or undefined when none can: the edge a -> b
 * of the routing graph. Output keys start with a's output key prefix and end with its output
 * end (or anything, when unknown); b's trigger wants its prefix and suffix, minus the suffix a
 * queue route excludes.
 */
export function edgeExample(a: Route, b: Route): string | undefined {
  if (a.outputBucket !== b.sourceBucket) return undefined;
  const start = a.outputKeyPrefix;
  if (!start.startsWith(b.prefix) && !b.prefix.startsWith(start)) return undefined;
  const end = a.outputEnd;
  if (end !== null && !end.endsWith(b.suffix) && !b.suffix.endsWith(end)) return undefined;
  if (b.excludeSuffix !== null && end !== null && end.endsWith(b.excludeSuffix)) return undefined;
  return `${longer(start, b.prefix)}file${longer(end ?? '', b.suffix)}`;
}

export interface Graph {
  /** edges[a][b] = an example key of a's that b's trigger matches. */
  edges: Record<string, Record<string, string>>;
}

export function routingGraph(routes: Route[]): Graph {
  const edges: Graph['edges'] = {};
  for (const a of routes) {
    edges[a.pipeline] = {};
    for (const b of routes) {
      const example = edgeExample(a, b);
      if (example !== undefined) edges[a.pipeline]![b.pipeline] = example;
    }
  }
  return { edges };
}

/** Everything reachable from `start` in one or more steps. */
function reachable(graph: Graph, start: string): Set<string> {
  const seen = new Set<string>();
  const queue = Object.keys(graph.edges[start] ?? {});
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...Object.keys(graph.edges[next] ?? {}));
  }
  return seen;
}

function loopMessage(members: string[], routes: Map<string, Route>, graph: Graph): string {
  const first = members[0]!;
  if (members.length === 1) {
    const r = routes.get(first)!;
    return (
      `pipeline "${first}" (${r.function}) writes outputs such as "${graph.edges[first]![first]}" ` +
      `into its own source bucket "${r.sourceBucket}", which its trigger (prefix "${r.prefix}", ` +
      `suffix "${r.suffix}", ${r.delivery} delivery) matches again; set output_bucket to another ` +
      `bucket, or a prefix, output_prefix or suffix its outputs cannot match.`
    );
  }
  const next = members.find((m) => m !== first && graph.edges[first]![m] !== undefined)!;
  const a = routes.get(first)!;
  return (
    `pipelines ${members.map((m) => `"${m}"`).join(', ')} form a loop: each one's outputs ` +
    `trigger the next (e.g. "${first}" writes "${graph.edges[first]![next]}" into bucket ` +
    `"${a.outputBucket}", which triggers "${next}"); give one of them an output_bucket, prefix ` +
    `or suffix the others' outputs cannot match.`
  );
}

function chainMessage(a: Route, b: Route, example: string): string {
  return (
    `pipeline "${b.pipeline}" would process what pipeline "${a.pipeline}" writes (e.g. ` +
    `"${example}" in bucket "${a.outputBucket}"); if that chain is intended, add "${a.pipeline}" ` +
    `to the consumes list of "${b.pipeline}", otherwise separate them: give "${b.pipeline}" a ` +
    `prefix or suffix that "${a.pipeline}"'s outputs cannot match, or send those outputs to ` +
    `another bucket or output_prefix.`
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

/**
 * Every reason Terraform would refuse these routes at plan time, as sentences: overlapping direct
 * routes, loops of any length (each named once, with every pipeline on it), and chains that the
 * downstream pipeline did not declare in `consumes`.
 */
export function routingProblems(routes: Route[]): string[] {
  const problems: string[] = [];
  routes.forEach((a, i) => {
    for (const b of routes.slice(i + 1)) {
      const overlap = overlapMessage(a, b);
      if (overlap) problems.push(overlap);
    }
  });
  const byName = new Map(routes.map((r) => [r.pipeline, r]));
  const graph = routingGraph(routes);
  const reach = new Map(routes.map((r) => [r.pipeline, reachable(graph, r.pipeline)]));
  const onLoop = (name: string) => reach.get(name)!.has(name);
  const reported = new Set<string>();
  for (const r of routes) {
    if (!onLoop(r.pipeline) || reported.has(r.pipeline)) continue;
    // The loop through r: every pipeline that r reaches and that reaches r back.
    const members = routes
      .map((m) => m.pipeline)
      .filter(
        (m) => m === r.pipeline || (reach.get(r.pipeline)!.has(m) && reach.get(m)!.has(r.pipeline)),
      )
      .sort();
    members.forEach((m) => reported.add(m));
    problems.push(loopMessage(members, byName, graph));
  }
  for (const a of routes) {
    for (const [b, example] of Object.entries(graph.edges[a.pipeline]!)) {
      if (b === a.pipeline || (onLoop(a.pipeline) && reach.get(b)!.has(a.pipeline))) continue;
      const downstream = byName.get(b)!;
      if (!downstream.consumes.includes(a.pipeline))
        problems.push(chainMessage(a, downstream, example));
    }
  }
  return problems;
}

/** Routes for a config, or a TfvarsError naming every overlap, loop and undeclared chain. */
export function validatedRoutes(vars: Pick<Tfvars, 'pipelines'>): Route[] {
  const routes = buildRoutes(vars);
  const problems = routingProblems(routes);
  if (problems.length) throw new TfvarsError(problems.join('\n'));
  return routes;
}
