import {
  GetObjectAttributesCommand,
  HeadObjectCommand,
  type GetObjectAttributesCommandOutput,
  type HeadObjectCommandOutput,
  type ObjectAttributes,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectGoneError, httpStatus, toPipelineError } from '../errors';
import type { ObjectRef } from '../types';
import { isGone } from './rangeReader';

/**
 * HEAD of the version an event announced (VersionId, else If-Match), with stored checksums.
 * Throws ObjectGoneError when that version was deleted or replaced.
 */
export async function headPinned(s3: S3Client, ref: ObjectRef): Promise<HeadObjectCommandOutput> {
  try {
    return await s3.send(
      new HeadObjectCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        VersionId: ref.versionId,
        IfMatch: ref.versionId || !ref.eTag ? undefined : `"${ref.eTag}"`,
        ChecksumMode: 'ENABLED',
      }),
    );
  } catch (error) {
    if (isGone(error)) throw new ObjectGoneError(ref.key, httpStatus(error) ?? 0);
    throw toPipelineError(error, `HEAD ${ref.key}`);
  }
}

/**
 * GetObjectAttributes for the same version, or undefined where it is refused (older endpoints,
 * policies without s3:GetObjectAttributes): callers treat it as extra detail, not a requirement.
 */
export async function attributesIfAllowed(
  s3: S3Client,
  ref: ObjectRef,
  attributes: ObjectAttributes[],
): Promise<GetObjectAttributesCommandOutput | undefined> {
  try {
    return await s3.send(
      new GetObjectAttributesCommand({
        Bucket: ref.bucket,
        Key: ref.key,
        VersionId: ref.versionId,
        ObjectAttributes: attributes,
      }),
    );
  } catch {
    return undefined;
  }
}
