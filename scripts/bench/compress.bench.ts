/**
 * Compress benchmark (not a test): throughput and peak RSS of the compress function against
 * baselines measured in the same run, on the same bytes (a text file and a random file):
 *
 *  - `pigz -6 -p <cores>` and `zstd -3 -T<cores>` on the file from disk (page cache warm): what
 *    the CPU does in parallel with no S3 at all; `gzip -6` once, for the size of its output;
 *  - `zstd -3 -T<cores>` in the function's place: one GetObject piped through it and its output
 *    uploaded with lib-storage (worker.ts `cli`). zstd is fast enough that reading and uploading
 *    are most of the work, which the CLI on disk does not do: the zstd target is against this;
 *  - a plain in-process zlib stream: one GetObject through createDeflateRaw at level 6 with
 *    2 MiB chunks, output discarded: one core's deflate;
 *  - today's function: ENGINE=stream, the one zlib stream compress used before the blocks
 *    engine, with the rest of the function as it is (MD5, upload, rewrite, verify, delete);
 *  - the function itself: zip, blocks on every core, DELETE_SOURCE on (every run verifies the
 *    archive and deletes the original: the benchmark endpoint keeps serving it), then with
 *    WORKERS=1 (one thread: the sizing model), then FORMAT=zstd.
 *
 * The variants run interleaved, round after round (RUNS rounds), each run in its own process
 * (its peak RSS is its own), so that whatever else the machine does falls on all of them alike;
 * the median time and the highest RSS count. Other processes share this machine: the ratios
 * measured back to back are the figures, not the absolute MB/s.
 *
 * The measured runs talk to the benchmark S3 endpoint (lib/benchS3.ts): it serves the files from
 * memory and drops what is uploaded, so that S3's side of the work takes as little of the
 * function's CPU as it can (in Lambda it runs on S3's machines); the CPU it did take is printed
 * beside the function's. Each format's archive is then made once more through an endpoint
 * that keeps the bytes, and judged by `unzip -t` / `gzip -t` / `zstd -t`, and by the MD5 of what
 * they extract, against `md5sum` of the input.
 *
 * Peak RSS must stay under 256 MiB and flat over the sizes: each file is served at every size
 * (read as 256 MiB, and served five times over as 5 GiB; a repeat 1 GiB apart is far outside
 * deflate's and zstd's windows), and each kind's peak is held against its own smallest size.
 *
 * Every function run also times the verify-and-delete path (from the upload's completion to the
 * original's delete: HEAD archive, HEAD source, DELETE), since users run it with deletion on.
 *
 * The report goes to docs/bench/compress.{txt,json} and the chart to docs/bench/compress.svg.
 */
const USAGE = `usage: npm run bench -- compress [--runs=3] [--sizes=256m,1g,5g] [--chunk-sizes] [--emulator]
  --runs=N       rounds of the interleaved comparisons (the median counts; default 3)
  --sizes        object sizes for the RSS series (k, m, g suffixes); the comparisons run at
                 the largest of them up to 1 GiB, so --sizes=256m --runs=1 is a quick run
  --chunk-sizes  also compare ENGINE=stream with 16 KiB and 2 MiB chunks (docs/compress.md)
  --emulator     also run the function against the S3 emulator (a second process doing
                 S3's work on the same cores)
Writes docs/bench/compress.txt, docs/bench/compress.json and docs/bench/compress.svg.`;
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@s3-pipelines/local-stack';
import { textBlock, testClient } from '@s3-pipelines/testing';
import { LAMBDA_MB_PER_VCPU } from '@s3-pipelines/s3-stream';
import { COMPRESSOR_CHUNK_SIZE } from '../../packages/compress/src/constants';
import { functionAliases } from '../lib/bundleOptions';
import { compressChart, type ChartSection } from './compress/chart';
import type { WorkerResult } from './compress/worker';
import { ownCpu } from './cpuMeter';
import { memorySource, startBenchS3, type SourceObject } from './lib/benchS3';
import {
  BENCH_DIR,
  DOCS_BENCH,
  bundleWorker,
  createReport,
  ensureFile,
  median,
  runsArg,
  runWorker,
} from './lib/harness';

