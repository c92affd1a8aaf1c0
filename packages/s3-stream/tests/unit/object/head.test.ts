import { GetObjectAttributesCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { ObjectGoneError, PermanentError, TransientError } from '../../../src/errors';
import { attributesIfAllowed, headIfExists, headPinned } from '../../../src/object/head';
import { s3Error } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const ETAG = '9b2cf535f27731c974343645a3985328';

describe('headPinned', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('pins to the version id and asks for stored checksums', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 5 });

    // Act
    const head = await headPinned(s3, { bucket: 'b', key: 'k', versionId: 'v1', eTag: ETAG });

    // Assess
    expect(head.ContentLength).toBe(5);
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'b',
      Key: 'k',
      VersionId: 'v1',
      IfMatch: undefined,
      ChecksumMode: 'ENABLED',
    });
  });

  it('pins with If-Match on the quoted ETag without a version id', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves({});

    // Act
    await headPinned(s3, { bucket: 'b', key: 'k', eTag: ETAG });

    // Assess
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      VersionId: undefined,
      IfMatch: `"${ETAG}"`,
      ChecksumMode: 'ENABLED',
    });
  });

  it.each([404, 412])('turns %i into ObjectGoneError', async (status) => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .rejects(s3Error(status === 404 ? 'NotFound' : 'PreconditionFailed', status));

    // Act
    const heading = headPinned(s3, { bucket: 'b', key: 'k', eTag: ETAG });

    // Assess
    await expect(heading).rejects.toThrow(ObjectGoneError);
  });

  it('classifies other failures', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .rejectsOnce(s3Error('Forbidden', 403))
      .rejectsOnce(s3Error('ServiceUnavailable', 503));

    // Act
    const first = headPinned(s3, { bucket: 'b', key: 'k' });
    await expect(first).rejects.toThrow(PermanentError);
    const second = headPinned(s3, { bucket: 'b', key: 'k' });

    // Assess
    await expect(second).rejects.toThrow(TransientError);
  });
});

describe('attributesIfAllowed', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('asks for the same version and the named attributes', async () => {
    // Prepare
    s3Mock.on(GetObjectAttributesCommand).resolves({ ObjectParts: { TotalPartsCount: 3 } });

    // Act
    const attributes = await attributesIfAllowed(s3, { bucket: 'b', key: 'k', versionId: 'v1' }, [
      'Checksum',
      'ObjectParts',
    ]);

    // Assess
    expect(attributes?.ObjectParts?.TotalPartsCount).toBe(3);
    expect(s3Mock).toReceiveCommandWith(GetObjectAttributesCommand, {
      Bucket: 'b',
      Key: 'k',
      VersionId: 'v1',
      ObjectAttributes: ['Checksum', 'ObjectParts'],
    });
  });

  it('returns undefined where it is refused', async () => {
    // Prepare
    s3Mock.on(GetObjectAttributesCommand).rejects(s3Error('AccessDenied', 403));

    // Act
    const attributes = await attributesIfAllowed(s3, { bucket: 'b', key: 'k' }, ['Checksum']);

    // Assess
    expect(attributes).toBeUndefined();
  });
});

describe('headIfExists', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('returns the HEAD of an existing output', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves({ Metadata: { processor: 'checksum' } });

    // Act
    const head = await headIfExists(s3, 'b', 'k.md5');

    // Assess
    expect(head?.Metadata).toEqual({ processor: 'checksum' });
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, { Bucket: 'b', Key: 'k.md5' });
  });

  it('returns undefined when there is no output yet', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));

    // Act
    const head = await headIfExists(s3, 'b', 'k.md5');

    // Assess
    expect(head).toBeUndefined();
  });

  it('classifies any other failure', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).rejects(s3Error('InternalError', 500));

    // Act
    const heading = headIfExists(s3, 'b', 'k.md5');

    // Assess
    await expect(heading).rejects.toThrow(TransientError);
    await expect(headIfExists(s3, 'b', 'k.md5')).rejects.toThrow(/^HEAD k\.md5: InternalError/);
  });
});
