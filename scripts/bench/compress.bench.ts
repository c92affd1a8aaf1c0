/**
 * Compress benchmark (not a test): throughput and peak RSS of the compress function (zip, level 6)
 * on a 1 GiB text file and a 1 GiB random file, against baselines measured in the same run on the
 * same bytes:
 *
 *  - `gzip -6` on the file from disk (page cache warm): what the CPU does with no S3 at all;
 *  - a plain in-process zlib stream: one GetObject through createDeflateRaw at the same level,
 *    output discarded, once with zlib's default chunk and once with the chunk the function uses.
 *    The function must reach 0.9x the faster of the two while it also hashes the original (MD5),
 *    builds the zip (CRC-32), uploads the archive in parts and rewrites its metadata.
 *
 * The measured runs talk to the benchmark S3 endpoint (lib/benchS3.ts): it serves the file and
 * drops what is uploaded, so S3's side of the work does not take the function's CPU (in Lambda
 * it runs on S3's machines). The same runs against the S3 emulator, a second process doing S3's
 * work on the same two cores, are printed after them for comparison.
 *
 * Peak RSS must stay under 256 MiB and flat: a 256 MiB object, the 1 GiB ones, and a 5 GiB one
 * (the random file served five times over; Zip64, multipart metadata copy).
 * Each measured run is its own process; the median time and the highest RSS of RUNS runs count
 * (the 5 GiB object runs once).
 * usage: npm run bench -- compress   (or tsx scripts/bench/compress.bench.ts [--runs=3])
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { functionAliases } from '../lib/bundleOptions';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@s3-pipelines/local-stack';
import { COMPRESSOR_CHUNK_SIZE } from '../../packages/compress/src/constants';
import { textBlock, testClient } from '@s3-pipelines/testing';
import type { WorkerResult } from './compress/worker';
import { fileSource, startBenchS3 } from './lib/benchS3';
import {
  BENCH_DIR,
  bundleWorker,
  createReport,
  ensureFile,
  median,
  runsArg,
  runWorker,
} from './lib/harness';

const root = join(__dirname, '..', '..');
const work = BENCH_DIR;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MB = 1e6;
const LEVEL = 6;
const RUNS = runsArg(3);
const RSS_LIMIT_MIB = 256;
/** Peak RSS may grow by this much from the smallest object to a larger one and still count as flat. */
const FLAT_SLACK_MIB = 32;
const BUCKET = 'bench';

async function measure(
  worker: string,
  args: (string | number)[],
  count = RUNS,
): Promise<WorkerResult> {
  const runs: WorkerResult[] = [];
  for (let i = 0; i < count; i++)
    runs.push(
      await runWorker<WorkerResult>(worker, args.map(String), {
        ...process.env,
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      }),
    );
  return {
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
    bytesOut: runs[0]!.bytesOut,
    md5: runs[0]!.md5,
  };
}

/** `gzip -<level>` on the file from disk, output discarded; the page cache is warmed first. */
function gzipOnDisk(path: string): { seconds: number; bytesOut: number } {
  spawnSync('sh', ['-c', 'cat -- "$1" > /dev/null', 'sh', path]);
  const started = process.hrtime.bigint();
  const run = spawnSync('sh', ['-c', `gzip -${LEVEL} -c -- "$1" | wc -c`, 'sh', path], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`gzip failed: ${run.stderr}`);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    bytesOut: Number(run.stdout.trim()),
  };
}

/**
 * md5sum of the first `bytes` of `path` read `times` times over (the 5 GiB object is the file
 * five times; the 256 MiB one is the text file's first quarter).
 */
function md5sum(path: string, times = 1, bytes = times * statSync(path).size): string {
  const run = spawnSync(
    'sh',
    [
      '-c',
      'i=0; while [ "$i" -lt "$2" ]; do cat -- "$1"; i=$((i+1)); done | head -c "$3" | md5sum',
      'sh',
      path,
      String(times),
      String(bytes),
    ],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`md5sum failed: ${run.stderr}`);
  return run.stdout.split(' ')[0]!;
}

