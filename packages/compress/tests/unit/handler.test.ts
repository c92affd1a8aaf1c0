import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { bodyOf, fixture, s3Error, useEnvironment } from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (event: unknown) => Promise<unknown>;

// Created before the handler module loads, so that the client it builds is the mocked class.
const s3Mock = mockClient(S3Client);

const ENV = {
  AWS_REGION: 'us-west-2',
  TRIGGER_PREFIX: '',
  OUTPUT_BUCKET: 'archive',
  OUTPUT_PREFIX: 'processed/',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const BYTES = Buffer.from('hello, compress\n'.repeat(64));
// The documented s3-put sample: HappyFace.jpg, version 096fKKXTRTtl3on89fVO.nfljtsv6qko.
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';
const ETAG = 'd41d8cd98f00b204e9800998ecf8427e';

let handler: Handler;
useEnvironment(ENV);

beforeAll(async () => {
  // The module parses its config at load time, so it is loaded after the environment is set.
  ({ handler } = await import('../../src/handler'));
});

describe('compress handler', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('archives HappyFace.jpg from the documented PUT event and reports sizes and ratio', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'archive' })
      .rejectsOnce(s3Error('NotFound', 404))
      .callsFake(() => {
        const put = s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
        return { ContentLength: (put.Body as Uint8Array).length, Metadata: put.Metadata };
      })
      .on(HeadObjectCommand, { Bucket: 'mybucket' })
      .resolves({ ETag: `"${ETAG}"`, VersionId: VERSION })
      .on(GetObjectCommand)
      .callsFake(() => ({
        ETag: `"${ETAG}"`,
        VersionId: VERSION,
        ContentLength: BYTES.length,
        ContentType: 'image/jpeg',
        Body: bodyOf(BYTES),
      }))
      .on(PutObjectCommand)
      .resolves({ ETag: '"zip"' })
      .on(DeleteObjectCommand)
      .resolves({});

    // Act
    const result = (await handler(fixture('s3-put.json'))) as Json;

    // Assess
    expect(result).toMatchObject({
      processed: 1,
      failed: 0,
      objects: [
        {
          key: 'HappyFace.jpg',
          outcome: 'processed',
          bytes: BYTES.length,
          output: {
            archiveBucket: 'archive',
            archive: 'processed/HappyFace.jpg.zip',
            bytesIn: BYTES.length,
            sourceAction: 'deleted',
          },
        },
      ],
    });
    const output = result.objects[0].output;
    expect(output.ratio).toBeLessThan(0.5);
    expect(typeof result.objects[0].durationMs).toBe('number');
    expect(s3Mock).toReceiveCommandWith(DeleteObjectCommand, {
      Bucket: 'mybucket',
      Key: 'HappyFace.jpg',
      IfMatch: `"${ETAG}"`,
    });
    // One write of the archive: a copy would raise a second ObjectCreated.
    expect(s3Mock).toReceiveCommandTimes(PutObjectCommand, 1);
    expect(s3Mock).not.toReceiveCommand(CopyObjectCommand);
  });

  it('skips its own archive in the output bucket without any S3 call', async () => {
    // Prepare
    const event = fixture<Json>('s3-put.json');
    event.Records[0].s3.bucket.name = 'archive';
    event.Records[0].s3.object.key = 'processed/HappyFace.jpg.zip';

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toMatchObject({
      skipped: 1,
      objects: [{ outcome: 'skipped', reason: 'own-output' }],
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
    expect(s3Mock).not.toReceiveCommand(DeleteObjectCommand);
  });
});
