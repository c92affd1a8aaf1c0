import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bodyOf, gunzipTo, readAll, textBytes, tool } from '@s3-pipelines/testing';
import { archiveStream } from '../../src/archive';
import { storeDecision } from '../../src/storeDecision';

const KiB = 1024;
const MTIME = new Date('2024-05-06T07:08:10Z');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('storeDecision', () => {
  it.each([
    [{ in: 1000, out: 1001 }, 0.98, 'stored'],
    [{ in: 1000, out: 981 }, 0.98, 'stored'],
    [{ in: 1000, out: 980 }, 0.98, 'deflate'],
    [{ in: 1000, out: 320 }, 0.98, 'deflate'],
    [{ in: 1000, out: 1000 }, 1, 'deflate'],
    [{ in: 1000, out: 1001 }, 1, 'stored'],
  ])('decides %j against %f: %s', (sample, threshold, compression) => {
    // Assess
    expect(storeDecision(6, sample, threshold)).toEqual({
      compression,
      sampleRatio: Number((sample.out / sample.in).toFixed(4)),
    });
  });

  it.each([
    [{ in: 1000, out: 1001 }, 'stored'],
    [{ in: 1000, out: 330 }, 'zstd'],
  ])('decides a zstd sample %j against 0.98: %s', (sample, compression) => {
    // Assess
    expect(storeDecision(3, sample, 0.98, 'zstd')).toEqual({
      compression,
      sampleRatio: Number((sample.out / sample.in).toFixed(4)),
    });
  });

  it('stores without a sample at level 0 and for an empty object', () => {
    // Assess
    expect(storeDecision(0, { in: 1000, out: 300 }, 0.98)).toEqual({ compression: 'stored' });
    expect(storeDecision(6, undefined, 0.98)).toEqual({ compression: 'stored' });
  });
});

describe('the store decision in archives, judged by unzip and gzip', () => {
  const random = randomBytes(5 * 64 * KiB + 3);
  const text = textBytes(5 * 64 * KiB + 3);

  it.each([
    ['random bytes', random, ' stor ', 'stored'],
    ['text', text, ' defN ', 'deflate'],
  ] as const)(
    'zip of %s: method %s, unzip -t passes and extracts byte for byte',
    async (_label, bytes, method, compression) => {
      // Prepare
      const archive = join(dir, 'a.zip');

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 10_000),
        { name: 'data', size: bytes.length, mtime: MTIME },
        { format: 'zip', level: 6, blockSize: 64 * KiB },
      );
      writeFileSync(archive, await readAll(stream.output));

      // Assess
      expect(tool('unzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
      expect(tool('unzip', ['-Z', '-l', archive]).stdout).toContain(method);
      writeFileSync(join(dir, 'original'), bytes);
      const compared = tool('sh', [
        '-c',
        'unzip -p "$1" | cmp - "$2"',
        'sh',
        archive,
        join(dir, 'original'),
      ]);
      expect(compared.status).toBe(0);
      expect(stream.stats().decision).toMatchObject({ compression, storeAboveRatio: 0.98 });
    },
    60_000,
  );

  it.each([
    ['random bytes', random, 'stored'],
    ['text', text, 'deflate'],
  ] as const)(
    'gzip of %s: gzip -t passes and gunzips byte for byte (%s)',
    async (_label, bytes, compression) => {
      // Prepare
      const archive = join(dir, 'a.gz');

      // Act
      const stream = archiveStream(
        bodyOf(bytes, 10_000),
        { name: 'data', size: bytes.length, mtime: MTIME },
        { format: 'gzip', level: 6, blockSize: 64 * KiB },
      );
      const out = await readAll(stream.output);
      writeFileSync(archive, out);

      // Assess
      expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
      expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
      writeFileSync(join(dir, 'original'), bytes);
      expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
      expect(stream.stats().decision?.compression).toBe(compression);
      expect(out.length / bytes.length).toBeLessThan(compression === 'stored' ? 1.001 : 0.5);
    },
    60_000,
  );

  it('stores a gzip of what it cannot shrink as it came: framing only, 5 bytes per stored block', async () => {
    // Act
    const stream = archiveStream(
      bodyOf(random, 10_000),
      { name: 'data', size: random.length, mtime: MTIME },
      { format: 'gzip', level: 6, blockSize: 64 * KiB },
    );
    const out = await readAll(stream.output);

    // Assess: the bytes themselves, gzip's 18 bytes of header and trailer, and 5 bytes per
    // stored block: the sample's two, one per source chunk after it (the source's Readable may
    // join chunks, never split them), and the empty final block.
    const framing = out.length - random.length - 18;
    expect(framing % 5).toBe(0);
    expect(framing / 5).toBeLessThanOrEqual(2 + Math.ceil(random.length / 10_000) + 1);
  });

  it('takes a threshold: at 0 even text is stored', async () => {
    // Act
    const stream = archiveStream(
      bodyOf(text, 10_000),
      { name: 'data', size: text.length, mtime: MTIME },
      { format: 'gzip', level: 6, blockSize: 64 * KiB, storeAboveRatio: 0 },
    );
    await readAll(stream.output);

    // Assess
    expect(stream.stats().decision).toMatchObject({ compression: 'stored', storeAboveRatio: 0 });
  });
});
