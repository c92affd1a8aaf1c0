import {
  CopyObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startLocalStack, type LocalStack } from '@s3-pipelines/local-stack';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

// Every test waits on built zips running in child processes.
jest.setTimeout(60_000);

/**
 * The built zips, run through the local stack, judged by tools that are not ours: md5sum -c,
 * sha256sum, and S3's own HeadObject.
 */
const FIXTURE = join(__dirname, 'fixtures', 'local.tfvars.json');
const MiB = 1024 * 1024;

interface TestFile {
  key: string;
  body: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
  multipart?: boolean;
}

const FILES: TestFile[] = [
  { key: 'one-byte.txt', body: Buffer.from('x'), contentType: 'text/plain' },
  {
    key: 'random/three-mib.bin',
    body: randomBytes(3 * MiB),
    contentType: 'application/x-test',
    metadata: { owner: 'e2e', purpose: 'checksum' },
  },
  { key: 'empty.bin', body: Buffer.alloc(0) },
  { key: 'with space.txt', body: Buffer.from('space\n') },
  { key: 'a+b.txt', body: Buffer.from('plus\n') },
  { key: '100%.txt', body: Buffer.from('percent\n') },
  { key: 'q&a.txt', body: Buffer.from('ampersand\n') },
  { key: 'hash#tag.txt', body: Buffer.from('hash\n') },
  { key: 'données/naïve 東京+1 #2 & 50%.bin', body: randomBytes(4096) },
  { key: 'big/multipart.bin', body: randomBytes(12 * MiB), multipart: true },
];
const COPY = { from: 'one-byte.txt', to: 'copies/one byte (copy).txt' };
/** A browser-style POST form upload, whose key S3 builds from ${filename}. */
const FORM = {
  key: 'forms/${filename}',
  filename: 'from a form é.txt',
  stored: 'forms/from a form é.txt',
};
/** A user's own .md5 file: the queue rule's anything-but filter must keep it from checksum. */
const USER_MD5 = { key: 'manual/checksums.md5', body: Buffer.from('not ours\n') };

let stack: LocalStack;
let s3: S3Client;
let dataDir: string;
let work: string;

