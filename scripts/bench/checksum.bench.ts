/**
 * Checksum benchmark (not a test): throughput, CPU and peak RSS of the checksum function against
 * baselines measured in the same run, on the same bytes.
 *
 *  1. A 1 GiB random object in the S3 emulator: the function with its default settings
 *     (READ_CONCURRENCY 4: one GET, fanning out to 4 ranged GETs when the process sits waiting
 *     on it) and with one stream, beside a plain GetObject + createHash('md5') loop, `md5sum` on
 *     the same bytes on disk, and a bare MD5 of the same bytes already in memory (no I/O: the
 *     physical limit, and the CPU floor every other line is compared with).
 *  2. A 5 GiB object from the synthetic endpoint (lib/benchS3.ts in this process): the same
 *     comparison at the largest size S3 puts in one PUT, and memory flat with size.
 *  3. The synthetic endpoint capping every connection at 90 MB/s (about one S3 connection): one
 *     stream against 8 ranged GETs.
 *
 * Each run is its own process (its peak RSS and CPU are its own). The variants of a section run
 * interleaved, round after round, so that what else the machine does falls on all of them alike;
 * MB/s, CPU and core figures are medians over the rounds, a ratio is the median of the ratios
 * measured within a round (the rounds' spread is printed beside it). Each line says where the machine's CPU went during its runs: the
 * function, the server (emulator or synthetic endpoint, with its throttle) and other processes,
 * so that a busy machine or a harness that cannot keep up shows as such.
 *
 * Prints PASS/FAIL per target, saves docs/bench/checksum.{txt,json} and draws docs/bench/checksum.svg.
 * usage: npm run bench -- checksum   (or tsx scripts/bench/checksum.bench.ts [--runs=3])
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@s3-pipelines/local-stack';
import { testClient } from '@s3-pipelines/testing';
import type { BarGroup } from './barChart';
import {
  childCpu,
  childPid,
  ownCpu,
  withCpuShare,
  type CpuShare,
  type ServerCpu,
} from './cpuMeter';
import {
  BENCH_DIR,
  DOCS_BENCH,
  bundleWorker,
  createReport,
  ensureFile,
  loadAverageText,
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
/** READ_CONCURRENCY's default (packages/checksum/src/config.ts). */
const DEFAULT_RANGES = 4;
const CAPPED_RANGES = 8;
const CAPPED_GOAL = 3.5;
const RSS_LIMIT_MIB = 256;

interface WorkerRun {
  md5: string;
  seconds: number;
  cpuSeconds: number;
  processCpuSeconds: number;
  maxRssMiB: number;
  majorGcs: number;
}

interface Variant {
  label: string;
  /** Worker argv; undefined for a line measured another way (md5sum). */
  args: string[];
  /** The variant every ratio of its section is taken against. */
  base?: boolean;
  /** The shipped configuration: drawn in the accent colour. */
  accent?: boolean;
}

interface Measured {
  label: string;
  accent?: boolean;
  mbPerSecond: number;
  cpuPerGiB: number;
  maxRssMiB?: number;
  /** Median major GCs per GiB: near 0, or one every few MB when V8 falls into that pattern. */
  majorGcsPerGiB?: number;
  /** Median core usage during the runs: function, server, everything else. */
  cores?: { worker: number; server: number; others: number };
  /** Against the section's base variant: the median of the rounds' ratios, and their spread. */
  ratio?: number;
  ratioRange?: [number, number];
  runs: {
    seconds: number;
    cpuSeconds: number;
    maxRssMiB: number;
    majorGcs?: number;
    share?: CpuShare;
  }[];
}

const rate = (bytes: number, seconds: number): number => bytes / seconds / MB;
const col = (text: string | number, width: number): string => String(text).padStart(width);

