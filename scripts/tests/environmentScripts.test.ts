import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const scripts = ['deploy', 'destroy'] as const;

function run(script: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync('bash', [join(root, 'scripts', `${script}.sh`), ...args], {
    cwd: tmpdir(),
    encoding: 'utf8',
    env,
    input: '',
  });
}

/** A PATH holding only bash, the coreutils the scripts call, and the fakes given. */
function pathWith(dir: string, fakes: Record<string, string>): string {
  for (const tool of ['bash', 'dirname', 'basename', 'mktemp', 'rm']) {
    const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout;
    symlinkSync(found.trim(), join(dir, tool));
  }
  for (const [name, body] of Object.entries(fakes)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('scripts/deploy.sh and scripts/destroy.sh arguments and checks', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 's3p-env-scripts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(scripts)('%s: prints its usage and exits 2 without an environment', (script) => {
    // Act
    const result = run(script, []);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`usage: scripts/${script}.sh <env> [--yes]`);
  });

  it.each(scripts)('%s: exits 2 on a second argument other than --yes', (script) => {
    // Act
    const result = run(script, ['dev', '--force']);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage:');
  });

  it.each(scripts)('%s: refuses an environment name that is not a slug', (script) => {
    // Act
    const result = run(script, ['Dev_1']);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${script}: environment name must be lowercase letters, digits and hyphens: 'Dev_1'`,
    );
  });

  it.each(scripts)('%s: names the environments there are when asked for another', (script) => {
    // Prepare
    const known = readdirSync(join(root, 'terraform', 'envs'))
      .filter((file) => file.endsWith('.tfvars.json'))
      .map((file) => file.replace(/\.tfvars\.json$/, ''))
      .sort();

    // Act
    const result = run(script, ['staging']);

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${script}: no terraform/envs/staging.tfvars.json; environments: ${known.join(' ')}`,
    );
  });

  it.each(scripts)('%s: says which tool is missing before touching anything', (script) => {
    // Prepare: terraform, node and npm are there, the AWS CLI is not.
    const PATH = pathWith(dir, {
      terraform: 'echo "terraform $*" >> "$0.calls"',
      node: 'exit 0',
      npm: 'exit 0',
    });

    // Act
    const result = run(script, ['dev'], { PATH });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${script}: aws is required but not installed.`);
    expect(readdirSync(dir)).not.toContain('terraform.calls');
  });

  it.each(scripts)('%s: stops with a hint when there are no AWS credentials', (script) => {
    // Prepare
    const PATH = pathWith(dir, {
      terraform: 'echo "terraform $*" >> "$0.calls"',
      node: 'exit 0',
      npm: 'exit 0',
      aws: 'echo "Unable to locate credentials" >&2; exit 253',
    });

    // Act
    const result = run(script, ['dev', '--yes'], { PATH });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${script}: no usable AWS credentials (aws sts get-caller-identity failed)`,
    );
    expect(readdirSync(dir)).not.toContain('terraform.calls');
  });
});
