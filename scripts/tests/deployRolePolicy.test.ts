import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The resource types Terraform itself plans for the committed environments (the `dev_env_plan`
 * and `prod_env_plan` runs of terraform/tests/deploy_role.tftest.hcl, printed with -verbose)
 * each have an entry in terraform/policies/actions-by-type.json, the map the deploy and plan
 * role policies are checked against. deploy_role.tftest.hcl reads the types from the .tf files;
 * this reads them from what Terraform says it will create, so a type the regex misses still fails.
 */

const ROOT = join(__dirname, '..', '..');
const TF = join(ROOT, 'terraform');

interface ActionMap {
  types: Record<string, unknown[]>;
}

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

/** Types (`aws_x`, `data.aws_x`) in the plan each run printed, by run name. */
function plannedTypes(): Map<string, Set<string>> {
  const run = spawnSync(
    'sh',
    [
      '-c',
      'terraform -chdir=terraform test -no-color -verbose -filter=tests/deploy_role.tftest.hcl 2>&1',
    ],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TF_IN_AUTOMATION: '1' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  if (run.error) throw new Error(`terraform could not run: ${run.error.message}`);
  const byRun = new Map<string, Set<string>>();
  for (const block of run.stdout.split(/^ {2}run "/m).slice(1)) {
    const name = /^([^"]+)"\.\.\. (pass|fail)/.exec(block);
    if (!name) continue;
    if (name[2] !== 'pass') throw new Error(`run ${name[1]} failed:\n${block}`);
    const types = new Set<string>();
    for (const m of block.matchAll(
      /^\s+(?:[+~-]|<=|-\/\+|\+\/-)\s+(resource|data) "([a-z0-9_]+)"/gm,
    )) {
      if (m[2]!.startsWith('aws_')) types.add(m[1] === 'data' ? `data.${m[2]}` : m[2]!);
    }
    byRun.set(name[1]!, types);
  }
  return byRun;
}

describe('the deploy role covers what the committed environments plan', () => {
  const map = JSON.parse(
    readFileSync(join(TF, 'policies', 'actions-by-type.json'), 'utf8'),
  ) as ActionMap;
  let planned: Map<string, Set<string>>;

  beforeAll(() => {
    terraformInit();
    planned = plannedTypes();
  }, 600_000);

  it.each(['dev_env_plan', 'prod_env_plan'])('%s: every planned type has an entry', (run) => {
    // Act
    const types = [...(planned.get(run) ?? [])].sort();

    // Assess
    expect(types.length).toBeGreaterThanOrEqual(20);
    expect(types).toContain('aws_cloudwatch_log_metric_filter');
    expect(types.filter((t) => !(t in map.types))).toEqual([]);
  });
});