async function uploadFile(s3: S3Client, key: string, path: string, size?: number) {
  const uploaded = await new Upload({
    client: s3,
    partSize: 10 * MiB, // fauxqs accepts request bodies up to 11 MiB
    params: {
      Bucket: BUCKET,
      Key: key,
      Body: createReadStream(path, size ? { end: size - 1 } : {}),
      // lib-storage counts parts from the file's size on disk unless told the length read.
      ...(size ? { ContentLength: size } : {}),
    },
  }).done();
  return (uploaded.ETag ?? '').replace(/"/g, '');
}

const rate = (bytes: number, seconds: number): number => bytes / seconds / MB;
const mbps = (bytes: number, seconds: number): string => rate(bytes, seconds).toFixed(0);
const mib = (n: number): string => `${n.toFixed(0)} MiB`;
const times = (ratio: number): string => `${ratio.toFixed(2)}x`;
/** One table line: a label, then right-aligned columns. */
const row = (label: string, ...columns: string[]): string =>
  `${label.padEnd(52)}${columns.map((column) => column.padStart(10)).join('')}`.trimEnd();

/** Arguments of one compress worker run (the worker parses the same function config). */
function compressArgs(endpoint: string, key: string, size: number, eTag: string) {
  return ['compress', endpoint, BUCKET, key, size, eTag, LEVEL];
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const worker = await bundleWorker(
    join(__dirname, 'compress', 'worker.ts'),
    join(work, 'compress-worker.js'),
    {
      // The same aliases as the function's own build, so the benchmark measures what ships.
      alias: functionAliases(join(root, 'packages', 'compress')),
    },
  );
  const { say, target, finish } = createReport('compress');
  const chunkKiB = COMPRESSOR_CHUNK_SIZE / 1024;
  say(
    `compress benchmark: Node ${process.version}, ${cpus().length} cores, level ${LEVEL}, median of ${RUNS} runs`,
  );

  const files = [
    {
      label: 'text',
      path: join(work, '1gib.txt'),
      block: (i: number) => textBlock(4 * MiB, 1 + (i % 8)),
    },
    // The checksum benchmark's random file, reused when it is already there.
    { label: 'random', path: join(work, '1gib.bin'), block: () => randomBytes(16 * MiB) },
  ];
  for (const file of files) await ensureFile(file.path, GiB, file.block);
  const [text, random] = files as [(typeof files)[0], (typeof files)[0]];
  const expected = {
    text: md5sum(text.path),
    random: md5sum(random.path),
    random5: md5sum(random.path, 5),
    quarter: md5sum(text.path, 1, GiB / 4),
  };
  const disk = Object.fromEntries(files.map((file) => [file.label, gzipOnDisk(file.path)]));

  // 1. Against the benchmark endpoint: the function's own throughput.
  const sources = {
    'incoming/one-gib.text': fileSource(text.path, GiB, 'bench-text'),
    'incoming/one-gib.random': fileSource(random.path, GiB, 'bench-random'),
    'incoming/quarter.text': fileSource(text.path, GiB / 4, 'bench-quarter'),
    'incoming/five-gib.random': fileSource(random.path, 5 * GiB, 'bench-five'),
  };
  const sink = await startBenchS3({ bucket: BUCKET, objects: sources });
  /** A run counts only if it hashed the original right and the endpoint took the whole archive. */
  const check = (run: WorkerResult, key: string, md5: string): void => {
    const archive = `processed/${key.slice('incoming/'.length)}.zip`;
    if (run.md5 !== md5) throw new Error(`compress hashed ${key} wrong: ${run.md5}`);
    if (sink.written(archive) !== run.bytesOut) {
      throw new Error(`${archive}: ${sink.written(archive)} bytes stored, ${run.bytesOut} written`);
    }
  };
  const peaks: Record<string, number> = {};
  try {
    for (const file of files) {
      const key = `incoming/one-gib.${file.label}`;
      const eTag = sources[key as keyof typeof sources].eTag;
      const plain = await measure(worker, ['zlib', sink.endpoint, BUCKET, key, LEVEL]);
      const tuned = await measure(worker, [
        'zlib',
        sink.endpoint,
        BUCKET,
        key,
        LEVEL,
        COMPRESSOR_CHUNK_SIZE,
      ]);
      const fn = await measure(worker, compressArgs(sink.endpoint, key, GiB, eTag));
      check(fn, key, expected[file.label as 'text' | 'random']);
      const base = Math.max(rate(GiB, plain.seconds), rate(GiB, tuned.seconds));
      const ratio = rate(GiB, fn.seconds) / base;
      const gzip = disk[file.label]!;
      peaks[file.label] = fn.maxRssMiB;
      const outIn = (bytesOut: number): string => (bytesOut / GiB).toFixed(3);
      say('');
      say(row(`1 GiB ${file.label}`, 'MB/s', 'peak RSS', 'out/in', 'vs zlib'));
      say(
        row(
          `  gzip -${LEVEL} on the same bytes from disk`,
          mbps(GiB, gzip.seconds),
          'n/a',
          outIn(gzip.bytesOut),
          times(rate(GiB, gzip.seconds) / base),
        ),
      );
      for (const [name, run] of [
        ['  plain GetObject + zlib stream, 16 KiB chunks', plain],
        [`  plain GetObject + zlib stream, ${chunkKiB} KiB chunks`, tuned],
        ['  compress function (zip, MD5, upload, rewrite)', fn],
      ] as const) {
        say(
          row(
            name,
            mbps(GiB, run.seconds),
            mib(run.maxRssMiB),
            outIn(run.bytesOut),
            times(rate(GiB, run.seconds) / base),
          ),
        );
      }
      const baseCpu = Math.min(plain.cpuSeconds, tuned.cpuSeconds);
      say(
        `  (own CPU: zlib stream ${mbps(GiB, baseCpu)} MB per CPU-s, function ${mbps(GiB, fn.cpuSeconds)} MB per CPU-s = ${times(baseCpu / fn.cpuSeconds)})`,
      );
      target(`compress >= 0.9x the faster plain zlib stream (1 GiB ${file.label})`, ratio >= 0.9);
      target(
        `peak RSS <= ${RSS_LIMIT_MIB} MiB (1 GiB ${file.label})`,
        fn.maxRssMiB <= RSS_LIMIT_MIB,
      );
    }

    // 2. Flat in size: a quarter of the text, and the random file five times over.
    const quarter = await measure(
      worker,
      compressArgs(sink.endpoint, 'incoming/quarter.text', GiB / 4, 'bench-quarter'),
    );
    const five = await measure(
      worker,
      compressArgs(sink.endpoint, 'incoming/five-gib.random', 5 * GiB, 'bench-five'),
      1,
    );
    check(quarter, 'incoming/quarter.text', expected.quarter);
    check(five, 'incoming/five-gib.random', expected.random5);
    const fiveArchive = sink.written('processed/five-gib.random.zip') ?? 0;
    say('');
    say(row('Peak RSS by object size (compress function)', 'MB/s', 'peak RSS'));
    say(row('  256 MiB text', mbps(GiB / 4, quarter.seconds), mib(quarter.maxRssMiB)));
    say(row('    1 GiB text', '', mib(peaks.text!)));
    say(row('    1 GiB random', '', mib(peaks.random!)));
    say(
      row(
        `    5 GiB random (one run; ${(fiveArchive / GiB).toFixed(3)} GiB Zip64 archive)`,
        mbps(5 * GiB, five.seconds),
        mib(five.maxRssMiB),
      ),
    );
    target(`peak RSS <= ${RSS_LIMIT_MIB} MiB (5 GiB random)`, five.maxRssMiB <= RSS_LIMIT_MIB);
    const largest = Math.max(peaks.text!, peaks.random!, five.maxRssMiB);
    target(
      `peak RSS flat in size (largest <= 256 MiB object's + ${FLAT_SLACK_MIB} MiB)`,
      largest <= quarter.maxRssMiB + FLAT_SLACK_MIB,
    );
  } finally {
    await sink.close();
  }

  // 3. The same against the S3 emulator (a second process on the same two cores), for comparison.
  const emulator = await startEmulator();
  const s3 = testClient(emulator.endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    say('');
    say(row('Against the S3 emulator (shares the 2 cores)', 'MB/s', 'peak RSS', 'vs zlib'));
    for (const file of files) {
      const key = `incoming/one-gib.${file.label}`;
      const eTag = await uploadFile(s3, key, file.path);
      const plain = await measure(worker, ['zlib', emulator.endpoint, BUCKET, key, LEVEL]);
      const fn = await measure(worker, compressArgs(emulator.endpoint, key, GiB, eTag));
      say(
        row(
          `  1 GiB ${file.label}: plain zlib stream, 16 KiB chunks`,
          mbps(GiB, plain.seconds),
          mib(plain.maxRssMiB),
          times(1),
        ),
      );
      say(
        row(
          `  1 GiB ${file.label}: compress function`,
          mbps(GiB, fn.seconds),
          mib(fn.maxRssMiB),
          times(plain.seconds / fn.seconds),
        ),
      );
    }
  } finally {
    s3.destroy();
    await emulator.stop();
  }

  process.exit(finish());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
