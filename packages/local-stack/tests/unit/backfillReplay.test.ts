import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testClient } from '@s3-pipelines/testing';
import { DIST, ensureBuilt } from '../../../../tests/e2e/helpers/artifacts';
import { listingPrefix, runBackfill, seedObjects } from '../../src/backfill';
import { REPORT_SCHEMA } from '../../src/completionReport';
import { LocalStackError, UsageError } from '../../src/errors';
import { dlqFile, runReplay } from '../../src/replay';
import { validatedRoutes } from '../../src/routing';
import { startLocalStack, type LocalStack } from '../../src/stack';
import { runningStack } from '../../src/targetStack';
import { parseTfvars, type Tfvars } from '../../src/tfvars';

const OBJECTS = 50;

/** metadata on `uploads`, records to `reports`; `settings` go to the function's environment. */
function config(settings: Record<string, string> = {}) {
  return {
    project: 's3p-bf',
    region: 'eu-west-1',
    buckets: { uploads: {}, reports: {} },
    pipelines: {
      metadata: {
        function: 'metadata',
        source_bucket: 'uploads',
        output_bucket: 'reports',
        output_prefix: 'metadata/',
        delivery: 'direct',
        max_retries: 0,
        settings,
      },
    },
  };
}

function routed(raw: unknown): { vars: Tfvars; route: ReturnType<typeof validatedRoutes>[number] } {
  const vars = parseTfvars(raw, 'test config');
  return { vars, route: validatedRoutes(vars)[0]! };
}

/** The report's rows as Python's csv module reads them: a reader we did not write. */
function csvRows(file: string): string[][] {
  const read = spawnSync(
    'python3',
    [
      '-c',
      'import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline="")))))',
      file,
    ],
    { encoding: 'utf8' },
  );
  if (read.status !== 0) throw new Error(read.stderr);
  return JSON.parse(read.stdout) as string[][];
}

async function keysUnder(stack: LocalStack, bucket: string, prefix: string): Promise<string[]> {
  const s3 = testClient(stack.endpoint);
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  } finally {
    s3.destroy();
  }
}

describe('local backfill and replay against a running stack', () => {
  let dir: string;
  let stack: LocalStack | undefined;

  beforeAll(() => ensureBuilt(), 180_000);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 's3p-backfill-'));
  });

  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('processes objects that predate the pipeline exactly once; a second run finds them done', async () => {
    // Prepare: objects written behind the event proxy, so no event ever announced them.
    const { vars, route } = routed(config());
    stack = await startLocalStack({ config: config(), port: 0, dataDir: dir, distDir: DIST });
    const target = (await runningStack(dir))!;
    const seeded = await seedObjects(target, route, vars.region, OBJECTS);
    await stack.waitForIdle(10_000);
    expect(stack.invocations).toEqual([]);

    // Act
    const first = await runBackfill({
      route,
      vars,
      target,
      dataDir: dir,
      distDir: DIST,
      concurrency: 3,
    });
    const second = await runBackfill({
      route,
      vars,
      target,
      dataDir: dir,
      distDir: DIST,
      concurrency: 3,
    });

    // Assess: one record per object, one report row per object, every one processed once.
    const records = await keysUnder(stack, stack.buckets.reports!, 'metadata/');
    expect(records).toEqual(seeded.map((k) => `metadata/${k}.metadata.json`).sort());
    const manifest = JSON.parse(readFileSync(first.report.manifest, 'utf8'));
    expect(manifest).toMatchObject({ Format: 'Report_CSV_20180820', ReportSchema: REPORT_SCHEMA });
    expect(first.report.files).toHaveLength(1);
    const rows = csvRows(first.report.files[0]!);
    expect(rows.map((r) => r[1]).sort()).toEqual(seeded);
    for (const row of rows) {
      expect(row).toEqual([
        's3p-bf-uploads',
        expect.any(String),
        '',
        'succeeded',
        '200',
        '',
        'processed',
      ]);
    }
    const again = csvRows(second.report.files[0]!);
    expect(again).toHaveLength(OBJECTS);
    for (const row of again)
      expect(row.slice(3)).toEqual(['succeeded', '200', '', 'skipped: already-done']);
    // The function's own metrics say the same: 50 processed over both runs, 50 already done.
    const docs = readFileSync(join(dir, 'metrics', 'metadata.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const total = (name: string, dims: string) =>
      docs
        .filter((d) => JSON.stringify(d._aws.CloudWatchMetrics[0].Dimensions) === dims)
        .reduce((n, d) => n + (d[name] ?? 0), 0);
    expect(total('ObjectsProcessed', '[["service"]]')).toBe(OBJECTS);
    expect(total('ObjectsSkipped', '[["service","reason"]]')).toBe(OBJECTS);
  }, 180_000);

  it('keeps a dead letter while the cause is there, and removes it once a replay succeeds', async () => {
    // Prepare: a setting the handler refuses at cold start, so the upload fails and is dead-lettered.
    const broken = config({ RECORD_CONCURRENCY: '0' });
    stack = await startLocalStack({
      config: broken,
      port: 0,
      dataDir: dir,
      distDir: DIST,
      onWarning: () => undefined,
    });
    const s3 = testClient(stack.endpoint);
    await s3.send(
      new PutObjectCommand({
        Bucket: stack.buckets.uploads,
        Key: 'late/report.csv',
        Body: 'a,b\n',
      }),
    );
    s3.destroy();
    await stack.waitForIdle(30_000);
    const file = dlqFile(dir, 'metadata');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    const target = (await runningStack(dir))!;

    // Act 1: replay with the cause still there.
    const stillBroken = runReplay({ ...routed(broken), target, dataDir: dir, distDir: DIST });

    // Assess 1
    await expect(stillBroken).rejects.toThrow(LocalStackError);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);

    // Act 2: the setting fixed.
    const fixed = await runReplay({ ...routed(config()), target, dataDir: dir, distDir: DIST });

    // Assess 2
    expect(fixed).toEqual({ replayed: [{ key: 'late/report.csv', ok: true }], remaining: 0 });
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(await keysUnder(stack, stack.buckets.reports!, 'metadata/')).toEqual([
      'metadata/late/report.csv.metadata.json',
    ]);
  }, 120_000);

  it('refuses a prefix outside the trigger before listing anything', () => {
    // Prepare
    const raw = config();
    (raw.pipelines.metadata as Record<string, unknown>).prefix = 'data/';
    const { route } = routed(raw);

    // Act
    const outside = () => listingPrefix(route, 'other/');

    // Assess
    expect(outside).toThrow(UsageError);
    expect(outside).toThrow(
      `--prefix 'other/' is outside pipeline "metadata"'s trigger: it must start with 'data/'`,
    );
    expect(listingPrefix(route, 'data/2024/')).toBe('data/2024/');
    expect(existsSync(join(dir, 'reports'))).toBe(false);
  });
});
