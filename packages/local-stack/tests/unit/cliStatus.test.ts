import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { testClient } from '@s3-pipelines/testing';
import { DIST, ensureBuilt } from '../../../../tests/e2e/helpers/artifacts';
import {
  CLI,
  ROOT,
  TSX,
  childEnv,
  scratch,
  start,
  waitForOutput,
  type Started,
} from './helpers/processes';

/**
 * The CLI with its stdout on a pipe, as in CI or `npm start > file`: plain status lines, no
 * escape codes, the EMF lines in <data-dir>/metrics, a summary table on stop; and
 * `npm run backfill`'s CLI against that running stack, with plain progress lines.
 */
describe('the local stack status, metrics and backfill on a non-terminal', () => {
  let dir: string;
  let varFile: string;
  let cli: Started | undefined;

  beforeAll(() => ensureBuilt(), 180_000);

  beforeEach(() => {
    ({ dir, varFile } = scratch());
  });

  afterEach(async () => {
    if (cli && cli.child.exitCode === null) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    cli = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints status lines and a summary, writes EMF files, and backfills what predates it', async () => {
    // Prepare
    cli = start(
      TSX,
      [CLI, '--var-file', varFile, '--port', '0', '--data-dir', dir, '--dist-dir', DIST],
      childEnv(),
    );
    const [, endpoint] = (await waitForOutput(
      cli,
      /S3 endpoint +(http:\/\/127\.0\.0\.1:\d+)/,
      60_000,
    ))!;
    const s3 = testClient(endpoint!);
    await s3.send(
      new PutObjectCommand({ Bucket: 's3p-svc-uploads', Key: 'live/a.csv', Body: 'x,y\n' }),
    );
    s3.destroy();

    // Act 1: the live status of the upload.
    await waitForOutput(cli, /^status  metadata +done 1 /m, 60_000);

    // Act 2: a backfill of three objects seeded behind the proxy, through its CLI.
    const backfill = start(
      TSX,
      [
        join(ROOT, 'packages', 'local-stack', 'src', 'backfillCli.ts'),
        'metadata',
        '--var-file',
        varFile,
        '--data-dir',
        dir,
        '--dist-dir',
        DIST,
        '--seed',
        '3',
        '--concurrency',
        '2',
      ],
      childEnv(),
    );
    const done = await backfill.exited;

    // Act 3: stop the stack.
    cli.child.kill('SIGTERM');
    const stopped = await cli.exited;

    // Assess
    const out = cli.output();
    expect(stopped.code).toBe(0);
    expect(out).not.toContain('\x1b[');
    expect(out).toMatch(
      /^status  metadata +done 1 +skipped 0 +failed 0 +read 0 B +written \d+ B +lag p99 \d+ ms$/m,
    );
    expect(out).toMatch(
      /^pipeline +processed +skipped +failed +read +written +lag p50 +lag p99 +time p99$/m,
    );
    expect(out).toMatch(/^metadata +1 +0 +0 +0 B +\d+ B +\d+ ms +\d+ ms +\d+ ms$/m);
    const backfilled = backfill.output();
    expect({ code: done.code, backfilled }).toMatchObject({ code: 0 });
    expect(backfilled).toContain('using the running stack on');
    expect(backfilled).toMatch(/^progress  \[#{24}\] 4\/4 objects /m);
    expect(backfilled).toMatch(
      /job [0-9a-f-]+: 4 tasks, 3 processed, 1 skipped \(1 already done\), 0 failed/,
    );
    expect(backfilled).not.toContain('\x1b[');
    const emf = readFileSync(join(dir, 'metrics', 'metadata.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const first = JSON.parse(emf[0]!);
    // The project's namespace, as Terraform sets it, so environments never mix their metrics.
    expect(first._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 's3-pipelines/s3p-svc',
      Dimensions: [['service']],
    });
    expect(first).toMatchObject({ service: 'metadata', ObjectsProcessed: 1 });
  }, 240_000);
});
