import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestWithTool, textBytes, tool } from '@s3-pipelines/testing';
import { HashThread } from '../../src/hashThread';

const KiB = 1024;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-hash-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('HashThread', () => {
  it('gives the MD5 md5sum gives and the CRC-32 gzip writes, over pieces sent in order', async () => {
    // Prepare
    const bytes = textBytes(1024 * KiB + 7);
    writeFileSync(join(dir, 'original'), bytes);
    const gzipCrc = tool('sh', [
      '-c',
      'gzip -c -- "$1" | tail -c 8 | head -c 4 | xxd -p',
      'sh',
      join(dir, 'original'),
    ]).stdout.trim();
    // Pieces smaller than a batch, and a small in-flight limit, so that updates wait for the thread.
    const hasher = new HashThread(true, 64 * KiB);

    // Act
    for (let at = 0; at < bytes.length; at += 10 * KiB) {
      await hasher.update(bytes.subarray(at, at + 10 * KiB));
    }
    const digest = await hasher.digest();

    // Assess
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(digest.crc);
    expect(digest.md5).toBe(digestWithTool('md5sum', bytes));
    expect(crc.toString('hex')).toBe(gzipCrc);
  }, 60_000);

  it('copies what it is sent: the caller may reuse its buffer at once', async () => {
    // Prepare
    const hasher = new HashThread(false);
    const buffer = Buffer.from('first');

    // Act
    await hasher.update(buffer);
    buffer.write('other');
    const digest = await hasher.digest();

    // Assess
    expect(digest).toEqual({ md5: digestWithTool('md5sum', 'first'), crc: 0 });
  });

  it('fails what waits on it once stopped', async () => {
    // Prepare
    const stop = new AbortController();
    const hasher = new HashThread(true, 1, stop.signal);

    // Act
    const waiting = hasher.update(Buffer.alloc(1024 * KiB));
    stop.abort();

    // Assess
    await expect(waiting).rejects.toMatchObject({ name: 'CompressWorkerError' });
    await expect(hasher.digest()).rejects.toMatchObject({ name: 'CompressWorkerError' });
  });
});
