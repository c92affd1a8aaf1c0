import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ObjectGoneError,
  PermanentError,
  TransientError,
  UnsupportedEventError,
} from '../../../src/errors';
import { createPipelineHandler } from '../../../src/handler/createPipelineHandler';
import type { OutputPattern } from '../../../src/handler/ownOutput';
import type { PipelineDefinition, ProcessResult } from '../../../src/handler/types';
import type { ObjectRef } from '../../../src/types';
import { connectionReset, fakeLogger, fixture, s3Error } from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The documented Batch response, whose field names our answers must use. */
const documentedBatchResponse = fixture<Json>('batch-response-1.0.json');

const s3Mock = mockClient(S3Client);
/** What a HEAD of a source key answers (a Batch task without a version is pinned by one). */
const SOURCE_HEAD = { ETag: '"0123456789abcdef0123456789abcdef"', ContentLength: 5 };

/** A function that writes `<key>.out` beside each object; nothing has been written yet. */
function setup(
  process: (ref: ObjectRef) => Promise<ProcessResult>,
  options: { patterns?: OutputPattern[] } & Partial<PipelineDefinition> = {},
) {
  s3Mock.reset();
  s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (input.Key.endsWith('.out')) throw s3Error('NotFound', 404);
    return SOURCE_HEAD;
  });
  const logger = fakeLogger();
  const processFn = jest.fn(process);
  const handler = createPipelineHandler({
    processor: 'test',
    logger: logger.asLogger,
    trigger: { prefix: '', suffix: '' },
    output: {
      patterns: options.patterns ?? [],
      locate: (ref) => ({ bucket: ref.bucket, key: `${ref.key}.out` }),
    },
    s3: () => new S3Client({ region: 'us-east-1' }),
    process: (ref) => processFn(ref),
    ...options,
  });
  return { logger, processFn, handler };
}

const processed = async (): Promise<ProcessResult> => ({ outcome: 'processed', bytes: 1024 });

/** A Batch event with one task per key, from the documented 1.0 or 2.0 sample. */
function batchEvent(version: '1.0' | '2.0', keys: string[]): Json {
  const event = fixture<Json>(`batch-${version}.json`);
  const template = event.tasks[0];
  event.tasks = keys.map((key, i) => ({ ...template, taskId: `task-${i + 1}`, s3Key: key }));
  return event;
}

/** An SQS event with one S3 notification per key, from the documented samples. */
function sqsEvent(keys: string[]): Json {
  const template = fixture<Json>('sqs-s3.json').Records[0];
  const notification = fixture<Json>('s3-put.json');
  return {
    Records: keys.map((key, i) => {
      const body = structuredClone(notification);
      body.Records[0].s3.object.key = key;
      return { ...template, messageId: `message-${i + 1}`, body: JSON.stringify(body) };
    }),
  };
}

/** Fails by key: `transient*` keys throw a 503, `permanent*` keys a 403. */
async function byKey(ref: ObjectRef): Promise<ProcessResult> {
  if (ref.key.startsWith('transient')) throw s3Error('SlowDown', 503);
  if (ref.key.startsWith('permanent')) throw s3Error('AccessDenied', 403);
  if (ref.key.startsWith('gone')) throw new ObjectGoneError(ref.key, 404);
  return { outcome: 'processed' };
}

