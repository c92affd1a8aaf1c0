import { WouldTimeOutError } from './errors';

export interface TimeBudget {
  /** For the error message. */
  key: string;
  /** The invocation's time left when the work starts (ctx.remainingMs(); Infinity outside Lambda). */
  remainingMs: number;
  /** The rate the function counts on; 0 turns the check off. */
  bytesPerSecond: number;
  /** What the user can change, for the error message (the setting that sets the rate, ...). */
  hint: string;
}

/**
 * Refuses, before a byte is processed, an object that would not be finished at the assumed rate
 * before the invocation times out: it would only time out, be retried and time out again, and
 * each attempt would be billed for the whole timeout.
 */
export function checkTimeBudget(size: number, budget: TimeBudget): void {
  const { key, remainingMs, bytesPerSecond, hint } = budget;
  if (bytesPerSecond <= 0 || !Number.isFinite(remainingMs)) return;
  if ((size / bytesPerSecond) * 1000 > remainingMs) {
    throw new WouldTimeOutError(key, size, bytesPerSecond, remainingMs, hint);
  }
}
