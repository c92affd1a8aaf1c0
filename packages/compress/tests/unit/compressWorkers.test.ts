import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { bodyOf, gunzipTo, textBytes, tool } from '@s3-pipelines/testing';
import { splitBlocks, type Block } from '../../src/blockSplitter';
import { CompressWorkers } from '../../src/compressWorkers';
import { DEFLATE_WINDOW } from '../../src/constants';
import { gzipHeader, gzipTrailer } from '../../src/gzipFrame';

const KiB = 1024;
const BLOCK = 64 * KiB;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-workers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every block of `bytes`, each with a buffer of its own (the pool takes them). */
async function blocksOf(bytes: Buffer, blockSize = BLOCK): Promise<Block[]> {
  const blocks: Block[] = [];
  for await (const block of splitBlocks(bodyOf(bytes, 10_000), {
    blockSize,
    window: DEFLATE_WINDOW,
  }))
    blocks.push(block);
  return blocks;
}

/** Deflates every block on `pool`, in order, CRC-32 chained over the blocks as they go. */
async function deflateAll(pool: CompressWorkers, blocks: Block[]) {
  let crc = 0;
  const jobs = blocks.map((block) => {
    crc = crc32(block.data, crc);
    return pool.compress(block);
  });
  return { outputs: await Promise.all(jobs), crc };
}

describe('CompressWorkers (deflate)', () => {
  it('deflates primed blocks into one deflate stream: gzip -t passes, gunzip gives the bytes back', async () => {
    // Prepare
    const bytes = textBytes(20 * BLOCK + 999);
    const pool = new CompressWorkers(2, 'deflate', 6);
    const archive = join(dir, 'a.gz');

    // Act
    const { outputs, crc } = await deflateAll(pool, await blocksOf(bytes));
    pool.close();
    writeFileSync(
      archive,
      Buffer.concat([gzipHeader(6), ...outputs, gzipTrailer(crc, bytes.length)]),
    );

    // Assess: gzip checks the stream, and the CRC-32 chained over the blocks, itself.
    expect(tool('gzip', ['-t', archive])).toMatchObject({ status: 0, stderr: '' });
    expect(gunzipTo(archive, join(dir, 'out')).status).toBe(0);
    writeFileSync(join(dir, 'original'), bytes);
    expect(tool('cmp', [join(dir, 'original'), join(dir, 'out')]).status).toBe(0);
  }, 60_000);

  it('chains CRC-32 over the blocks to the value the gzip tool computes for the whole', async () => {
    // Prepare
    const bytes = textBytes(7 * BLOCK + 5);
    writeFileSync(join(dir, 'original'), bytes);
    const byTool = tool('sh', [
      '-c',
      'gzip -c -- "$1" | tail -c 8 | head -c 4 | xxd -p',
      'sh',
      join(dir, 'original'),
    ]).stdout.trim();

    // Act
    let crc = 0;
    for (const block of await blocksOf(bytes)) crc = crc32(block.data, crc);

    // Assess
    const ours = Buffer.alloc(4);
    ours.writeUInt32LE(crc);
    expect(ours.toString('hex')).toBe(byTool);
  });

  it('stays within 1% of one deflate stream because each block is primed with the 32 KiB before it', async () => {
    // Prepare: small blocks, where losing the window at each boundary would show most.
    const bytes = textBytes(32 * BLOCK);
    const oneStream = deflateRawSync(bytes, { level: 6 }).length;
    const pool = new CompressWorkers(2, 'deflate', 6);

    // Act
    const primed = await deflateAll(pool, await blocksOf(bytes));
    const unprimed = await deflateAll(
      pool,
      (await blocksOf(bytes)).map((block) => ({
        ...block,
        dictionary: block.dictionary.subarray(0, 0),
      })),
    );
    pool.close();

    // Assess
    const size = (outputs: Buffer[]): number => outputs.reduce((n, o) => n + o.length, 0);
    expect(size(primed.outputs) / oneStream).toBeLessThan(1.01);
    expect(size(unprimed.outputs)).toBeGreaterThan(size(primed.outputs));
  }, 60_000);

  it('hands every block buffer back to be recycled', async () => {
    // Prepare
    const recycled: Buffer[] = [];
    const pool = new CompressWorkers(2, 'deflate', 6, (buffer) => recycled.push(buffer));
    const blocks = await blocksOf(textBytes(5 * BLOCK));

    // Act
    await deflateAll(pool, blocks);
    pool.close();

    // Assess: the buffers went to the threads (detached here) and came back whole.
    expect(blocks.every((block) => block.buffer.length === 0)).toBe(true);
    expect(recycled.map((buffer) => buffer.length)).toEqual(
      blocks.map(() => DEFLATE_WINDOW + BLOCK),
    );
  });

  it('fails a job the thread cannot do, as a transient CompressWorkerError', async () => {
    // Prepare: zlib refuses level 42 in the thread.
    const pool = new CompressWorkers(1, 'deflate', 42);
    const [block] = await blocksOf(textBytes(1000));

    // Act
    const job = pool.compress(block!);

    // Assess
    await expect(job).rejects.toMatchObject({ name: 'CompressWorkerError', retryable: true });
    pool.close();
  });

  it('fails the jobs still queued when it is stopped, and takes no more', async () => {
    // Prepare
    const stop = new AbortController();
    const pool = new CompressWorkers(1, 'deflate', 9, undefined, stop.signal);
    const jobs = (await blocksOf(textBytes(8 * BLOCK))).map((block) => pool.compress(block));

    // Act
    stop.abort();

    // Assess
    await expect(Promise.all(jobs)).rejects.toMatchObject({ name: 'CompressWorkerError' });
    await expect(pool.compress((await blocksOf(Buffer.from('x')))[0]!)).rejects.toMatchObject({
      name: 'CompressWorkerError',
    });
  });
});
