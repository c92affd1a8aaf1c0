// The handler's own parser, which no function imports: reached by path, not through the layer.
import { parseEvent } from '@s3-pipelines/s3-stream/events/parseEvent';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  directEvent,
  encodeS3Key,
  eventBridgeEvent,
  queuedMessage,
  Sequencer,
  sqsEvent,
  type CreatedObject,
} from '../../src/events';

const fixtures = join(__dirname, '../../../s3-stream/tests/fixtures/events');

function created(key: string): CreatedObject {
  return {
    bucket: 's3p-dev-uploads',
    key,
    size: 42,
    eTag: 'b1946ac92492d2347c6235b4d2611184',
    eventName: 'ObjectCreated:Put',
    time: new Date('2024-05-01T12:34:56.789Z'),
    sequencer: '00000000000000002A',
    requestId: 'REQ1',
    sourceIp: '127.0.0.1',
  };
}

const KEYS = [
  'plain.txt',
  'with space.txt',
  'a+b.txt',
  '100% sure.txt',
  'q&a #1.txt',
  'données/naïve 東京+1 #2 & 50%.bin',
  "it's (really) ~fine!*.txt",
  'deep/dir/trailing/',
  'emoji 🎉.png',
];

describe('encodeS3Key', () => {
  it('encodes like the real S3 notification in the s3-stream fixtures', () => {
    const event = JSON.parse(readFileSync(join(fixtures, 's3-put-encoded-key.json'), 'utf8'));
    const decoded = readFileSync(join(fixtures, 's3-put-encoded-key.expected.txt'), 'utf8');

    expect(encodeS3Key(decoded.replace(/\n$/, ''))).toBe(event.Records[0].s3.object.key);
  });

  it('keeps slashes, writes spaces as + and a literal + as %2B', () => {
    expect(encodeS3Key('a b/c+d')).toBe('a+b/c%2Bd');
  });
});

describe('envelopes round-trip through parseEvent', () => {
  it.each(KEYS)('direct S3 notification: %s', (key) => {
    const parsed = parseEvent(directEvent(created(key), 'eu-west-1', 'metadata'));

    expect(parsed.source).toBe('s3');
    expect(parsed.items[0]!.refs).toEqual([
      {
        bucket: 's3p-dev-uploads',
        key,
        size: 42,
        eTag: 'b1946ac92492d2347c6235b4d2611184',
        versionId: undefined,
        sequencer: '00000000000000002A',
      },
    ]);
  });

  it.each(KEYS)('SQS wrapping EventBridge: %s', (key) => {
    const message = queuedMessage(created(key), 'eu-west-1');
    message.receiveCount = 1;

    const parsed = parseEvent(sqsEvent([message], 'eu-west-1', 's3p-dev-checksum'));

    expect(parsed.source).toBe('sqs');
    expect(parsed.items[0]!.id).toBe(message.messageId);
    expect(parsed.items[0]!.refs[0]).toMatchObject({ key, size: 42 });
  });
});

describe('envelope shapes', () => {
  it('builds a direct record with the fields S3 sends', () => {
    const event = directEvent(created('a b.txt'), 'eu-west-1', 'metadata');
    const record = event.Records[0]!;

    expect(record).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'eu-west-1',
      eventTime: '2024-05-01T12:34:56.789Z',
      eventName: 'ObjectCreated:Put',
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': 'REQ1' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'metadata',
        bucket: { name: 's3p-dev-uploads', arn: 'arn:aws:s3:::s3p-dev-uploads' },
        object: { key: 'a+b.txt', size: 42, eTag: 'b1946ac92492d2347c6235b4d2611184' },
      },
    });
    expect(record.s3.object).not.toHaveProperty('versionId');
  });

  it('builds EventBridge and SQS envelopes like the AWS samples', () => {
    const sample = JSON.parse(readFileSync(join(fixtures, 'sqs-eventbridge.json'), 'utf8'));
    const object = { ...created('k'), eventName: 'ObjectCreated:CompleteMultipartUpload' as const };
    const message = queuedMessage(object, 'eu-west-1');
    message.receiveCount = 2;

    const record = sqsEvent([message], 'eu-west-1', 's3p-dev-checksum').Records[0]!;
    const body = JSON.parse(record.body);

    expect(Object.keys(record).sort()).toEqual(Object.keys(sample.Records[0]).sort());
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:s3p-dev-checksum',
      attributes: { ApproximateReceiveCount: '2' },
    });
    expect(Object.keys(body).sort()).toEqual(
      Object.keys(JSON.parse(sample.Records[0].body)).sort(),
    );
    expect(body).toMatchObject({
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2024-05-01T12:34:56Z',
      detail: { reason: 'CompleteMultipartUpload', object: { key: 'k', etag: object.eTag } },
    });
    expect(eventBridgeEvent(object, 'eu-west-1').resources).toEqual([
      'arn:aws:s3:::s3p-dev-uploads',
    ]);
  });
});

describe('Sequencer', () => {
  it('produces strictly increasing uppercase hex of one width', () => {
    const sequencer = new Sequencer();
    const values = Array.from({ length: 1000 }, () => sequencer.next());

    for (let i = 1; i < values.length; i += 1) {
      expect(BigInt(`0x${values[i]}`) > BigInt(`0x${values[i - 1]}`)).toBe(true);
    }
    expect(values.every((v) => /^[0-9A-F]{18}$/.test(v))).toBe(true);
  });
});
