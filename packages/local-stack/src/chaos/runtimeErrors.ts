import type { ChildProcess } from 'node:child_process';

/** The module object itself (not an import's copy of it), whose `fork` workers.ts calls. */
const childProcess = process.getBuiltinModule('node:child_process');

export interface RuntimeErrors {
  /** Failed sends to the function runtimes' processes (see below). */
  seen(): Error[];
  release(): void;
}

/**
 * Works around a local-stack defect a fault run trips over within minutes (docs/chaos.md, "What
 * the runs found"): after a timeout, workers.ts stops the runtime without waiting for it, and the
 * next invocation is sent to the process that is still exiting. `child.send` without a callback
 * reports that failure (ERR_IPC_CHANNEL_CLOSED, or EPIPE) as an 'error' event, which rejects the
 * `once(child, 'exit')` the pending stop() awaits; that stop() is not awaited by anyone, so the
 * rejection ends the whole process (stack, proxy and run). The invocation itself already fails as
 * it should (the runtime's exit answers it, Runtime.ExitError, and it is retried): only the crash
 * is wrong.
 *
 * While a run is active, each runtime forked sends with a callback that records the failure
 * instead, which is what workers.ts should do itself; the report prints how many there were.
 * Remove this once FunctionWorker does. (workers.ts calls `fork` through the module object, so
 * wrapping it there reaches the runtimes and nothing else this process forks.)
 */
export function listenForRuntimeErrors(): RuntimeErrors {
  const original = childProcess.fork;
  const seen: Error[] = [];
  const fork = ((...args: Parameters<typeof original>) => {
    const child: ChildProcess = original(...args);
    const send = child.send.bind(child) as (...a: unknown[]) => boolean;
    const record = (error: Error | null) => {
      if (error) seen.push(error);
    };
    // With a callback, a failed send is reported to it and never emitted as 'error'.
    child.send = ((...a: unknown[]) =>
      typeof a.at(-1) === 'function' ? send(...a) : send(...a, record)) as ChildProcess['send'];
    return child;
  }) as typeof original;
  childProcess.fork = fork;
  return {
    seen: () => seen,
    release: () => {
      if (childProcess.fork === fork) childProcess.fork = original;
    },
  };
}
