import { PermanentError, UnsupportedEventError } from '../../../src/errors';
import { decodeS3Key, parseEvent } from '../../../src/events/parseEvent';
import { fixture, fixtureText } from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An S3 notification with one record, built from the documented s3-put sample. */
function s3Event(overrides: { key?: string; eventName?: string } = {}): Json {
  const event = fixture<Json>('s3-put.json');
  const record = event.Records[0];
  if (overrides.key !== undefined) record.s3.object.key = overrides.key;
  if (overrides.eventName !== undefined) record.eventName = overrides.eventName;
  return event;
}

/** An SQS event with one message per body, in the documented SQS record shape. */
function sqsEvent(...bodies: string[]): Json {
  const template = fixture<Json>('sqs-s3.json').Records[0];
  return {
    Records: bodies.map((body, i) => ({ ...template, messageId: `message-${i + 1}`, body })),
  };
}

describe('parseEvent', () => {
  describe('direct S3 notifications', () => {
    it('reads the documented PUT sample', () => {
      // Prepare
      const event = fixture('s3-put.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed).toEqual({
        source: 's3',
        items: [
          {
            id: 'invocation',
            refs: [
              {
                bucket: 'mybucket',
                key: 'HappyFace.jpg',
                size: 1024,
                eTag: 'd41d8cd98f00b204e9800998ecf8427e',
                versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
                sequencer: '0055AED6DCD90281E5',
              },
            ],
          },
        ],
      });
    });

    it('decodes a form-encoded key to the key S3 stored', () => {
      // Prepare
      const event = fixture('s3-put-encoded-key.json');
      const expected = fixtureText('s3-put-encoded-key.expected.txt');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items[0]!.refs[0]!.key).toBe(expected);
      expect(parsed.items[0]!.refs[0]!.key).toBe(
        'photos/my summer+holiday/naïve café #1 & 50%.jpg',
      );
    });

    it('reads a multipart upload from an unversioned bucket without inventing a version', () => {
      // Prepare
      const event = fixture('s3-multipart.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.source).toBe('s3');
      expect(parsed.items[0]!.refs).toEqual([
        {
          bucket: 'mybucket',
          key: 'uploads/large-video.mp4',
          size: 15728640,
          eTag: 'c9e8f3b1a2d4e5f60718293a4b5c6d7e-3',
          versionId: undefined,
          sequencer: '0065F2C3D4A1B2C3D4',
        },
      ]);
    });

    it('ignores ObjectRemoved records', () => {
      // Prepare
      const event = s3Event({ eventName: 'ObjectRemoved:Delete' });

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items).toEqual([
        { id: 'invocation', refs: [], ignored: 'not an ObjectCreated event' },
      ]);
    });

    it('keeps only the ObjectCreated records of a mixed notification', () => {
      // Prepare
      const event = s3Event();
      const removed = structuredClone(event.Records[0]);
      removed.eventName = 'ObjectRemoved:Delete';
      removed.s3.object.key = 'deleted.jpg';
      event.Records.push(removed);

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items[0]!.refs.map((r) => r.key)).toEqual(['HappyFace.jpg']);
    });

    it('rejects a key that is not valid percent-encoding as permanent', () => {
      // Prepare
      const event = s3Event({ key: 'bad%E0%A4%A.txt' });

      // Act
      const act = (): unknown => parseEvent(event);

      // Assess
      expect(act).toThrow(PermanentError);
      expect(act).toThrow(/not valid URL encoding/);
    });
  });

  it('recognises the S3 test event as source test with nothing to do', () => {
    // Prepare
    const event = fixture('s3-test-event.json');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({ source: 'test', items: [] });
  });

  describe('SQS', () => {
    it('makes one item per message, identified by messageId', () => {
      // Prepare
      const event = fixture('sqs-s3.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.source).toBe('sqs');
      expect(parsed.items).toEqual([
        {
          id: '059f36b4-87a3-44ab-83d2-661975830a7d',
          refs: [
            {
              bucket: 'example-ingest-bucket',
              key: 'incoming/report.csv',
              size: 52341,
              eTag: '3f1a9c2e7b4d8e6f0a1b2c3d4e5f6a7b',
              versionId: undefined,
              sequencer: '0062E99A88DC407460',
            },
          ],
        },
        {
          id: '2e1424d4-f796-459a-8184-9c92662be6da',
          refs: [
            {
              bucket: 'example-ingest-bucket',
              key: 'incoming/data+2024.csv',
              size: 98812,
              eTag: '8d777f385d3dfec8815d20f7496026dc',
              versionId: undefined,
              sequencer: '0062E99A88DC407461',
            },
          ],
        },
      ]);
    });

    it('ignores a wrapped S3 test event', () => {
      // Prepare
      const event = fixture('sqs-s3-test-event.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed).toEqual({
        source: 'sqs',
        items: [{ id: '7c2b3c4e-1a5f-4e3d-9b8a-6f1e2d3c4b5a', refs: [], ignored: 's3:TestEvent' }],
      });
    });

    it('reads an EventBridge event delivered through SQS', () => {
      // Prepare
      const event = fixture('sqs-eventbridge.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.source).toBe('sqs');
      expect(parsed.items).toEqual([
        {
          id: 'd9a8b7c6-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
          refs: [
            {
              bucket: 'amzn-s3-demo-bucket1',
              key: 'incoming/report.csv',
              size: 184662,
              eTag: '4e68adba0abe2dc8653dc3354e14c01d',
              versionId: 'uhggCJ2_B6gU2JaXWXebnXFDstO0ID6G',
              sequencer: '006408CAD69598B05E',
            },
          ],
        },
      ]);
    });

    it('marks a body that is not JSON as a permanent error on that item only', () => {
      // Prepare
      const good = fixture<Json>('sqs-s3.json').Records[0].body as string;
      const event = sqsEvent('this is not json', good);

      // Act
      const parsed = parseEvent(event);

      // Assess
      const [bad, ok] = parsed.items;
      expect(bad!.id).toBe('message-1');
      expect(bad!.refs).toEqual([]);
      expect(bad!.error).toBeInstanceOf(UnsupportedEventError);
      expect(bad!.error!.retryable).toBe(false);
      expect(bad!.error!.message).toContain('message-1');
      expect(ok!.error).toBeUndefined();
      expect(ok!.refs[0]!.key).toBe('incoming/report.csv');
    });

    it('marks a JSON body of unknown shape as a permanent error naming what it holds', () => {
      // Prepare
      const event = sqsEvent(JSON.stringify({ hello: 'world', count: 3 }));

      // Act
      const parsed = parseEvent(event);

      // Assess
      const item = parsed.items[0]!;
      expect(item.error).toBeInstanceOf(PermanentError);
      expect(item.error!.retryable).toBe(false);
      expect(item.error!.message).toContain('hello, count');
      expect(item.refs).toEqual([]);
    });

    it('marks a message whose key is not valid percent-encoding as a permanent error', () => {
      // Prepare
      const event = sqsEvent(JSON.stringify(s3Event({ key: '100%.txt' })));

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items[0]!.error).toBeInstanceOf(PermanentError);
      expect(parsed.items[0]!.error!.message).toContain('100%.txt');
    });

    it('ignores a message that only announces a deletion', () => {
      // Prepare
      const event = sqsEvent(JSON.stringify(s3Event({ eventName: 'ObjectRemoved:Delete' })));

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items).toEqual([
        { id: 'message-1', refs: [], ignored: 'not an ObjectCreated event' },
      ]);
    });
  });

  it('reads the documented EventBridge Object Created event', () => {
    // Prepare
    const event = fixture('eventbridge-object-created.json');

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed).toEqual({
      source: 'eventbridge',
      items: [
        {
          id: 'invocation',
          refs: [
            {
              bucket: 'amzn-s3-demo-bucket1',
              key: 'example-key',
              size: 5,
              eTag: 'b1946ac92492d2347c6235b4d2611184',
              versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
              sequencer: '617f08299329d189',
            },
          ],
        },
      ],
    });
  });

  it('takes EventBridge keys as stored: a + stays a plus and % is not decoded', () => {
    // Prepare
    const event = fixture<Json>('eventbridge-object-created.json');
    event.detail.object.key = 'raw/2023-08-08T14:03:40 a+b 100%.zip';

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.items[0]!.refs[0]!.key).toBe('raw/2023-08-08T14:03:40 a+b 100%.zip');
  });

  it('accepts an EventBridge event that carries detail.event-version', () => {
    // Prepare
    const event = fixture<Json>('eventbridge-object-created.json');
    event.detail['event-version'] = '1.0';

    // Act
    const parsed = parseEvent(event);

    // Assess
    expect(parsed.items[0]!.refs[0]!.key).toBe('example-key');
  });

  describe('S3 Batch Operations', () => {
    it('reads schema 1.0, taking the bucket from the ARN', () => {
      // Prepare
      const event = fixture('batch-1.0.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed).toEqual({
        source: 'batch',
        batch: {
          invocationSchemaVersion: '1.0',
          invocationId: 'YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo',
        },
        items: [
          {
            id: 'dGFza2lkZ29lc2hlcmUK',
            refs: [{ bucket: 'amzn-s3-demo-bucket', key: 'customerImage1.jpg', versionId: '1' }],
          },
        ],
      });
    });

    it('reads schema 2.0, with the bucket by name and a null version id', () => {
      // Prepare
      const event = fixture('batch-2.0.json');

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed).toEqual({
        source: 'batch',
        batch: {
          invocationSchemaVersion: '2.0',
          invocationId: 'YXNkbGZqYWRmaiBhc2RmdW9hZHNmZGpmaGFzbGtkaGZza2RmaAo',
        },
        items: [
          {
            id: 'dGFza2lkZ29lc2hlcmUK',
            refs: [
              { bucket: 'amzn-s3-demo-bucket', key: 'customerImage1.jpg', versionId: undefined },
            ],
          },
        ],
      });
    });

    it('decodes schema 1.0 keys, which the Batch docs say are URL-encoded', () => {
      // Prepare
      const event = fixture<Json>('batch-1.0.json');
      event.tasks[0].s3Key = 'reports/Q1%202024%2Bfinal.csv';

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items[0]!.refs[0]!.key).toBe('reports/Q1 2024+final.csv');
    });

    it('marks a task whose key is not valid percent-encoding as a permanent error on that task', () => {
      // Prepare
      const event = fixture<Json>('batch-1.0.json');
      const good = event.tasks[0];
      event.tasks = [
        { ...good, taskId: 'task-1', s3Key: '100%.txt' },
        { ...good, taskId: 'task-2', s3Key: 'fine.txt' },
      ];

      // Act
      const parse = (): ReturnType<typeof parseEvent> => parseEvent(event);

      // Assess
      expect(parse).not.toThrow();
      const parsed = parse();
      expect(parsed.items[0]!.id).toBe('task-1');
      expect(parsed.items[0]!.refs).toEqual([]);
      expect(parsed.items[0]!.error).toBeInstanceOf(PermanentError);
      expect(parsed.items[1]!.refs[0]!.key).toBe('fine.txt');
    });

    it('marks a task with an ARN that holds no bucket as a permanent error on that task', () => {
      // Prepare
      const event = fixture<Json>('batch-1.0.json');
      event.tasks[0].s3BucketArn = 'arn:aws:s3:us-east-1:123456789012:accesspoint/x';

      // Act
      const parsed = parseEvent(event);

      // Assess
      expect(parsed.items[0]!.id).toBe('dGFza2lkZ29lc2hlcmUK');
      expect(parsed.items[0]!.error).toBeInstanceOf(PermanentError);
    });
  });

  describe('unsupported input', () => {
    it('rejects a DynamoDB stream event, naming what it received', () => {
      // Prepare
      const event = fixture('unknown-dynamodb.json');

      // Act
      const act = (): unknown => parseEvent(event);

      // Assess
      expect(act).toThrow(UnsupportedEventError);
      expect(act).toThrow('Unsupported event: object with keys [Records] and source aws:dynamodb');
    });

    it.each([
      ['null', null, 'object null'],
      ['a string', 'hello', 'string hello'],
      ['a number', 42, 'number 42'],
      ['undefined', undefined, 'undefined undefined'],
    ])('rejects %s, naming its type', (_label, event, described) => {
      // Act
      const act = (): unknown => parseEvent(event);

      // Assess
      expect(act).toThrow(UnsupportedEventError);
      expect(act).toThrow(`Unsupported event: ${described}`);
    });

    it('rejects an object of unknown shape, listing its keys', () => {
      // Act
      const act = (): unknown => parseEvent({ foo: 1, bar: [] });

      // Assess
      expect(act).toThrow('Unsupported event: object with keys [foo, bar]');
    });

    it('rejects an empty Records array', () => {
      // Act
      const act = (): unknown => parseEvent({ Records: [] });

      // Assess
      expect(act).toThrow(UnsupportedEventError);
    });
  });
});

describe('decodeS3Key', () => {
  // Expected values are what S3 documents: form-urlencoding, `+` is a space, `%XX` are UTF-8 bytes.
  it.each([
    ['red+flower.jpg', 'red flower.jpg'],
    ['a%2Bb.txt', 'a+b.txt'],
    ['50%25.txt', '50%.txt'],
    ['salt%26pepper', 'salt&pepper'],
    ['%231', '#1'],
    ['caf%C3%A9', 'café'],
    ['%E6%97%A5%E6%9C%AC%E8%AA%9E.txt', '日本語.txt'],
    ['%F0%9F%93%B7.jpg', '📷.jpg'],
    ['dir/sub/file.txt', 'dir/sub/file.txt'],
  ])('decodes %j to %j', (raw, expected) => {
    // Act
    const key = decodeS3Key(raw);

    // Assess
    expect(key).toBe(expected);
  });

  it.each(['100%', '%E0%A4%A', '%ZZ', '%C3'])('rejects %j as a permanent error', (raw) => {
    // Act
    const act = (): unknown => decodeS3Key(raw);

    // Assess
    expect(act).toThrow(PermanentError);
  });
});
