import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../../packages/local-stack/src/stack';
import { sidewaysJpeg } from '../../packages/image-resize/tests/images';
import { identify } from '../../packages/image-resize/tests/magick';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

/**
 * image-resize as deployed: the built function zip (no sharp inside), the s3-stream layer and the
 * sharp layer for this machine's CPU, run by the local stack; outputs judged by ImageMagick.
 */
const FIXTURE = join(__dirname, 'fixtures', 'image-resize.tfvars.json');
const ARTIFACTS = [
  'functions/image-resize.zip',
  'layers/sharp-x86_64.zip',
  'layers/sharp-arm64.zip',
];
const SOURCES = ['packages/image-resize/src', 'packages/s3-stream/src', 'layers/sharp', 'scripts'];
const HOST_CPU = process.arch === 'arm64' ? 'arm64' : 'x64';
const OTHER_CPU = HOST_CPU === 'arm64' ? 'x64' : 'arm64';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** ensureBuilt() watches the first functions only; rebuild when image-resize's artifacts are stale. */
function ensureImageResizeBuilt(): void {
  ensureBuilt();
  const sources = Math.max(...SOURCES.map((s) => newestMtime(join(ROOT, s))));
  const stale = ARTIFACTS.some((a) => {
    const path = join(DIST, a);
    return !existsSync(path) || statSync(path).mtimeMs < sources;
  });
  if (!stale) return;
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'scripts', 'build.ts')],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (build.status !== 0)
    throw new Error(`scripts/build.ts failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
}

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
  ensureImageResizeBuilt();
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
