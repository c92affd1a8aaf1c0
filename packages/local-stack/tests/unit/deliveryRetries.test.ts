import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFERRED_LOG_MESSAGE, Delivery, MAX_RECEIVES, type Invocation } from '../../src/delivery';
import type { CreatedObject } from '../../src/events';
import { buildRoutes } from '../../src/routing';
import { parseTfvars } from '../../src/tfvars';
import type { FunctionWorker, InvokeResult } from '../../src/workers';

// Retries with real (short) back-off delays.
jest.setTimeout(30_000);

const object: CreatedObject = {
  bucket: 'px-uploads',
  key: 'a b.txt',
  size: 1,
  eTag: 'e',
  eventName: 'ObjectCreated:Put',
  time: new Date(),
  sequencer: '01',
  requestId: 'r',
  sourceIp: '127.0.0.1',
};

function routeFor(delivery: 'direct' | 'queue') {
  const vars = parseTfvars({
    project: 'px',
    buckets: { uploads: {}, reports: {} },
    pipelines: {
      meta: { function: 'metadata', source_bucket: 'uploads', output_bucket: 'reports', delivery },
    },
  });
  return buildRoutes(vars)[0]!;
}

/** A worker whose answers are scripted, one per invocation; the last one repeats. */
function scriptedWorker(answers: ((event: unknown) => InvokeResult)[]) {
  const events: unknown[] = [];
  const worker = {
    invoke: async (event: unknown) => {
      events.push(event);
      return answers[Math.min(events.length, answers.length) - 1]!(event);
    },
  } as unknown as FunctionWorker;
  return { worker, events };
}

const ok = (result: unknown) => (): InvokeResult => ({
  ok: true,
  result,
  durationMs: 1,
  requestId: 'x',
});
const thrown = (): InvokeResult => ({
  ok: false,
  error: { name: 'TransientError', message: 'SlowDown' },
  durationMs: 1,
  requestId: 'x',
});

async function settle(delivery: Delivery): Promise<void> {
  for (let i = 0; i < 200 && !delivery.idle(); i += 1) await new Promise((r) => setTimeout(r, 25));
  expect(delivery.idle()).toBe(true);
}

function setup(
  mode: 'direct' | 'queue',
  answers: ((event: unknown) => InvokeResult)[],
  maxRetries = 2,
) {
  const dlqDir = mkdtempSync(join(tmpdir(), 'dlq-'));
  const invocations: Invocation[] = [];
  const { worker, events } = scriptedWorker(answers);
  const delivery = new Delivery({
    route: routeFor(mode),
    worker,
    region: 'eu-west-1',
    functionName: 'p-meta',
    maxRetries,
    batchSize: 10,
    dlqDir,
    onInvocation: (i) => invocations.push(i),
  });
  return { delivery, invocations, events, dlqFile: join(dlqDir, 'meta.jsonl') };
}

const summary = { processed: 1, skipped: 0, failed: 0, objects: [{ outcome: 'processed' }] };

describe('Delivery (direct)', () => {
  it('retries a thrown error, then succeeds', async () => {
    const { delivery, invocations, events } = setup('direct', [thrown, ok(summary)]);

    delivery.enqueue(object);
    await settle(delivery);

    expect(events).toHaveLength(2);
    expect(invocations.map((i) => [i.attempt, i.outcome])).toEqual([
      [1, 'failed'],
      [2, 'processed'],
    ]);
  });

  it('gives up after max_retries and writes the event to the DLQ file', async () => {
    const { delivery, invocations, dlqFile } = setup('direct', [thrown], 1);

    delivery.enqueue(object);
    await settle(delivery);

    expect(invocations).toHaveLength(2);
    expect(invocations[1]).toMatchObject({
      deadLettered: true,
      reason: 'TransientError: SlowDown',
    });
    const letter = JSON.parse(readFileSync(dlqFile, 'utf8').trim());
    expect(letter.payload.Records[0].s3.object.key).toBe('a+b.txt');
  });
});

describe('Delivery (queue)', () => {
  it(`redelivers a message listed in batchItemFailures up to ${MAX_RECEIVES} receives`, async () => {
    const failing = (event: unknown): InvokeResult => {
      const id = (event as { Records: { messageId: string }[] }).Records[0]!.messageId;
      return ok({ batchItemFailures: [{ itemIdentifier: id }] })();
    };
    const { delivery, invocations, events, dlqFile } = setup('queue', [failing]);

    delivery.enqueue(object);
    await settle(delivery);

    expect(events).toHaveLength(MAX_RECEIVES);
    const counts = events.map(
      (e) =>
        (e as { Records: { attributes: { ApproximateReceiveCount: string } }[] }).Records[0]!
          .attributes.ApproximateReceiveCount,
    );
    expect(counts).toEqual(['1', '2', '3', '4', '5']);
    expect(invocations.at(-1)).toMatchObject({ outcome: 'failed', deadLettered: true });
    expect(readFileSync(dlqFile, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('names deferral as the reason when the handler handed a message back for lack of time', async () => {
    // Prepare: the handler's own deferral line, then the message in batchItemFailures.
    const stack: { delivery?: Delivery } = {};
    const deferring = (event: unknown): InvokeResult => {
      const id = (event as { Records: { messageId: string }[] }).Records[0]!.messageId;
      stack.delivery!.recordLog(
        JSON.stringify({ level: 'WARN', message: DEFERRED_LOG_MESSAGE, item: id }),
      );
      return ok({ batchItemFailures: [{ itemIdentifier: id }] })();
    };
    const run = setup('queue', [deferring]);
    stack.delivery = run.delivery;

    // Act
    run.delivery.enqueue(object);
    await settle(run.delivery);

    // Assess: the dead letter says why, not a bare "failed".
    expect(run.invocations.at(-1)).toMatchObject({ deadLettered: true });
    const letter = JSON.parse(readFileSync(run.dlqFile, 'utf8').trim()) as { reason: string };
    expect(letter.reason).toBe(
      `deferred: too little time left in the invocation (receive ${MAX_RECEIVES})`,
    );
  });

  it('batches waiting messages into one invocation', async () => {
    const { delivery, events, invocations } = setup('queue', [ok({ batchItemFailures: [] })]);

    delivery.enqueue(object);
    delivery.enqueue({ ...object, key: 'second' });
    delivery.enqueue({ ...object, key: 'third' });
    await settle(delivery);

    // The first message starts an invocation alone; the two that arrive meanwhile share one.
    expect(events.map((e) => (e as { Records: unknown[] }).Records.length)).toEqual([1, 2]);
    expect(invocations.map((i) => i.outcome)).toEqual(['processed', 'processed', 'processed']);
  });
});
