import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPipelineHandler } from '../../../src/handler/createPipelineHandler';
import { METRICS, METRICS_NAMESPACE } from '../../../src/handler/metrics';
import { SKIP_REASONS } from '../../../src/handler/skipReasons';
import type { ProcessResult } from '../../../src/handler/types';
import type { ObjectRef } from '../../../src/types';
import { fakeLogger, fixture, s3Error, useEnvironment } from '@s3-pipelines/testing';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The handler's CloudWatch metrics, read back the way CloudWatch reads them: the EMF JSON lines
 * Powertools Metrics prints on stdout, parsed and checked against the EMF specification's shape
 * (an `_aws` member naming the namespace, dimension sets and metric definitions, and a top-level
 * member for every dimension and metric it names).
 */
useEnvironment({ POWERTOOLS_SERVICE_NAME: 'photos-pipeline' });

const s3Mock = mockClient(S3Client);
const ROOT = join(__dirname, '..', '..', '..', '..', '..');
/** The version the S3 PUT sample announces, which a finished output names. */
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';

let printed: string[] = [];
let writeSpy: jest.SpyInstance;
beforeEach(() => {
  printed = [];
  writeSpy = jest
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
});
afterEach(() => writeSpy.mockRestore());

/** Every EMF document printed, each checked for the members the specification requires. */
function emf(): Json[] {
  const documents = printed
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Json);
  for (const doc of documents) {
    const [directive, ...others] = doc._aws.CloudWatchMetrics;
    expect(others).toEqual([]);
    expect(typeof doc._aws.Timestamp).toBe('number');
    for (const set of directive.Dimensions)
      for (const name of set) expect(typeof doc[name]).toBe('string');
    for (const metric of directive.Metrics) expect(doc[metric.Name]).toBeDefined();
  }
  return documents;
}

/** The one document under `[service]` alone: every metric of the invocation. */
function main(documents: Json[]): Json {
  const found = documents.filter(
    (d) => JSON.stringify(d._aws.CloudWatchMetrics[0].Dimensions) === '[["service"]]',
  );
  expect(found).toHaveLength(1);
  return found[0]!;
}

function handlerFor(process: (ref: ObjectRef) => Promise<ProcessResult>, done: string[] = []) {
  s3Mock.reset();
  s3Mock.on(HeadObjectCommand).callsFake((input: { Key: string }) => {
    if (!input.Key.endsWith('.out')) return { ETag: '"00"', ContentLength: 5 };
    if (done.includes(input.Key)) return { Metadata: { 'source-version-id': VERSION } };
    throw s3Error('NotFound', 404);
  });
  return createPipelineHandler({
    processor: 'test',
    logger: fakeLogger().asLogger,
    trigger: { prefix: '', suffix: '' },
    output: {
      patterns: [{ suffix: '.out' }],
      locate: (ref) => ({ bucket: ref.bucket, key: `${ref.key}.out` }),
    },
    s3: () => new S3Client({ region: 'us-east-1' }),
    process,
  });
}

/** AWS's S3 PUT sample with one record per key, each created `ageMs` ago. */
function s3Event(keys: string[], ageMs: number): Json {
  const event = fixture<Json>('s3-put.json');
  const template = event.Records[0];
  event.Records = keys.map((key) => {
    const record = structuredClone(template);
    record.s3.object.key = key;
    record.eventTime = new Date(Date.now() - ageMs).toISOString();
    return record;
  });
  return event;
}

const processed = async (): Promise<ProcessResult> => ({ outcome: 'processed', bytes: 2048 });

