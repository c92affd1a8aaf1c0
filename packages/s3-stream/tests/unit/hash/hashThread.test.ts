import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { join } from 'node:path';
import { digestWithTool, textBytes, tool } from '@s3-pipelines/testing';
import { HashThread } from '../../../src/hash/hashThread';
import { HASH_THREAD_MIN_BYTES, inputHasher } from '../../../src/hash/inputHasher';

const KiB = 1024;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hash-thread-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HashThread', () => {
  it('gives the digests md5sum and sha256sum give and the CRC-32 gzip writes, over pieces sent in order', async () => {
    // Prepare
    const bytes = textBytes(3 * 1024 * KiB + 7);
    writeFileSync(join(dir, 'original'), bytes);
    const gzipCrc = tool('sh', [
      '-c',
      'gzip -c -- "$1" | tail -c 8 | head -c 4 | xxd -p',
      'sh',
      join(dir, 'original'),
    ]).stdout.trim();
    // Pieces smaller than a batch, and a small in-flight limit, so that updates wait for the thread.
    const hasher = new HashThread({
      algorithms: ['md5', 'sha256'],
      crc32: true,
      maxInFlight: 64 * KiB,
    });

    // Act
    for (let at = 0; at < bytes.length; at += 10 * KiB) {
      await hasher.update(bytes.subarray(at, at + 10 * KiB));
    }
    const digest = await hasher.digest();

    // Assess
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(digest.crc);
    expect(digest.hex).toEqual({
      md5: digestWithTool('md5sum', bytes),
      sha256: digestWithTool('sha256sum', bytes),
    });
    expect(crc.toString('hex')).toBe(gzipCrc);
  }, 60_000);

  it('copies what it is sent: the caller may reuse its buffer at once', async () => {
    // Prepare
    const hasher = new HashThread({ algorithms: ['md5'] });
    const buffer = Buffer.from('first');

    // Act
    await hasher.update(buffer);
    buffer.write('other');
    const digest = await hasher.digest();

    // Assess
    expect(digest).toEqual({ hex: { md5: digestWithTool('md5sum', 'first') }, crc: 0 });
  });

  it('fails with a transient error when its thread dies mid-input', async () => {
    // Prepare
    const hasher = new HashThread({ algorithms: ['md5'], maxInFlight: 1 });
    const thread = (hasher as unknown as { worker: Worker }).worker;
    await hasher.update(Buffer.alloc(1024 * KiB));

    // Act
    await thread.terminate();

    // Assess
    await expect(hasher.update(Buffer.alloc(1024 * KiB))).rejects.toMatchObject({
      name: 'HashThreadError',
      retryable: true,
    });
    await expect(hasher.digest()).rejects.toMatchObject({ name: 'HashThreadError' });
  });

  it('fails what waits on it once stopped', async () => {
    // Prepare
    const stop = new AbortController();
    const hasher = new HashThread({
      algorithms: ['md5'],
      crc32: true,
      maxInFlight: 1,
      signal: stop.signal,
    });

    // Act
    const waiting = hasher.update(Buffer.alloc(1024 * KiB));
    stop.abort();

    // Assess
    await expect(waiting).rejects.toMatchObject({ name: 'HashThreadError' });
    await expect(hasher.digest()).rejects.toMatchObject({ name: 'HashThreadError' });
  });
});

describe('inputHasher', () => {
  it.each([
    ['a small input here', HASH_THREAD_MIN_BYTES - 1, 2, false],
    ['a large input on a thread', HASH_THREAD_MIN_BYTES, 2, true],
    ['a large input here with less than two vCPUs', HASH_THREAD_MIN_BYTES, 1.7, false],
    ['an input of unknown size here', undefined, 2, false],
  ])('hashes %s', async (_name, size, cpus, threaded) => {
    // Prepare
    const hasher = inputHasher({ algorithms: ['md5'], crc32: true, size, cpus });
    const bytes = textBytes(300 * KiB);

    // Act
    await hasher.update(bytes);
    const digest = await hasher.digest();

    // Assess
    expect(hasher instanceof HashThread).toBe(threaded);
    expect(digest.hex.md5).toBe(digestWithTool('md5sum', bytes));
    expect(digest.crc).toBe(zlibCrc32(bytes));
  });
});
