import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { LocalStackError } from './errors';
import { startLocalStack, type LocalStack, type LocalStackOptions } from './stack';

/** The local stack a backfill or replay works against: a running one, or one it started. */
export interface TargetStack {
  /** The event proxy: what the functions write here raises events, as in the stack. */
  endpoint: string;
  /** The emulator behind it: writes here raise none (seeding). */
  emulatorEndpoint: string;
  /** Logical -> real bucket names. */
  buckets: Record<string, string>;
  /** True when this process started the stack (and stops it). */
  standalone: boolean;
  /** Waits for the events our invocations caused, then stops what we started. */
  finish(): Promise<void>;
}

interface Outputs {
  endpoint?: { value?: string };
  emulator_endpoint?: { value?: string };
  buckets?: { value?: Record<string, string> };
}

/** True when something answers HTTP at `endpoint` within a second (any status will do). */
export function answers(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${endpoint}/`, { method: 'HEAD', timeout: 1000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * The running stack `<dataDir>/outputs.json` names, if its endpoint answers. A stale file (the
 * stack stopped) is not an error: the caller decides whether to start one.
 */
export async function runningStack(dataDir: string): Promise<TargetStack | undefined> {
  const file = join(dataDir, 'outputs.json');
  if (!existsSync(file)) return undefined;
  let outputs: Outputs;
  try {
    outputs = JSON.parse(readFileSync(file, 'utf8')) as Outputs;
  } catch {
    return undefined;
  }
  const endpoint = outputs.endpoint?.value;
  if (!endpoint || !(await answers(endpoint))) return undefined;
  const emulatorEndpoint = outputs.emulator_endpoint?.value;
  if (!emulatorEndpoint) {
    throw new LocalStackError(
      `${file} names no emulator_endpoint: the stack at ${endpoint} predates backfill; restart it`,
    );
  }
  return {
    endpoint,
    emulatorEndpoint,
    buckets: outputs.buckets?.value ?? {},
    standalone: false,
    finish: async () => undefined,
  };
}

/** Starts a stack with `options` (the same as `npm start`'s) and wraps it as a target. */
export async function standaloneStack(options: LocalStackOptions): Promise<TargetStack> {
  const stack: LocalStack = await startLocalStack(options);
  return {
    endpoint: stack.endpoint,
    emulatorEndpoint: stack.emulatorEndpoint,
    buckets: stack.buckets,
    standalone: true,
    async finish() {
      try {
        await stack.waitForIdle(120_000);
      } finally {
        await stack.stop();
      }
    },
  };
}
