import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
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
  /** Timed-out environments still exiting (stop() waits for them too). */
  private readonly exiting = new Set<Promise<void>>();

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
        // A runtime discarded after a timeout may exit while its successor runs: not its exit.
        if (this.child !== child) return;
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
        this.discard(child);
      }, this.options.timeoutMs);
    });
    // With a callback, a failed send is an answer; without one it is an 'error' event on the child.
    const unsent = new Promise<InvokeResult>((resolve) => {
      child.send(
        { type: 'invoke', id, event, requestId, deadlineMs: started + this.options.timeoutMs },
        (error) => {
          if (error) resolve(failed('Runtime.ExitError', `the runtime is gone: ${error.message}`));
        },
      );
    });
    const outcome = await Promise.race([
      answered.then((message): InvokeResult =>
        message.ok
          ? { ok: true, result: message.result, durationMs: elapsed(), requestId }
          : failed(message.error?.name ?? 'Error', String(message.error?.message)),
      ),
      crashed,
      timedOut,
      unsent,
    ]);
    clearTimeout(timer);
    this.current = undefined;
    this.exited = undefined;
    return outcome;
  }

  /**
   * Forgets a timed-out environment at once, so the next invocation cold-starts a new one as
   * Lambda's would, instead of being handed to the process that is still exiting.
   */
  private discard(child: ChildProcess): void {
    if (this.child === child) {
      this.child = undefined;
      this.ready = undefined;
    }
    const exited = this.kill(child);
    this.exiting.add(exited);
    void exited.then(() => this.exiting.delete(exited));
  }

  /** Stops the environment; with `retire`, no invocation may cold-start a new one. */
  async stop(retire = false): Promise<void> {
    this.retired ||= retire;
    await Promise.all([...(this.child ? [this.kill(this.child)] : []), ...this.exiting]);
  }

  /** SIGTERM, then SIGKILL after 2 s; resolves once the process has exited. */
  private async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    // Not once(child, 'exit'): that rejects on the child's 'error' events.
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(killer);
  }
}