describe('createPipelineHandler', () => {
  describe('direct S3 events', () => {
    it('processes the object and returns the summary', async () => {
      // Prepare
      const { handler, processFn } = setup(processed);

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(processFn).toHaveBeenCalledTimes(1);
      expect(processFn).toHaveBeenCalledWith({
        bucket: 'mybucket',
        key: 'HappyFace.jpg',
        size: 1024,
        eTag: 'd41d8cd98f00b204e9800998ecf8427e',
        versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
        sequencer: '0055AED6DCD90281E5',
      });
      expect(result).toEqual({
        processed: 1,
        skipped: 0,
        failed: 0,
        objects: [
          {
            bucket: 'mybucket',
            key: 'HappyFace.jpg',
            versionId: '096fKKXTRTtl3on89fVO.nfljtsv6qko',
            outcome: 'processed',
            bytes: 1024,
            durationMs: expect.any(Number),
          },
        ],
      });
    });

    it('logs one structured line per object with bucket, key, outcome and duration', async () => {
      // Prepare
      const { handler, logger } = setup(processed);
      const event = fixture<Json>('s3-put.json');
      const second = structuredClone(event.Records[0]);
      second.s3.object.key = 'SadFace.jpg';
      event.Records.push(second);

      // Act
      await handler(event);

      // Assess
      expect(logger.info).toHaveBeenCalledTimes(2);
      expect(logger.error).not.toHaveBeenCalled();
      for (const [index, key] of ['HappyFace.jpg', 'SadFace.jpg'].entries()) {
        expect(logger.info).toHaveBeenNthCalledWith(
          index + 1,
          'object processed',
          expect.objectContaining({
            bucket: 'mybucket',
            key,
            outcome: 'processed',
            durationMs: expect.any(Number),
          }),
        );
      }
    });

    it('measures how long process took', async () => {
      // Prepare
      const { handler } = setup(async () => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return { outcome: 'processed' };
      });

      // Act
      const result = (await handler(fixture('s3-put.json'))) as Json;

      // Assess
      expect(result.objects[0].durationMs).toBeGreaterThanOrEqual(25);
    });

    it('throws a transient failure so that Lambda retries the event', async () => {
      // Prepare
      const { handler, logger } = setup(async () => {
        throw connectionReset();
      });

      // Act
      const invocation = handler(fixture('s3-put.json'));

      // Assess
      await expect(invocation).rejects.toThrow(TransientError);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        'object failed',
        expect.objectContaining({
          bucket: 'mybucket',
          key: 'HappyFace.jpg',
          outcome: 'failed',
          retryable: true,
          durationMs: expect.any(Number),
        }),
      );
    });

    it('logs a permanent failure and returns without throwing', async () => {
      // Prepare
      const { handler, logger } = setup(async () => {
        throw s3Error('AccessDenied', 403);
      });

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(result).toMatchObject({ processed: 0, skipped: 0, failed: 1 });
      expect(logger.error).toHaveBeenCalledWith(
        'object failed',
        expect.objectContaining({
          bucket: 'mybucket',
          key: 'HappyFace.jpg',
          outcome: 'failed',
          retryable: false,
          error: expect.stringContaining('AccessDenied'),
          durationMs: expect.any(Number),
        }),
      );
    });

    it('processes every object before throwing for the transient one', async () => {
      // Prepare
      const { handler, processFn } = setup(byKey);
      const event = fixture<Json>('s3-put.json');
      const second = structuredClone(event.Records[0]);
      event.Records[0].s3.object.key = 'transient.jpg';
      second.s3.object.key = 'fine.jpg';
      event.Records.push(second);

      // Act
      const invocation = handler(event);

      // Assess
      await expect(invocation).rejects.toThrow(/SlowDown/);
      expect(processFn).toHaveBeenCalledTimes(2);
    });

    it('skips an object that is gone, as a success', async () => {
      // Prepare
      const { handler, logger } = setup(async (ref) => {
        throw new ObjectGoneError(ref.key, 412);
      });

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(result).toMatchObject({
        processed: 0,
        skipped: 1,
        failed: 0,
        objects: [
          {
            outcome: 'skipped',
            reason: 'gone',
            error: 'HappyFace.jpg was replaced before it could be read',
          },
        ],
      });
      expect(logger.info).toHaveBeenCalledWith(
        'object skipped',
        expect.objectContaining({ key: 'HappyFace.jpg', outcome: 'skipped', reason: 'gone' }),
      );
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('skips its own output without calling process', async () => {
      // Prepare
      const { handler, processFn, logger } = setup(processed, { patterns: [{ suffix: '.jpg' }] });

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(processFn).not.toHaveBeenCalled();
      expect(result).toMatchObject({
        processed: 0,
        skipped: 1,
        objects: [{ outcome: 'skipped', reason: 'own-output' }],
      });
      expect(logger.info).toHaveBeenCalledWith(
        'object skipped',
        expect.objectContaining({
          bucket: 'mybucket',
          key: 'HappyFace.jpg',
          outcome: 'skipped',
          reason: 'own-output',
          durationMs: expect.any(Number),
        }),
      );
    });

    it('passes a skip reason from process through to the summary', async () => {
      // Prepare
      const { handler } = setup(async () => ({ outcome: 'skipped', reason: 'already-done' }));

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(result).toMatchObject({ skipped: 1, objects: [{ reason: 'already-done' }] });
    });

    it('does nothing for a notification that only announces deletions', async () => {
      // Prepare
      const { handler, processFn } = setup(processed);
      const event = fixture<Json>('s3-put.json');
      event.Records[0].eventName = 'ObjectRemoved:Delete';

      // Act
      const result = await handler(event);

      // Assess
      expect(processFn).not.toHaveBeenCalled();
      expect(result).toEqual({ processed: 0, skipped: 0, failed: 0, objects: [] });
    });

    it('processes an EventBridge event and throws its transient failure', async () => {
      // Prepare
      const { handler, processFn } = setup(async () => {
        throw s3Error('InternalError', 500);
      });

      // Act
      const invocation = handler(fixture('eventbridge-object-created.json'));

      // Assess
      await expect(invocation).rejects.toThrow(TransientError);
      expect(processFn).toHaveBeenCalledWith(
        expect.objectContaining({ bucket: 'amzn-s3-demo-bucket1', key: 'example-key' }),
      );
    });
  });

  describe('SQS', () => {
    it('lists only the messages with transient failures in batchItemFailures', async () => {
      // Prepare
      const { handler, processFn } = setup(byKey);
      const event = sqsEvent(['fine.csv', 'transient.csv', 'permanent.csv', 'gone.csv']);

      // Act
      const result = await handler(event);

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-2' }] });
      expect(processFn).toHaveBeenCalledTimes(4);
    });

    it('reports no failures when every message succeeds', async () => {
      // Prepare
      const { handler, processFn } = setup(processed);

      // Act
      const result = await handler(fixture('sqs-s3.json'));

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(processFn.mock.calls.map(([ref]) => ref.key)).toEqual([
        'incoming/report.csv',
        'incoming/data+2024.csv',
      ]);
    });

    it('ignores a wrapped S3 test event without calling process or failing it', async () => {
      // Prepare
      const { handler, processFn, logger } = setup(processed);

      // Act
      const result = await handler(fixture('sqs-s3-test-event.json'));

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(processFn).not.toHaveBeenCalled();
      expect(logger.info).toHaveBeenCalledWith('message ignored', {
        item: '7c2b3c4e-1a5f-4e3d-9b8a-6f1e2d3c4b5a',
        reason: 's3:TestEvent',
      });
    });

    it('drops a message that cannot be read (permanent) and still processes the others', async () => {
      // Prepare
      const { handler, processFn, logger } = setup(processed);
      const event = sqsEvent(['fine.csv']);
      event.Records.unshift({ ...event.Records[0], messageId: 'garbage', body: '<xml/>' });

      // Act
      const result = await handler(event);

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(processFn).toHaveBeenCalledTimes(1);
      expect(logger.error).toHaveBeenCalledWith(
        'message rejected',
        expect.objectContaining({ item: 'garbage', retryable: false }),
      );
    });

    it('retries a message when one of its objects failed transiently and another permanently', async () => {
      // Prepare
      const { handler } = setup(byKey);
      const event = sqsEvent(['permanent.csv']);
      const body = JSON.parse(event.Records[0].body);
      const second = structuredClone(body.Records[0]);
      second.s3.object.key = 'transient.csv';
      body.Records.push(second);
      event.Records[0].body = JSON.stringify(body);

      // Act
      const result = await handler(event);

      // Assess
      expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-1' }] });
    });
  });

  describe('S3 Batch Operations', () => {
    it.each(['1.0', '2.0'] as const)(
      'answers schema %s in the documented Batch result format',
      async (version) => {
        // Prepare
        const { handler } = setup(processed);

        // Act
        const result = (await handler(fixture(`batch-${version}.json`))) as Json;

        // Assess
        expect(Object.keys(result).sort()).toEqual(Object.keys(documentedBatchResponse).sort());
        expect(Object.keys(result.results[0]).sort()).toEqual(
          Object.keys(documentedBatchResponse.results[0]).sort(),
        );
        expect(result).toEqual({
          invocationSchemaVersion: version,
          treatMissingKeysAs: documentedBatchResponse.treatMissingKeysAs,
          invocationId: documentedBatchResponse.invocationId,
          results: [
            {
              taskId: documentedBatchResponse.results[0].taskId,
              resultCode: 'Succeeded',
              resultString: 'processed',
            },
          ],
        });
      },
    );

    it.each(['1.0', '2.0'] as const)(
      'maps each task of schema %s to Succeeded, TemporaryFailure or PermanentFailure',
      async (version) => {
        // Prepare
        const { handler } = setup(byKey);
        const event = batchEvent(version, [
          'fine.jpg',
          'transient.jpg',
          'permanent.jpg',
          'gone.jpg',
        ]);

        // Act
        const result = (await handler(event)) as Json;

        // Assess
        expect(result.results).toEqual([
          { taskId: 'task-1', resultCode: 'Succeeded', resultString: 'processed' },
          {
            taskId: 'task-2',
            resultCode: 'TemporaryFailure',
            resultString: expect.stringContaining('SlowDown'),
          },
          {
            taskId: 'task-3',
            resultCode: 'PermanentFailure',
            resultString: expect.stringContaining('AccessDenied'),
          },
          { taskId: 'task-4', resultCode: 'Succeeded', resultString: 'skipped: gone' },
        ]);
      },
    );

    it('passes the task version id to process', async () => {
      // Prepare
      const { handler, processFn } = setup(processed);

      // Act
      await handler(fixture('batch-1.0.json'));

      // Assess
      expect(processFn).toHaveBeenCalledWith({
        bucket: 'amzn-s3-demo-bucket',
        key: 'customerImage1.jpg',
        versionId: '1',
      });
    });

    it.each(['1.0', '2.0'] as const)(
      'answers PermanentFailure for a schema %s task whose key is not valid percent-encoding',
      async (version) => {
        // Prepare
        const { handler, processFn } = setup(processed);
        const event = batchEvent(version, ['100%.txt', 'fine.jpg']);

        // Act
        const result = (await handler(event)) as Json;

        // Assess
        expect(result.results).toEqual([
          {
            taskId: 'task-1',
            resultCode: 'PermanentFailure',
            resultString: expect.stringContaining('100%.txt'),
          },
          { taskId: 'task-2', resultCode: 'Succeeded', resultString: 'processed' },
        ]);
        expect(processFn).toHaveBeenCalledTimes(1);
      },
    );

    it('answers PermanentFailure for a task whose bucket ARN cannot be read', async () => {
      // Prepare
      const { handler, processFn } = setup(processed);
      const event = fixture<Json>('batch-1.0.json');
      event.tasks[0].s3BucketArn = 'arn:aws:s3:us-east-1:123456789012:accesspoint/x';

      // Act
      const result = (await handler(event)) as Json;

      // Assess
      expect(processFn).not.toHaveBeenCalled();
      expect(result.results[0]).toMatchObject({
        taskId: 'dGFza2lkZ29lc2hlcmUK',
        resultCode: 'PermanentFailure',
      });
    });
  });

  it('does no processing for the S3 test event', async () => {
    // Prepare
    const { handler, processFn } = setup(processed);

    // Act
    const result = await handler(fixture('s3-test-event.json'));

    // Assess
    expect(processFn).not.toHaveBeenCalled();
    expect(result).toEqual({ processed: 0, skipped: 0, failed: 0, objects: [] });
  });

  it('throws UnsupportedEventError for an unknown event and logs it', async () => {
    // Prepare
    const { handler, processFn, logger } = setup(processed);

    // Act
    const invocation = handler(fixture('unknown-dynamodb.json'));

    // Assess
    await expect(invocation).rejects.toThrow(UnsupportedEventError);
    await expect(handler(fixture('unknown-dynamodb.json'))).rejects.toThrow(/aws:dynamodb/);
    expect(processFn).not.toHaveBeenCalled();
    expect(logger.error).toHaveBeenCalledWith('event rejected', {
      error: expect.stringContaining('aws:dynamodb'),
      retryable: false,
    });
  });

  it('keeps our own error classes from process unchanged', async () => {
    // Prepare
    const own = new PermanentError('input is not a zip');
    const { handler } = setup(async () => {
      throw own;
    });

    // Act
    const result = (await handler(fixture('s3-put.json'))) as Json;

    // Assess
    expect(result.objects[0]).toMatchObject({ error: 'input is not a zip', retryable: false });
  });
});

