import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, TOOLCHAIN, TSX, childEnv, scratch } from './helpers/processes';

/**
 * The command line answers before anything slow happens: --help at once, a mistake with the
 * usage and exit status 2 (not a stack trace), and neither builds nor installs first.
 */
jest.setTimeout(30_000);

let dir: string;
let varFile: string;

beforeEach(() => {
  ({ dir, varFile } = scratch());
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(...args: string[]) {
  return spawnSync(TSX, [CLI, ...args], { cwd: ROOT, env: childEnv(), encoding: 'utf8' });
}

/** `npm start -- <args>` minus npm itself: what the start script runs. */
function toolchain(env: Record<string, string | undefined>, ...args: string[]) {
  return spawnSync(process.execPath, [TOOLCHAIN, 'local:start', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    encoding: 'utf8',
  });
}

describe('cli.ts', () => {
  it('prints the usage with the npm start form on --help and exits 0', () => {
    // Act
    const result = cli('--help');

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm start -- \[options\]/);
    expect(result.stdout).toContain('npm start -- --demo');
    expect(result.stderr).toBe('');
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port'], "Option '--port <value>' argument missing"],
    [
      ['--port', '--demo'],
      "Option '--port' argument is ambiguous. Did you forget to specify the option argument for '--port'?",
    ],
    [['--port', 'eighty'], "--port must be a port number from 0 to 65535, not 'eighty'"],
    [['--port', '65536'], "--port must be a port number from 0 to 65535, not '65536'"],
    [['stray'], "Unexpected argument 'stray'. This command does not take positional arguments"],
  ])('rejects %j with the usage on stderr and exit status 2', (args, message) => {
    // Act
    const result = cli('--var-file', varFile, '--data-dir', dir, ...args);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`local-stack: ${message}\n`);
    expect(result.stderr).toContain('usage: npm start -- [options]');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    // Rejected before startup: nothing was written to the data dir.
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });
});

describe('the start script (scripts/toolchain.mjs local:start)', () => {
  it('answers --help without installing or building first', () => {
    // Prepare: outside the toolchain, so only the --help rule can skip `pnpm install`.
    const dist = join(dir, 'dist');

    // Act
    const result = toolchain({ S3P_TOOLCHAIN: undefined }, '--help', '--dist-dir', dist);

    // Assess: install and build would have printed before the usage, and made the dist dir.
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm start -- \[options\]/);
    expect(result.stdout).toContain('npm start -- --demo');
    expect(existsSync(dist)).toBe(false);
  });

  it('rejects an unknown flag before building', () => {
    // Prepare
    const dist = join(dir, 'dist');

    // Act
    const result = toolchain({ S3P_TOOLCHAIN: '1' }, '--bogus', '--dist-dir', dist);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("local-stack: Unknown option '--bogus'");
    expect(result.stdout).toBe('');
    expect(existsSync(dist)).toBe(false);
  });
});
