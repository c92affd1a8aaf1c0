/**
 * Milliseconds the main thread has spent waiting on the process's own worker threads (a hash
 * thread, compression threads). The parallel reader subtracts them from the event loop's idle
 * time before it judges whether to fan out: idle while a thread of ours works is not idle on
 * the network, and more connections would only buy read-ahead (memory) and their requests' CPU.
 */
let waitedMs = 0;

/** The total so far; a reader keeps the value it started from. */
export function threadWaitMs(): number {
  return waitedMs;
}

/** Awaits `work`, a result from one of the process's own threads, counting the wait. */
export async function waitOnThread<T>(work: Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work;
  } finally {
    waitedMs += performance.now() - started;
  }
}
