import type { IncomingHttpHeaders } from 'node:http';

/** The S3 API calls the functions make, named as the SDK names them. */
export type OperationName =
  | 'GetObject'
  | 'GetObjectAttributes'
  | 'HeadObject'
  | 'PutObject'
  | 'CopyObject'
  | 'DeleteObject'
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'UploadPartCopy'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListObjects'
  | 'Other';

export interface S3Operation {
  name: OperationName;
  bucket: string;
  /** Decoded, as stored; '' for a bucket-level call. */
  key: string;
  uploadId?: string;
  partNumber?: number;
  /** A write of an object's bytes or metadata: what can raise an event downstream. */
  writes: boolean;
}

/** Query parameters of the calls above; `x-id` is the SDK's label of the operation. */
const KNOWN_QUERY = new Set(['x-id', 'attributes', 'uploads', 'uploadId', 'partNumber']);

/** Path-style `/bucket/key` (the SDK's choice for an IP endpoint), decoded. */
function target(pathname: string): { bucket: string; key: string } {
  const path = pathname.slice(1);
  const slash = path.indexOf('/');
  try {
    if (slash < 0) return { bucket: decodeURIComponent(path), key: '' };
    return {
      bucket: decodeURIComponent(path.slice(0, slash)),
      key: decodeURIComponent(path.slice(slash + 1)),
    };
  } catch {
    return { bucket: '', key: '' };
  }
}

/** Which S3 call an HTTP request is, from its method, path and query (path-style only). */
export function s3Operation(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
): S3Operation {
  const url = new URL(rawUrl, 'http://local');
  const { bucket, key } = target(url.pathname);
  const q = url.searchParams;
  const uploadId = q.get('uploadId') ?? undefined;
  const partNumber = q.has('partNumber') ? Number(q.get('partNumber')) : undefined;
  const copy = headers['x-amz-copy-source'] !== undefined;
  const op = (name: OperationName, writes = false): S3Operation => ({
    name,
    bucket,
    key,
    ...(uploadId !== undefined ? { uploadId } : {}),
    ...(partNumber !== undefined ? { partNumber } : {}),
    writes,
  });
  if (!key) return op(method === 'GET' ? 'ListObjects' : 'Other');
  // Any other subresource (?tagging, ?acl...) is a call the functions do not make.
  if ([...q.keys()].some((k) => !KNOWN_QUERY.has(k) && !k.toLowerCase().startsWith('x-amz-')))
    return op('Other');
  switch (method) {
    case 'GET':
      return op(q.has('attributes') ? 'GetObjectAttributes' : 'GetObject');
    case 'HEAD':
      return op('HeadObject');
    case 'PUT':
      if (uploadId !== undefined) return op(copy ? 'UploadPartCopy' : 'UploadPart');
      return op(copy ? 'CopyObject' : 'PutObject', true);
    case 'POST':
      if (q.has('uploads')) return op('CreateMultipartUpload');
      if (uploadId !== undefined) return op('CompleteMultipartUpload', true);
      return op('Other');
    case 'DELETE':
      return op(uploadId !== undefined ? 'AbortMultipartUpload' : 'DeleteObject');
    default:
      return op('Other');
  }
}
