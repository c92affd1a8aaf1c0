import { ChunkList, HandedOver, SlabList, SlabPool } from '../../../src/read/received';
import { sampleBytes } from '@s3-pipelines/testing';

function takeAll(list: { take(): Buffer | undefined }): Buffer {
  const pieces: Buffer[] = [];
  for (let piece = list.take(); piece; piece = list.take()) pieces.push(piece);
  return Buffer.concat(pieces);
}

describe('received bytes', () => {
  it('a ChunkList hands over its chunks in order, and takes more after it was emptied', () => {
    // Prepare
    const bytes = sampleBytes(40);
    const list = new ChunkList();

    // Act
    list.add(bytes.subarray(0, 10));
    list.add(bytes.subarray(10, 20));
    const first = takeAll(list);
    list.add(bytes.subarray(20, 40));
    const second = takeAll(list);

    // Assess
    expect(Buffer.concat([first, second])).toEqual(bytes);
  });

  it('HandedOver hands over what the first list held before anything the second received', () => {
    // Prepare: socket chunks held, then a slab for the rest (range 0 fanning out).
    const bytes = sampleBytes(64);
    const before = new ChunkList();
    before.add(bytes.subarray(0, 8));
    before.add(bytes.subarray(8, 16));
    const list = new HandedOver(before, new SlabList(new SlabPool(64)));

    // Act
    list.add(bytes.subarray(16, 40));
    const early = list.take();
    list.add(bytes.subarray(40, 64));
    const rest = takeAll(list);

    // Assess
    expect(early).toEqual(bytes.subarray(0, 8));
    expect(Buffer.concat([early!, rest])).toEqual(bytes);
  });

  it('a SlabList keeps, in order, what arrives past its slab', () => {
    // Prepare: a 16-byte slab given 40 bytes, the second chunk straddling its end.
    const bytes = sampleBytes(40);
    const list = new SlabList(new SlabPool(16));

    // Act
    list.add(bytes.subarray(0, 10));
    list.add(bytes.subarray(10, 25));
    list.add(bytes.subarray(25, 40));

    // Assess
    expect(takeAll(list)).toEqual(bytes);
  });
});
