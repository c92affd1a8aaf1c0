import { parseTfvars, validatedRoutes } from '@s3-pipelines/local-stack';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_DIRECTORY, loadCases, staleFiles, tfvarsOf } from '../routing-cases';

/**
 * The parity table: every case of terraform/tests/routing-cases.json through `terraform test`
 * and through the local stack's parser and router. Each world must give the table's verdict and
 * both must print the same sentences, so a rule changed in one place only fails here.
 */

const cases = loadCases();

interface Verdict {
  refused: boolean;
  /** The problem sentences, one per line, as the world printed them. */
  problems: string[];
}

/** The indented sentences under "Invalid configuration:" or "Routing:" (either world). */
function sentences(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('  ') && !/^\s+(on |\d+:|[│├])/.test(line))
    .map((line) => line.trim())
    .filter((line) => !line.startsWith('run "'))
    .sort();
}

const ROOT = join(__dirname, '..', '..');

/** `terraform init` as scripts/test-terraform.sh does it: offline from the provider mirror. */
function terraformInit(): void {
  const mirror = process.env.TF_PLUGIN_DIR ?? '/opt/tf-plugins';
  const args = ['-chdir=terraform', 'init', '-backend=false', '-input=false', '-no-color'];
  if (existsSync(join(mirror, 'registry.terraform.io'))) args.push(`-plugin-dir=${mirror}`);
  const run = spawnSync('terraform', [...args, '-lockfile=readonly'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`terraform init failed: ${run.stdout}${run.stderr}`);
}

function terraformVerdicts(): Map<string, Verdict> {
  // Errors go to stderr and the run lines to stdout: one stream keeps each error under its run.
  const run = spawnSync(
    'sh',
    ['-c', `terraform -chdir=terraform test -no-color -test-directory=${TEST_DIRECTORY} 2>&1`],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TF_IN_AUTOMATION: '1' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.error) throw new Error(`terraform could not run: ${run.error.message}`);
  const verdicts = new Map<string, Verdict>();
  const blocks = run.stdout.split(/^ {2}run "/m).slice(1);
  for (const block of blocks) {
    const match = /^([^"]+)"\.\.\. (pass|fail)/.exec(block);
    if (!match) continue;
    const body = block.split(/^tests\/routing\/.*tearing down$/m)[0]!;
    verdicts.set(match[1]!, { refused: match[2] === 'fail', problems: sentences(body) });
  }
  return verdicts;
}

function localVerdict(tfvars: unknown): Verdict {
  try {
    validatedRoutes(parseTfvars(tfvars, 'case'));
    return { refused: false, problems: [] };
  } catch (error) {
    const message = (error as Error).message;
    const lines = message.includes('\n  ') ? message : message.replace(/^/gm, '  ');
    return { refused: true, problems: sentences(lines) };
  }
}

describe('the routing parity table', () => {
  let terraform: Map<string, Verdict>;

  beforeAll(() => {
    terraformInit();
    terraform = terraformVerdicts();
  }, 600_000);

  it('has at least 30 cases, each with a unique name and a verdict', () => {
    // Assess
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    for (const c of cases) expect(['plans', 'refused']).toContain(c.expect);
  });

  it('is what terraform/tests/routing/ holds (else run: npx tsx scripts/routing-cases.ts)', () => {
    // Assess
    expect(staleFiles()).toEqual([]);
  });

  it('was run by terraform test, every case', () => {
    // Assess
    expect([...terraform.keys()].sort()).toEqual(cases.map((c) => c.name).sort());
  });

  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    it(`Terraform ${c.expect === 'refused' ? 'refuses it, saying what the table says' : 'plans it'}`, () => {
      // Act
      const verdict = terraform.get(c.name)!;

      // Assess
      expect(verdict.refused).toBe(c.expect === 'refused');
      for (const mention of c.mentions ?? []) {
        expect(verdict.problems.join('\n')).toContain(mention);
      }
    });

    it('the local stack gives the same verdict, in the same sentences', () => {
      // Act
      const local = localVerdict(tfvarsOf(c));

      // Assess
      expect(local.refused).toBe(c.expect === 'refused');
      expect(local.problems).toEqual(terraform.get(c.name)!.problems);
    });
  });
});