async function bytes(bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

function head(bucket: string, key: string): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

async function listAll(bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

function run(command: string, args: string[], cwd: string) {
  return spawnSync(command, args, { cwd, encoding: 'utf8' });
}

beforeAll(async () => {
  ensureBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 's3p-e2e-data-'));
  work = mkdtempSync(join(tmpdir(), 's3p-e2e-work-'));
  stack = await startLocalStack({ varFile: FIXTURE, port: 0, dataDir, distDir: DIST });
  s3 = new S3Client({
    endpoint: stack.endpoint,
    region: stack.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const uploads = stack.buckets.uploads!;
  for (const file of FILES) {
    const params = {
      Bucket: uploads,
      Key: file.key,
      Body: file.body,
      ContentType: file.contentType,
      Metadata: file.metadata,
    };
    if (file.multipart) await new Upload({ client: s3, params, partSize: 5 * MiB }).done();
    else await s3.send(new PutObjectCommand(params));
  }
  await s3.send(
    new CopyObjectCommand({
      Bucket: uploads,
      Key: COPY.to,
      CopySource: `${uploads}/${encodeURIComponent(COPY.from)}`,
    }),
  );
  const form = new FormData();
  form.append('key', FORM.key);
  form.append('file', new Blob(['posted through a form\n']), FORM.filename);
  const posted = await fetch(`${stack.endpoint}/${uploads}`, { method: 'POST', body: form });
  if (posted.status !== 204) throw new Error(`form upload answered ${posted.status}`);
  await s3.send(new PutObjectCommand({ Bucket: uploads, Key: USER_MD5.key, Body: USER_MD5.body }));
  await stack.waitForIdle(60_000);
}, 240_000);

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  for (const dir of [dataDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const KEYS = [...FILES.map((f) => f.key), COPY.to, FORM.stored];

describe('checksum sidecars', () => {
  it.each(KEYS)('md5sum -c verifies %s', async (key) => {
    // Prepare: the object and its sidecar side by side, as a user would download them.
    const uploads = stack.buckets.uploads!;
    const dir = mkdtempSync(join(work, 'md5-'));
    const name = basename(key);
    const body = await bytes(uploads, key);
    writeFileSync(join(dir, name), body);
    writeFileSync(join(dir, `${name}.md5`), await bytes(uploads, `${key}.md5`));

    // Act
    const check = run('md5sum', ['-c', `${name}.md5`], dir);
    const md5 = run('md5sum', [name], dir);
    const sha256 = run('sha256sum', [name], dir);

    // Assess
    expect(check.status).toBe(0);
    expect(check.stdout).toBe(`${name}: OK\n`);
    const sidecar = readFileSync(join(dir, `${name}.md5`), 'utf8');
    expect(sidecar.split(' ')[0]).toBe(md5.stdout.split(' ')[0]);
    const sidecarHead = await head(uploads, `${key}.md5`);
    expect(sidecarHead.Metadata?.sha256).toBe(sha256.stdout.split(' ')[0]);
    expect(sidecarHead.Metadata?.['source-key']).toBe(encodeURIComponent(key));
  });
});

describe('metadata records', () => {
  it.each(KEYS)('match HeadObject for %s', async (key) => {
    // Prepare
    const source = await head(stack.buckets.uploads!, key);

    // Act
    const record = JSON.parse(
      (await bytes(stack.buckets.reports!, `metadata/${key}.metadata.json`)).toString('utf8'),
    );

    // Assess
    expect(record).toMatchObject({
      bucket: stack.buckets.uploads,
      key,
      size: source.ContentLength,
      eTag: source.ETag!.replace(/"/g, ''),
      contentType: source.ContentType,
      lastModified: source.LastModified!.toISOString(),
      userMetadata: source.Metadata ?? {},
    });
  });

  it('records the multipart upload as parts, with no MD5 claimed from its ETag', async () => {
    const record = JSON.parse(
      (await bytes(stack.buckets.reports!, 'metadata/big/multipart.bin.metadata.json')).toString(),
    );

    expect(record.size).toBe(12 * MiB);
    expect(record.parts).toBe(3);
    expect(record.md5).toBeNull();
  });
});

describe('routing and the recursion guard', () => {
  it('never writes a checksum of a checksum or a record of a record', async () => {
    const uploads = await listAll(stack.buckets.uploads!);
    const reports = await listAll(stack.buckets.reports!);

    expect(uploads.filter((k) => k.endsWith('.md5.md5'))).toEqual([]);
    expect(reports.filter((k) => /\.metadata\.json\.metadata\.json$/.test(k))).toEqual([]);
    expect(reports.filter((k) => !k.startsWith('metadata/'))).toEqual([]);
    // Every sidecar is an upload's sidecar, and the user's own .md5 got none.
    expect(uploads.filter((k) => k.endsWith('.md5')).sort()).toEqual(
      [...KEYS.map((k) => `${k}.md5`), USER_MD5.key].sort(),
    );
  });

  it('never delivers an .md5 key to checksum (EventBridge anything-but suffix)', () => {
    const md5Deliveries = stack.invocations.filter(
      (i) => i.pipeline === 'checksum' && i.key.endsWith('.md5'),
    );

    expect(md5Deliveries).toEqual([]);
  });

  it('delivers sidecars to metadata, whose records go to another bucket', async () => {
    const sidecar = `${FILES[0]!.key}.md5`;

    const record = JSON.parse(
      (await bytes(stack.buckets.reports!, `metadata/${sidecar}.metadata.json`)).toString(),
    );

    expect(record.userMetadata.processor).toBe('checksum');
  });
});

describe('invocation log', () => {
  it('logs one processed invocation per object per matching pipeline, none failed', () => {
    const outcomes = stack.invocations.map((i) => `${i.pipeline} ${i.outcome} ${i.key}`);

    for (const key of KEYS) {
      expect(outcomes).toContain(`checksum processed ${key}`);
      expect(outcomes).toContain(`metadata processed ${key}`);
    }
    expect(stack.invocations.filter((i) => i.outcome === 'failed')).toEqual([]);
    for (const invocation of stack.invocations) {
      expect(invocation.durationMs).toBeGreaterThanOrEqual(0);
      expect(invocation.attempt).toBe(1);
    }
  });

  it("writes each function's own JSON log lines to <data-dir>/logs/<pipeline>.log", () => {
    const lines = readFileSync(join(dataDir, 'logs', 'checksum.log'), 'utf8')
      .trim()
      .split('\n');
    const processed = lines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.message === 'object processed');

    expect(processed.map((e) => e.key).sort()).toEqual([...KEYS].sort());
    expect(processed[0]).toMatchObject({ service: 'checksum', level: 'INFO' });
  });

  it('writes outputs.json in the shape of terraform output -json', () => {
    const outputs = JSON.parse(readFileSync(join(dataDir, 'outputs.json'), 'utf8'));

    expect(outputs.endpoint.value).toBe(stack.endpoint);
    expect(outputs.buckets.value).toEqual({
      uploads: 's3p-e2e-uploads',
      reports: 's3p-e2e-reports',
    });
  });
});

describe('CLI --demo', () => {
  it('uploads samples, prints what each function produced, and exits 0', async () => {
    const demoDir = mkdtempSync(join(tmpdir(), 's3p-e2e-demo-'));
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        join(ROOT, 'packages', 'local-stack', 'src', 'cli.ts'),
        '--demo',
        '--var-file',
        FIXTURE,
        '--data-dir',
        demoDir,
        '--dist-dir',
        DIST,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    rmSync(demoDir, { recursive: true, force: true });

    expect({ code, output }).toMatchObject({ code: 0 });
    expect(output).toContain('[checksum] s3://s3p-e2e-uploads/demo/hello.txt.md5');
    expect(output).toMatch(/"[0-9a-f]{32} {2}hello\.txt\\n"/);
    expect(output).toContain(
      '[metadata] s3://s3p-e2e-reports/metadata/demo/hello.txt.metadata.json',
    );
    expect(output).toContain('demo ok');
  }, 120_000);
});
