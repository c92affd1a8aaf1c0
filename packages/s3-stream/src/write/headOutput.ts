import { HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { httpStatus, toPipelineError } from '../errors';

/** HEAD of an output object, or undefined when there is none yet. */
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
