/**
 * Checksum benchmark (not a test): throughput and peak RSS of the checksum function against
 * baselines measured in the same run, on the same bytes.
 *
 *  1. A 1 GiB object in the S3 emulator: the function (one stream, and parallel ranges) beside a
 *     plain GetObject + createHash('md5') loop, and beside `md5sum` on the same bytes on disk.
 *  2. A synthetic endpoint capping each connection at ~90 MB/s (about one S3 connection): one
 *     stream against parallel ranged reads.
 *  3. A 5 GiB object from a synthetic endpoint, to show that memory stays flat with size.
 *
 * Each measured read runs in its own process; the median of RUNS runs is reported.
 * usage: npm run bench -- checksum   (or tsx scripts/bench/checksum.bench.ts [--runs=3])
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@s3-pipelines/local-stack';
import { testClient } from '@s3-pipelines/testing';
import {
  BENCH_DIR,
  bundleWorker,
  createReport,
  ensureFile,
  median,
  runsArg,
  runWorker,
} from './lib/harness';
import { startSyntheticS3 } from './syntheticS3';

const work = BENCH_DIR;
const GiB = 1024 ** 3;
const MB = 1e6;
const RUNS = runsArg(3);
const CAP = 90 * MB;
const PARALLEL = 4;
const THROTTLED_PARALLEL = 8;

interface Run {
  md5: string;
  seconds: number;
  maxRssMiB: number;
}

async function measure(
  worker: string,
  args: (string | number)[],
  expectedMd5: string,
): Promise<Run> {
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await runWorker<Run>(worker, args.map(String));
    if (result.md5 !== expectedMd5)
      throw new Error(`worker ${args[0]} computed ${result.md5}, expected ${expectedMd5}`);
    runs.push(result);
  }
  return {
    md5: expectedMd5,
    seconds: median(runs.map((r) => r.seconds)),
    maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
  };
}

function md5sum(path: string): { md5: string; seconds: number } {
  const started = process.hrtime.bigint();
  const run = spawnSync('md5sum', [path], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`md5sum failed: ${run.stderr}`);
  return {
    md5: run.stdout.split(' ')[0]!,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

const rate = (bytes: number, seconds: number): number => bytes / seconds / MB;
const fmt = (n: number, digits = 0): string => n.toFixed(digits).padStart(7);

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const worker = await bundleWorker(join(__dirname, 'worker.ts'), join(work, 'worker.js'));
  const { say, target, finish } = createReport('checksum');

  say(
    `checksum benchmark: Node ${process.version}, ${cpus().length} cores, median of ${RUNS} runs`,
  );

  // 1. 1 GiB in the emulator.
  const file = join(work, '1gib.bin');
  await ensureFile(file, GiB, () => randomBytes(16 * 1024 * 1024));
  md5sum(file); // warm the page cache so md5sum measures hashing, not the disk
  const disk = md5sum(file);
  const emulator = await startEmulator();
  const s3 = testClient(emulator.endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const uploaded = await new Upload({
      client: s3,
      partSize: 10 * 1024 * 1024, // fauxqs accepts request bodies up to 11 MiB
      params: { Bucket: 'bench', Key: 'one-gib.bin', Body: createReadStream(file) },
    }).done();
    const eTag = (uploaded.ETag ?? '').replace(/"/g, '');
    const object = (endpoint: string) => [endpoint, 'bench', 'one-gib.bin', GiB, eTag];

    const plain = await measure(worker, ['plain', ...object(emulator.endpoint), 1], disk.md5);
    const single = await measure(worker, ['checksum', ...object(emulator.endpoint), 1], disk.md5);
    const ranged = await measure(
      worker,
      ['checksum', ...object(emulator.endpoint), PARALLEL],
      disk.md5,
    );
    const base = rate(GiB, plain.seconds);
    say('');
    say('1 GiB object in the S3 emulator           MB/s   peak RSS   vs plain loop');
    say(`  md5sum on the same bytes on disk       ${fmt(rate(GiB, disk.seconds))}        n/a`);
    say(
      `  plain GetObject + createHash('md5')    ${fmt(base)}  ${fmt(plain.maxRssMiB)} MiB   1.00x`,
    );
    say(
      `  checksum function, one stream          ${fmt(rate(GiB, single.seconds))}  ${fmt(single.maxRssMiB)} MiB   ${(rate(GiB, single.seconds) / base).toFixed(2)}x`,
    );
    say(
      `  checksum function, ${PARALLEL} ranged GETs      ${fmt(rate(GiB, ranged.seconds))}  ${fmt(ranged.maxRssMiB)} MiB   ${(rate(GiB, ranged.seconds) / base).toFixed(2)}x`,
    );
    const best = Math.max(rate(GiB, single.seconds), rate(GiB, ranged.seconds));
    target('checksum >= 0.95x the plain loop (1 GiB)', best >= 0.95 * base);
    target('peak RSS <= 256 MiB (1 GiB)', Math.max(single.maxRssMiB, ranged.maxRssMiB) <= 256);
  } finally {
    s3.destroy();
    await emulator.stop();
  }

  // 2. Per-connection cap, served by the synthetic endpoint so that no proxy hop competes for CPU.
  const cappedSource = await startSyntheticS3(GiB, randomBytes(1024 * 1024 + 7), {
    bytesPerSecond: CAP,
  });
  try {
    const expected = cappedSource.md5();
    const args = [
      cappedSource.endpoint,
      cappedSource.bucket,
      cappedSource.key,
      cappedSource.size,
      cappedSource.eTag,
    ];
    const one = await measure(worker, ['checksum', ...args, 1], expected);
    const many = await measure(worker, ['checksum', ...args, THROTTLED_PARALLEL], expected);
    const ratio = one.seconds / many.seconds;
    say('');
    say(
      `Each connection capped at ${CAP / MB} MB/s (1 GiB synthetic object)   MB/s   vs one stream`,
    );
    say(`  checksum function, one stream          ${fmt(rate(GiB, one.seconds))}        1.00x`);
    say(
      `  checksum function, ${THROTTLED_PARALLEL} ranged GETs      ${fmt(rate(GiB, many.seconds))}        ${ratio.toFixed(2)}x`,
    );
    target('parallel ranges >= 3x one capped stream', ratio >= 3);
  } finally {
    await cappedSource.close();
  }

  // 3. 5 GiB, synthetic endpoint.
  const synthetic = await startSyntheticS3(5 * GiB, randomBytes(1024 * 1024 + 7));
  try {
    const expected = synthetic.md5();
    const args = [
      synthetic.endpoint,
      synthetic.bucket,
      synthetic.key,
      synthetic.size,
      synthetic.eTag,
    ];
    const plain5 = await measure(worker, ['plain', ...args, 1], expected);
    const ranged5 = await measure(worker, ['checksum', ...args, PARALLEL], expected);
    say('');
    say('5 GiB object from a synthetic endpoint   MB/s   peak RSS');
    say(
      `  plain GetObject + createHash('md5')    ${fmt(rate(5 * GiB, plain5.seconds))}  ${fmt(plain5.maxRssMiB)} MiB`,
    );
    say(
      `  checksum function, ${PARALLEL} ranged GETs      ${fmt(rate(5 * GiB, ranged5.seconds))}  ${fmt(ranged5.maxRssMiB)} MiB`,
    );
    target('peak RSS <= 256 MiB (5 GiB)', ranged5.maxRssMiB <= 256);
  } finally {
    await synthetic.close();
  }

  process.exit(finish());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
