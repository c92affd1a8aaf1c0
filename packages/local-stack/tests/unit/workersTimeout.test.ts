import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FunctionWorker } from '../../src/workers';

// Real runtimes (forked runner.mjs), on a loaded machine.
jest.setTimeout(30_000);

/**
 * A function that hangs on `{ hang: true }` and answers its pid otherwise, in a runtime that
 * ignores SIGTERM: after a timeout it takes the 2 s until SIGKILL to exit, which is the window
 * a next invocation used to fall into.
 */
const HANDLER = `
process.on('SIGTERM', () => undefined);
exports.handler = async (event) => {
  if (event.hang) await new Promise(() => undefined);
  return { pid: process.pid };
};
`;

describe('FunctionWorker after a timeout', () => {
  let dir: string;
  let worker: FunctionWorker;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 's3p-worker-'));
    writeFileSync(join(dir, 'index.js'), HANDLER);
    worker = new FunctionWorker({
      taskDir: dir,
      optDir: dir,
      env: {},
      timeoutMs: 1_000,
      onLog: () => undefined,
    });
  });

  afterEach(async () => {
    await worker.stop(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('cold-starts the next invocation instead of handing it to the runtime still exiting', async () => {
    // Prepare
    const warm = await worker.invoke({});
    expect(warm.ok).toBe(true);

    // Act: the next invocation right after the timeout, as a queue redelivery or a retry is.
    const timedOut = await worker.invoke({ hang: true });
    const next = await worker.invoke({});

    // Assess
    expect(timedOut).toMatchObject({ ok: false, error: { name: 'Sandbox.Timedout' } });
    expect(next).toMatchObject({ ok: true });
    const pid = (r: typeof next) => (r.ok ? (r.result as { pid: number }).pid : undefined);
    expect(pid(next)).not.toBe(pid(warm));
  });

  it('waits in stop() for a timed-out runtime to exit', async () => {
    // Prepare
    await worker.invoke({ hang: true });

    // Act
    const began = Date.now();
    await worker.stop(true);

    // Assess: the SIGTERM is ignored, so only the SIGKILL 2 s later ends it.
    expect(Date.now() - began).toBeGreaterThan(1_000);
  });
});