/** Runs every variant once per round, RUNS rounds, checking each run's MD5. */
async function measureRounds(
  worker: string,
  bytes: number,
  expectedMd5: string,
  server: ServerCpu,
  variants: Variant[],
): Promise<Measured[]> {
  const runs = variants.map(() => [] as { run: WorkerRun; share: CpuShare }[]);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, variant] of variants.entries()) {
      const { result, share } = await withCpuShare(
        server,
        () => runWorker<WorkerRun>(worker, variant.args),
        (run) => run.processCpuSeconds,
      );
      if (result.md5 !== expectedMd5)
        throw new Error(`${variant.label} computed ${result.md5}, expected ${expectedMd5}`);
      runs[i]!.push({ run: result, share });
    }
  }
  const baseIndex = variants.findIndex((v) => v.base);
  return variants.map((variant, i) => {
    const mine = runs[i]!;
    const bare = variant.args[0] === 'bare';
    const ratios =
      baseIndex < 0 || bare
        ? undefined
        : mine.map(({ run }, round) => runs[baseIndex]![round]!.run.seconds / run.seconds);
    return {
      label: variant.label,
      accent: variant.accent,
      mbPerSecond: median(mine.map(({ run }) => rate(bytes, run.seconds))),
      cpuPerGiB: median(mine.map(({ run }) => run.cpuSeconds / (bytes / GiB))),
      maxRssMiB: bare ? undefined : Math.max(...mine.map(({ run }) => run.maxRssMiB)),
      majorGcsPerGiB: median(mine.map(({ run }) => run.majorGcs / (bytes / GiB))),
      cores: {
        worker: median(mine.map(({ share }) => share.worker / share.wall)),
        server: median(mine.map(({ share }) => share.server / share.wall)),
        others: median(mine.map(({ share }) => share.others / share.wall)),
      },
      ratio: ratios && median(ratios),
      ratioRange: ratios && [Math.min(...ratios), Math.max(...ratios)],
      runs: mine.map(({ run, share }) => ({
        seconds: run.seconds,
        cpuSeconds: run.cpuSeconds,
        maxRssMiB: run.maxRssMiB,
        majorGcs: run.majorGcs,
        share,
      })),
    };
  });
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

