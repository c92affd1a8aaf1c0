import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { httpStatus, toPipelineError } from '../errors';
import { quotedETag } from '../object/etag';
import { headIfExists } from '../object/head';
import { holdsPin } from '../object/isCurrent';
import type { Pin } from '../object/pin';

/** The exact source version a delete may remove: its ETag is required, it is what If-Match pins. */
export interface DeletePin extends Pin {
  eTag: string;
}

/**
 * - `deleted`: the pinned version is no longer current (a delete marker on versioned buckets).
 * - `superseded`: a newer object is current under the key; it was left alone.
 * - `gone`: nothing is current under the key any more.
 */
export type DeleteOutcome = 'deleted' | 'superseded' | 'gone';

/**
 * Deletes the object under `pin.key` only while the pinned version is the current one.
 *
 * Why not DeleteObject with VersionId: on a versioned bucket that removes the version
 * permanently, and the data could not be recovered. A DeleteObject without VersionId leaves a
 * delete marker (every version stays recoverable), and `If-Match: <ETag>` makes S3 refuse it
 * with 412 when the current object is not the one compressed: both pinned and recoverable. On
 * an unversioned bucket the same If-Match delete is the only pin there is.
 *
 * The HEAD before it checks the current VersionId (an identical re-upload has the same ETag but
 * a new version) and makes the check hold on endpoints that ignore If-Match on DELETE; the
 * If-Match closes the race between that HEAD and the DELETE on S3 itself.
 */
export async function deleteIfCurrent(s3: S3Client, pin: DeletePin): Promise<DeleteOutcome> {
  const current = await headIfExists(s3, pin.bucket, pin.key);
  if (!current) return 'gone';
  // Without an ETag there is no If-Match to close the race: leave the key alone.
  if (!pin.eTag || !holdsPin(current, pin)) return 'superseded';
  try {
    await s3.send(
      new DeleteObjectCommand({ Bucket: pin.bucket, Key: pin.key, IfMatch: quotedETag(pin.eTag) }),
    );
    return 'deleted';
  } catch (error) {
    const status = httpStatus(error);
    if (status === 412) return 'superseded';
    if (status === 404) return 'gone';
    throw toPipelineError(error, `DELETE ${pin.key}`);
  }
}
