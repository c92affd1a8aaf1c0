import {
  GetObjectAttributesCommand,
  HeadObjectCommand,
  type GetObjectAttributesCommandOutput,
  type HeadObjectCommandOutput,
  type ObjectAttributes,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ObjectGoneError, httpStatus, toPipelineError } from '../errors';
import { isGone } from './gone';
import { pinnedParams, type Pin } from './pin';

/** HEAD of whatever the key holds now (source or output), or undefined when it holds nothing. */
export async function headIfExists(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw toPipelineError(error, `HEAD ${key}`);
  }
}

/**
 * HEAD of the pinned version, with stored checksums. Throws ObjectGoneError when that version was
 * deleted or replaced.
 */
export async function headPinned(s3: S3Client, pin: Pin): Promise<HeadObjectCommandOutput> {
  try {
    return await s3.send(new HeadObjectCommand({ ...pinnedParams(pin), ChecksumMode: 'ENABLED' }));
  } catch (error) {
    if (isGone(error)) throw new ObjectGoneError(pin.key, httpStatus(error) ?? 0);
    throw toPipelineError(error, `HEAD ${pin.key}`);
  }
}

/**
 * GetObjectAttributes for the same version, or undefined where it is refused (older endpoints,
 * policies without s3:GetObjectAttributes): callers treat it as extra detail, not a requirement.
 */
export async function attributesIfAllowed(
  s3: S3Client,
  pin: Pin,
  attributes: ObjectAttributes[],
): Promise<GetObjectAttributesCommandOutput | undefined> {
  try {
    return await s3.send(
      new GetObjectAttributesCommand({
        Bucket: pin.bucket,
        Key: pin.key,
        VersionId: pin.versionId,
        ObjectAttributes: attributes,
      }),
    );
  } catch {
    return undefined;
  }
}
