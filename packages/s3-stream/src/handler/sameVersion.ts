import type { ObjectRef } from '../types';

/**
 * A key naming the exact source version a ref announces, by the rule `madeFrom` decides
 * already-done with (a version id is decisive, otherwise the ETag). Undefined when the ref names
 * neither (a Batch task before its HEAD pins it): such a ref is never taken for another.
 */
export function versionKey(ref: ObjectRef): string | undefined {
  if (ref.versionId) return JSON.stringify([ref.bucket, ref.key, 'version', ref.versionId]);
  if (ref.eTag) return JSON.stringify([ref.bucket, ref.key, 'etag', ref.eTag]);
  return undefined;
}