const root = join(__dirname, '..', '..');
const work = BENCH_DIR;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const MB = 1e6;
const LEVEL = 6;
const ZSTD_LEVEL = 3;
const RUNS = runsArg(3);
const CORES = cpus().length;
const RSS_LIMIT_MIB = 256;
/** Peak RSS may grow by this much from the smallest object to a larger one and still count as flat. */
const FLAT_SLACK_MIB = 32;
const BUCKET = 'bench';
/** Lambda's longest timeout: what the sizing table's last column fills. */
const LAMBDA_TIMEOUT_S = 900;

/** `--sizes=256m,1g,5g`: sizes in bytes, ascending. */
function sizesArg(argv: string[] = process.argv): number[] {
  const given = /--sizes=([\w,]+)/.exec(argv.join(' '))?.[1] ?? '256m,1g,5g';
  const unit: Record<string, number> = { k: KiB, m: MiB, g: GiB };
  return given
    .split(',')
    .map((size) => {
      const match = /^(\d+)([kmg])$/i.exec(size.trim());
      if (!match) throw new Error(`--sizes: ${size} is not like 256m or 5g`);
      return Number(match[1]) * unit[match[2]!.toLowerCase()]!;
    })
    .sort((a, b) => a - b);
}
const SIZES = sizesArg();
const COMPARE = Math.max(...SIZES.filter((size) => size <= GiB), Math.min(...SIZES));
const CHUNK_SIZES = process.argv.includes('--chunk-sizes');
const EMULATOR = process.argv.includes('--emulator');

const label = (bytes: number): string =>
  bytes >= GiB ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
const rate = (bytes: number, seconds: number): number => bytes / seconds / MB;
const mbps = (bytes: number, seconds: number): string => rate(bytes, seconds).toFixed(0);
const mib = (n: number): string => `${n.toFixed(0)} MiB`;
const times = (ratio: number): string => `${ratio.toFixed(2)}x`;
/** How a function run compressed: on how many threads, or stored with none. */
const engine = (run: WorkerResult): string =>
  run.workers
    ? `blocks on ${run.workers} threads (${run.compression})`
    : `blocks, ${run.compression} (no compression thread)`;
/** One table line: a label, then right-aligned columns. */
const row = (name: string, ...columns: string[]): string =>
  `${name.padEnd(58)}${columns.map((column) => column.padStart(10)).join('')}`.trimEnd();

interface Measured {
  seconds: number;
  cpuSeconds: number;
  /** The benchmark's own process (its S3 endpoint) during the runs, median. */
  endpointCpuSeconds: number;
  maxRssMiB?: number;
  bytesOut: number;
  runs: WorkerResult[];
}

function summarize(runs: WorkerResult[]): Measured {
  return {
    seconds: median(runs.map((r) => r.seconds)),
    cpuSeconds: median(runs.map((r) => r.cpuSeconds)),
    endpointCpuSeconds: median(runs.map((r) => r.endpointCpuSeconds ?? 0)),
    maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)),
    bytesOut: runs[0]!.bytesOut,
    runs,
  };
}

/**
 * Runs a command on the first `bytes` of a file from disk (the page cache warmed first), its
 * output counted by wc: on the file itself when that is all of it, else through `head -c`.
 */
