/**
 * Every reason an object is skipped, in one table. Reasons are stable: dashboards and alarms
 * filter on them, the README lists them, and a test fails when the two disagree. A skip is not a
 * failure: nothing is retried and nothing is lost.
 */
export const SKIP_REASONS = {
  'folder-marker': 'the key ends with "/": a console folder, not a file',
  'outside-trigger':
    "the key is outside the pipeline's trigger prefix or suffix (a Batch task or a stray event)",
  'own-output':
    "the object is this function's own output, by its key or by its `processor` metadata",
  'already-done': 'an output made from this exact source version already exists',
  gone: 'the announced version was deleted or replaced before it could be read',
  superseded: 'a newer version became current while this one was processed; its own event runs',
  'already-compressed': 'compress: the key suffix or content type says it is compressed already',
} as const;

export type SkipReason = keyof typeof SKIP_REASONS;

/**
 * Thrown by a skip rule where it is found (e.g. once a read shows the object's metadata); the
 * handler reports it as a skip with this reason, never as a failure.
 */
export class Skip extends Error {
  constructor(readonly reason: SkipReason) {
    super(`skipped: ${reason}`);
    this.name = 'Skip';
  }
}
