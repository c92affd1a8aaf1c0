import { appendFileSync, mkdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { LocalStackError } from './errors';
import { MetricsLog } from './metricsLog';
import type { Route } from './routing';
import { prepareRuntime } from './runtime';
import { functionEnv, layersOf } from './stack';
import type { Tfvars } from './tfvars';
import { FunctionWorker, type InvokeResult } from './workers';

export interface PoolOptions {
  route: Route;
  vars: Tfvars;
  /** The S3 endpoint the function talks to: a stack's event proxy, so its outputs raise events. */
  endpoint: string;
  dataDir: string;
  distDir: string;
  logLevel: string;
  /** Execution environments, so invocations at once. */
  size: number;
  /** Names the runtime directory, so a backfill and a replay never share one. */
  purpose: string;
  onLog?: (line: string) => void;
}

/**
 * Several warm execution environments of one pipeline's built zip, as Lambda scales a function
 * out for S3 Batch Operations: each invocation takes an idle environment, so at most `size` run
 * at once. Their logs go to `<dataDir>/logs/<pipeline>.log` and their EMF lines to
 * `<dataDir>/metrics/<pipeline>.jsonl`, the files a running stack writes too.
 *
 * The runtime is laid out in a directory of its own (`runtime-<purpose>-<pipeline>`): a stack
 * rebuilds `<dataDir>/runtime` when it starts and must not pull the zips from under us.
 */
export class FunctionPool {
  private readonly idle: FunctionWorker[] = [];
  private readonly waiting: ((worker: FunctionWorker) => void)[] = [];
  private workers: FunctionWorker[] = [];

  private constructor(private readonly options: PoolOptions) {}

  static async start(options: PoolOptions): Promise<FunctionPool> {
    const pool = new FunctionPool(options);
    await pool.boot();
    return pool;
  }

  private async boot(): Promise<void> {
    const { route, vars, dataDir } = this.options;
    const layout = await prepareRuntime(
      this.options.distDir,
      join(dataDir, `runtime-${this.options.purpose}-${route.pipeline}`),
      { [route.pipeline]: { function: route.function, layers: layersOf(route, vars) } },
    );
    mkdirSync(join(dataDir, 'logs'), { recursive: true });
    const logFile = join(dataDir, 'logs', `${route.pipeline}.log`);
    const metrics = new MetricsLog(dataDir);
    const env = functionEnv(route, vars, this.options.endpoint, this.options.logLevel);
    this.workers = Array.from(
      { length: Math.max(1, this.options.size) },
      () =>
        new FunctionWorker({
          taskDir: layout.taskDirs[route.pipeline]!,
          optDir: layout.optDir,
          env,
          timeoutMs: vars.pipelines[route.pipeline]!.timeout_s * 1000,
          onLog: (line) => {
            appendFileSync(logFile, `${line}\n`);
            metrics.record(route.pipeline, line);
            this.options.onLog?.(line);
          },
        }),
    );
    const optModules = join(layout.optDir, 'nodejs', 'node_modules') + sep;
    try {
      // A broken bundle fails every invocation the same way: say so once, before the first.
      const ready = await Promise.all(this.workers.map((w) => w.start()));
      const { layer, initError } = ready[0]!;
      if (initError) {
        throw new LocalStackError(
          `${route.pipeline} failed its cold start: ${initError.name}: ${initError.message}`,
        );
      }
      if (!layer?.startsWith(optModules)) {
        throw new LocalStackError(`${route.pipeline} does not load its layer from ${optModules}`);
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.idle.push(...this.workers);
  }

  /** One invocation on the next idle environment; never throws (a failure is a result). */
  async invoke(event: unknown): Promise<InvokeResult> {
    const worker =
      this.idle.pop() ??
      (await new Promise<FunctionWorker>((resolve) => this.waiting.push(resolve)));
    try {
      return await worker.invoke(event);
    } finally {
      const next = this.waiting.shift();
      if (next) next(worker);
      else this.idle.push(worker);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop(true)));
  }
}
