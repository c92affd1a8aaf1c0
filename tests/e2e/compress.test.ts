import {
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { startLocalStack, type LocalStack } from '@s3-pipelines/local-stack';
import {
  download,
  gunzipTo,
  tool,
  type ToolRun,
  textBytes,
  digestWithTool,
} from '@s3-pipelines/testing';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

// Every test waits on built zips running in child processes.
jest.setTimeout(60_000);

/**
 * The built compress.zip, run through the local stack on uploads under incoming/ (zip) and logs/
 * (gzip, level 9), judged by unzip -t, gzip -t, cmp and S3's own HeadObject. A checksum pipeline
 * downstream (`archive-md5`, on processed/*.zip) counts the ObjectCreated events each archive
 * raised: one, since compress writes each archive once.
 */
const DOWNSTREAM = 'archive-md5';
const FIXTURE = join(__dirname, 'fixtures', 'compress.tfvars.json');
const MiB = 1024 * 1024;

interface TestFile {
  key: string;
  body: Buffer;
  archive: string;
  contentType?: string;
}

const FILES: TestFile[] = [
  { key: 'incoming/empty.bin', body: Buffer.alloc(0), archive: 'processed/empty.bin.zip' },
  {
    key: 'incoming/a/b/report.csv',
    body: textBytes(2 * MiB + 3),
    archive: 'processed/a/b/report.csv.zip',
    contentType: 'text/csv',
  },
  {
    key: 'incoming/with space/a+b 東京 naïve.txt',
    body: Buffer.from('spaces, plus and unicode\n'),
    archive: 'processed/with space/a+b 東京 naïve.txt.zip',
  },
  {
    key: 'incoming/big/random.bin',
    body: randomBytes(24 * MiB + 1),
    archive: 'processed/big/random.bin.zip',
  },
  { key: 'logs/app.log', body: textBytes(3 * MiB), archive: 'gz/app.log.gz' },
];
/** Already compressed: stays where it is, with no archive of an archive. */
const SKIPPED = {
  key: 'incoming/backup.tar.gz',
  body: randomBytes(4096),
  archive: 'processed/backup.tar.gz.zip',
};

/** compress.zip is not among the artifacts ensureBuilt watches; build when it is stale. */
function ensureCompressBuilt(): void {
  ensureBuilt();
  const zip = join(DIST, 'functions', 'compress.zip');
  const src = join(ROOT, 'packages', 'compress', 'src');
  const newest = Math.max(...readdirSync(src).map((f) => statSync(join(src, f)).mtimeMs));
  if (existsSync(zip) && statSync(zip).mtimeMs >= newest) return;
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'build.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0)
    throw new Error(`scripts/build.ts failed:\n${build.stdout}\n${build.stderr}`);
}

/** Tests and extracts an archive with the outside tool for its format (unzip or gzip). */
function judge(archive: string, out: string, name: string): { test: ToolRun; extract: ToolRun } {
  if (archive.endsWith('.zip')) {
    return {
      test: tool('unzip', ['-t', archive]),
      extract: tool('unzip', ['-qq', '-d', out, archive]),
    };
  }
  mkdirSync(out);
  return { test: tool('gzip', ['-t', archive]), extract: gunzipTo(archive, join(out, name)) };
}

let stack: LocalStack;
let s3: S3Client;
let bucket: string;
let dataDir: string;
let work: string;
const functionLogs: string[] = [];

function head(key: string): Promise<HeadObjectCommandOutput> {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
}

async function exists(key: string): Promise<boolean> {
  return head(key).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFound') return false;
      throw error;
    },
  );
}

