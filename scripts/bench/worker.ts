/**
 * One measured run, in its own process so that its peak RSS is its own. Bundled by the benchmark
 * with esbuild and run with plain node (no loader in the measured process).
 *
 * argv: <variant: plain|checksum> <endpoint> <bucket> <key> <size> <eTag> <concurrency>
 */
import { DeleteObjectCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { createLogger, createProcessContext, processObject } from '@s3-pipelines/s3-stream';
import { checksumPipeline } from '../../packages/checksum/src/pipeline';

async function plainLoop(s3: S3Client, bucket: string, key: string): Promise<string> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('md5');
  for await (const chunk of response.Body as Readable) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const [variant, endpoint, bucket, key, size, eTag, concurrency] = process.argv.slice(
    2,
  ) as string[];
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  // Each run must do the work: remove the sidecar a previous run left (the function skips done work).
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `${key}.md5` }));
  const started = process.hrtime.bigint();
  let md5: string;
  if (variant === 'plain') {
    md5 = await plainLoop(s3, bucket!, key!);
  } else {
    const logger = createLogger('bench');
    const definition = checksumPipeline(
      {
        TRIGGER_PREFIX: '',
        TRIGGER_SUFFIX: '',
        EXTRA_ALGORITHMS: [],
        READ_CONCURRENCY: Number(concurrency),
        RANGE_SIZE_MB: 8,
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
    md5 = String(result.output!.md5);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ md5, seconds, maxRssMiB })}\n`);
  s3.destroy();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