/** A Lambda context whose clock is ours to move. */
function lambdaContext(remaining: () => number) {
  return {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    functionName: 'checksum',
    functionVersion: '1',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:checksum',
    memoryLimitInMB: '128',
    logGroupName: '/aws/lambda/checksum',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: remaining,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('createPipelineHandler with a Lambda context', () => {
  it('adds the Lambda context to the logger, so every line carries the request id', async () => {
    // Prepare
    const { handler, logger } = setup(processed);
    const context = lambdaContext(() => 60_000);

    // Act
    await handler(fixture('s3-put.json'), context);

    // Assess
    expect(logger.addContext).toHaveBeenCalledWith(context);
  });

  it('runs the records of one SQS batch side by side, up to RECORD_CONCURRENCY', async () => {
    // Prepare
    let running = 0;
    let most = 0;
    const { handler } = setup(
      async (ref) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return byKey(ref);
      },
      { settings: { RECORD_CONCURRENCY: 3 } },
    );
    const keys = ['a', 'transient-b', 'c', 'd', 'transient-e', 'permanent-f', 'g'];

    // Act
    const result = (await handler(sqsEvent(keys))) as Json;

    // Assess: three at once, never more, and the failures are exactly the transient ones.
    expect(most).toBe(3);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'message-2' }, { itemIdentifier: 'message-5' }],
    });
  });

  it('processes a version announced twice in one SQS batch once, the second as already done', async () => {
    // Prepare: a slow process, so both records would be past the already-done HEAD before the
    // first wrote (the HEAD of `<key>.out` answers NotFound throughout).
    const { handler, processFn, logger } = setup(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { outcome: 'processed' };
      },
      { settings: { RECORD_CONCURRENCY: 2 } },
    );

    // Act
    const result = await handler(sqsEvent(['same.csv', 'same.csv']));

    // Assess
    expect(processFn).toHaveBeenCalledTimes(1);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(logger.info).toHaveBeenCalledWith(
      'object processed',
      expect.objectContaining({ key: 'same.csv' }),
    );
    expect(logger.info).toHaveBeenCalledWith(
      'object skipped',
      expect.objectContaining({ key: 'same.csv', reason: 'already-done' }),
    );
  });

  it('returns both copies of a twice-announced version when its processing fails transiently', async () => {
    // Prepare
    const { handler, processFn } = setup(byKey, { settings: { RECORD_CONCURRENCY: 2 } });

    // Act
    const result = await handler(sqsEvent(['transient.csv', 'transient.csv', 'other.csv']));

    // Assess
    expect(processFn).toHaveBeenCalledTimes(2);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'message-1' }, { itemIdentifier: 'message-2' }],
    });
  });

  it('processes two versions of one key in one batch each', async () => {
    // Prepare
    const { handler, processFn } = setup(processed, { settings: { RECORD_CONCURRENCY: 2 } });
    const event = sqsEvent(['k.csv', 'k.csv']);
    const second = JSON.parse(event.Records[1].body);
    second.Records[0].s3.object.versionId = 'another-version';
    event.Records[1].body = JSON.stringify(second);

    // Act
    await handler(event);

    // Assess
    expect(processFn).toHaveBeenCalledTimes(2);
  });

  it('defers the records it has no time left for, returning them to the queue unprocessed', async () => {
    // Prepare: each record takes 1 s of the clock; 2.5 s are left when the batch starts.
    let remaining = 2_500;
    const { handler, processFn, logger } = setup(
      async () => {
        remaining -= 1_000;
        return { outcome: 'processed' };
      },
      { settings: { RECORD_CONCURRENCY: 1, MIN_TIME_LEFT_MS: 1_000 } },
    );

    // Act
    const result = (await handler(
      sqsEvent(['a', 'b', 'c', 'd']),
      lambdaContext(() => remaining),
    )) as Json;

    // Assess: a (2.5 s left) and b (1.5 s left) ran; c (0.5 s left) and d did not.
    expect(processFn).toHaveBeenCalledTimes(2);
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'message-3' }, { itemIdentifier: 'message-4' }],
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'record deferred: too little time left',
      expect.objectContaining({ item: 'message-3', reserveMs: 1_000 }),
    );
  });

  it('keeps at least the slowest record so far in reserve, not only MIN_TIME_LEFT_MS', async () => {
    // Prepare: the first record takes at least 50 ms; then 40 ms are left, above the 0 minimum.
    let remaining = 1_000;
    const { handler, processFn } = setup(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        remaining = 40;
        return { outcome: 'processed' };
      },
      { settings: { RECORD_CONCURRENCY: 1, MIN_TIME_LEFT_MS: 0 } },
    );

    // Act
    const result = (await handler(
      sqsEvent(['a', 'b']),
      lambdaContext(() => remaining),
    )) as Json;

    // Assess: b would need as long as a took, and 40 ms is less.
    expect(processFn).toHaveBeenCalledTimes(1);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'message-2' }] });
  });

  it('always starts the first record, however little time is left', async () => {
    // Prepare
    const { handler, processFn } = setup(processed, {
      settings: { MIN_TIME_LEFT_MS: 10_000 },
    });

    // Act
    const result = await handler(
      fixture('s3-put.json'),
      lambdaContext(() => 500),
    );

    // Assess
    expect(processFn).toHaveBeenCalledTimes(1);
    expect(result).toMatchObject({ processed: 1 });
  });

  it('answers TemporaryFailure for a Batch task deferred for lack of time', async () => {
    // Prepare
    let remaining = 1_500;
    const { handler } = setup(
      async () => {
        remaining -= 1_000;
        return { outcome: 'processed' };
      },
      { settings: { RECORD_CONCURRENCY: 1, MIN_TIME_LEFT_MS: 1_000 } },
    );
    const event = batchEvent('2.0', ['a.txt', 'b.txt']);

    // Act
    const result = (await handler(
      event,
      lambdaContext(() => remaining),
    )) as Json;

    // Assess
    expect(result.results).toEqual([
      { taskId: 'task-1', resultCode: 'Succeeded', resultString: 'processed' },
      {
        taskId: 'task-2',
        resultCode: 'TemporaryFailure',
        resultString: 'deferred: too little time left',
      },
    ]);
  });
});