function onDisk(command: string, path: string, bytes: number): WorkerResult {
  spawnSync('sh', ['-c', 'head -c "$2" -- "$1" > /dev/null', 'sh', path, String(bytes)]);
  const whole = bytes >= statSync(path).size;
  const script = whole ? `${command} -- "$1" | wc -c` : `head -c "$2" -- "$1" | ${command} | wc -c`;
  const started = process.hrtime.bigint();
  const run = spawnSync('sh', ['-c', script, 'sh', path, String(bytes)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} failed: ${run.stderr}`);
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: 0,
    maxRssMiB: 0,
    bytesOut: Number(run.stdout.trim()),
  };
}

/** md5sum of the first `bytes` of `path` read over and over (an object bigger than the file). */
function md5sum(path: string, bytes: number): string {
  const times = Math.ceil(bytes / statSync(path).size);
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

/** The outside tool's test of an archive, and the MD5 of what it extracts. */
function judge(path: string, format: string): { test: boolean; md5: string; detail: string } {
  const [testCommand, extract] =
    format === 'zip'
      ? ['unzip -tq "$1"', 'unzip -p "$1"']
      : format === 'gzip'
        ? ['gzip -t "$1"', 'gzip -dc "$1"']
        : ['zstd -qt "$1"', 'zstd -qdc "$1"'];
  const test = spawnSync('sh', ['-c', testCommand, 'sh', path], { encoding: 'utf8' });
  const md5 = spawnSync('sh', ['-c', `${extract} | md5sum`, 'sh', path], { encoding: 'utf8' });
  return {
    test: test.status === 0,
    md5: md5.stdout.split(' ')[0] ?? '',
    detail: `${test.stdout}${test.stderr}`.trim().split('\n').pop() ?? '',
  };
}

async function uploadFile(s3: S3Client, key: string, path: string) {
  const uploaded = await new Upload({
    client: s3,
    partSize: 10 * MiB, // fauxqs accepts request bodies up to 11 MiB
    params: { Bucket: BUCKET, Key: key, Body: createReadStream(path) },
  }).done();
  return (uploaded.ETag ?? '').replace(/"/g, '');
}

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const worker = await bundleWorker(
    join(__dirname, 'compress', 'worker.ts'),
    join(work, 'compress-worker.js'),
    // The same aliases as the function's own build, so the benchmark measures what ships.
    { alias: functionAliases(join(root, 'packages', 'compress')) },
  );
  const report = createReport('compress', DOCS_BENCH);
  const chart: ChartSection[] = [];
  const started = new Date();
  const { say, target, record } = report;
  say(
    `compress benchmark: Node ${process.version}, ${CORES} cores, level ${LEVEL} (zstd ${ZSTD_LEVEL}), ` +
      `median of ${RUNS} interleaved runs, compared at ${label(COMPARE)}, sizes ${SIZES.map(label).join(', ')}`,
  );
  // Other jobs share this machine: the load says how much (ratios are measured back to back).
  const load = (): string =>
    loadavg()
      .map((n) => n.toFixed(1))
      .join(' ');
  say(`load average at the start: ${load()} (1, 5, 15 min; ${CORES} cores)`);
  record('setup', {
    node: process.version,
    cores: CORES,
    runs: RUNS,
    compare: COMPARE,
    sizes: SIZES,
    loadAtStart: loadavg(),
  });

  const text = join(work, '1gib.txt');
  const random = join(work, '1gib.bin');
  await ensureFile(text, GiB, (i) => textBlock(4 * MiB, 1 + (i % 8)));
  // The checksum benchmark's random file, reused when it is already there.
  await ensureFile(random, GiB, () => randomBytes(16 * MiB));
  const files = { text, random };
  type Kind = keyof typeof files;
  // Served from memory: the endpoint takes the function's cores, and file reads cost it more.
  const loaded = { text: readFileSync(text), random: readFileSync(random) };

  const sources: Record<string, SourceObject> = {};
  const expected: Record<string, string> = {};
  const keyOf = (kind: Kind, size: number): string => {
    const key = `incoming/${kind}-${size}`;
    if (!sources[key]) {
      sources[key] = memorySource(loaded[kind], size, `bench-${kind}-${size}`);
      expected[key] = md5sum(files[kind], size);
    }
    return key;
  };
  for (const kind of ['text', 'random'] as const) for (const size of SIZES) keyOf(kind, size);

  const sink = await startBenchS3({ bucket: BUCKET, objects: sources });
  const keptDir = join(work, 'compress-kept');
  rmSync(keptDir, { recursive: true, force: true });
  const keeper = await startBenchS3({ bucket: BUCKET, objects: sources, keepDir: keptDir });
  const env = { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' };

  /** One run of the function; it must have hashed right, been stored whole and deleted. */
  const compress = async (
    endpoint: typeof sink,
    key: string,
    settings: Record<string, string>,
  ): Promise<WorkerResult> => {
    const source = sources[key]!;
    const run = await runWorker<WorkerResult>(
      worker,
      [
        'compress',
        endpoint.endpoint,
        BUCKET,
        key,
        String(source.size),
        source.eTag,
        JSON.stringify({ LEVEL: String(LEVEL), ZSTD_LEVEL: String(ZSTD_LEVEL), ...settings }),
      ],
      env,
    );
    if (run.md5 !== expected[key]) throw new Error(`compress hashed ${key} wrong: ${run.md5}`);
    if (endpoint.written(run.archive!) !== run.bytesOut) {
      throw new Error(
        `${run.archive}: ${endpoint.written(run.archive!)} stored, ${run.bytesOut} written`,
      );
    }
    if (settings.DELETE_SOURCE !== 'false' && run.sourceAction !== 'deleted') {
      throw new Error(`${key}: the original was ${run.sourceAction}, not deleted`);
    }
    return run;
  };
  const plainZlib = (key: string, chunkSize = COMPRESSOR_CHUNK_SIZE): Promise<WorkerResult> =>
    runWorker<WorkerResult>(
      worker,
      ['zlib', sink.endpoint, BUCKET, key, String(LEVEL), String(chunkSize)],
      env,
    );

  const pigz = `pigz -${LEVEL} -p ${CORES} -c`;
  const zstdCli = `zstd -${ZSTD_LEVEL} -T${CORES} -q -c`;
  const variants: Record<string, (kind: Kind) => Promise<WorkerResult> | WorkerResult> = {
    pigz: (kind) => onDisk(pigz, files[kind], COMPARE),
    zlib: (kind) => plainZlib(keyOf(kind, COMPARE)),
    today: (kind) => compress(sink, keyOf(kind, COMPARE), { ENGINE: 'stream' }),
    blocks: (kind) => compress(sink, keyOf(kind, COMPARE), {}),
    blocks1: (kind) => compress(sink, keyOf(kind, COMPARE), { WORKERS: '1' }),
    zstdCli: (kind) => onDisk(zstdCli, files[kind], COMPARE),
    zstdPiped: async (kind) => {
      const key = keyOf(kind, COMPARE);
      const run = await runWorker<WorkerResult>(
        worker,
        ['cli', sink.endpoint, BUCKET, key, zstdCli],
        env,
      );
      // The upload must hold what the CLI wrote (worker.ts names it processed/cli-<name>).
      const stored = sink.written(`processed/cli-${key.split('/').pop()}`);
      if (stored !== run.bytesOut)
        throw new Error(`${zstdCli}: ${stored} stored, ${run.bytesOut} written`);
      return run;
    },
    zstd: (kind) => compress(sink, keyOf(kind, COMPARE), { FORMAT: 'zstd' }),
  };
  const plan: Record<Kind, string[]> = {
    text: ['pigz', 'zlib', 'today', 'blocks', 'blocks1', 'zstdCli', 'zstdPiped', 'zstd'],
    random: ['pigz', 'zlib', 'today', 'blocks', 'zstdCli', 'zstdPiped', 'zstd'],
  };
  if (CHUNK_SIZES) {
    variants.stream16 = (kind) =>
      compress(sink, keyOf(kind, COMPARE), { ENGINE: 'stream', STREAM_CHUNK_KB: '16' });
    plan.text.push('stream16');
    plan.random.push('stream16');
  }

  const results: Record<Kind, Record<string, Measured>> = { text: {}, random: {} };
  const gzip: Record<Kind, WorkerResult> = {
    text: onDisk(`gzip -${LEVEL} -c`, text, COMPARE),
    random: onDisk(`gzip -${LEVEL} -c`, random, COMPARE),
  };
  const peaks: { name: string; size: number; result: Measured }[] = [];
  const checks: { name: string; ok: boolean; detail: string }[] = [];
  try {
    // 1. The comparisons, interleaved round by round.
    for (const kind of ['text', 'random'] as const) {
      const runs: Record<string, WorkerResult[]> = {};
      for (let round = 0; round < RUNS; round++) {
        for (const name of plan[kind]) {
          const before = ownCpu();
          const run = await variants[name]!(kind);
          (runs[name] ??= []).push({ ...run, endpointCpuSeconds: ownCpu() - before });
        }
      }
      for (const [name, list] of Object.entries(runs)) results[kind][name] = summarize(list);
    }

    for (const kind of ['text', 'random'] as const) {
      const r = results[kind];
      const size = COMPARE;
      const outIn = (bytes: number): string => (bytes / size).toFixed(3);
      const base = kind === 'text' ? r.pigz! : r.today!;
      const line = (name: string, run: WorkerResult | Measured, rss: boolean): string =>
        row(
          name,
          mbps(size, run.seconds),
          rss && run.maxRssMiB ? mib(run.maxRssMiB) : 'n/a',
          outIn(run.bytesOut),
          times(base.seconds / run.seconds),
          times(r.zlib!.seconds / run.seconds),
        );
      say('');
      say(
        row(
          `${label(size)} ${kind}, zip/gzip`,
          'MB/s',
          'peak RSS',
          'out/in',
          kind === 'text' ? 'vs pigz' : 'vs today',
          'vs zlib',
        ),
      );
      say(line(`  gzip -${LEVEL} on the same bytes from disk (once)`, gzip[kind], false));
      say(line(`  ${pigz.replace(' -c', '')} on the same bytes from disk`, r.pigz!, false));
      say(line('  plain GetObject + one zlib stream (2 MiB chunks)', r.zlib!, true));
      say(line("  today's function: ENGINE=stream (one zlib stream)", r.today!, true));
      if (r.stream16)
        say(line('    the same with STREAM_CHUNK_KB=16 (zlib default)', r.stream16, true));
      if (r.blocks1) say(line('  compress, blocks on 1 thread (WORKERS=1)', r.blocks1, true));
      const blocks = r.blocks!;
      say(line(`  compress, ${engine(blocks.runs[0]!)}`, blocks, true));
      say(
        `  (own CPU: zlib stream ${mbps(size, r.zlib!.cpuSeconds)} MB per CPU-s, today ${mbps(size, r.today!.cpuSeconds)}, ` +
          `blocks ${mbps(size, blocks.cpuSeconds)}; every function run: zip, MD5, upload, verify, delete)`,
      );
      say(
        `  (the benchmark's S3 endpoint, on the same cores: ${blocks.endpointCpuSeconds.toFixed(1)} CPU-s in a blocks run, ` +
          `${((blocks.endpointCpuSeconds / (blocks.seconds * CORES)) * 100).toFixed(1)}% of the ${CORES} cores over it; ` +
          `${r.zlib!.endpointCpuSeconds.toFixed(1)} CPU-s in a zlib stream run)`,
      );
      const verifyDelete = median(blocks.runs.map((run) => run.verifyDeleteMs ?? NaN));
      say(
        `  verify and delete after the upload (HEAD archive, HEAD source, DELETE): ${verifyDelete.toFixed(0)} ms, ` +
          `${((verifyDelete / 1000 / blocks.seconds) * 100).toFixed(2)}% of the function's run (median)`,
      );
      record(`${kind}.verifyDeleteMs`, verifyDelete);
      record(`${kind}.zip`, {
        gzip: gzip[kind],
        ...Object.fromEntries(
          Object.entries(r).map(([name, m]) => [
            name,
            { ...m, runs: undefined, mbPerSecond: rate(size, m.seconds) },
          ]),
        ),
      });

      const zstd = r.zstd!;
      const vs = (m: Measured, base: Measured, name: string): string =>
        `${times(base.seconds / m.seconds)} ${name}`;
      const baseName = kind === 'text' ? 'pigz' : 'ENGINE=stream';
      chart.push({
        title: `${label(size)} ${kind}: zip/gzip (ratio vs ${baseName}), then zstd (vs the zstd CLI in the function's place)`,
        rows: [
          { label: `gzip -${LEVEL}, from disk`, mbPerSecond: rate(size, gzip[kind].seconds) },
          {
            label: `pigz -${LEVEL} -p ${CORES}, from disk`,
            mbPerSecond: rate(size, r.pigz!.seconds),
          },
          { label: 'GetObject + one zlib stream', mbPerSecond: rate(size, r.zlib!.seconds) },
          {
            label: 'compress ENGINE=stream (before)',
            mbPerSecond: rate(size, r.today!.seconds),
            note: vs(r.today!, base, baseName),
          },
          ...(r.stream16
            ? [
                {
                  label: '  the same, STREAM_CHUNK_KB=16',
                  mbPerSecond: rate(size, r.stream16.seconds),
                  note: vs(r.stream16, base, baseName),
                },
              ]
            : []),
          ...(r.blocks1
            ? [
                {
                  label: 'compress, blocks, WORKERS=1',
                  mbPerSecond: rate(size, r.blocks1.seconds),
                  note: vs(r.blocks1, base, baseName),
                },
              ]
            : []),
          {
            label: `compress, blocks (${blocks.runs[0]!.compression})`,
            mbPerSecond: rate(size, blocks.seconds),
            note: vs(blocks, base, baseName),
            shipped: true,
          },
          {
            label: `zstd -${ZSTD_LEVEL} -T${CORES}, from disk`,
            mbPerSecond: rate(size, r.zstdCli!.seconds),
          },
          {
            label: `GetObject | zstd -${ZSTD_LEVEL} -T${CORES} | Upload`,
            mbPerSecond: rate(size, r.zstdPiped!.seconds),
          },
          {
            label: 'compress FORMAT=zstd',
            mbPerSecond: rate(size, zstd.seconds),
            note: vs(zstd, r.zstdPiped!, 'piped CLI'),
            shipped: true,
          },
        ],
      });
      say('');
      const zstdLine = (name: string, m: Measured | WorkerResult, rss: string): string =>
        row(
          name,
          mbps(size, m.seconds),
          rss,
          outIn(m.bytesOut),
          times(r.zstdCli!.seconds / m.seconds),
          times(r.zstdPiped!.seconds / m.seconds),
        );
      say(row(`${label(size)} ${kind}, zstd`, 'MB/s', 'peak RSS', 'out/in', 'vs disk', 'vs piped'));
      say(
        zstdLine(
          `  ${zstdCli.replace(' -q -c', '')} on the same bytes from disk`,
          r.zstdCli!,
          'n/a',
        ),
      );
      say(
        zstdLine(
          `  GetObject | ${zstdCli.replace(' -q -c', '')} | lib-storage Upload`,
          r.zstdPiped!,
          mib(r.zstdPiped!.maxRssMiB!),
        ),
      );
      say(zstdLine(`  compress FORMAT=zstd, ${engine(zstd.runs[0]!)}`, zstd, mib(zstd.maxRssMiB!)));

      if (kind === 'text') {
        target(
          `deflate >= 0.95x ${pigz.replace(' -c', '')} (${label(size)} text): ${times(r.pigz!.seconds / blocks.seconds)}`,
          r.pigz!.seconds / blocks.seconds >= 0.95,
        );
        target(
          `deflate >= 1.8x the plain single-stream zlib (${label(size)} text): ${times(r.zlib!.seconds / blocks.seconds)}`,
          r.zlib!.seconds / blocks.seconds >= 1.8,
        );
        target(
          `deflate output <= 1.01x gzip -${LEVEL}'s size (${label(size)} text): ${(blocks.bytesOut / gzip.text.bytesOut).toFixed(4)}x`,
          blocks.bytesOut <= 1.01 * gzip.text.bytesOut,
        );
        target(
          `zstd >= 0.9x ${zstdCli.replace(' -q -c', '')} in the function's place, GetObject to Upload (${label(size)} text): ${times(r.zstdPiped!.seconds / zstd.seconds)}`,
          r.zstdPiped!.seconds / zstd.seconds >= 0.9,
        );
      } else {
        target(
          `random >= 5x today's function (${label(size)} random, ${blocks.runs[0]!.compression}): ${times(r.today!.seconds / blocks.seconds)}`,
          r.today!.seconds / blocks.seconds >= 5,
        );
      }
      for (const name of ['blocks', 'zstd'] as const) {
        target(
          `peak RSS <= ${RSS_LIMIT_MIB} MiB (${label(size)} ${kind}, ${name === 'zstd' ? 'zstd' : 'zip'}): ${mib(r[name]!.maxRssMiB!)}`,
          r[name]!.maxRssMiB! <= RSS_LIMIT_MIB,
        );
      }
      peaks.push({ name: `${kind}`, size, result: blocks });
    }

    // 2. Peak RSS by size, each kind of input at every size (the comparison size is measured
    // above). Larger runs go through the keeping endpoint, so their archives (Zip64 past 4 GiB)
    // are judged below as well.
    for (const kind of ['text', 'random'] as const) {
      for (const size of SIZES.filter((s) => s !== COMPARE)) {
        const big = size > COMPARE;
        const runs = [];
        for (let round = 0; round < (big ? 1 : RUNS); round++)
          runs.push(await compress(big ? keeper : sink, keyOf(kind, size), {}));
        peaks.push({ name: kind, size, result: summarize(runs) });
        if (big) checks.push(check(keeper, keyOf(kind, size), 'zip', runs[0]!));
      }
    }
    peaks.sort((a, b) => a.size - b.size || a.name.localeCompare(b.name));
    say('');
    say(row('Peak RSS by object size (compress, zip, blocks)', 'MB/s', 'peak RSS', 'out/in'));
    for (const { name, size, result } of peaks) {
      const zip64 = result.bytesOut > 0xfffffffe ? ', Zip64' : '';
      const once = result.runs.length === 1 && RUNS > 1 ? ', one run' : '';
      say(
        row(
          `  ${label(size)} ${name} (${result.runs[0]!.compression}${zip64}${once})`,
          mbps(size, result.seconds),
          mib(result.maxRssMiB!),
          (result.bytesOut / size).toFixed(3),
        ),
      );
      if (size !== COMPARE) {
        target(
          `peak RSS <= ${RSS_LIMIT_MIB} MiB (${label(size)} ${name}): ${mib(result.maxRssMiB!)}`,
          result.maxRssMiB! <= RSS_LIMIT_MIB,
        );
      }
    }
    chart.push({
      title: 'compress (zip, blocks) by object size, with its peak RSS',
      rows: peaks.map(({ name, size, result }) => ({
        label: `${label(size)} ${name}`,
        mbPerSecond: rate(size, result.seconds),
        note: mib(result.maxRssMiB!),
        shipped: true,
      })),
    });
    record(
      'peaks',
      peaks.map(({ name, size, result }) => ({
        name,
        size,
        maxRssMiB: result.maxRssMiB,
        seconds: result.seconds,
      })),
    );
    // Flat means the same input does not take more memory as it grows: each kind is held
    // against its own smallest size (deflated text and stored random bytes take different paths,
    // with different threads, and are not compared with each other).
    for (const kind of ['text', 'random'] as const) {
      const series = peaks.filter((p) => p.name === kind);
      if (series.length < 2) continue;
      const smallest = series[0]!;
      const most = series.reduce((a, b) => (b.result.maxRssMiB! > a.result.maxRssMiB! ? b : a));
      target(
        `peak RSS flat in size, ${kind} (${label(most.size)}: ${mib(most.result.maxRssMiB!)} <= ${label(smallest.size)}'s ${mib(smallest.result.maxRssMiB!)} + ${FLAT_SLACK_MIB} MiB)`,
        most.result.maxRssMiB! <= smallest.result.maxRssMiB! + FLAT_SLACK_MIB,
      );
    }

    // 3. Every format's archive, kept this time and judged by the tool that reads it.
    for (const kind of ['text', 'random'] as const) {
      for (const format of ['zip', 'gzip', 'zstd']) {
        const key = keyOf(kind, COMPARE);
        const run = await compress(keeper, key, { FORMAT: format, DELETE_SOURCE: 'true' });
        checks.push(check(keeper, key, format, run));
      }
    }
    say('');
    say('Archives judged by outside tools (bytes kept by the endpoint)');
    for (const { name, ok, detail } of checks) {
      say(`  ${ok ? 'ok  ' : 'BAD '} ${name}${ok ? '' : `: ${detail}`}`);
    }
    target(
      `every archive passes unzip -t / gzip -t / zstd -t and extracts to the input's MD5 (${checks.length} archives)`,
      checks.length > 0 && checks.every((c) => c.ok),
    );
    record('checks', checks);

    // 4. The sizing model: throughput by Lambda memory.
    sizingTable(results.text, results.random);
  } finally {
    await sink.close();
    await keeper.close();
    rmSync(keptDir, { recursive: true, force: true });
  }

  if (EMULATOR) await againstEmulator();
  say('');
  say(`load average at the end: ${load()}`);
  record('loadAtEnd', loadavg());
  const drawn = compressChart(
    chart,
    `npm run bench -- compress ${process.argv.slice(2).join(' ')}, ${started.toISOString().slice(0, 10)}, ` +
      `Node ${process.version}, ${CORES} cores, median of ${RUNS} interleaved rounds`,
  );
  report.chart(drawn);
  process.exit(report.finish());

  function check(endpoint: typeof keeper, key: string, format: string, run: WorkerResult) {
    const path = endpoint.kept(run.archive!);
    const name = `${format}, ${label(sources[key]!.size)} ${key.includes('random') ? 'random' : 'text'} (${run.compression}, ${(run.bytesOut / GiB).toFixed(3)} GiB archive)`;
    if (!path) return { name, ok: false, detail: 'not kept' };
    const judged = judge(path, format);
    rmSync(path, { force: true });
    const ok = judged.test && judged.md5 === expected[key];
    return { name, ok, detail: `${judged.detail}; md5 ${judged.md5}, expected ${expected[key]}` };
  }

  /**
   * Throughput by Lambda memory. Each function run's CPU time (all its threads: main, hash,
   * compression) says what one fully used vCPU does, whatever else ran on the machine: the
   * model gives v vCPUs v times that, up to the cores the run kept busy (CPU-s / wall-s) for
   * stored data, which the main and hash threads carry. Wall-clock rates per core are printed
   * beside it; they are lower when other jobs share the cores.
   */
  function sizingTable(textRuns: Record<string, Measured>, randomRuns: Record<string, Measured>) {
    const size = COMPARE;
    const perCpu = (m: Measured): number => size / m.cpuSeconds / MB;
    const busy = (m: Measured): number => m.cpuSeconds / m.seconds;
    const text = perCpu(textRuns.blocks!);
    const zstd = perCpu(textRuns.zstd!);
    const stored = perCpu(randomRuns.blocks!);
    const storedCores = busy(randomRuns.blocks!);
    const threads = textRuns.blocks!.runs[0]!.workers || CORES;
    say('');
    say(
      `Throughput by Lambda memory (model: per vCPU, what a CPU-second of the function did above: ` +
        `text deflate ${text.toFixed(1)} MB, zstd ${zstd.toFixed(1)} MB, stored ${stored.toFixed(0)} MB on at most ` +
        `${storedCores.toFixed(1)} vCPUs, as many as that run kept busy)`,
    );
    say(
      `  (wall clock here: text ${(rate(size, textRuns.blocks!.seconds) / threads).toFixed(1)} MB/s per core on ${threads} threads, ` +
        `${rate(size, textRuns.blocks1!.seconds).toFixed(1)} MB/s on 1 thread; the cores were shared with other jobs)`,
    );
    say(
      `  ${'memory'.padEnd(10)}${['vCPUs', 'threads', 'text MB/s', 'zstd MB/s', 'random MB/s', `text in ${LAMBDA_TIMEOUT_S} s`].map((c) => c.padStart(15)).join('')}`,
    );
    const table = [];
    for (const memory of [512, 1024, 1769, 3008, 3538, 5307, 7076, 8845, 10240]) {
      const vcpus = Math.min(6, memory / LAMBDA_MB_PER_VCPU);
      const entry = {
        memory,
        vcpus,
        threads: Math.max(1, Math.ceil(vcpus - 1e-9)),
        text: text * vcpus,
        zstd: zstd * vcpus,
        random: stored * Math.min(vcpus, storedCores),
        textIn900sGB: (text * vcpus * LAMBDA_TIMEOUT_S) / 1000,
      };
      table.push(entry);
      say(
        `  ${`${memory} MB`.padEnd(10)}${[
          vcpus.toFixed(2),
          String(entry.threads),
          entry.text.toFixed(0),
          entry.zstd.toFixed(0),
          entry.random.toFixed(0),
          `${entry.textIn900sGB.toFixed(1)} GB`,
        ]
          .map((c) => c.padStart(15))
          .join('')}`,
      );
    }
    record('sizing', { text, zstd, stored, storedCores, table });
  }

  async function againstEmulator(): Promise<void> {
    const emulator = await startEmulator();
    const s3 = testClient(emulator.endpoint);
    try {
      await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
      say('');
      say(row('Against the S3 emulator (shares the cores)', 'MB/s', 'peak RSS', 'vs zlib'));
      for (const kind of ['text', 'random'] as const) {
        const key = `incoming/emulated-${kind}`;
        const eTag = await uploadFile(s3, key, files[kind]);
        const runs = { zlib: [] as WorkerResult[], fn: [] as WorkerResult[] };
        for (let round = 0; round < RUNS; round++) {
          runs.zlib.push(
            await runWorker<WorkerResult>(
              worker,
              [
                'zlib',
                emulator.endpoint,
                BUCKET,
                key,
                String(LEVEL),
                String(COMPRESSOR_CHUNK_SIZE),
              ],
              env,
            ),
          );
          runs.fn.push(
            await runWorker<WorkerResult>(
              worker,
              [
                'compress',
                emulator.endpoint,
                BUCKET,
                key,
                String(GiB),
                eTag,
                '{"DELETE_SOURCE":"false"}',
              ],
              env,
            ),
          );
        }
        const plain = summarize(runs.zlib);
        const fn = summarize(runs.fn);
        say(
          row(
            `  1 GiB ${kind}: plain zlib stream`,
            mbps(GiB, plain.seconds),
            mib(plain.maxRssMiB!),
            times(1),
          ),
        );
        say(
          row(
            `  1 GiB ${kind}: compress (${fn.runs[0]!.compression}, DELETE_SOURCE=false)`,
            mbps(GiB, fn.seconds),
            mib(fn.maxRssMiB!),
            times(plain.seconds / fn.seconds),
          ),
        );
      }
    } finally {
      s3.destroy();
      await emulator.stop();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
