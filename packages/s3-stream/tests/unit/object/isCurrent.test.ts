import { HeadObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { isCurrent } from '../../../src/object/isCurrent';
import type { ObjectInfo } from '../../../src/types';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const info = (extra: Partial<ObjectInfo> = {}): ObjectInfo => ({
  bucket: 'b',
  key: 'k',
  size: 1,
  eTag: 'abc',
  metadata: {},
  ...extra,
});
const notFound = () =>
  new S3ServiceException({
    name: 'NotFound',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
  });

describe('isCurrent', () => {
  beforeEach(() => s3Mock.reset());

  it('compares ETags on an unversioned key', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ETag: '"abc"' });

    await expect(isCurrent(s3, info())).resolves.toBe(true);
    await expect(isCurrent(s3, info({ eTag: 'other' }))).resolves.toBe(false);
    expect(s3Mock).toHaveReceivedCommandWith(HeadObjectCommand, { Bucket: 'b', Key: 'k' });
  });

  it('compares version ids when the read was pinned to one, and the ETag as well', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ETag: '"abc"', VersionId: 'v2' });

    await expect(isCurrent(s3, info({ versionId: 'v1' }))).resolves.toBe(false);
    await expect(isCurrent(s3, info({ versionId: 'v2' }))).resolves.toBe(true);
    // The same rule deleteIfCurrent applies: a version id and an ETag must both match.
    await expect(isCurrent(s3, info({ versionId: 'v2', eTag: 'x' }))).resolves.toBe(false);
  });

  it('never calls a pin with neither version id nor ETag current', async () => {
    s3Mock.on(HeadObjectCommand).resolves({ ETag: '"abc"' });

    await expect(isCurrent(s3, info({ eTag: '' }))).resolves.toBe(false);
  });

  it('is false once the key is gone', async () => {
    s3Mock.on(HeadObjectCommand).rejects(notFound());

    await expect(isCurrent(s3, info())).resolves.toBe(false);
  });
});
