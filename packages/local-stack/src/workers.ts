import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';

export interface WorkerOptions {
  /** Like /var/task: holds index.js. */
  taskDir: string;
  /** Like /opt; `<optDir>/nodejs/node_modules` goes on NODE_PATH. */
  optDir: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Every line the function writes to stdout or stderr. */
  onLog: (line: string) => void;
}

export type InvokeResult =
  | { ok: true; result: unknown; durationMs: number; requestId: string }
  | {
      ok: false;
      error: { name: string; message: string };
      durationMs: number;
      requestId: string;
    };

interface Ready {
  layer: string | null;
  initError?: { name: string; message: string };
}

type Message =
  | ({ type: 'ready' } & Ready)
  | { type: 'log'; text: string }
  | {
      type: 'result';
      id: string;
      ok: boolean;
      result?: unknown;
      error?: { name: string; message: string };
    };

/**
 * One warm Lambda execution environment: a long-lived child process running runner.mjs, which
 * loaded the function at its cold start. A timed-out or crashed environment is discarded and the
 * next invocation cold-starts a new one, as Lambda does.
 */
export class FunctionWorker {
  private child: ChildProcess | undefined;
  private ready: Promise<Ready> | undefined;
  private partial = '';
  private current:
    { id: string; resolve: (message: Extract<Message, { type: 'result' }>) => void } | undefined;
  private exited: (() => void) | undefined;
  private retired = false;

  constructor(private readonly options: WorkerOptions) {}

  /** Starts the environment (cold start) if it is not running; resolves when index.js loaded. */
  start(): Promise<Ready> {
    if (this.ready) return this.ready;
    if (this.retired) return Promise.reject(new Error('the local stack is stopping'));
    const child = fork(join(__dirname, 'runner.mjs'), [], {
      cwd: this.options.taskDir,
      // Not the parent's flags: under tsx or jest they would load a TypeScript toolchain.
      execArgv: ['--no-warnings'],
      env: {
        PATH: process.env.PATH ?? '',
        TZ: 'UTC',
        LANG: 'en_US.UTF-8',
        LAMBDA_TASK_ROOT: this.options.taskDir,
        _HANDLER: 'index.handler',
        NODE_PATH: join(this.options.optDir, 'nodejs', 'node_modules'),
        ...this.options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    // Anything written before the runner patches stdout (or by native code) still gets logged.
    child.stdout!.on('data', (chunk: Buffer) => this.log(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => this.log(chunk.toString('utf8')));
    this.ready = new Promise<Ready>((resolve, reject) => {
      child.on('message', (message: Message) => {
        if (message.type === 'ready') resolve(message);
        else if (message.type === 'log') this.log(message.text);
        else if (message.type === 'result' && this.current?.id === message.id) {
          const { resolve: answer } = this.current;
          this.current = undefined;
          answer(message);
        }
      });
      child.once('exit', (code, signal) => {
        reject(new Error(`runtime exited (${signal ?? `code ${String(code)}`}) during init`));
        this.child = undefined;
        this.ready = undefined;
        this.exited?.();
      });
    });
    this.ready.catch(() => undefined);
    return this.ready;
  }

  private log(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.options.onLog(line);
  }

  /** Runs the handler once; never throws (a failure is a result, as Lambda reports it). */
  async invoke(event: unknown): Promise<InvokeResult> {
    const requestId = randomUUID();
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const failed = (name: string, message: string): InvokeResult => ({
      ok: false,
      error: { name, message },
      durationMs: elapsed(),
      requestId,
    });
    try {
      await this.start();
    } catch (error) {
      return failed('Runtime.ExitError', (error as Error).message);
    }
    const child = this.child!;
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<Extract<Message, { type: 'result' }>>((resolve) => {
      this.current = { id, resolve };
    });
    const crashed = new Promise<InvokeResult>((resolve) => {
      this.exited = () => resolve(failed('Runtime.ExitError', 'the runtime exited mid-invocation'));
    });
    const timedOut = new Promise<InvokeResult>((resolve) => {
      timer = setTimeout(() => {
        resolve(
          failed(
            'Sandbox.Timedout',
            `Task timed out after ${this.options.timeoutMs / 1000} seconds`,
          ),
        );
        void this.stop();
      }, this.options.timeoutMs);
    });
    child.send({
      type: 'invoke',
      id,
      event,
      requestId,
      deadlineMs: started + this.options.timeoutMs,
    });
    const outcome = await Promise.race([
      answered.then((message): InvokeResult =>
        message.ok
          ? { ok: true, result: message.result, durationMs: elapsed(), requestId }
          : failed(message.error?.name ?? 'Error', String(message.error?.message)),
      ),
      crashed,
      timedOut,
    ]);
    clearTimeout(timer);
    this.current = undefined;
    this.exited = undefined;
    return outcome;
  }

  /** Stops the environment; with `retire`, no invocation may cold-start a new one. */
  async stop(retire = false): Promise<void> {
    this.retired ||= retire;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
  }
}
