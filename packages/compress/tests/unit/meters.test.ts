import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyOf, sampleBytes } from '@s3-pipelines/testing';
import { coalescingMeter } from '../../src/meters';

const KiB = 1024;

/** Collects every chunk a stream hands out. */
function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
}

describe('coalescingMeter', () => {
  it('passes every byte on in order, in chunks of at least the size but the last', async () => {
    // Prepare: 10 KiB + 3 bytes in 1000-byte pieces, coalesced to 4 KiB.
    const bytes = sampleBytes(10 * KiB + 3);
    const seen: number[] = [];
    const out: Buffer[] = [];

    // Act
    await pipeline(
      bodyOf(bytes, 1000),
      coalescingMeter(4 * KiB, (chunk) => seen.push(chunk.length)),
      collector(out),
    );

    // Assess
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    expect(out.slice(0, -1).every((chunk) => chunk.length >= 4 * KiB)).toBe(true);
    expect(out.length).toBe(3);
    expect(seen.reduce((sum, n) => sum + n, 0)).toBe(bytes.length);
    expect(seen.length).toBe(Math.ceil(bytes.length / 1000));
  });

  it('hands out nothing for an empty input', async () => {
    // Prepare
    const out: Buffer[] = [];

    // Act
    await pipeline(
      Readable.from([]),
      coalescingMeter(4 * KiB, () => undefined),
      collector(out),
    );

    // Assess
    expect(out).toEqual([]);
  });

  it('stops pulling from the source while nobody reads its output', async () => {
    // Prepare: a 64 MiB source that counts what it produced, and a consumer that never reads.
    let produced = 0;
    const endless = new Readable({
      read() {
        if (produced >= 64 * 1024 * KiB) return void this.push(null);
        setImmediate(() => {
          produced += 64 * KiB;
          this.push(Buffer.alloc(64 * KiB));
        });
      },
    });
    const coalescer = coalescingMeter(1024 * KiB, () => undefined);

    // Act
    endless.pipe(coalescer);
    await sleep(200);

    // Assess: what one output chunk, the part being gathered and the stream buffers hold.
    expect(produced).toBeGreaterThan(1024 * KiB);
    expect(produced).toBeLessThan(4 * 1024 * KiB);
    endless.destroy();
    coalescer.destroy();
  });
});
