import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { testClient } from '@s3-pipelines/testing';
import { DIST, ensureBuilt } from '../../../../tests/e2e/helpers/artifacts';
import { invocationRecord, type InvocationRecord } from '../../src/delivery';
import { startLocalStack, type LocalStack } from '../../src/stack';
import { scratch } from './helpers/processes';

/**
 * `<data-dir>/logs/invocations.jsonl` holds one JSON object per invocation, in the format the
 * package README documents, and it and the function logs outlive a restart.
 */
describe('invocationRecord', () => {
  it('writes every field, null where there is nothing to say', () => {
    // Act
    const record = invocationRecord({
      time: new Date('2025-01-02T03:04:05.678Z'),
      pipeline: 'checksum',
      key: 'data/a b.txt',
      outcome: 'processed',
      durationMs: 12,
      attempt: 1,
    });

    // Assess
    expect(record).toEqual({
      time: '2025-01-02T03:04:05.678Z',
      pipeline: 'checksum',
      key: 'data/a b.txt',
      versionId: null,
      outcome: 'processed',
      reason: null,
      attempt: 1,
      durationMs: 12,
      deadLettered: false,
    });
  });

  it('keeps the reason, the attempt and dead-lettering of a failure', () => {
    // Act
    const record = invocationRecord({
      time: new Date(0),
      pipeline: 'compress',
      key: 'k',
      outcome: 'failed',
      reason: 'Sandbox.Timedout: Task timed out after 3 seconds',
      durationMs: 3001,
      attempt: 3,
      deadLettered: true,
    });

    // Assess
    expect(record).toMatchObject({
      outcome: 'failed',
      reason: 'Sandbox.Timedout: Task timed out after 3 seconds',
      attempt: 3,
      deadLettered: true,
    });
  });
});

describe('the local stack across a restart', () => {
  let dir: string;
  let config: ReturnType<typeof scratch>['config'];
  let stack: LocalStack | undefined;

  beforeAll(() => ensureBuilt(), 180_000);

  beforeEach(() => {
    ({ dir, config } = scratch());
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(upload: (stack: LocalStack) => Promise<void>): Promise<LocalStack> {
    stack = await startLocalStack({ config, port: 0, dataDir: dir, distDir: DIST });
    await upload(stack);
    await stack.waitForIdle(30_000);
    await stack.stop();
    return stack;
  }

  async function put(stack: LocalStack, key: string, body: string): Promise<void> {
    const s3 = testClient(stack.endpoint);
    try {
      await s3.send(new PutObjectCommand({ Bucket: stack.buckets.uploads, Key: key, Body: body }));
    } finally {
      s3.destroy();
    }
  }

  /** What `aws s3api put-object --key folder/` sends: no body, no Content-Type. */
  function putFolderMarker(stack: LocalStack, key: string): Promise<number> {
    const path = `/${stack.buckets.uploads}/${key}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: stack.port,
          method: 'PUT',
          path,
          headers: { 'content-length': 0 },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  const records = (file: string): InvocationRecord[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as InvocationRecord);

  it('appends one JSON line per invocation and keeps every log from before', async () => {
    // Prepare: a first run, with a file and a folder marker.
    const first = await run(async (s) => {
      await put(s, 'first.txt', 'one');
      expect(await putFolderMarker(s, 'folder/')).toBe(200);
    });
    const functionLog = join(dir, 'logs', 'metadata.log');
    const firstInvocations = readFileSync(first.invocationLog, 'utf8');
    const firstFunctionLog = readFileSync(functionLog, 'utf8');

    // Act: restart on the same data dir.
    const second = await run((s) => put(s, 'second.txt', 'two'));

    // Assess
    expect(second.invocationLog).toBe(join(dir, 'logs', 'invocations.jsonl'));
    const all = records(second.invocationLog);
    expect(all).toHaveLength(3);
    expect(all).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pipeline: 'metadata', key: 'first.txt', outcome: 'processed' }),
        expect.objectContaining({
          pipeline: 'metadata',
          key: 'folder/',
          outcome: 'skipped',
          reason: 'folder-marker',
          attempt: 1,
          deadLettered: false,
        }),
      ]),
    );
    expect(all[2]).toMatchObject({ key: 'second.txt', outcome: 'processed', reason: null });
    // The file says what the stack reported, in the same order.
    expect(all).toEqual([...first.invocations, ...second.invocations].map(invocationRecord));
    expect(readFileSync(second.invocationLog, 'utf8').startsWith(firstInvocations)).toBe(true);
    const functionLogNow = readFileSync(functionLog, 'utf8');
    expect(firstFunctionLog.length).toBeGreaterThan(0);
    expect(functionLogNow.startsWith(firstFunctionLog)).toBe(true);
    expect(functionLogNow.length).toBeGreaterThan(firstFunctionLog.length);
  }, 60_000);
});
