import type { ObjectRef } from '../types';

/** Where a function writes. A ref matching any pattern is the function's own output. */
export interface OutputPattern {
  /** Output bucket; undefined means any bucket (outputs beside their source). */
  bucket?: string;
  prefix?: string;
  suffix?: string;
}

/**
 * The recursion guard by key. Trigger filters should already keep outputs away from their
 * function; this is the second line, so that a misconfigured trigger costs one skipped
 * invocation, not a loop.
 */
export function isOwnOutput(
  ref: Pick<ObjectRef, 'bucket' | 'key'>,
  patterns: OutputPattern[],
): boolean {
  return patterns.some(
    (p) =>
      (p.bucket === undefined || p.bucket === ref.bucket) &&
      ref.key.startsWith(p.prefix ?? '') &&
      ref.key.endsWith(p.suffix ?? ''),
  );
}
