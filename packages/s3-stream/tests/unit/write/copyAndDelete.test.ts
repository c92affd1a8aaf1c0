import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Error } from '@s3-pipelines/testing';
import { deleteIfCurrent } from '../../../src/write/deleteIfCurrent';
import { replaceMetadata } from '../../../src/write/replaceMetadata';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });
const GiB = 1024 ** 3;
const ARCHIVE = { bucket: 'out', key: 'processed/a b+c.zip', eTag: 'abc' };
const PIN = { bucket: 'src', key: 'incoming/a', versionId: 'v1', eTag: 'e1' };

describe('replaceMetadata', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('copies an archive up to 5 GiB onto itself, pinned to the ETag just written', async () => {
    // Prepare
    s3Mock.on(CopyObjectCommand).resolves({ CopyObjectResult: { ETag: '"new"' } });

    // Act
    const eTag = await replaceMetadata(
      s3,
      { ...ARCHIVE, size: 5 * GiB },
      { a: '1' },
      'application/zip',
    );

    // Assess
    expect(eTag).toBe('new');
    expect(s3Mock).toReceiveCommandWith(CopyObjectCommand, {
      Bucket: 'out',
      Key: 'processed/a b+c.zip',
      CopySource: 'out/processed%2Fa%20b%2Bc.zip',
      CopySourceIfMatch: '"abc"',
      MetadataDirective: 'REPLACE',
      Metadata: { a: '1' },
      ContentType: 'application/zip',
    });
  });

  it('copies a larger archive in 1 GiB parts with the new metadata', async () => {
    // Prepare
    s3Mock
      .on(CreateMultipartUploadCommand)
      .resolves({ UploadId: 'up' })
      .on(UploadPartCopyCommand)
      .callsFake((input: { PartNumber: number }) => ({
        CopyPartResult: { ETag: `"p${input.PartNumber}"` },
      }))
      .on(CompleteMultipartUploadCommand)
      .resolves({ ETag: '"multi-2"' });

    // Act
    const eTag = await replaceMetadata(
      s3,
      { ...ARCHIVE, size: 5 * GiB + 1 },
      { a: '1' },
      'application/zip',
    );

    // Assess
    expect(eTag).toBe('multi-2');
    expect(s3Mock).toReceiveCommandWith(CreateMultipartUploadCommand, {
      Metadata: { a: '1' },
      ContentType: 'application/zip',
    });
    expect(s3Mock).toReceiveCommandTimes(UploadPartCopyCommand, 6);
    expect(s3Mock).toReceiveCommandWith(UploadPartCopyCommand, {
      PartNumber: 6,
      CopySourceRange: `bytes=${5 * GiB}-${5 * GiB}`,
      CopySourceIfMatch: '"abc"',
    });
    const parts = s3Mock.commandCalls(CompleteMultipartUploadCommand)[0]!.args[0].input
      .MultipartUpload!.Parts!;
    expect(parts.map((p) => p.ETag)).toEqual(['"p1"', '"p2"', '"p3"', '"p4"', '"p5"', '"p6"']);
  });

  it('aborts a failed multipart copy', async () => {
    // Prepare
    s3Mock
      .on(CreateMultipartUploadCommand)
      .resolves({ UploadId: 'up' })
      .on(UploadPartCopyCommand)
      .rejects(s3Error('PreconditionFailed', 412));

    // Act
    const copying = replaceMetadata(s3, { ...ARCHIVE, size: 6 * GiB }, {}, 'application/zip');

    // Assess
    await expect(copying).rejects.toMatchObject({ name: 'PermanentError', retryable: false });
    expect(s3Mock).toReceiveCommandWith(AbortMultipartUploadCommand, { UploadId: 'up' });
    expect(s3Mock).not.toReceiveCommand(CompleteMultipartUploadCommand);
  });
});

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
