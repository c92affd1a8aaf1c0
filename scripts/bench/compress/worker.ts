/**
 * One measured run of the compress benchmark, in its own process so that its peak RSS is its own.
 * Bundled by compress.bench.ts with esbuild and run with plain node.
 *
 * argv: zlib     <endpoint> <bucket> <key> <level> [chunkSize]
 *       cli      <endpoint> <bucket> <key> <command>
 *       compress <endpoint> <bucket> <key> <size> <eTag> <settings>
 *
 * `settings` is a JSON object of the function's environment (FORMAT, LEVEL, ENGINE, WORKERS,
 * DELETE_SOURCE, ...), parsed by the function's own config schema, over the benchmark's base.
 */
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflateRaw } from 'node:zlib';
import {
  createS3Client,
  createLogger,
  createProcessContext,
  parseConfig,
  processObject,
} from '@s3-pipelines/s3-stream';
import { CompressConfigSchema } from '../../../packages/compress/src/config';
import { FORMATS } from '../../../packages/compress/src/constants';
import { compressPipeline } from '../../../packages/compress/src/pipeline';
import { peakRssMiB } from '../lib/peakRss';

export interface WorkerResult {
  seconds: number;
  /** CPU time of this process (user + system): its own cost, whatever else shares the cores. */
  cpuSeconds: number;
  maxRssMiB: number;
  bytesOut: number;
  /** Set by the benchmark: CPU its own process (the S3 endpoint) used during the run. */
  endpointCpuSeconds?: number;
  md5?: string;
  /** The function's report: what it did (compress runs only). */
  compression?: string;
  workers?: number;
  sourceAction?: string;
  archive?: string;
  /**
   * The verify-and-delete path: from the archive's upload completing to the original's delete
   * answering (HEAD archive, HEAD source, DELETE), in ms; compress runs with DELETE_SOURCE only.
   */
  verifyDeleteMs?: number;
}

/** When each S3 command of `s3` ended, in order, to time the steps after the upload. */
function commandEnds(s3: S3Client): { name: string; at: number }[] {
  const ends: { name: string; at: number }[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      ends.push({ name: context.commandName ?? '', at: performance.now() });
      return result;
    },
    { step: 'initialize', name: 'benchCommandEnds' },
  );
  return ends;
}

/**
 * The baseline: one GetObject stream through zlib's raw deflate (what a zip entry holds), with
 * zlib's default output chunk or the one given.
 */
async function plainZlib(
  s3: S3Client,
  bucket: string,
  key: string,
  level: number,
  chunkSize?: number,
) {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  let bytesOut = 0;
  await pipeline(
    response.Body as Readable,
    createDeflateRaw({ level, chunkSize }),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytesOut += chunk.length;
        done();
      },
    }),
  );
  return { bytesOut };
}

/** The function's default part size, which the piped CLI's upload uses too. */
const FUNCTION_PART_SIZE =
  parseConfig(CompressConfigSchema, { OUTPUT_PREFIX: 'processed/' }).PART_SIZE_MB * 1024 * 1024;

/**
 * An outside compressor in the function's place: one GetObject piped through `command` (a
 * shell command line reading stdin, writing stdout), its output uploaded by lib-storage with
 * the function's client and part size. What a hand-written script would do. Its time is what
 * counts; the CPU and peak RSS reported are this process's only, not the command's.
 */
async function cliThroughS3(s3: S3Client, bucket: string, key: string, command: string) {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const child = spawn('sh', ['-c', command], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let bytesOut = 0;
  child.stdout.on('data', (chunk: Buffer) => (bytesOut += chunk.length));
  const upload = new Upload({
    client: s3,
    partSize: FUNCTION_PART_SIZE,
    params: { Bucket: bucket, Key: `processed/cli-${key.split('/').pop()}`, Body: child.stdout },
  }).done();
  await Promise.all([pipeline(response.Body as Readable, child.stdin), upload]);
  const code = await exited;
  if (code !== 0) throw new Error(`${command} exited with ${code}`);
  return { bytesOut };
}

async function main(): Promise<void> {
  const [variant, endpoint, bucket, key, ...rest] = process.argv.slice(2) as string[];
  // The functions' own client (unsigned upload payloads): the baselines only read with it.
  const s3 = createS3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  let run: () => Promise<Omit<WorkerResult, 'seconds' | 'cpuSeconds' | 'maxRssMiB'>>;
  if (variant === 'zlib') {
    const [level, chunkSize] = rest;
    run = () =>
      plainZlib(s3, bucket!, key!, Number(level), chunkSize ? Number(chunkSize) : undefined);
  } else if (variant === 'cli') {
    run = () => cliThroughS3(s3, bucket!, key!, rest[0]!);
  } else {
    const [size, eTag, settings] = rest;
    const config = parseConfig(CompressConfigSchema, {
      TRIGGER_PREFIX: 'incoming/',
      OUTPUT_PREFIX: 'processed/',
      ...(JSON.parse(settings ?? '{}') as Record<string, string>),
    });
    // Each run must do the work: remove the archive a previous run left (done work is skipped).
    const archive = `processed/${key!.slice('incoming/'.length)}${FORMATS[config.FORMAT].extension}`;
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: archive }));
    const logger = createLogger('bench');
    const definition = compressPipeline(config, logger);
    const context = createProcessContext({ s3, logger, processor: definition.processor });
    const ends = commandEnds(s3);
    run = async () => {
      // The whole function as the handler runs it: skip rules, then the work.
      const result = await processObject(
        definition,
        { bucket: bucket!, key: key!, size: Number(size), eTag },
        context,
      );
      if (result.outcome !== 'processed')
        throw new Error(`compress ${result.outcome}: ${result.reason}`);
      const output = result.output!;
      const uploaded = ends.findLast((e) => /^(CompleteMultipartUpload|PutObject)/.test(e.name));
      const deleted = ends.findLast((e) => e.name === 'DeleteObjectCommand');
      return {
        ...(uploaded && deleted ? { verifyDeleteMs: deleted.at - uploaded.at } : {}),
        bytesOut: Number(output.bytesOut),
        md5: String(output.md5),
        compression: String(output.compression),
        workers: Number(output.workers),
        sourceAction: String(output.sourceAction),
        archive,
      };
    };
  }
  const before = process.resourceUsage();
  const cpuBefore = (before.userCPUTime + before.systemCPUTime) / 1e6;
  const started = process.hrtime.bigint();
  const done = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const usage = process.resourceUsage();
  const maxRssMiB = peakRssMiB();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6 - cpuBefore;
  const result: WorkerResult = { seconds, cpuSeconds, maxRssMiB, ...done };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