beforeAll(async () => {
  ensureCompressBuilt();
  // Runtime dirs live under the repo's .local/ (as with `pnpm start`): until the layer exports
  // CopyObject/DeleteObject, the function takes @aws-sdk/client-s3 from its surroundings, as it
  // takes it from the runtime's SDK in Lambda (see docs/compress.md, "Known limits").
  mkdirSync(join(ROOT, '.local'), { recursive: true });
  dataDir = mkdtempSync(join(ROOT, '.local', 'e2e-compress-'));
  work = mkdtempSync(join(tmpdir(), 's3p-e2e-compress-'));
  stack = await startLocalStack({
    varFile: FIXTURE,
    port: 0,
    dataDir,
    distDir: DIST,
    onFunctionLog: (pipeline, line) => {
      if (pipeline !== DOWNSTREAM) functionLogs.push(line);
    },
    onWarning: (message) => functionLogs.push(`warning: ${message}`),
  });
  s3 = new S3Client({
    endpoint: stack.endpoint,
    region: stack.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  bucket = stack.buckets.data!;
  for (const file of [...FILES, SKIPPED]) {
    const params = {
      Bucket: bucket,
      Key: file.key,
      Body: file.body,
      ...('contentType' in file ? { ContentType: file.contentType } : {}),
    };
    if (file.body.length > 8 * MiB)
      await new Upload({ client: s3, params, partSize: 5 * MiB }).done();
    else await s3.send(new PutObjectCommand(params));
  }
  await stack.waitForIdle(120_000);
}, 240_000);

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  for (const dir of [dataDir, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('compress through the local stack', () => {
  it('ran every upload once, without a failure', () => {
    // Assess
    const failed = stack.invocations.filter((i) => i.outcome === 'failed');
    expect({ failed, warnings: functionLogs.filter((l) => l.startsWith('warning:')) }).toEqual({
      failed: [],
      warnings: [],
    });
    const processed = stack.invocations
      .filter((i) => i.outcome === 'processed' && i.pipeline !== DOWNSTREAM)
      .map((i) => i.key);
    expect(processed.sort()).toEqual(FILES.map((f) => f.key).sort());
  });

  it('raised one ObjectCreated event per archive: the pipeline downstream ran once for each', () => {
    // Assess: a metadata rewrite (CopyObject) would have been a second event for each archive.
    const downstream = stack.invocations.filter((i) => i.pipeline === DOWNSTREAM).map((i) => i.key);
    const zips = FILES.map((f) => f.archive).filter((k) => k.endsWith('.zip'));
    expect(downstream.sort()).toEqual(zips.sort());
    expect(
      stack.invocations.filter((i) => i.pipeline === DOWNSTREAM && i.outcome !== 'processed'),
    ).toEqual([]);
  });

  it.each(FILES.map((f) => [f.key, f] as const))(
    '%s: the archive tests OK, extracts to the same bytes, and the original is deleted',
    async (_key, file) => {
      // Prepare
      const dir = mkdtempSync(join(work, 'file-'));
      const original = join(dir, 'original');
      writeFileSync(original, file.body);
      const archive = join(dir, basename(file.archive));

      // Act
      await download(s3, bucket, file.archive, archive);

      // Assess
      const judged = judge(archive, join(dir, 'out'), basename(file.key));
      expect(judged.test).toMatchObject({ status: 0, stderr: '' });
      expect(judged.extract.status).toBe(0);
      expect(readdirSync(join(dir, 'out'))).toEqual([basename(file.key)]);
      expect(tool('cmp', [original, join(dir, 'out', basename(file.key))]).status).toBe(0);
      const metadata = (await head(file.archive)).Metadata;
      expect(metadata).toMatchObject({
        processor: 'compress',
        'source-key': encodeURIComponent(file.key),
        'original-size': String(file.body.length),
        format: file.archive.endsWith('.gz') ? 'gzip' : 'zip',
      });
      expect(await exists(file.key)).toBe(false);
    },
  );

  it.each(FILES.filter((f) => f.archive.endsWith('.zip')).map((f) => [f.key, f] as const))(
    "%s: the zip's comment records the original's MD5, as unzip -z prints it",
    async (_key, file) => {
      // Prepare
      const archive = join(mkdtempSync(join(work, 'comment-')), 'archive.zip');

      // Act
      await download(s3, bucket, file.archive, archive);

      // Assess
      expect(tool('unzip', ['-z', '-qq', archive]).stdout.trim()).toBe(
        `original-md5=${digestWithTool('md5sum', file.body)}`,
      );
    },
  );

  it('leaves an already-compressed upload alone', async () => {
    // Assess
    expect(await exists(SKIPPED.key)).toBe(true);
    expect(await exists(SKIPPED.archive)).toBe(false);
    expect(stack.invocations.find((i) => i.key === SKIPPED.key)).toMatchObject({
      outcome: 'skipped',
      reason: 'already-compressed',
    });
  });

  it('logs one structured line per object with bytes in and out, ratio and duration', () => {
    // Assess
    const lines = functionLogs
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>) // eslint-disable-line @typescript-eslint/no-explicit-any
      .filter((l) => l.message === 'object processed');
    expect(lines).toHaveLength(FILES.length);
    const report = lines.find((l) => l.key === 'incoming/a/b/report.csv')!;
    expect(report).toMatchObject({
      level: 'INFO',
      outcome: 'processed',
      output: {
        bytesIn: 2 * MiB + 3,
        sourceAction: 'deleted',
        format: 'zip',
        level: 6,
        md5: digestWithTool('md5sum', FILES[1]!.body),
      },
    });
    expect(report.output.ratio).toBeLessThan(0.5);
    expect(report.durationMs).toEqual(expect.any(Number));
  });
});
