import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { bodyOf, sampleBytes, tool } from '@s3-pipelines/testing';
import { splitBlocks, type Block } from '../../src/blockSplitter';

const KiB = 1024;
const WINDOW = 32 * KiB;

async function split(source: AsyncIterable<Buffer | string>, blockSize: number): Promise<Block[]> {
  const blocks: Block[] = [];
  for await (const block of splitBlocks(source, { blockSize, window: WINDOW })) {
    // Copied: a consumer may reuse a block's buffer once it is done with it.
    blocks.push({
      ...block,
      dictionary: Buffer.from(block.dictionary),
      data: Buffer.from(block.data),
    });
  }
  return blocks;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'compress-split-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('splitBlocks', () => {
  it.each([
    ['chunks smaller than a block', 1000],
    ['chunks that straddle blocks', 100 * KiB + 3],
    ['one chunk of everything', 1024 * KiB],
  ])('cuts the input into full blocks but the last, in order (%s)', async (_label, chunkSize) => {
    // Prepare: 5 blocks and a bit.
    const bytes = sampleBytes(5 * 64 * KiB + 1234);

    // Act
    const blocks = await split(bodyOf(bytes, chunkSize), 64 * KiB);

    // Assess: cmp, not our code, says the blocks put back together are the input.
    expect(blocks.map((b) => b.data.length)).toEqual([...Array(5).fill(64 * KiB), 1234]);
    expect(blocks.map((b) => b.offset)).toEqual([0, 1, 2, 3, 4, 5].map((i) => i * 64 * KiB));
    expect(blocks.map((b) => b.last)).toEqual([false, false, false, false, false, true]);
    writeFileSync(join(dir, 'original'), bytes);
    writeFileSync(join(dir, 'joined'), Buffer.concat(blocks.map((b) => b.data)));
    expect(tool('cmp', [join(dir, 'original'), join(dir, 'joined')]).status).toBe(0);
  });

  it('primes each block with the 32 KiB of input before it, and the first with nothing', async () => {
    // Prepare
    const bytes = sampleBytes(3 * 64 * KiB);

    // Act
    const blocks = await split(bodyOf(bytes, 5000), 64 * KiB);

    // Assess
    expect(blocks[0]!.dictionary.length).toBe(0);
    for (const block of blocks.slice(1)) {
      expect(block.dictionary.equals(bytes.subarray(block.offset - WINDOW, block.offset))).toBe(
        true,
      );
    }
  });

  it('knows the last block when the input ends exactly on a block boundary', async () => {
    // Act
    const blocks = await split(bodyOf(sampleBytes(2 * 64 * KiB), 64 * KiB), 64 * KiB);

    // Assess
    expect(blocks.map((b) => [b.data.length, b.last])).toEqual([
      [64 * KiB, false],
      [64 * KiB, true],
    ]);
  });

  it('gives no block for an empty input, skipping empty chunks', async () => {
    // Act
    const blocks = await split(Readable.from([Buffer.alloc(0), Buffer.alloc(0)]), 64 * KiB);

    // Assess
    expect(blocks).toEqual([]);
  });

  it('reads string chunks as their bytes', async () => {
    // Act
    const blocks = await split(Readable.from(['abc', 'déf']), 64 * KiB);

    // Assess
    expect(Buffer.concat(blocks.map((b) => b.data)).toString()).toBe('abcdéf');
  });

  it('lays each block out as room for the dictionary, then the data, in one buffer', async () => {
    // Act: the second block, as the splitter hands it out.
    const blocks: Block[] = [];
    for await (const block of splitBlocks(bodyOf(sampleBytes(100 * KiB), 7000), {
      blockSize: 64 * KiB,
      window: WINDOW,
    }))
      blocks.push(block);
    const second = blocks[1]!;

    // Assess: one transfer of `buffer` moves the dictionary and the data together.
    expect(blocks).toHaveLength(2);
    expect(second.buffer.length).toBe(WINDOW + 64 * KiB);
    expect(second.dictionary.buffer).toBe(second.buffer.buffer);
    expect(second.data.buffer).toBe(second.buffer.buffer);
    expect(second.dictionary.byteOffset - second.buffer.byteOffset).toBe(0);
    expect(second.data.byteOffset - second.buffer.byteOffset).toBe(WINDOW);
  });

  it('destroys the source when the consumer stops early', async () => {
    // Prepare
    const source = bodyOf(sampleBytes(10 * 64 * KiB), 64 * KiB);

    // Act
    for await (const block of splitBlocks(source, { blockSize: 64 * KiB, window: WINDOW })) {
      if (block.offset === 0) break;
    }

    // Assess
    expect(source.destroyed).toBe(true);
  });

  it('refuses a block smaller than the window it must carry', async () => {
    // Act
    const act = split(bodyOf(sampleBytes(10)), 1000);

    // Assess
    await expect(act).rejects.toThrow(RangeError);
  });
});
