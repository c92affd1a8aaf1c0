import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { bareETag } from './etag';
import { headIfExists } from './head';
import type { Pin } from './pin';

/**
 * True when a HEAD of the key shows the pinned version: the same VersionId where one is pinned
 * (an identical re-upload has the same ETag but a new version) and the same ETag where one is.
 * A pin with neither cannot be told apart from a newer object, so it never counts as current.
 * One rule for "still current" before a write and before a delete.
 */
export function holdsPin(head: HeadObjectCommandOutput, pin: Pin): boolean {
  if (pin.versionId !== undefined && head.VersionId !== pin.versionId) return false;
  if (pin.eTag && bareETag(head.ETag) !== pin.eTag) return false;
  return pin.versionId !== undefined || Boolean(pin.eTag);
}

/**
 * True when the key still holds the pinned version. Outputs that describe "the object at this
 * key" check it before writing, so that a late event for an older version never overwrites what
 * a newer version's event produced.
 */
export async function isCurrent(s3: S3Client, pin: Pin): Promise<boolean> {
  const head = await headIfExists(s3, pin.bucket, pin.key);
  return head !== undefined && holdsPin(head, pin);
}
