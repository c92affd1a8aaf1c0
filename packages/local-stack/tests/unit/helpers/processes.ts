import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..', '..', '..');
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
export const CLI = join(ROOT, 'packages', 'local-stack', 'src', 'cli.ts');
export const TOOLCHAIN = join(ROOT, 'scripts', 'toolchain.mjs');

/**
 * One direct pipeline and nothing that chains, so these tests do not depend on the routing rules
 * (tested on their own) and start a single function runtime.
 */
const CONFIG = {
  project: 's3p-svc',
  region: 'eu-west-1',
  buckets: { uploads: {}, reports: {} },
  pipelines: {
    metadata: {
      function: 'metadata',
      source_bucket: 'uploads',
      output_bucket: 'reports',
      output_prefix: 'metadata/',
      delivery: 'direct',
    },
  },
};

/** A scratch directory holding `config.tfvars.json`, for a data dir and a var file. */
export function scratch(): { dir: string; varFile: string; config: typeof CONFIG } {
  const dir = mkdtempSync(join(tmpdir(), 's3p-local-stack-'));
  const varFile = join(dir, 'config.tfvars.json');
  writeFileSync(varFile, JSON.stringify(CONFIG));
  return { dir, varFile, config: CONFIG };
}

/** Node 22 (the one running the tests) first on PATH, as scripts/toolchain.mjs arranges. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    npm_config_update_notifier: 'false',
    ...extra,
  };
  for (const [name, value] of Object.entries(extra)) if (value === undefined) delete env[name];
  return env;
}

export interface Started {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a command in the test's own process group, so that a Ctrl-C to the test run reaches it
 * too (tests simulate a group signal with `signalAll`).
 */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { cwd: ROOT, env, stdio: 'pipe' });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  // 'close', not 'exit': npm may exit (130 on a Ctrl-C) while the processes under it, which
  // share its stdout, still write their last lines; 'close' waits until every writer is done.
  const exited = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, output: () => output, exited };
}

/** Polls until `pattern` appears in the output; fails with the output if the process exits. */
export async function waitForOutput(
  started: Started,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void started.exited.then(() => (gone = true));
  for (;;) {
    const match = pattern.exec(started.output());
    if (match) return match;
    if (gone || Date.now() > deadline) {
      throw new Error(
        `${gone ? 'exited' : `no ${pattern} after ${timeoutMs} ms`}:\n${started.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ProcessInfo {
  pid: number;
  args: string;
}

/** Every process below `root`, as `ps` sees them (including what tsx, pnpm and npm started). */
export function descendants(root: number): ProcessInfo[] {
  const ps = spawnSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const children = new Map<number, ProcessInfo[]>();
  for (const line of ps.stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const ppid = Number(match[2]);
    children.set(ppid, [...(children.get(ppid) ?? []), { pid: Number(match[1]), args: match[3]! }]);
  }
  const found: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Those of `pids` still running; a zombie (exited, not yet reaped) counts as gone. */
export function running(pids: number[]): number[] {
  if (pids.length === 0) return [];
  const ps = spawnSync('ps', ['-o', 'pid=,stat=', '-p', pids.join(',')], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, stat]) => pid && stat && !stat.startsWith('Z'))
    .map(([pid]) => Number(pid));
}

/** What a Ctrl-C in a terminal does: the signal to every process of the group at once. */
export function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) process.kill(pid, signal);
}

/** Kills what a failed test left behind, so it cannot hold a port for the next one. */
export function killAll(pids: number[]): void {
  for (const pid of running(pids)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited between ps and kill.
    }
  }
}

/** True when 127.0.0.1:port can be listened on (nothing holds it any more). */
export async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
