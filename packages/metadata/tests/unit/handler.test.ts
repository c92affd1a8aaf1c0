import {
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { fixture, s3Error, useEnvironment } from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (event: unknown) => Promise<unknown>;

// Created before the handler module loads, so that the client it builds is the mocked class.
const s3Mock = mockClient(S3Client);

const ENV = {
  AWS_REGION: 'ca-central-1',
  OUTPUT_BUCKET: 'records',
  OUTPUT_PREFIX: 'meta/',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};

let handler: Handler;
useEnvironment(ENV);

beforeAll(async () => {
  // The module parses its config at load time, so it is loaded after the environment is set.
  ({ handler } = await import('../../src/handler'));
});

describe('metadata handler', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it('describes the object of the documented EventBridge event into the output bucket', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'records' })
      .rejects(s3Error('NotFound', 404))
      .on(HeadObjectCommand, { Bucket: 'amzn-s3-demo-bucket1' })
      .resolves({ ETag: '"b1946ac92492d2347c6235b4d2611184"', ContentLength: 5 })
      .on(GetObjectAttributesCommand)
      .resolves({})
      .on(PutObjectCommand)
      .resolves({});

    // Act
    const result = await handler(fixture('eventbridge-object-created.json'));

    // Assess
    expect(result).toMatchObject({ processed: 1, failed: 0 });
    expect(s3Mock).toReceiveCommandWith(HeadObjectCommand, {
      Bucket: 'amzn-s3-demo-bucket1',
      Key: 'example-key',
      VersionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
      ChecksumMode: 'ENABLED',
    });
    expect(s3Mock).toReceiveCommandWith(PutObjectCommand, {
      Bucket: 'records',
      Key: 'meta/example-key.metadata.json',
      ContentType: 'application/json',
    });
    expect(s3Mock).not.toHaveReceivedCommand(GetObjectCommand);
  });

  it('skips a record in the output bucket as its own output without any S3 call', async () => {
    // Prepare
    const event = fixture<Json>('eventbridge-object-created.json');
    event.detail.bucket.name = 'records';
    event.detail.object.key = 'meta/example-key.metadata.json';

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toMatchObject({ skipped: 1, objects: [{ reason: 'own-output' }] });
    expect(s3Mock).not.toHaveReceivedAnyCommand();
  });

  it('does describe a .metadata.json key in another bucket, which is not its output', async () => {
    // Prepare
    s3Mock
      .on(HeadObjectCommand, { Bucket: 'records' })
      .rejects(s3Error('NotFound', 404))
      .on(HeadObjectCommand, { Bucket: 'amzn-s3-demo-bucket1' })
      .resolves({ ETag: '"b1946ac92492d2347c6235b4d2611184"' })
      .on(PutObjectCommand)
      .resolves({});
    const event = fixture<Json>('eventbridge-object-created.json');
    event.detail.object.key = 'meta/example-key.metadata.json';

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toMatchObject({ processed: 1 });
  });
});
