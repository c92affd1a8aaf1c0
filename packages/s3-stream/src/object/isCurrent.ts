import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectInfo } from '../types';
import { headIfExists } from '../write/headOutput';

/**
 * True when the key still holds the version that was read. Outputs that describe "the object at
 * this key" check it before writing, so that a late event for an older version never overwrites
 * what a newer version's event produced.
 */
export async function isCurrent(s3: S3Client, info: ObjectInfo): Promise<boolean> {
  const head = await headIfExists(s3, info.bucket, info.key);
  if (!head) return false;
  if (info.versionId) return head.VersionId === info.versionId;
  return head.ETag?.replace(/"/g, '') === info.eTag;
}
