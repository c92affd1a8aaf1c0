import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '@s3-pipelines/local-stack';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

/**
 * Fan-out over the documented config (terraform/envs/dev.tfvars.json): N files to each source,
 * counted from the local stack's own invocation log. Each pipeline that should see a file runs
 * once for it, and nothing else runs: no output feeds a pipeline that did not declare it.
 *
 * FANOUT_FILES=200 npm run test:e2e -- tests/e2e/fanout.test.ts  is the run the docs quote.
 */
const FILES = Number(process.env.FANOUT_FILES ?? 10);
const VAR_FILE = join(ROOT, 'terraform', 'envs', 'dev.tfvars.json');
const PHOTO = readFileSync(join(ROOT, 'packages', 'local-stack', 'samples', 'photo.jpg'));

jest.setTimeout(120_000 + FILES * 3_000);

interface Record {
  pipeline: string;
  key: string;
  outcome: string;
  reason: string | null;
}

let stack: LocalStack;
let s3: S3Client;
let dataDir: string;
let records: Record[];

beforeAll(async () => {
  ensureBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 's3p-fanout-'));
  stack = await startLocalStack({ varFile: VAR_FILE, port: 0, dataDir, distDir: DIST });
  s3 = new S3Client({
    endpoint: stack.endpoint,
    region: stack.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const put = (bucket: string, key: string, body: Buffer | string) =>
    s3.send(new PutObjectCommand({ Bucket: stack.buckets[bucket], Key: key, Body: body }));
  for (let i = 0; i < FILES; i++) {
    await put('uploads', `docs/file ${i}.txt`, `document ${i}\n`);
    await put('inbox', `incoming/batch/file ${i}.csv`, `a,b,c\n${i},${i * 2},${i * 3}\n`);
    await put('photos', `trip/photo ${i}.jpg`, PHOTO);
  }
  await stack.waitForIdle(60_000 + FILES * 2_000);
  records = readFileSync(stack.invocationLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record);
});

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function invocationsOf(pipeline: string): Record[] {
  return records.filter((r) => r.pipeline === pipeline);
}

describe(`fan-out of ${FILES} files per source over the dev config`, () => {
  it('runs checksum once per upload', () => {
    // Assess
    const keys = invocationsOf('checksum').map((r) => r.key);
    expect(keys).toHaveLength(FILES);
    expect(new Set(keys).size).toBe(FILES);
    expect(invocationsOf('checksum').every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('runs metadata once per upload and once per checksum sidecar (its declared chain)', () => {
    // Assess
    const keys = invocationsOf('metadata').map((r) => r.key);
    expect(keys).toHaveLength(2 * FILES);
    expect(keys.filter((k) => k.endsWith('.md5'))).toHaveLength(FILES);
    expect(invocationsOf('metadata').every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('runs compress once per file under incoming/, and never on its archives', () => {
    // Assess
    const keys = invocationsOf('compress').map((r) => r.key);
    expect(keys).toHaveLength(FILES);
    expect(keys.every((k) => k.startsWith('incoming/'))).toBe(true);
    expect(invocationsOf('compress').every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('runs image-resize once per photo, and never on its renditions', () => {
    // Assess
    expect(invocationsOf('image-resize')).toHaveLength(FILES);
    expect(invocationsOf('image-resize').every((r) => r.outcome === 'processed')).toBe(true);
  });

  it('runs nothing else: 5 invocations per file index in all', () => {
    // Assess
    expect(records).toHaveLength(5 * FILES);
    console.log(
      `fan-out: ${3 * FILES} uploads -> ${records.length} invocations (` +
        ['checksum', 'metadata', 'compress', 'image-resize']
          .map((p) => `${p} ${invocationsOf(p).length}`)
          .join(', ') +
        ')',
    );
  });
});
