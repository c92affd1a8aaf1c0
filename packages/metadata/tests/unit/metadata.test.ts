import {
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ObjectGoneError, type ObjectRef } from '@s3-pipelines/s3-stream';
import type { MetadataConfig } from '../../src/config';
import { recordLocation } from '../../src/metadata';
import { metadataPipeline } from '../../src/pipeline';
import { fakeLogger, runPipeline, s3Error } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const MD5 = 'b1946ac92492d2347c6235b4d2611184';
const VERSION = 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e';
const trigger = { TRIGGER_PREFIX: '', TRIGGER_SUFFIX: '' };
const beside: MetadataConfig = { ...trigger, OUTPUT_BUCKET: '', OUTPUT_PREFIX: '' };
const elsewhere: MetadataConfig = { ...trigger, OUTPUT_BUCKET: 'records', OUTPUT_PREFIX: 'meta/' };

/** metadata as its handler runs it: the skip rules, then the core. */
function describeObject(client: S3Client, object: ObjectRef, settings: MetadataConfig) {
  return runPipeline(metadataPipeline(settings, fakeLogger().asLogger), client, object);
}

const ref: ObjectRef = {
  bucket: 'amzn-s3-demo-bucket1',
  key: 'example-key',
  size: 5,
  eTag: MD5,
  versionId: VERSION,
};
const unversionedRef: ObjectRef = {
  bucket: 'amzn-s3-demo-bucket1',
  key: 'example-key',
  size: 5,
  eTag: MD5,
};

function givenObject(recordKey = 'example-key.metadata.json'): void {
  s3Mock
    .on(HeadObjectCommand, { Key: recordKey })
    .rejects(s3Error('NotFound', 404))
    .on(HeadObjectCommand, { Key: 'example-key' })
    .resolves({
      ETag: `"${MD5}"`,
      VersionId: VERSION,
      ContentLength: 5,
      ContentType: 'text/plain',
      LastModified: new Date('2021-11-12T00:00:00.000Z'),
      Metadata: { team: 'photos' },
      ChecksumCRC32: 'NhCmhg==',
      ChecksumType: 'FULL_OBJECT',
    })
    .on(GetObjectAttributesCommand)
    .resolves({ StorageClass: 'STANDARD' })
    .on(PutObjectCommand)
    .resolves({});
}

function writtenRecord(): Record<string, unknown> {
  const body = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body;
  return JSON.parse(Buffer.from(body as Uint8Array | string).toString('utf8'));
}

describe('recordLocation', () => {
  it('puts the record beside the object by default', () => {
    // Act
    const location = recordLocation(ref, beside);

    // Assess
    expect(location).toEqual({ bucket: 'amzn-s3-demo-bucket1', key: 'example-key.metadata.json' });
  });

  it('puts the record under the configured bucket and prefix', () => {
    // Act
    const location = recordLocation({ ...ref, key: 'a/b.jpg' }, elsewhere);

    // Assess
    expect(location).toEqual({ bucket: 'records', key: 'meta/a/b.jpg.metadata.json' });
  });

  it('uses a prefix in the source bucket when only a prefix is set', () => {
    // Act
    const location = recordLocation(ref, { OUTPUT_BUCKET: '', OUTPUT_PREFIX: 'meta/' });

    // Assess
    expect(location).toEqual({
      bucket: 'amzn-s3-demo-bucket1',
      key: 'meta/example-key.metadata.json',
    });
  });
});

