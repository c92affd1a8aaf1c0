import {
  ObjectGoneError,
  PermanentError,
  TransientError,
  UnsupportedEventError,
} from '../../../src/errors';
import { createPipelineHandler } from '../../../src/handler/createPipelineHandler';
import type { ProcessResult } from '../../../src/handler/createPipelineHandler';
import type { ObjectRef } from '../../../src/types';
import { connectionReset, fakeLogger, fixture, s3Error } from '../helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The documented Batch response, whose field names our answers must use. */
const documentedBatchResponse = fixture<Json>('batch-response-1.0.json');

function setup(
  process: (ref: ObjectRef) => Promise<ProcessResult>,
  isOwnOutput?: (ref: ObjectRef) => boolean,
) {
  const logger = fakeLogger();
  const processFn = jest.fn(process);
  const handler = createPipelineHandler({
    logger: logger.asLogger,
    process: processFn,
    isOwnOutput,
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
      const isOwnOutput = jest.fn((ref: ObjectRef) => ref.key.endsWith('.jpg'));
      const { handler, processFn, logger } = setup(processed, isOwnOutput);

      // Act
      const result = await handler(fixture('s3-put.json'));

      // Assess
      expect(processFn).not.toHaveBeenCalled();
      expect(isOwnOutput).toHaveBeenCalledWith(expect.objectContaining({ key: 'HappyFace.jpg' }));
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
          durationMs: 0,
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