/** The section's lines: throughput, RSS, CPU per GiB beside the bare MD5's, GCs, cores, ratio. */
function table(title: string, ratioTitle: string, rows: Measured[]): string[] {
  const bare = rows.find((r) => r.label.startsWith('bare'));
  const lines = [
    `${title.padEnd(46)}  MB/s  peak RSS  CPU s/GiB  over MD5  major GCs/GiB` +
      `  cores: fn + server + other  ${ratioTitle}`,
  ];
  for (const row of rows) {
    const measuredCpu = row.cpuPerGiB > 0;
    const over =
      bare && row !== bare && measuredCpu ? `+${(row.cpuPerGiB - bare.cpuPerGiB).toFixed(2)}` : '';
    const cores = row.cores
      ? `${row.cores.worker.toFixed(2)} + ${row.cores.server.toFixed(2)} + ${row.cores.others.toFixed(2)}`
      : '';
    lines.push(
      `  ${row.label.padEnd(44)}${col(Math.round(row.mbPerSecond), 6)}` +
        `${col(row.maxRssMiB === undefined ? 'n/a' : `${Math.round(row.maxRssMiB)} MiB`, 10)}` +
        `${col(measuredCpu ? row.cpuPerGiB.toFixed(2) : '', 11)}${col(over, 10)}` +
        `${col(row.majorGcsPerGiB === undefined ? '' : Math.round(row.majorGcsPerGiB), 15)}` +
        `${col(cores, 28)}${col(row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`, 10)}` +
        (row.ratioRange && row.ratioRange[0] !== row.ratioRange[1]
          ? `  (rounds ${row.ratioRange[0].toFixed(2)}-${row.ratioRange[1].toFixed(2)})`
          : ''),
    );
  }
  // Empty columns at the end of a line are not printed: the README quotes these lines.
  return lines.map((line) => line.trimEnd());
}

const toBars = (rows: Measured[]): BarGroup['bars'] =>
  rows.map((row) => ({
    label: row.label,
    value: row.mbPerSecond,
    note: row.ratio === undefined ? undefined : `${row.ratio.toFixed(2)}x`,
    accent: row.accent,
  }));

async function main(): Promise<void> {
  mkdirSync(work, { recursive: true });
  const worker = await bundleWorker(join(__dirname, 'worker.ts'), join(work, 'worker.js'));
  const { say, target, record, chart, finish } = createReport('checksum', DOCS_BENCH);
  const started = new Date();
  const load = loadavg();
  say(
    `checksum benchmark: Node ${process.version}, ${cpus().length} cores, ${RUNS} rounds ` +
      `(variants interleaved; medians), load average ${loadAverageText(load)} at the start`,
  );
  const sections: { title: string; rows: Measured[] }[] = [];
  const show = (title: string, ratioTitle: string, rows: Measured[]): void => {
    say('');
    for (const line of table(title, ratioTitle, rows)) say(line);
    sections.push({ title, rows });
  };
  const row = (rows: Measured[], label: string): Measured => rows.find((r) => r.label === label)!;

  // 1. 1 GiB in the emulator.
  const file = join(work, '1gib.bin');
  await ensureFile(file, GiB, () => randomBytes(16 * 1024 * 1024));
  md5sum(file); // warm the page cache so md5sum measures hashing, not the disk
  const disk = md5sum(file);
  const emulator = await startEmulator();
  const s3 = testClient(emulator.endpoint);
  const emulatorPid = childPid('emulatorProcess');
  let emulatorRows: Measured[];
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const uploaded = await new Upload({
      client: s3,
      partSize: 10 * 1024 * 1024, // fauxqs accepts request bodies up to 11 MiB
      params: { Bucket: 'bench', Key: 'one-gib.bin', Body: createReadStream(file) },
    }).done();
    const eTag = (uploaded.ETag ?? '').replace(/"/g, '');
    const object = [emulator.endpoint, 'bench', 'one-gib.bin', String(GiB), eTag];
    emulatorRows = await measureRounds(
      worker,
      GiB,
      disk.md5,
      emulatorPid ? childCpu(emulatorPid) : () => 0,
      [
        { label: 'bare MD5 of the same bytes in memory', args: ['bare', file, String(GiB)] },
        {
          label: "plain GetObject + createHash('md5')",
          args: ['plain', ...object, '1'],
          base: true,
        },
        { label: 'checksum function, one stream', args: ['checksum', ...object, '1'] },
        {
          label: `checksum function, default (up to ${DEFAULT_RANGES} ranges)`,
          args: ['checksum', ...object, String(DEFAULT_RANGES)],
          accent: true,
        },
      ],
    );
  } finally {
    s3.destroy();
    await emulator.stop();
  }
  emulatorRows.splice(1, 0, {
    label: 'md5sum on the same bytes on disk',
    mbPerSecond: rate(GiB, disk.seconds),
    cpuPerGiB: 0,
    runs: [{ seconds: disk.seconds, cpuSeconds: 0, maxRssMiB: 0 }],
  });
  show('1 GiB object in the S3 emulator', 'vs plain loop', emulatorRows);
  const ranged1 = row(emulatorRows, `checksum function, default (up to ${DEFAULT_RANGES} ranges)`);
  const single1 = row(emulatorRows, 'checksum function, one stream');

  // 2. 5 GiB from the synthetic endpoint.
  const block = randomBytes(1024 * 1024 + 7);
  const blockFile = join(work, 'synthetic-block.bin');
  writeFileSync(blockFile, block);
  const synthetic = await startSyntheticS3(5 * GiB, block);
  let syntheticRows: Measured[];
  try {
    const args = [synthetic.endpoint, synthetic.bucket, synthetic.key, String(synthetic.size)];
    const object = [...args, synthetic.eTag];
    syntheticRows = await measureRounds(worker, 5 * GiB, synthetic.md5(), ownCpu, [
      { label: 'bare MD5 of the same bytes in memory', args: ['bare', blockFile, args[3]!] },
      { label: "plain GetObject + createHash('md5')", args: ['plain', ...object, '1'], base: true },
      { label: 'checksum function, one stream', args: ['checksum', ...object, '1'] },
      {
        label: `checksum function, default (up to ${DEFAULT_RANGES} ranges)`,
        args: ['checksum', ...object, String(DEFAULT_RANGES)],
        accent: true,
      },
    ]);
  } finally {
    await synthetic.close();
  }
  show('5 GiB object from the synthetic endpoint', 'vs plain loop', syntheticRows);
  const ranged5 = row(syntheticRows, `checksum function, default (up to ${DEFAULT_RANGES} ranges)`);
  const single5 = row(syntheticRows, 'checksum function, one stream');

  // 3. Every connection capped, served by the synthetic endpoint (no proxy hop to feed).
  const capped = await startSyntheticS3(GiB, block, { bytesPerSecond: CAP });
  let cappedRows: Measured[];
  try {
    const object = [capped.endpoint, capped.bucket, capped.key, String(capped.size), capped.eTag];
    cappedRows = await measureRounds(worker, GiB, capped.md5(), ownCpu, [
      { label: 'checksum function, one stream', args: ['checksum', ...object, '1'], base: true },
      {
        label: `checksum function, ${CAPPED_RANGES} ranged GETs`,
        args: ['checksum', ...object, String(CAPPED_RANGES)],
        accent: true,
      },
    ]);
  } finally {
    await capped.close();
  }
  show(`1 GiB, each connection capped at ${CAP / MB} MB/s`, 'vs one stream', cappedRows);
  const many = row(cappedRows, `checksum function, ${CAPPED_RANGES} ranged GETs`);
  const cores = many.cores!;
  say(
    `  during the ${CAPPED_RANGES}-range runs the function used ${cores.worker.toFixed(2)} cores (main and hash threads), ` +
      `the endpoint and its throttle ${cores.server.toFixed(2)}, other processes ` +
      `${cores.others.toFixed(2)} (of ${cpus().length})`,
  );
  // What one core would carry at the function's own CPU cost: the most a function hashing on
  // its main thread could do. Past 64 MiB (with two vCPUs) MD5 runs on a thread of its own, so
  // the function may use more than one core and go past this.
  const ceiling = rate(GiB, many.cpuPerGiB);
  const plain = (rows: Measured[]): number =>
    Math.round(row(rows, "plain GetObject + createHash('md5')").mbPerSecond);
  say(
    `  one core at the function's ${many.cpuPerGiB.toFixed(2)} CPU s/GiB would carry ` +
      `${Math.round(ceiling)} MB/s (${((ceiling * MB) / CAP).toFixed(2)}x one capped stream); ` +
      `${CAPPED_GOAL}x is ${Math.round((CAPPED_GOAL * CAP) / MB)} MB/s, and the uncapped plain loop ` +
      `ran at ${plain(emulatorRows)} (1 GiB) and ${plain(syntheticRows)} (5 GiB) MB/s in this run`,
  );

  const ok = (ratio: number | undefined, goal: number): boolean => (ratio ?? 0) >= goal;
  target(
    `default (up to ${DEFAULT_RANGES} ranges) >= 0.95x the plain loop (1 GiB)`,
    ok(ranged1.ratio, 0.95),
  );
  target(
    `default (up to ${DEFAULT_RANGES} ranges) >= 0.95x the plain loop (5 GiB)`,
    ok(ranged5.ratio, 0.95),
  );
  target('one stream >= 0.97x the plain loop (1 GiB)', ok(single1.ratio, 0.97));
  target('one stream >= 0.97x the plain loop (5 GiB)', ok(single5.ratio, 0.97));
  target(
    `${CAPPED_RANGES} ranged GETs >= ${CAPPED_GOAL}x one stream at ${CAP / MB} MB/s per connection`,
    ok(many.ratio, CAPPED_GOAL),
  );
  const rss = (rows: Measured[]): number => Math.max(...rows.map((r) => r.maxRssMiB ?? 0));
  target(`peak RSS <= ${RSS_LIMIT_MIB} MiB (1 GiB)`, rss(emulatorRows) <= RSS_LIMIT_MIB);
  target(`peak RSS <= ${RSS_LIMIT_MIB} MiB (5 GiB)`, rss(syntheticRows) <= RSS_LIMIT_MIB);

  const drawn = {
    title: 'checksum: MB/s by variant and object size (higher is better)',
    subtitle:
      `npm run bench -- checksum, ${started.toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpus().length} cores, median of ${RUNS} rounds; ratios against the first line marked 1.00x`,
    unit: 'MB/s',
    groups: sections.map((section) => ({ title: section.title, bars: toBars(section.rows) })),
  };
  const loadAtEnd = loadavg();
  say(`load average ${loadAverageText(loadAtEnd)} at the end`);
  record('loadAverageAtStart', load);
  record('loadAverageAtEnd', loadAtEnd);
  record('sections', sections);
  chart(drawn);
  process.exit(finish());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
