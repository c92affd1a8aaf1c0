import { quotedETag } from './etag';

/** Which exact object version a request is about. */
export interface Pin {
  bucket: string;
  key: string;
  /** Present when the bucket is versioned; decisive when present. */
  versionId?: string;
  /** Bare ETag; pinned with If-Match when there is no version id. */
  eTag?: string;
}

/**
 * The request fields that pin a GET or HEAD to one version: VersionId where the bucket is
 * versioned, otherwise If-Match on the ETag (S3 answers 412 once the key holds other bytes).
 */
export function pinnedParams(pin: Pin): {
  Bucket: string;
  Key: string;
  VersionId?: string;
  IfMatch?: string;
} {
  return {
    Bucket: pin.bucket,
    Key: pin.key,
    VersionId: pin.versionId,
    IfMatch: pin.versionId ? undefined : quotedETag(pin.eTag),
  };
}
