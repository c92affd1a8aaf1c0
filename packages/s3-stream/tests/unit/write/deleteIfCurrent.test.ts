import { DeleteObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Error } from '@s3-pipelines/testing';
import { deleteIfCurrent } from '../../../src/write/deleteIfCurrent';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const PIN = { bucket: 'src', key: 'incoming/a', versionId: 'v1', eTag: 'e1' };

describe('deleteIfCurrent', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('deletes the current object with If-Match and without VersionId (a delete marker)', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ ETag: '"e1"', VersionId: 'v1' })
      .on(DeleteObjectCommand)
      .resolves({});

    // Act
    const outcome = await deleteIfCurrent(s3, PIN);

    // Assess
    expect(outcome).toBe('deleted');
    expect(s3Mock.commandCalls(DeleteObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'src',
      Key: 'incoming/a',
      IfMatch: '"e1"',
    });
  });

  it.each([
    ['another version is current', { ETag: '"e1"', VersionId: 'v2' }],
    ['another ETag is current', { ETag: '"e2"', VersionId: 'v1' }],
  ])('leaves the key alone when %s', async (_label, current) => {
    // Prepare
    s3Mock.on(HeadObjectCommand).resolves(current);

    // Act
    const outcome = await deleteIfCurrent(s3, PIN);

    // Assess
    expect(outcome).toBe('superseded');
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('reports gone when nothing is current', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).rejects(s3Error('NotFound', 404));

    // Act & Assess
    await expect(deleteIfCurrent(s3, PIN)).resolves.toBe('gone');
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });

  it('reports superseded when S3 refuses the If-Match delete', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ ETag: '"e1"' })
      .on(DeleteObjectCommand)
      .rejects(s3Error('PreconditionFailed', 412));

    // Act & Assess
    await expect(deleteIfCurrent(s3, { ...PIN, versionId: undefined })).resolves.toBe('superseded');
  });

  it('throws a transient error when the delete fails with 503, so the event is retried', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand)
      .resolves({ ETag: '"e1"', VersionId: 'v1' })
      .on(DeleteObjectCommand)
      .rejects(s3Error('SlowDown', 503));

    // Act & Assess
    await expect(deleteIfCurrent(s3, PIN)).rejects.toMatchObject({ retryable: true });
  });
});
