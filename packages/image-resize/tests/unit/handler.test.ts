import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { bodyOf, fixture, s3Error, useEnvironment } from '@s3-pipelines/testing';
import { photo } from '@s3-pipelines/testing/images';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (event: unknown) => Promise<unknown>;

// Created before the handler module loads, so that the client it builds is the mocked class.
const s3Mock = mockClient(S3Client);

const ENV = {
  AWS_REGION: 'us-west-2',
  OUTPUT_BUCKET: 'renditions',
  OUTPUT_PREFIX: 'img/',
  WIDTHS: '16',
  FORMATS: 'jpeg',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
// The documented s3-put sample: mybucket/HappyFace.jpg, version 096fKKXTRTtl3on89fVO.nfljtsv6qko.
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';
const ETAG = '0123456789abcdef0123456789abcdef';

let handler: Handler;
useEnvironment(ENV);

beforeAll(async () => {
  // The module parses its config at load time, so it is loaded after the environment is set.
  ({ handler } = await import('../../src/handler'));
});

function givenSource(bytes: Buffer): void {
  s3Mock
    .on(HeadObjectCommand, { Bucket: 'renditions' })
    .rejects(s3Error('NotFound', 404))
    .on(HeadObjectCommand, { Bucket: 'mybucket' })
    .resolves({ ETag: `"${ETAG}"`, VersionId: VERSION })
    .on(GetObjectCommand)
    .callsFake(() => ({
      ETag: `"${ETAG}"`,
      VersionId: VERSION,
      ContentLength: bytes.length,
      Body: bodyOf(bytes, 1024),
    }))
    .on(PutObjectCommand)
    .resolves({});
}

describe('image-resize handler', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('writes the configured renditions and manifest for the documented PUT event', async () => {
    // Prepare
    givenSource(await photo(64, 48));

    // Act
    const result = await handler(fixture('s3-put.json'));

    // Assess
    expect(result).toMatchObject({
      processed: 1,
      failed: 0,
      objects: [{ key: 'HappyFace.jpg', outcome: 'processed', output: { renditions: 1 } }],
    });
    const keys = s3Mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key);
    expect(keys).toEqual(['img/HappyFace/16w.jpg', 'img/HappyFace/manifest.json']);
  });

  it('skips anything in the destination bucket as its own output, without any S3 call', async () => {
    // Prepare
    const event = fixture<Json>('s3-put.json');
    event.Records[0].s3.bucket.name = 'renditions';
    event.Records[0].s3.object.key = 'img/HappyFace/16w.jpg';

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toMatchObject({
      skipped: 1,
      objects: [{ key: 'img/HappyFace/16w.jpg', outcome: 'skipped', reason: 'own-output' }],
    });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('reports a corrupt image as a permanent failure, records it, and does not throw', async () => {
    // Prepare
    givenSource(Buffer.from('GIF89a, and then nothing useful'));

    // Act
    const result = (await handler(fixture('s3-put.json'))) as Json;

    // Assess
    expect(result).toMatchObject({
      failed: 1,
      objects: [{ key: 'HappyFace.jpg', outcome: 'failed', retryable: false }],
    });
    expect(result.objects[0].error).toMatch(/^HappyFace\.jpg /);
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'renditions',
      Key: 'img/HappyFace.jpg.error.json',
    });
  });

  it('throws a transient S3 failure so that Lambda retries', async () => {
    // Prepare
    s3Mock.on(HeadObjectCommand).rejects(s3Error('SlowDown', 503));

    // Act
    const invocation = handler(fixture('s3-put.json'));

    // Assess
    await expect(invocation).rejects.toMatchObject({ retryable: true });
  });
});