describe('the metrics the handler prints', () => {
  it('emits one EMF document per invocation, in the s3-pipelines namespace, by pipeline', async () => {
    // Prepare
    const handler = handlerFor(processed);

    // Act
    await handler(s3Event(['a.jpg', 'b.jpg'], 0));

    // Assess
    const doc = main(emf());
    expect(doc._aws.CloudWatchMetrics[0].Namespace).toBe(METRICS_NAMESPACE);
    expect(doc.service).toBe('photos-pipeline');
    expect(doc).toMatchObject({
      ObjectsProcessed: 2,
      ObjectsSkipped: 0,
      ObjectsFailed: 0,
      BytesRead: 4096,
    });
    expect(doc.ProcessingTime).toEqual([expect.any(Number), expect.any(Number)]);
    const units = Object.fromEntries(
      doc._aws.CloudWatchMetrics[0].Metrics.map((m: Json) => [m.Name, m.Unit]),
    );
    expect(units).toMatchObject({
      ObjectsProcessed: 'Count',
      BytesRead: 'Bytes',
      ProcessingTime: 'Milliseconds',
    });
  });

  it('measures event lag as now minus the S3 notification eventTime', async () => {
    // Prepare
    const handler = handlerFor(processed);
    const before = Date.now();

    // Act
    await handler(s3Event(['a.jpg'], 60_000));

    // Assess
    const lag = main(emf()).EventLag as number;
    expect(lag).toBeGreaterThanOrEqual(60_000);
    expect(lag).toBeLessThan(60_000 + (Date.now() - before) + 1_000);
  });

  it('counts skips by reason, with the reason as a dimension and no key anywhere', async () => {
    // Prepare
    const handler = handlerFor(processed, ['done.jpg.out']);

    // Act
    await handler(s3Event(['done.jpg', 'folder/', 'x.jpg.out', 'new.jpg'], 0));

    // Assess
    const documents = emf();
    expect(main(documents)).toMatchObject({ ObjectsProcessed: 1, ObjectsSkipped: 3 });
    const byReason = documents.filter((d) => d.reason !== undefined);
    expect(byReason.map((d) => [d.reason, d.ObjectsSkipped]).sort()).toEqual([
      ['already-done', 1],
      ['folder-marker', 1],
      ['own-output', 1],
    ]);
    for (const doc of byReason) {
      expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'reason']]);
      expect(Object.keys(SKIP_REASONS)).toContain(doc.reason);
    }
    const text = printed.join('');
    for (const key of ['done.jpg', 'folder/', 'x.jpg.out', 'new.jpg'])
      expect(text).not.toContain(key);
    expect(text).not.toContain('mybucket');
  });

  it('counts failures by retryable and still publishes when the invocation throws for a retry', async () => {
    // Prepare: one transient, one permanent failure in a direct event.
    const handler = handlerFor(async (ref) => {
      if (ref.key.startsWith('slow')) throw s3Error('SlowDown', 503);
      throw s3Error('AccessDenied', 403);
    });

    // Act
    const invocation = handler(s3Event(['slow.jpg', 'denied.jpg'], 0));

    // Assess
    await expect(invocation).rejects.toThrow();
    const documents = emf();
    expect(main(documents)).toMatchObject({ ObjectsFailed: 2, ObjectsProcessed: 0 });
    const byKind = documents.filter((d) => d.retryable !== undefined);
    expect(byKind.map((d) => [d.retryable, d.ObjectsFailed]).sort()).toEqual([
      ['false', 1],
      ['true', 1],
    ]);
    for (const doc of byKind) {
      expect(doc._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'retryable']]);
    }
  });

  it('takes the lag of an SQS message from the event it wraps, else from SentTimestamp', async () => {
    // Prepare: an EventBridge event 30 s old, and a notification without eventTime sent 90 s ago.
    const handler = handlerFor(processed);
    const sqs = fixture<Json>('sqs-eventbridge.json');
    const record = sqs.Records[0];
    const bridge = JSON.parse(record.body);
    bridge.time = new Date(Date.now() - 30_000).toISOString();
    const notification = s3Event(['plain.jpg'], 0);
    delete notification.Records[0].eventTime;
    sqs.Records = [
      { ...record, messageId: 'bridge', body: JSON.stringify(bridge) },
      {
        ...record,
        messageId: 'notification',
        body: JSON.stringify(notification),
        attributes: { ...record.attributes, SentTimestamp: String(Date.now() - 90_000) },
      },
    ];

    // Act
    await handler(sqs);

    // Assess
    const lags = (main(emf()).EventLag as number[]).slice().sort((a, b) => a - b);
    expect(lags[0]).toBeGreaterThanOrEqual(30_000);
    expect(lags[0]).toBeLessThan(40_000);
    expect(lags[1]).toBeGreaterThanOrEqual(90_000);
    expect(lags[1]).toBeLessThan(100_000);
  });

  it('reports no lag for S3 Batch Operations tasks, which carry no event time', async () => {
    // Prepare
    const handler = handlerFor(processed);

    // Act
    await handler(fixture('batch-2.0.json'));

    // Assess
    const doc = main(emf());
    expect(doc.ObjectsProcessed).toBe(1);
    expect(doc.EventLag).toBeUndefined();
  });

  it('prints nothing for an s3:TestEvent', async () => {
    // Prepare
    const handler = handlerFor(processed);

    // Act
    await handler(fixture('s3-test-event.json'));

    // Assess
    expect(emf()).toEqual([]);
  });

  it('is the table docs/operations.md documents, metric for metric', () => {
    // Prepare
    const docs = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
    const table = /<!-- metrics -->([\s\S]*?)<!-- \/metrics -->/.exec(docs)![1]!;

    // Act
    const rows = [...table.matchAll(/^\| `([A-Za-z]+)` +\| ([A-Za-z]+) +\| ([^|]+?) +\|/gm)].map(
      ([, name, unit, dimensions]) => [name, unit, dimensions],
    );

    // Assess
    expect(rows).toEqual(
      Object.entries(METRICS).map(([name, m]) => [
        name,
        m.unit,
        m.dimensions.map((set) => `\`${set.join(', ')}\``).join('; '),
      ]),
    );
  });
});
