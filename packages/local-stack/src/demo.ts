import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStackError } from './errors';
import { routesFor } from './routing';
import type { LocalStack } from './stack';

const IDLE_TIMEOUT_MS = 60_000;
const MiB = 1024 * 1024;

interface Sample {
  name: string;
  body: () => Buffer;
  contentType: string;
  /** Sent with @aws-sdk/lib-storage in 5 MiB parts. */
  multipart?: boolean;
}

const SAMPLES: Sample[] = [
  {
    name: 'hello.txt',
    body: () => Buffer.from('Hello from s3-pipelines!\n'),
    contentType: 'text/plain',
  },
  {
    name: 'random.bin',
    body: () => randomBytes(256 * 1024),
    contentType: 'application/octet-stream',
  },
  { name: 'empty.dat', body: () => Buffer.alloc(0), contentType: 'application/octet-stream' },
  {
    name: 'large-multipart.bin',
    body: () => randomBytes(12 * MiB),
    contentType: 'application/octet-stream',
    multipart: true,
  },
  {
    name: 'données/naïve 東京+1 #2 & 50%.txt',
    body: () => Buffer.from('une clé pleine de caractères\n'),
    contentType: 'text/plain; charset=utf-8',
  },
];

/**
 * What image-resize gets instead: a real JPEG (ImageMagick made it; packages/local-stack/samples),
 * since text named .jpg would only show its error marker.
 */
const IMAGE_SAMPLES: Sample[] = [
  {
    name: 'photo.jpg',
    body: () => readFileSync(join(__dirname, '..', 'samples', 'photo.jpg')),
    contentType: 'image/jpeg',
  },
];

function samplesFor(route: Pick<LocalStack['routes'][number], 'function'>): Sample[] {
  return route.function === 'image-resize' ? IMAGE_SAMPLES : SAMPLES;
}

function client(stack: LocalStack): S3Client {
  return new S3Client({
    endpoint: stack.endpoint,
    region: stack.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
}

/** One key per sample in every source bucket, inside each route's prefix and suffix. */
export function demoUploads(stack: Pick<LocalStack, 'routes' | 'buckets'>) {
  const uploads = new Map<string, { bucket: string; key: string; sample: Sample }>();
  for (const route of stack.routes) {
    for (const sample of samplesFor(route)) {
      const key = `${route.prefix}demo/${sample.name}${route.suffix}`;
      const bucket = stack.buckets[route.sourceBucket]!;
      uploads.set(`${bucket}/${key}`, { bucket, key, sample });
    }
  }
  return [...uploads.values()];
}

async function upload(s3: S3Client, bucket: string, key: string, sample: Sample) {
  const params = { Bucket: bucket, Key: key, Body: sample.body(), ContentType: sample.contentType };
  if (sample.multipart) {
    await new Upload({ client: s3, params, partSize: 5 * MiB, queueSize: 2 }).done();
  } else {
    await s3.send(new PutObjectCommand({ ...params, Metadata: { demo: 'true' } }));
  }
}

async function text(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body!.transformToString('utf8');
}

/** A line about one output: the sidecar itself, a record's summary, or just its size. */
async function describeOutput(s3: S3Client, bucket: string, key: string): Promise<string> {
  if (key.endsWith('.md5')) return JSON.stringify(await text(s3, bucket, key));
  if (key.endsWith('.metadata.json')) {
    const record = JSON.parse(await text(s3, bucket, key)) as Record<string, unknown>;
    const { size, contentType, eTag, parts, md5 } = record;
    return JSON.stringify({ size, contentType, eTag, parts, md5 });
  }
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return `${head.ContentLength} bytes, ${head.ContentType}`;
}

/**
 * Uploads the samples, waits for every function to finish, and prints what each one produced
 * (found by the `processor` and `source-key` metadata every output carries). Throws when a
 * function failed or a sample was not processed by every pipeline that should see it.
 */
export async function runDemo(stack: LocalStack, print: (line: string) => void): Promise<void> {
  const s3 = client(stack);
  try {
    const uploads = demoUploads(stack);
    for (const { bucket, key, sample } of uploads) {
      await upload(s3, bucket, key, sample);
      print(`uploaded s3://${bucket}/${key}`);
    }
    await stack.waitForIdle(IDLE_TIMEOUT_MS);

    const problems: string[] = [];
    for (const invocation of stack.invocations) {
      if (invocation.outcome === 'failed')
        problems.push(`${invocation.pipeline} failed on ${invocation.key}: ${invocation.reason}`);
    }
    const logicalOf = Object.fromEntries(Object.entries(stack.buckets).map(([l, r]) => [r, l]));
    for (const { bucket, key } of uploads) {
      for (const route of routesFor(stack.routes, logicalOf[bucket]!, key)) {
        const done = stack.invocations.some(
          (i) => i.pipeline === route.pipeline && i.key === key && i.outcome === 'processed',
        );
        if (!done) problems.push(`${route.pipeline} never processed s3://${bucket}/${key}`);
      }
    }

    print('\nWhat each function produced:');
    const sources = new Set(uploads.map((u) => `${u.bucket}/${u.key}`));
    for (const bucket of Object.values(stack.buckets)) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const { Key } of listed.Contents ?? []) {
        if (!Key || sources.has(`${bucket}/${Key}`)) continue;
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
        const processor = head.Metadata?.processor ?? '?';
        const from = decodeURIComponent(head.Metadata?.['source-key'] ?? '');
        print(`  [${processor}] s3://${bucket}/${Key}  (from ${from})`);
        print(`      ${await describeOutput(s3, bucket, Key)}`);
      }
    }
    if (problems.length) throw new LocalStackError(`demo failed:\n  ${problems.join('\n  ')}`);
    print(`\ndemo ok: ${uploads.length} uploads, ${stack.invocations.length} invocations`);
  } finally {
    s3.destroy();
  }
}
