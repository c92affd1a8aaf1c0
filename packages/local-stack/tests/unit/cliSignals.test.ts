import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ensureBuilt } from '../../../../tests/e2e/helpers/artifacts';
import {
  CLI,
  TSX,
  canListen,
  childEnv,
  descendants,
  killAll,
  running,
  scratch,
  signalAll,
  start,
  waitForOutput,
  type ProcessInfo,
  type Started,
} from './helpers/processes';

/**
 * The local stack stops like a service: a signal to the process a user started (the tsx CLI, or
 * `npm start` and the toolchain, pnpm and tsx under it) stops the emulator and every function
 * runtime and frees the port, whoever else got the signal too. Starting cold-starts real
 * runtimes, and the `npm start` case builds, so each test has a budget for a busy 2-core machine.
 */
const READY = /S3 endpoint {2}http:\/\/127\.0\.0\.1:(\d+)/;

let dir: string;
let varFile: string;
let started: Started | undefined;
let tree: ProcessInfo[] = [];

beforeAll(() => ensureBuilt(), 180_000);

beforeEach(() => {
  ({ dir, varFile } = scratch());
});

afterEach(() => {
  // A failed test must not leave a stack holding a port.
  killAll([...(started?.child.pid ? [started.child.pid] : []), ...tree.map((p) => p.pid)]);
  started = undefined;
  tree = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Waits for the banner, then notes every process under the one we started. */
async function ready(timeoutMs: number): Promise<number> {
  const port = Number((await waitForOutput(started!, READY, timeoutMs))[1]);
  tree = descendants(started!.child.pid!);
  return port;
}

/**
 * `codes`: the exit statuses allowed. A Ctrl-C that reaches npm itself may end it with 130, the
 * shell's status for SIGINT, once everything below it has stopped; that is still a clean stop.
 */
async function assertAllStopped(port: number, codes: number[] = [0]): Promise<void> {
  const { code, signal } = await started!.exited;

  expect(signal).toBeNull();
  expect(codes).toContain(code);
  expect(running(tree.map((p) => p.pid))).toEqual([]);
  expect(await canListen(port)).toBe(true);
  expect(started!.output()).toContain('stopped');
}

function startCli(): Started {
  return start(
    TSX,
    [CLI, '--var-file', varFile, '--port', '0', '--data-dir', dir, '--dist-dir', DIST],
    childEnv(),
  );
}

describe('tsx packages/local-stack/src/cli.ts', () => {
  it('stops the emulator and the runtimes and frees the port on SIGTERM to its pid', async () => {
    // Prepare
    started = startCli();
    const port = await ready(45_000);
    const args = tree.map((p) => p.args).join('\n');
    expect(args).toContain('emulatorProcess.mjs');
    expect(args).toContain('runner.mjs');

    // Act
    process.kill(started.child.pid!, 'SIGTERM');

    // Assess
    await assertAllStopped(port);
  }, 60_000);

  it('stops once on a Ctrl-C, which reaches every process in the group', async () => {
    // Prepare
    started = startCli();
    const port = await ready(45_000);

    // Act
    signalAll([started.child.pid!, ...tree.map((p) => p.pid)], 'SIGINT');

    // Assess
    await assertAllStopped(port, [0, 130]);
    expect(started.output().match(/stopping/g)).toHaveLength(1);
  }, 60_000);
});

describe('npm start', () => {
  function startNpm(): Started {
    // S3P_TOOLCHAIN=1 under Node 22 skips `pnpm install`; the build goes to the scratch dir.
    return start(
      'npm',
      [
        'start',
        '--',
        '--var-file',
        varFile,
        '--port',
        '0',
        '--data-dir',
        dir,
        '--dist-dir',
        join(dir, 'dist'),
      ],
      childEnv({ S3P_TOOLCHAIN: '1' }),
    );
  }

  it('passes SIGTERM down through the toolchain, pnpm and tsx, and exits when all stopped', async () => {
    // Prepare
    started = startNpm();
    const port = await ready(100_000);
    const args = tree.map((p) => p.args).join('\n');
    expect(args).toContain('toolchain.mjs');
    expect(args).toContain('emulatorProcess.mjs');

    // Act
    process.kill(started.child.pid!, 'SIGTERM');

    // Assess
    await assertAllStopped(port);
  }, 120_000);

  it('stops once on a Ctrl-C, though every layer forwards it again', async () => {
    // Prepare
    started = startNpm();
    const port = await ready(100_000);

    // Act
    signalAll([started.child.pid!, ...tree.map((p) => p.pid)], 'SIGINT');

    // Assess
    await assertAllStopped(port, [0, 130]);
    expect(started.output().match(/stopping/g)).toHaveLength(1);
  }, 120_000);
});
