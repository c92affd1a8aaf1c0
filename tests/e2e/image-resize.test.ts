import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '@s3-pipelines/local-stack';
import { sidewaysJpeg } from '@s3-pipelines/testing/images';
import { identify } from '@s3-pipelines/testing';
import { DIST, ensureBuilt } from './helpers/artifacts';

// Every test waits on built zips running in child processes.
jest.setTimeout(60_000);

/**
 * image-resize as deployed: the built function zip (no sharp inside), the s3-stream layer and the
 * sharp layer for this machine's CPU, run by the local stack; outputs judged by ImageMagick.
 */
const FIXTURE = join(__dirname, 'fixtures', 'image-resize.tfvars.json');
const HOST_CPU = process.arch === 'arm64' ? 'arm64' : 'x64';
const OTHER_CPU = HOST_CPU === 'arm64' ? 'x64' : 'arm64';

let stack: LocalStack;
let s3: S3Client;
let dataDir: string;

async function bytes(bucket: string, key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function keys(bucket: string): Promise<string[]> {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((c) => c.Key!).sort();
}

beforeAll(async () => {
  ensureBuilt();
  dataDir = mkdtempSync(join(tmpdir(), 's3p-e2e-images-'));
  stack = await startLocalStack({ varFile: FIXTURE, port: 0, dataDir, distDir: DIST });
  s3 = new S3Client({
    endpoint: stack.endpoint,
    region: stack.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const photos = stack.buckets.photos!;
  // 1600 × 1200 stored sideways (EXIF orientation 6): 1200 × 1600 upright.
  await s3.send(
    new PutObjectCommand({
      Bucket: photos,
      Key: 'holiday/beach.jpg',
      Body: await sidewaysJpeg(1600, 1200),
      ContentType: 'image/jpeg',
    }),
  );
  await s3.send(
    new PutObjectCommand({ Bucket: photos, Key: 'holiday/notes.jpg', Body: 'not a picture\n' }),
  );
  await stack.waitForIdle(120_000);
}, 240_000);

afterAll(async () => {
  s3?.destroy();
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('image-resize through the local stack', () => {
  it('ships a small function zip and loads sharp from the layer for this CPU only', () => {
    const zip = join(DIST, 'functions', 'image-resize.zip');
    const listing = spawnSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).stdout.trim();
    const opt = join(dataDir, 'runtime', 'opt', 'nodejs', 'node_modules');

    expect(listing).toBe('index.js');
    expect(statSync(zip).size).toBeLessThan(64 * 1024);
    expect(existsSync(join(opt, 'sharp', 'package.json'))).toBe(true);
    expect(existsSync(join(opt, '@img', `sharp-linux-${HOST_CPU}`))).toBe(true);
    expect(existsSync(join(opt, '@img', `sharp-linux-${OTHER_CPU}`))).toBe(false);
  });

  it('writes all 9 default renditions and the manifest for an uploaded JPEG', async () => {
    const written = await keys(stack.buckets.renditions!);

    expect(written.filter((k) => k.startsWith('holiday/beach/'))).toEqual(
      [
        '1280w.avif',
        '1280w.jpg',
        '1280w.webp',
        '320w.avif',
        '320w.jpg',
        '320w.webp',
        '640w.avif',
        '640w.jpg',
        '640w.webp',
        'manifest.json',
      ].map((name) => `holiday/beach/${name}`),
    );
  });

  it.each([
    // ImageMagick 6 names AVIF "HEIC" (its HEIF reader); the file's brand says which codec.
    ['320w.jpg', 320, 427, 'JPEG', '\xff\xd8\xff'],
    ['640w.webp', 640, 853, 'WEBP', 'WEBP'],
    ['1280w.avif', 1200, 1600, 'HEIC', 'avif'],
  ])('%s decodes upright to %i × %i', async (name, width, height, format, brand) => {
    const image = await bytes(stack.buckets.renditions!, `holiday/beach/${name}`);

    const seen = identify(image);

    expect(seen).toMatchObject({ width, height, format, orientation: '' });
    expect(image.subarray(0, 12).toString('latin1')).toContain(brand);
  });

  it('records a non-image in an error marker in the output bucket, and retries nothing', async () => {
    const marker = JSON.parse(
      (await bytes(stack.buckets.renditions!, 'holiday/notes.jpg.error.json')).toString('utf8'),
    );
    const attempts = stack.invocations.filter((i) => i.key === 'holiday/notes.jpg');

    expect(marker).toMatchObject({
      bucket: stack.buckets.photos,
      key: 'holiday/notes.jpg',
      errorType: 'NotAnImageError',
    });
    expect(attempts).toHaveLength(1);
    expect(await keys(stack.buckets.renditions!)).not.toContain('holiday/notes/manifest.json');
  });

  it('never invokes the function for its own outputs', () => {
    expect(stack.invocations.map((i) => i.key).sort()).toEqual([
      'holiday/beach.jpg',
      'holiday/notes.jpg',
    ]);
  });
});
