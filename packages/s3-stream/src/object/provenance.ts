import { SOURCE_METADATA } from '../constants';
import type { ObjectInfo, ObjectRef } from '../types';

/**
 * The metadata every output carries, naming the exact source version it was made from. It is how
 * a repeated event is recognised as done, and how a function recognises its own outputs. Keys are
 * URL-encoded because S3 metadata travels as HTTP headers, which cannot carry all of Unicode.
 */
export function sourceMetadata(source: ObjectInfo, processor: string): Record<string, string> {
  return {
    [SOURCE_METADATA.bucket]: source.bucket,
    [SOURCE_METADATA.key]: encodeURIComponent(source.key),
    [SOURCE_METADATA.eTag]: source.eTag,
    ...(source.versionId ? { [SOURCE_METADATA.versionId]: source.versionId } : {}),
    [SOURCE_METADATA.processor]: processor,
  };
}

/**
 * True when an existing output's metadata says it was made from the version `ref` names. With a
 * version id that is decisive; otherwise the ETag is (same ETag, same bytes for our purposes).
 */
export function madeFrom(metadata: Record<string, string> | undefined, ref: ObjectRef): boolean {
  if (!metadata) return false;
  if (ref.versionId) return metadata[SOURCE_METADATA.versionId] === ref.versionId;
  return ref.eTag !== undefined && metadata[SOURCE_METADATA.eTag] === ref.eTag;
}

/** True when an object's metadata says `processor` wrote it: the recursion guard by content. */
export function writtenBy(
  metadata: Record<string, string> | undefined,
  processor: string,
): boolean {
  return metadata?.[SOURCE_METADATA.processor] === processor;
}
