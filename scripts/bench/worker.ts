/**
 * One measured run, in its own process so that its peak RSS and its CPU time are its own. Bundled
 * by the benchmark with esbuild and run with plain node (no loader in the measured process).
 *
 * argv: plain|checksum <endpoint> <bucket> <key> <size> <eTag> <concurrency>
 *       bare <file> <size>   MD5 of `size` bytes of the file repeated, from memory: no I/O at all
 *
 * Prints one JSON line: md5, seconds (wall) and cpuSeconds (user + system) of the measured work
 * only, processCpuSeconds (the whole process, start-up included), maxRssMiB, and the major GCs
 * during the work (on Node 22 a streaming loop either runs with almost none or falls into one
 * every few MB: the count tells which a run was).
 */
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import {
  createLogger,
  createProcessContext,
  createS3Client,
  processObject,
} from '@s3-pipelines/s3-stream';
import { checksumPipeline } from '../../packages/checksum/src/pipeline';
import { peakRssMiB } from './lib/peakRss';

/** Pieces handed to the bare MD5: big enough that the call overhead is nothing. */
const BARE_PIECE = 1024 * 1024;

async function plainLoop(s3: S3Client, bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('md5');
  for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function checksumFunction(
  s3: S3Client,
  [bucket, key, size, eTag, concurrency]: string[],
): Promise<string> {
  const logger = createLogger('bench');
  const definition = checksumPipeline(
    {
      TRIGGER_PREFIX: '',
      TRIGGER_SUFFIX: '',
      EXTRA_ALGORITHMS: [],
      READ_CONCURRENCY: Number(concurrency),
      RANGE_SIZE_MB: 8,
      // Outside Lambda there is no deadline, so the check never refuses here.
      MIN_MB_PER_SECOND: 50,
    },
    logger,
  );
  // The whole function as the handler runs it: skip rules, then the work.
  const result = await processObject(
    definition,
    { bucket: bucket!, key: key!, size: Number(size), eTag },
    createProcessContext({ s3, logger, processor: definition.processor }),
  );
  if (result.outcome !== 'processed')
    throw new Error(`checksum ${result.outcome}: ${result.reason}`);
  return String(result.output!.md5);
}

/** The physical limit: createHash('md5') over bytes already in memory, the same bytes. */
function bareMd5(bytes: Buffer, size: number): string {
  const hash = createHash('md5');
  for (let at = 0; at < size;) {
    const offset = at % bytes.length;
    const take = Math.min(BARE_PIECE, bytes.length - offset, size - at);
    hash.update(bytes.subarray(offset, offset + take));
    at += take;
  }
  return hash.digest('hex');
}

async function timed(work: () => Promise<string>): Promise<void> {
  let majorGcs = 0;
  const gcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[])
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs += 1;
  });
  gcs.observe({ entryTypes: ['gc'] });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const md5 = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const total = process.cpuUsage();
  // Entries are delivered asynchronously: let the last ones in before counting.
  await new Promise((resolve) => setImmediate(resolve));
  gcs.disconnect();
  process.stdout.write(
    `${JSON.stringify({
      md5,
      seconds,
      cpuSeconds: (used.user + used.system) / 1e6,
      processCpuSeconds: (total.user + total.system) / 1e6,
      maxRssMiB: peakRssMiB(),
      majorGcs,
    })}\n`,
  );
}

async function main(): Promise<void> {
  const [variant, ...args] = process.argv.slice(2) as string[];
  if (variant === 'bare') {
    const bytes = readFileSync(args[0]!);
    await timed(async () => bareMd5(bytes, Number(args[1])));
    return;
  }
  const [endpoint, bucket, key] = args;
  // The functions' own client (unsigned upload payloads): the baselines only read with it.
  const s3 = createS3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // Each run must do the work: remove the sidecar a previous run left (the function skips done work).
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${key}.md5` }));
  await timed(() =>
    variant === 'plain' ? plainLoop(s3, bucket!, key!) : checksumFunction(s3, args.slice(1)),
  );
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
