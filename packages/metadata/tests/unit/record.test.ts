import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { buildRecord, md5FromETag } from '../../src/record';

// md5("hello\n") as printed by md5sum; S3 uses it as the ETag of a single-part upload.
const MD5 = 'b1946ac92492d2347c6235b4d2611184';
const $metadata = {};

describe('md5FromETag', () => {
  it.each([
    ['single-part, unencrypted', MD5, undefined, undefined, MD5],
    ['single-part, SSE-S3', MD5, 'AES256', undefined, MD5],
    ['multipart', `${MD5}-3`, undefined, undefined, null],
    ['multipart, SSE-S3', `${MD5}-12`, 'AES256', undefined, null],
    ['SSE-KMS', MD5, 'aws:kms', undefined, null],
    ['DSSE-KMS', MD5, 'aws:kms:dsse', undefined, null],
    ['SSE-C', MD5, undefined, 'AES256', null],
    ['not hex', 'not-an-md5', undefined, undefined, null],
    ['empty', '', undefined, undefined, null],
  ])('%s -> %s', (_label, eTag, sse, sseCustomer, expected) => {
    // Act
    const md5 = md5FromETag(eTag, sse, sseCustomer);

    // Assess
    expect(md5).toBe(expected);
  });
});

describe('buildRecord', () => {
  const ref = { bucket: 'mybucket', key: 'photos/HappyFace.jpg', versionId: 'v1', eTag: MD5 };

  it('describes a plain single-part object', () => {
    // Prepare
    const head: HeadObjectCommandOutput = {
      $metadata,
      ETag: `"${MD5}"`,
      VersionId: 'v1',
      ContentLength: 6,
      ContentType: 'text/plain',
      LastModified: new Date('2024-05-02T10:15:30.000Z'),
      ServerSideEncryption: 'AES256',
      Metadata: { owner: 'alice' },
    };

    // Act
    const record = buildRecord(ref, head, undefined);

    // Assess
    expect(record).toEqual({
      bucket: 'mybucket',
      key: 'photos/HappyFace.jpg',
      versionId: 'v1',
      size: 6,
      contentType: 'text/plain',
      lastModified: '2024-05-02T10:15:30.000Z',
      eTag: MD5,
      storageClass: 'STANDARD',
      parts: null,
      encryption: {
        algorithm: 'AES256',
        kmsKeyId: null,
        bucketKeyEnabled: false,
        customerAlgorithm: null,
      },
      userMetadata: { owner: 'alice' },
      checksums: [],
      md5: MD5,
    });
  });

  it('takes the parts count from the multipart ETag when attributes are missing', () => {
    // Act
    const record = buildRecord(ref, { $metadata, ETag: `"${MD5}-3"` }, undefined);

    // Assess
    expect(record.parts).toBe(3);
    expect(record.md5).toBeNull();
  });

  it('prefers the parts count from GetObjectAttributes', () => {
    // Act
    const record = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}-3"` },
      {
        $metadata,
        ObjectParts: { TotalPartsCount: 4 },
      },
    );

    // Assess
    expect(record.parts).toBe(4);
  });

  it('records SSE-KMS details and no md5', () => {
    // Prepare
    const head: HeadObjectCommandOutput = {
      $metadata,
      ETag: `"${MD5}"`,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      BucketKeyEnabled: true,
    };

    // Act
    const record = buildRecord(ref, head, undefined);

    // Assess
    expect(record.encryption).toEqual({
      algorithm: 'aws:kms',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      bucketKeyEnabled: true,
      customerAlgorithm: null,
    });
    expect(record.md5).toBeNull();
  });

  it('records SSE-C and no md5', () => {
    // Act
    const record = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}"`, SSECustomerAlgorithm: 'AES256' },
      undefined,
    );

    // Assess
    expect(record.encryption.customerAlgorithm).toBe('AES256');
    expect(record.md5).toBeNull();
  });

  it('keeps a stated storage class, from HEAD or from the attributes', () => {
    // Act
    const fromHead = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}"`, StorageClass: 'GLACIER_IR' },
      undefined,
    );
    const fromAttributes = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}"` },
      {
        $metadata,
        StorageClass: 'INTELLIGENT_TIERING',
      },
    );

    // Assess
    expect(fromHead.storageClass).toBe('GLACIER_IR');
    expect(fromAttributes.storageClass).toBe('INTELLIGENT_TIERING');
  });

  it('records a full-object checksum stated by HEAD', () => {
    // Act
    const record = buildRecord(
      ref,
      {
        $metadata,
        ETag: `"${MD5}"`,
        ChecksumCRC64NVME: 'AAAAAAAAAAA=',
        ChecksumType: 'FULL_OBJECT',
      },
      undefined,
    );

    // Assess
    expect(record.checksums).toEqual([
      { algorithm: 'CRC64NVME', value: 'AAAAAAAAAAA=', type: 'FULL_OBJECT' },
    ]);
  });

  it('infers a composite checksum from its -N suffix when no type is stated', () => {
    // Act
    const record = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}-2"`, ChecksumCRC32: 'i9aeUg==-2' },
      undefined,
    );

    // Assess
    expect(record.checksums).toEqual([
      { algorithm: 'CRC32', value: 'i9aeUg==-2', type: 'COMPOSITE' },
    ]);
  });

  it('infers a full-object checksum when there is no -N suffix', () => {
    // Act
    const record = buildRecord(
      ref,
      {
        $metadata,
        ETag: `"${MD5}"`,
        ChecksumSHA256: 'WZRHGrsBESr8wYFZ9sx0tPURuZgG2lmzyvWpwXPKz8U=',
      },
      undefined,
    );

    // Assess
    expect(record.checksums).toEqual([
      {
        algorithm: 'SHA256',
        value: 'WZRHGrsBESr8wYFZ9sx0tPURuZgG2lmzyvWpwXPKz8U=',
        type: 'FULL_OBJECT',
      },
    ]);
  });

  it('prefers the checksum and type stated by GetObjectAttributes', () => {
    // Act
    const record = buildRecord(
      ref,
      { $metadata, ETag: `"${MD5}-2"`, ChecksumCRC32C: 'head-value' },
      { $metadata, Checksum: { ChecksumCRC32C: 'attr-value', ChecksumType: 'COMPOSITE' } },
    );

    // Assess
    expect(record.checksums).toEqual([
      { algorithm: 'CRC32C', value: 'attr-value', type: 'COMPOSITE' },
    ]);
  });

  it('lists every stored algorithm', () => {
    // Act
    const record = buildRecord(
      ref,
      {
        $metadata,
        ETag: `"${MD5}"`,
        ChecksumCRC32: 'a',
        ChecksumSHA1: 'b',
        ChecksumType: 'FULL_OBJECT',
      },
      undefined,
    );

    // Assess
    expect(record.checksums.map((c) => c.algorithm)).toEqual(['CRC32', 'SHA1']);
  });

  it('falls back to the ref for the version id, and to nulls for what HEAD did not say', () => {
    // Act
    const record = buildRecord({ bucket: 'b', key: 'k' }, { $metadata }, undefined);

    // Assess
    expect(record).toMatchObject({
      versionId: null,
      size: 0,
      contentType: null,
      lastModified: null,
      eTag: '',
      userMetadata: {},
      md5: null,
    });
    expect(buildRecord(ref, { $metadata }, undefined).versionId).toBe('v1');
  });
});
