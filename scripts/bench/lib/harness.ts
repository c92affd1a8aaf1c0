import { build } from 'esbuild';
import { spawn } from 'node:child_process';

/** The middle value: benchmarks report the median of their runs. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Bundles a measured worker into one CommonJS file, so the measured process runs plain node with
 * no loader in it. `alias` and `external` should match how the code under test ships.
 */
export async function bundleWorker(
  entry: string,
  outfile: string,
  options: { alias?: Record<string, string>; external?: string[] } = {},
): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    logLevel: 'warning',
    ...options,
  });
  return outfile;
}

/**
 * Runs a bundled worker in its own process (its peak RSS is its own) and returns the JSON of its
 * last stdout line. Asynchronous, so this process can keep serving the endpoints it hosts.
 */
export function runWorker<T>(
  worker: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [worker, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T)
        : reject(new Error(`worker ${args[0]} failed: ${stderr}`)),
    );
  });
}
