/**
 * Writes terraform/tests/routing/<case>.tftest.hcl from terraform/tests/routing-cases.json,
 * the one table of tfvars cases that Terraform and the local stack must both accept or refuse,
 * with the same sentences. A refused case is a run that fails, so the file lives apart from the
 * suite `terraform test` runs by default: scripts/tests/routingCases.test.ts runs it, reads
 * which runs failed and with what messages, and holds both worlds to the table.
 *
 * usage: tsx scripts/routing-cases.ts [--check]
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
export const CASES_PATH = join(ROOT, 'terraform', 'tests', 'routing-cases.json');
export const TEST_DIRECTORY = join('tests', 'routing');
export const TFTEST_DIR = join(ROOT, 'terraform', TEST_DIRECTORY);

export interface RoutingCase {
  name: string;
  about?: string;
  expect: 'plans' | 'refused';
  /** Sentences (or parts) the refusal must contain, in both worlds' words. */
  mentions?: string[];
  pipelines: Record<string, unknown>;
  buckets?: Record<string, unknown>;
  network?: Record<string, unknown>;
  region?: string;
}

/** What every case starts from; a case's own buckets, network or region replace these. */
export const BASE = {
  project: 'tp',
  region: 'eu-west-1',
  buckets: Object.fromEntries(
    ['uploads', 'reports', 'inbox', 'archives', 'images', 'photos', 'renditions'].map((b) => [
      b,
      {},
    ]),
  ),
  network: {},
};

export function loadCases(): RoutingCase[] {
  return JSON.parse(readFileSync(CASES_PATH, 'utf8')) as RoutingCase[];
}

/** The tfvars a case stands for, as both worlds read them. */
export function tfvarsOf(c: RoutingCase) {
  return {
    project: BASE.project,
    region: c.region ?? BASE.region,
    buckets: c.buckets ?? BASE.buckets,
    network: c.network ?? BASE.network,
    pipelines: c.pipelines,
  };
}

/** A JSON value as an HCL expression (HCL's object syntax takes quoted keys and `=`). */
export function hcl(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(hcl).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length === 0
      ? '{}'
      : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)} = ${hcl(v)}`).join(', ')} }`;
  }
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
  return String(value);
}

function runBlock(c: RoutingCase): string {
  const vars = tfvarsOf(c);
  const lines = [
    ...(c.about ? [`# ${c.about}`] : []),
    `run "${c.name}" {`,
    '  command = plan',
    '',
    '  variables {',
    `    region    = ${hcl(vars.region)}`,
    `    buckets   = ${hcl(vars.buckets)}`,
    `    network   = ${hcl(vars.network)}`,
    `    pipelines = ${hcl(vars.pipelines)}`,
    '  }',
    '',
  ];
  if (c.expect === 'refused') {
    // No expect_failures: the failure's text is what the parity test reads.
    lines.push(...(c.mentions ?? []).map((m) => `  # refused, saying: ${m}`));
  } else {
    const count = Object.keys(c.pipelines).length;
    lines.push(
      '  assert {',
      `    condition     = length(module.functions) == ${count}`,
      `    error_message = "${c.name} plans its ${count} pipeline(s)."`,
      '  }',
    );
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * One file per case: a run that fails makes `terraform test` skip the rest of its file, and
 * every refused case must be seen failing for its own reasons.
 */
export function renderTftest(c: RoutingCase): string {
  return [
    '# Generated from routing-cases.json by scripts/routing-cases.ts: do not edit.',
    '# Refused cases are runs that fail: run by scripts/tests/routingCases.test.ts with',
    '#   terraform -chdir=terraform test -test-directory=tests/routing',
    "# which checks every verdict and message against the table, as the local stack's",
    '# routingCases.test.ts does.',
    '',
    'mock_provider "aws" {',
    '  source          = "./tests/mocks"',
    '  override_during = plan',
    '',
    '  mock_resource "aws_s3_bucket" {',
    '    defaults = { arn = "arn:aws:s3:::tp-mock-bucket", bucket = "tp-mock-bucket" }',
    '  }',
    '}',
    '',
    'variables {',
    `  project       = "${BASE.project}"`,
    '  artifacts_dir = "tests/fixtures/artifacts"',
    '}',
    '',
    runBlock(c),
    '',
  ].join('\n');
}

/** Every generated file by name, from the table. */
export function renderAll(cases: RoutingCase[]): Map<string, string> {
  return new Map(cases.map((c) => [`${c.name}.tftest.hcl`, renderTftest(c)]));
}

/** Generated files that differ from the table, are missing, or belong to no case. */
export function staleFiles(): string[] {
  const expected = renderAll(loadCases());
  const present = readdirSync(TFTEST_DIR).filter((f) => f.endsWith('.tftest.hcl'));
  const stale = [...expected].filter(
    ([name, text]) =>
      !present.includes(name) || readFileSync(join(TFTEST_DIR, name), 'utf8') !== text,
  );
  return [...stale.map(([name]) => name), ...present.filter((name) => !expected.has(name))];
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length) {
      console.error(
        `stale in ${TFTEST_DIR}: ${stale.join(', ')}. Regenerate: npx tsx scripts/routing-cases.ts`,
      );
      process.exit(1);
    }
  } else {
    mkdirSync(TFTEST_DIR, { recursive: true });
    for (const name of readdirSync(TFTEST_DIR)) rmSync(join(TFTEST_DIR, name));
    for (const [name, text] of renderAll(loadCases())) writeFileSync(join(TFTEST_DIR, name), text);
    console.log(`wrote ${loadCases().length} cases to ${TFTEST_DIR}`);
  }
}