describe('describeObject', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('HEADs the pinned version with checksums enabled and reads no bytes', async () => {
    // Prepare
    givenObject();

    // Act
    await describeObject(s3, ref, beside);

    // Assess
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'amzn-s3-demo-bucket1',
      Key: 'example-key',
      VersionId: VERSION,
      IfMatch: undefined,
      ChecksumMode: 'ENABLED',
    });
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('pins with If-Match on an unversioned bucket', async () => {
    // Prepare
    givenObject();

    // Act
    await describeObject(s3, unversionedRef, beside);

    // Assess
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Key: 'example-key',
      VersionId: undefined,
      IfMatch: `"${MD5}"`,
      ChecksumMode: 'ENABLED',
    });
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('writes the record as JSON beside the object', async () => {
    // Prepare
    givenObject();

    // Act
    const result = await describeObject(s3, ref, beside);

    // Assess
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'amzn-s3-demo-bucket1',
      Key: 'example-key.metadata.json',
      ContentType: 'application/json',
      Metadata: {
        'source-bucket': 'amzn-s3-demo-bucket1',
        'source-key': 'example-key',
        'source-etag': MD5,
        'source-version-id': VERSION,
        processor: 'metadata',
      },
    });
    expect(writtenRecord()).toEqual({
      bucket: 'amzn-s3-demo-bucket1',
      key: 'example-key',
      versionId: VERSION,
      size: 5,
      contentType: 'text/plain',
      lastModified: '2021-11-12T00:00:00.000Z',
      eTag: MD5,
      storageClass: 'STANDARD',
      parts: null,
      encryption: {
        algorithm: null,
        kmsKeyId: null,
        bucketKeyEnabled: false,
        customerAlgorithm: null,
      },
      userMetadata: { team: 'photos' },
      checksums: [{ algorithm: 'CRC32', value: 'NhCmhg==', type: 'FULL_OBJECT' }],
      md5: MD5,
    });
    expect(result).toMatchObject({
      outcome: 'processed',
      bytes: 0,
      output: { record: 's3://amzn-s3-demo-bucket1/example-key.metadata.json', md5: MD5 },
    });
  });

  it('asks GetObjectAttributes for the same version', async () => {
    // Prepare
    givenObject();

    // Act
    await describeObject(s3, ref, beside);

    // Assess
    expect(s3Mock).toReceiveCommandWith(GetObjectAttributesCommand, {
      Bucket: 'amzn-s3-demo-bucket1',
      Key: 'example-key',
      VersionId: VERSION,
      ObjectAttributes: ['Checksum', 'ObjectParts', 'StorageClass'],
    });
  });

  it('still writes the record when GetObjectAttributes is refused', async () => {
    // Prepare
    givenObject();
    s3Mock.on(GetObjectAttributesCommand).rejects(s3Error('AccessDenied', 403));

    // Act
    const result = await describeObject(s3, ref, beside);

    // Assess
    expect(result.outcome).toBe('processed');
    expect(writtenRecord()).toMatchObject({ storageClass: 'STANDARD', parts: null });
  });

  it('writes to the configured bucket and prefix', async () => {
    // Prepare
    givenObject('meta/example-key.metadata.json');

    // Act
    await describeObject(s3, ref, elsewhere);

    // Assess
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'records',
      Key: 'meta/example-key.metadata.json',
    });
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'records',
      Key: 'meta/example-key.metadata.json',
      ContentType: 'application/json',
    });
  });

  it('skips when the existing record was made from this version', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand, { Key: 'example-key.metadata.json' }).resolves({
      Metadata: { 'source-version-id': VERSION, 'source-etag': MD5, processor: 'metadata' },
    });

    // Act
    const result = await describeObject(s3, ref, beside);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'already-done' });
    expect(s3Mock).toReceiveCommandTimes(HeadObjectCommand, 1);
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('rewrites a record made from another version', async () => {
    // Prepare
    givenObject();
    s3Mock.on(HeadObjectCommand, { Key: 'example-key.metadata.json' }).resolves({
      Metadata: { 'source-version-id': 'older', 'source-etag': MD5, processor: 'metadata' },
    });

    // Act
    const result = await describeObject(s3, ref, beside);

    // Assess
    expect(result.outcome).toBe('processed');
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
  });

  it('skips its own output, recognised by its metadata', async () => {
    // Prepare
    givenObject();
    s3Mock
      .on(HeadObjectCommand, { Key: 'example-key' })
      .resolves({ ETag: `"${MD5}"`, Metadata: { processor: 'metadata' } });

    // Act
    const result = await describeObject(s3, ref, beside);

    // Assess
    expect(result).toEqual({ outcome: 'skipped', reason: 'own-output' });
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });

  it.each([404, 412])('throws ObjectGoneError when HEAD answers %i', async (status) => {
    // Prepare
    givenObject();
    s3Mock
      .on(HeadObjectCommand, { Key: 'example-key' })
      .rejects(s3Error(status === 404 ? 'NotFound' : 'PreconditionFailed', status));

    // Act
    const describing = describeObject(s3, ref, beside);

    // Assess
    await expect(describing).rejects.toThrow(ObjectGoneError);
    expect(s3Mock).not.toReceiveCommand(PutObjectCommand);
  });
});
