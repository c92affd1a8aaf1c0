import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  AbortMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { PermanentError, PipelineError, TransientError } from '../../../src/errors';
import { uploadStream } from '../../../src/write/uploadStream';
import { connectionReset, s3Error, sampleBytes } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

function bodyText(body: unknown): string {
  return Buffer.from(body as Uint8Array | string).toString('utf8');
}

describe('uploadStream', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('writes a small body with one PUT carrying bucket, key, content type and metadata', async () => {
    // Prepare
    s3Mock
      .on(PutObjectCommand)
      .resolves({ ETag: '"0cc175b9c0f1b6a831c399e269772661"', VersionId: 'v1' });

    // Act
    const result = await uploadStream(s3, {
      bucket: 'out-bucket',
      key: 'photos/a.jpg.md5',
      body: 'hello\n',
      contentType: 'text/plain; charset=utf-8',
      metadata: { 'source-etag': 'abc', processor: 'checksum' },
    });

    // Assess
    expect(result).toEqual({ eTag: '0cc175b9c0f1b6a831c399e269772661', versionId: 'v1' });
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'out-bucket',
      Key: 'photos/a.jpg.md5',
      ContentType: 'text/plain; charset=utf-8',
      Metadata: { 'source-etag': 'abc', processor: 'checksum' },
    });
    expect(bodyText(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body)).toBe('hello\n');
    expect(s3Mock).not.toReceiveCommand(CreateMultipartUploadCommand);
  });

  it('writes a stream of bytes unchanged', async () => {
    // Prepare
    const bytes = sampleBytes(1000);
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"x"' });

    // Act
    await uploadStream(s3, {
      bucket: 'b',
      key: 'k',
      body: Readable.from([bytes.subarray(0, 300), bytes.subarray(300)]),
    });

    // Assess
    const sent = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Uint8Array;
    expect(Buffer.from(sent)).toEqual(bytes);
  });

  it('goes multipart above the part size and reports progress', async () => {
    // Prepare
    const partSize = 5 * 1024 * 1024;
    const bytes = Buffer.alloc(partSize + 10, 7);
    s3Mock
      .on(CreateMultipartUploadCommand)
      .resolves({ UploadId: 'upload-1' })
      .on(UploadPartCommand)
      .callsFake((input) => ({ ETag: `"part-${input.PartNumber}"` }))
      .on(CompleteMultipartUploadCommand)
      .resolves({ ETag: '"abc-2"' });
    const progress: number[] = [];

    // Act
    const result = await uploadStream(s3, {
      bucket: 'b',
      key: 'big.bin',
      body: Readable.from([bytes]),
      partSize,
      queueSize: 1,
      onProgress: (n) => progress.push(n),
    });

    // Assess
    expect(result.eTag).toBe('abc-2');
    expect(s3Mock).toReceiveCommandTimes(UploadPartCommand, 2);
    expect(s3Mock).toReceiveCommandWith(CompleteMultipartUploadCommand, {
      Bucket: 'b',
      Key: 'big.bin',
      UploadId: 'upload-1',
      MultipartUpload: {
        Parts: [
          expect.objectContaining({ PartNumber: 1, ETag: '"part-1"' }),
          expect.objectContaining({ PartNumber: 2, ETag: '"part-2"' }),
        ],
      },
    });
    expect(progress.at(-1)).toBe(bytes.length);
  });

  it('aborts the multipart upload when a part fails, so nothing partial stays', async () => {
    // Prepare
    const partSize = 5 * 1024 * 1024;
    s3Mock
      .on(CreateMultipartUploadCommand)
      .resolves({ UploadId: 'upload-1' })
      .on(UploadPartCommand)
      .rejects(s3Error('InternalError', 500))
      .on(AbortMultipartUploadCommand)
      .resolves({});

    // Act
    const writing = uploadStream(s3, {
      bucket: 'b',
      key: 'big.bin',
      body: Readable.from([Buffer.alloc(partSize + 10)]),
      partSize,
      queueSize: 1,
    });

    // Assess
    await expect(writing).rejects.toThrow(TransientError);
    expect(s3Mock).toReceiveCommandWith(AbortMultipartUploadCommand, {
      Bucket: 'b',
      Key: 'big.bin',
      UploadId: 'upload-1',
    });
  });

  it.each([
    [s3Error('AccessDenied', 403), PermanentError, false],
    [s3Error('SlowDown', 503), TransientError, true],
    [connectionReset(), TransientError, true],
  ])('maps a failed PUT (%s) to a PipelineError', async (error, type, retryable) => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(error);

    // Act
    let thrown: unknown;
    try {
      await uploadStream(s3, { bucket: 'b', key: 'out.txt', body: 'x' });
    } catch (e) {
      thrown = e;
    }

    // Assess
    expect(thrown).toBeInstanceOf(PipelineError);
    expect(thrown).toBeInstanceOf(type);
    expect((thrown as PipelineError).retryable).toBe(retryable);
    expect((thrown as PipelineError).message).toMatch(/^PUT out\.txt: /);
  });
});
