import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { useEnvironment } from '@s3-pipelines/testing';
import {
  bodyOf,
  fixture,
  s3Error,
  sampleBytes,
  digestWithTool,
  coreutilsLine,
} from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (event: unknown) => Promise<unknown>;

// Created before the handler module loads, so that the client it builds is the mocked class.
const s3Mock = mockClient(S3Client);

const ENV = {
  AWS_REGION: 'us-west-2',
  EXTRA_ALGORITHMS: 'sha256',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

const BYTES = sampleBytes(1024);
const MD5 = digestWithTool('md5sum', BYTES);
const SHA256 = digestWithTool('sha256sum', BYTES);
// The documented s3-put sample: HappyFace.jpg, version 096fKKXTRTtl3on89fVO.nfljtsv6qko.
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';

let handler: Handler;
useEnvironment(ENV);

beforeAll(async () => {
  // The module parses its config at load time, so it is loaded after the environment is set.
  ({ handler } = await import('../../src/handler'));
});

describe('checksum handler', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('writes HappyFace.jpg.md5 for the documented PUT event', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Key: 'HappyFace.jpg.md5' })
      .rejects(s3Error('NotFound', 404))
      .on(HeadObjectCommand, { Key: 'HappyFace.jpg' })
      .resolves({ ETag: `"${MD5}"`, VersionId: VERSION })
      .on(GetObjectCommand)
      .resolves({ ETag: `"${MD5}"`, VersionId: VERSION, ContentLength: 1024, Body: bodyOf(BYTES) })
      .on(PutObjectCommand)
      .resolves({});

    // Act
    const result = (await handler(fixture('s3-put.json'))) as Json;

    // Assess
    expect(result).toMatchObject({
      processed: 1,
      skipped: 0,
      failed: 0,
      objects: [
        {
          bucket: 'mybucket',
          key: 'HappyFace.jpg',
          outcome: 'processed',
          output: { sidecar: 'HappyFace.jpg.md5', md5: MD5, sha256: SHA256 },
        },
      ],
    });
    expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
      Bucket: 'mybucket',
      Key: 'HappyFace.jpg',
      VersionId: VERSION,
    });
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'mybucket',
      Key: 'HappyFace.jpg.md5',
      Metadata: expect.objectContaining({
        processor: 'checksum',
        'source-version-id': VERSION,
        sha256: SHA256,
      }),
    });
    const body = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body;
    expect(Buffer.from(body as Uint8Array).toString('utf8')).toBe(
      coreutilsLine('md5sum', 'HappyFace.jpg', BYTES),
    );
  });

  it('skips a .md5 key as its own output without any S3 call', async () => {
    // Prepare
    const event = fixture<Json>('s3-put.json');
    event.Records[0].s3.object.key = 'HappyFace.jpg.md5';

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toMatchObject({
      processed: 0,
      skipped: 1,
      objects: [{ key: 'HappyFace.jpg.md5', outcome: 'skipped', reason: 'own-output' }],
    });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('throws a transient S3 failure so that Lambda retries', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));

    // Act
    const invocation = handler(fixture('s3-put.json'));

    // Assess
    await expect(invocation).rejects.toMatchObject({ retryable: true });
  });

  it('answers an SQS batch with only the transiently failed message', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Key: 'incoming/report.csv.md5' })
      .rejects(s3Error('InternalError', 500))
      .on(HeadObjectCommand, { Key: 'incoming/data+2024.csv.md5' })
      .rejects(s3Error('AccessDenied', 403));

    // Act
    const result = await handler(fixture('sqs-s3.json'));

    // Assess
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' }],
    });
  });
});
