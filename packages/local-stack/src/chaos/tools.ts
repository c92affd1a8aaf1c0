import { spawn } from 'node:child_process';
import { LocalStackError } from '../errors';

/**
 * The judges of a chaos run's outputs: md5sum, unzip, gzip, cmp and ImageMagick's identify,
 * run as child processes. None of them is ours, so none of them agrees with our code by
 * construction.
 */
export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: string[], cwd?: string): Promise<ToolRun> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ status: null, stdout, stderr: error.message }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * `<command> <args> | cmp - original`, e.g. `unzip -p archive.zip` or `gzip -dc archive.gz`:
 * what the archive holds, byte for byte against what was sent.
 */
export function decompressedEquals(
  command: string,
  args: string[],
  original: string,
): Promise<ToolRun> {
  return new Promise((resolve) => {
    const source = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const cmp = spawn('cmp', ['-', original], { stdio: [source.stdout, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    cmp.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    cmp.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    cmp.on('error', (error) => resolve({ status: null, stdout, stderr: error.message }));
    cmp.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Fails with a sentence when a judge is not installed, before anything slow starts. */
export async function requireTools(): Promise<void> {
  const missing: string[] = [];
  for (const [command, args] of [
    ['md5sum', ['--version']],
    ['unzip', ['-v']],
    ['gzip', ['--version']],
    ['cmp', ['--version']],
    ['identify', ['-version']],
    ['convert', ['-version']],
  ] as const) {
    const run = await runTool(command, [...args]);
    if (run.status !== 0) missing.push(command);
  }
  if (missing.length)
    throw new LocalStackError(
      `chaos: ${missing.join(', ')} not found; install coreutils, unzip, gzip, diffutils and imagemagick (.ci/run does)`,
    );
}
