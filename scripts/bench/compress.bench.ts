/**
 * Compress benchmark (not a test): throughput and peak RSS of the compress function (zip, level 6)
 * on a 1 GiB text file and a 1 GiB random file, against baselines measured in the same run on the
 * same bytes:
 *
 *  - `gzip -6` on the file from disk (page cache warm): what the CPU does with no S3 at all;
 *  - a plain in-process zlib stream: one GetObject from the emulator through createDeflateRaw at
 *    the same level, output discarded. The function must reach 0.9× of it while it also hashes
 *    the original (MD5), builds the zip (CRC-32) and uploads the archive in parts.
 *
 * A 256 MiB object is compressed too, to show that peak RSS does not grow with the object.
 * Each measured run is its own process; the median time and the highest RSS of RUNS runs count.
 * usage: npm run bench -- compress   (or tsx scripts/bench/compress.bench.ts [--runs=3])
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { functionAliases } from '../lib/bundleOptions';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../../packages/local-stack/src/emulator';
import { textBlock } from '../../packages/compress/tests/helpers/text';
import { testClient } from '../../tests/helpers/s3';
import type { WorkerResult } from './compress/worker';
import { bundleWorker, median, runWorker } from './lib/harness';

const root = join(__dirname, '..', '..');
const work = join(root, '.bench');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MB = 1e6;
const LEVEL = 6;
const RUNS = Number(/--runs=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 3);
const RSS_LIMIT_MIB = 256;
/** Peak RSS may grow by this much from a 256 MiB object to a 1 GiB one and still count as flat. */
const FLAT_SLACK_MIB = 32;

async function measure(worker: string, args: (string | number)[]): Promise<WorkerResult> {
  const runs: WorkerResult[] = [];
  for (let i = 0; i < RUNS; i++)
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

async function writeFile(path: string, size: number, block: (i: number) => Buffer): Promise<void> {
  if (existsSync(path) && statSync(path).size === size) return;
  const out = createWriteStream(path);
  for (let written = 0, i = 0; written < size; i++) {
    const chunk = block(i).subarray(0, size - written);
    written += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
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

function md5sum(path: string): string {
  return spawnSync('md5sum', [path], { encoding: 'utf8' }).stdout.split(' ')[0]!;
}

async function uploadFile(s3: S3Client, key: string, path: string, size?: number) {
  const uploaded = await new Upload({
    client: s3,
    partSize: 10 * MiB, // fauxqs accepts request bodies up to 11 MiB
    params: {
      Bucket: 'bench',
      Key: key,
      Body: createReadStream(path, size ? { end: size - 1 } : {}),
      // lib-storage counts parts from the file's size on disk unless told the length read.
      ...(size ? { ContentLength: size } : {}),
    },
  }).done();
  return (uploaded.ETag ?? '').replace(/"/g, '');
}

const rate = (bytes: number, seconds: number): number => bytes / seconds / MB;
const fmt = (n: number, digits = 0): string => n.toFixed(digits).padStart(7);

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
  const lines: string[] = [];
  const say = (line: string): void => {
    console.log(line);
    lines.push(line);
  };
  const targets: { name: string; ok: boolean }[] = [];
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
  for (const file of files) await writeFile(file.path, GiB, file.block);

  const emulator = await startEmulator();
  const s3 = testClient(emulator.endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const peaks: Record<string, number> = {};
    for (const file of files) {
      const key = `incoming/one-gib.${file.label}`;
      const eTag = await uploadFile(s3, key, file.path);
      const disk = gzipOnDisk(file.path);
      const plain = await measure(worker, ['zlib', emulator.endpoint, 'bench', key, LEVEL]);
      const fn = await measure(worker, [
        'compress',
        emulator.endpoint,
        'bench',
        key,
        GiB,
        eTag,
        LEVEL,
      ]);
      if (fn.md5 !== md5sum(file.path)) throw new Error(`compress hashed ${file.label} wrong`);
      const base = rate(GiB, plain.seconds);
      const ratio = rate(GiB, fn.seconds) / base;
      peaks[file.label] = fn.maxRssMiB;
      say('');
      say(
        `1 GiB ${file.label.padEnd(6)} (emulator)                       MB/s   peak RSS   out/in   vs zlib stream`,
      );
      say(
        `  gzip -${LEVEL} on the same bytes from disk       ${fmt(rate(GiB, disk.seconds))}        n/a   ${(disk.bytesOut / GiB).toFixed(3)}   ${(rate(GiB, disk.seconds) / base).toFixed(2)}x`,
      );
      say(
        `  plain GetObject + zlib deflate stream    ${fmt(base)}  ${fmt(plain.maxRssMiB)} MiB   ${(plain.bytesOut / GiB).toFixed(3)}   1.00x`,
      );
      say(
        `  compress function (zip, upload, MD5)     ${fmt(rate(GiB, fn.seconds))}  ${fmt(fn.maxRssMiB)} MiB   ${(fn.bytesOut / GiB).toFixed(3)}   ${ratio.toFixed(2)}x`,
      );
      // On two shared cores the emulator's work on the upload (and its copy) competes with the
      // function for CPU; in Lambda, S3 does that work elsewhere. Bytes per CPU-second of the
      // measured process alone show the function's own cost beside the baseline's.
      const cpuRatio = plain.cpuSeconds / fn.cpuSeconds;
      say(
        `  (own CPU: zlib stream ${fmt(rate(GiB, plain.cpuSeconds))} MB per CPU-s, function ${fmt(rate(GiB, fn.cpuSeconds))} MB per CPU-s = ${cpuRatio.toFixed(2)}x)`,
      );
      targets.push({
        name: `compress >= 0.9x the plain zlib stream (1 GiB ${file.label})`,
        ok: ratio >= 0.9,
      });
      targets.push({
        name: `peak RSS <= ${RSS_LIMIT_MIB} MiB (1 GiB ${file.label})`,
        ok: fn.maxRssMiB <= RSS_LIMIT_MIB,
      });
    }

    // Flat in size: the same text, a quarter of it.
    const smallKey = 'incoming/quarter.text';
    const smallETag = await uploadFile(s3, smallKey, files[0]!.path, GiB / 4);
    const small = await measure(worker, [
      'compress',
      emulator.endpoint,
      'bench',
      smallKey,
      GiB / 4,
      smallETag,
      LEVEL,
    ]);
    say('');
    say('Peak RSS by object size (compress function, text)');
    say(`  256 MiB  ${fmt(small.maxRssMiB)} MiB`);
    say(`    1 GiB  ${fmt(peaks.text!)} MiB`);
    targets.push({
      name: `peak RSS flat in size (1 GiB <= 256 MiB + ${FLAT_SLACK_MIB} MiB)`,
      ok: peaks.text! <= small.maxRssMiB + FLAT_SLACK_MIB,
    });
  } finally {
    s3.destroy();
    await emulator.stop();
  }

  say('');
  for (const target of targets) say(`${target.ok ? 'PASS' : 'FAIL'}  ${target.name}`);
  writeFileSync(join(work, 'compress.txt'), `${lines.join('\n')}\n`);
  process.exit(targets.every((t) => t.ok) ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
