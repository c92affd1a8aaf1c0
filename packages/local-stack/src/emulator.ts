import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** How long the emulator gets to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

export interface Emulator {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts the S3 emulator (fauxqs) in a child process listening on 127.0.0.1, on a free port and
 * in memory: the event proxy in front of it holds the port users see.
 */
export async function startEmulator(): Promise<Emulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--no-warnings', join(__dirname, 'emulatorProcess.mjs')],
    {
      env: {
        ...process.env,
        EMULATOR_EXIT_WITH_PARENT: '1',
      },
      // stdin is how the emulator notices that its parent died without stopping it.
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`S3 emulator exited with code ${String(code)} before it was ready`);
  });
  const ready = (async () => {
    for await (const line of lines) return JSON.parse(line) as { port: number };
    throw new Error('S3 emulator closed its output before it was ready');
  })();
  const { port } = await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      // It keeps nothing worth waiting for (objects live in memory), so a stuck stop is killed.
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await done;
      clearTimeout(killer);
    },
  };
}
