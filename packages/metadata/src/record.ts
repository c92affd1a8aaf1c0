import {
  bareETag,
  type GetObjectAttributesCommandOutput,
  type HeadObjectCommandOutput,
  type ObjectRef,
} from '@s3-pipelines/s3-stream';

export interface StoredChecksum {
  algorithm: 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
  /** Base64, as S3 returns it; composite values end in `-<parts>`. */
  value: string;
  /** FULL_OBJECT covers the whole object; COMPOSITE is a checksum of the parts' checksums. */
  type: 'FULL_OBJECT' | 'COMPOSITE';
}

export interface MetadataRecord {
  bucket: string;
  key: string;
  versionId: string | null;
  size: number;
  contentType: string | null;
  lastModified: string | null;
  eTag: string;
  storageClass: string;
  parts: number | null;
  encryption: {
    algorithm: string | null;
    kmsKeyId: string | null;
    bucketKeyEnabled: boolean;
    customerAlgorithm: string | null;
  };
  userMetadata: Record<string, string>;
  checksums: StoredChecksum[];
  /** Hex MD5 of the bytes, only where the ETag provably is one; null otherwise. */
  md5: string | null;
}

const ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;

/**
 * An ETag is the MD5 of the bytes only for single-part uploads stored with SSE-S3 or no
 * encryption. Multipart ETags (`-N`) hash the parts, and SSE-KMS / SSE-C ETags are opaque.
 */
export function md5FromETag(
  eTag: string,
  sse: string | undefined,
  sseCustomer: string | undefined,
): string | null {
  if (!/^[0-9a-f]{32}$/.test(eTag)) return null;
  if (sse === 'aws:kms' || sse === 'aws:kms:dsse' || sseCustomer) return null;
  return eTag;
}

function storedChecksums(
  head: HeadObjectCommandOutput,
  attributes: GetObjectAttributesCommandOutput | undefined,
): StoredChecksum[] {
  const fromAttributes = attributes?.Checksum;
  const type = (fromAttributes?.ChecksumType ??
    head.ChecksumType ??
    inferType(head)) as StoredChecksum['type'];
  return ALGORITHMS.flatMap((algorithm) => {
    const field = `Checksum${algorithm}` as const;
    const value = fromAttributes?.[field] ?? head[field];
    return value ? [{ algorithm, value, type }] : [];
  });
}

/** Without a stated type, a `-N` suffix on the value is what marks a composite checksum. */
function inferType(head: HeadObjectCommandOutput): StoredChecksum['type'] {
  const any = ALGORITHMS.map((a) => head[`Checksum${a}`]).find(Boolean);
  return any && /-\d+$/.test(any) ? 'COMPOSITE' : 'FULL_OBJECT';
}

function partsCount(
  eTag: string,
  attributes: GetObjectAttributesCommandOutput | undefined,
): number | null {
  const counted = attributes?.ObjectParts?.TotalPartsCount;
  if (counted !== undefined) return counted;
  const suffix = /-(\d+)$/.exec(eTag);
  return suffix ? Number(suffix[1]) : null;
}

/** Builds the record from what S3 returned; pure, so every rule above is unit-testable. */
export function buildRecord(
  ref: ObjectRef,
  head: HeadObjectCommandOutput,
  attributes: GetObjectAttributesCommandOutput | undefined,
): MetadataRecord {
  const eTag = bareETag(head.ETag) ?? '';
  return {
    bucket: ref.bucket,
    key: ref.key,
    versionId: head.VersionId ?? ref.versionId ?? null,
    size: head.ContentLength ?? 0,
    contentType: head.ContentType ?? null,
    lastModified: head.LastModified?.toISOString() ?? null,
    eTag,
    storageClass: head.StorageClass ?? attributes?.StorageClass ?? 'STANDARD',
    parts: partsCount(eTag, attributes),
    encryption: {
      algorithm: head.ServerSideEncryption ?? null,
      kmsKeyId: head.SSEKMSKeyId ?? null,
      bucketKeyEnabled: head.BucketKeyEnabled ?? false,
      customerAlgorithm: head.SSECustomerAlgorithm ?? null,
    },
    userMetadata: head.Metadata ?? {},
    checksums: storedChecksums(head, attributes),
    md5: md5FromETag(eTag, head.ServerSideEncryption, head.SSECustomerAlgorithm),
  };
}
