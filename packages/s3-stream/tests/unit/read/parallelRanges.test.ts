import { GetObjectCommand, S3Client, type GetObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { ObjectGoneError, PermanentError } from '../../../src/errors';
import type { Pin } from '../../../src/object/pin';
import { ParallelRangeStream } from '../../../src/read/parallelRanges';
import { waitOnThread } from '../../../src/threadWaits';
import { bodyOf, readAll, s3Error, sampleBytes, tricklingBody } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const ETAG = '9b2cf535f27731c974343645a3985328';
const pin: Pin = { bucket: 'mybucket', key: 'big.bin', eTag: ETAG };
const resume = { maxResumes: 2, backoffMs: 1 };
/** Above a Readable's default highWaterMark, like the 64 KiB a socket read delivers. */
const CHUNK = 32 * 1024;

/** The bytes a GET asks for: its Range, or the whole object. */
function rangeOf(input: GetObjectCommandInput, total: number): [number, number] {
  if (input.Range === undefined) return [0, total - 1];
  const match = /^bytes=(\d+)-(\d+)$/.exec(input.Range);
  if (!match) throw new Error(`unexpected Range ${input.Range}`);
  return [Number(match[1]), Math.min(Number(match[2]), total - 1)];
}

/** Answers GetObject from `bytes` in CHUNK pieces; `body` may replace a response's body. */
function serve(bytes: Buffer, body?: (start: number) => Readable | undefined) {
  return (input: GetObjectCommandInput) => {
    const [start, end] = rangeOf(input, bytes.length);
    return {
      ETag: `"${ETAG}"`,
      ContentLength: end - start + 1,
      ...(input.Range ? { ContentRange: `bytes ${start}-${end}/${bytes.length}` } : {}),
      Body: body?.(start) ?? bodyOf(bytes.subarray(start, end + 1), CHUNK),
    };
  };
}

/**
 * Opens the stream the way openObject does: one GET for the whole object, then the stream.
 * `fanOutIdleShare` 0 (fan out at the first read) unless a test is about when it fans out.
 */
async function open(
  total: number,
  concurrency: number,
  rangeSize: number,
  reuseBuffers = false,
  fanOutIdleShare = 0,
) {
  const first = await s3.send(new GetObjectCommand({ Bucket: pin.bucket, Key: pin.key }));
  return new ParallelRangeStream(s3, pin, total, first, {
    concurrency,
    rangeSize,
    resume,
    reuseBuffers,
    fanOutIdleShare,
  });
}

/** A body that sends `bytes` and then neither ends nor fails: a connection still in flight. */
function stalledBody(bytes: Buffer): Readable {
  return new Readable({
    read() {
      if (bytes.length) this.push(bytes);
      bytes = Buffer.alloc(0);
    },
  });
}

/**
 * Every GET after the first asked for one range: rangeSize pieces from where range 0 was cut (a
 * multiple of rangeSize) to the end, each once.
 */
function expectEachRangeOnce(total: number, rangeSize: number): void {
  const asked = s3Mock
    .commandCalls(GetObjectCommand)
    .slice(1)
    .map((call) => rangeOf(call.args[0].input, total))
    .sort((a, b) => a[0] - b[0]);
  const cut = asked[0]?.[0] ?? total;
  const expected: [number, number][] = [];
  for (let at = cut; at < total; at += rangeSize)
    expected.push([at, Math.min(at + rangeSize, total) - 1]);
  expect(cut % rangeSize).toBe(0);
  expect(asked).toEqual(expected);
}

const tick = (ms = 10) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ParallelRangeStream', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  it.each([
    ['async iteration', (body: Readable) => readChunks(body)],
    ['data events', (body: Readable) => dataChunks(body)],
  ])(
    'hands over the very chunks the responses carried, in order, with no copy (%s)',
    async (_consumer, consume) => {
      // Prepare
      const bytes = sampleBytes(10 * CHUNK + 5);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
      const body = await open(bytes.length, 3, 2 * CHUNK);

      // Act
      const chunks = await consume(body);

      // Assess
      expect(Buffer.concat(chunks)).toEqual(bytes);
      // A concatenated chunk would be a new allocation; these are views of the served bytes.
      for (const chunk of chunks) expect(chunk.buffer).toBe(bytes.buffer);
    },
  );

  it('holds at most (concurrency + 1) ranges of bytes while the consumer does not read', async () => {
    // Prepare
    const rangeSize = 2 * CHUNK;
    const bytes = sampleBytes(10 * rangeSize);
    s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
    const body = await open(bytes.length, 3, rangeSize);

    // Act
    const first = await new Promise<Buffer>((resolve) =>
      body.once('data', (chunk: Buffer) => {
        body.pause();
        resolve(chunk);
      }),
    );
    await tick();
    const requested = s3Mock.commandCalls(GetObjectCommand).length;
    body.resume();
    const rest = await readAll(body);

    // Assess
    expect(requested).toBeLessThan(10);
    expect(requested * rangeSize - first.length).toBeLessThanOrEqual((3 + 1) * rangeSize);
    expect(Buffer.concat([first, rest])).toEqual(bytes);
    expectEachRangeOnce(bytes.length, rangeSize);
  });

  describe('fanning out', () => {
    it('stays on the one GET while the process never waits for it', async () => {
      // Prepare: the bodies answer at once, so the event loop is never idle.
      const rangeSize = 2 * CHUNK;
      const bytes = sampleBytes(20 * rangeSize);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
      const body = await open(bytes.length, 4, rangeSize, true, 0.2);

      // Act
      const read = await readAll(body);

      // Assess
      expect(read.equals(bytes)).toBe(true);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
    });

    describe('when the consumer waits on work of its own', () => {
      /** Reads everything, pausing 3 ms after each chunk through `pause`. */
      async function consume(
        body: Readable,
        pause: (wait: Promise<void>) => Promise<void>,
      ): Promise<Buffer> {
        const parts: Buffer[] = [];
        for await (const chunk of body) {
          parts.push(Buffer.from(chunk as Buffer));
          await pause(new Promise((resolve) => setTimeout(resolve, 3)));
        }
        return Buffer.concat(parts);
      }

      it('stays on the one GET while it waits on a thread of its own', async () => {
        // Prepare: every body answers at once; the consumer leaves the event loop idle.
        const rangeSize = 2 * CHUNK;
        const bytes = sampleBytes(20 * rangeSize);
        s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
        const body = await open(bytes.length, 4, rangeSize, true, 0.2);

        // Act
        const read = await consume(body, waitOnThread);

        // Assess
        expect(read.equals(bytes)).toBe(true);
        expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      });

      it('fans out, every byte in order, when the same wait is not on a thread of its own', async () => {
        // Prepare: as above. A slow consumer at the fan-out once lost bytes past range 0's slab.
        const rangeSize = 2 * CHUNK;
        const bytes = sampleBytes(20 * rangeSize);
        s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
        const body = await open(bytes.length, 4, rangeSize, true, 0.2);

        // Act
        const read = await consume(body, (wait) => wait);

        // Assess
        expect(read.equals(bytes)).toBe(true);
        expect(s3Mock.commandCalls(GetObjectCommand).length).toBeGreaterThan(1);
      });
    });

    it('fans out at a range boundary when the process sits waiting for the one GET', async () => {
      // Prepare: the first response trickles; every ranged GET answers at once.
      const rangeSize = 2 * CHUNK;
      const bytes = sampleBytes(12 * rangeSize + 5);
      s3Mock
        .on(GetObjectCommand)
        .callsFake(
          serve(bytes, (start) => (start === 0 ? tricklingBody(bytes, CHUNK, 5) : undefined)),
        );
      const body = await open(bytes.length, 3, rangeSize, true, 0.2);

      // Act
      const read = await readAll(body);

      // Assess: range 0 was cut and every later byte came from ranged GETs, each asked once.
      expect(read.equals(bytes)).toBe(true);
      expect(s3Mock.commandCalls(GetObjectCommand).length).toBeGreaterThan(5);
      expectEachRangeOnce(bytes.length, rangeSize);
    });

    it('reads the one GET no further ahead than one stream while the consumer does not read', async () => {
      // Prepare
      const bytes = sampleBytes(64 * CHUNK);
      let pulled = 0;
      const counted = bodyOf(bytes, CHUNK).on('data', (chunk: Buffer) => (pulled += chunk.length));
      s3Mock
        .on(GetObjectCommand)
        .callsFake(serve(bytes, (start) => (start === 0 ? counted : undefined)));
      const body = await open(bytes.length, 3, 16 * CHUNK, false, 0.2);

      // Act
      const first = await new Promise<Buffer>((resolve) =>
        body.once('data', (chunk: Buffer) => {
          body.pause();
          resolve(chunk);
        }),
      );
      await tick(50);
      const pulledWhilePaused = pulled;
      body.resume();
      const rest = await readAll(body);

      // Assess: a few socket reads' worth (the streams' own buffers), not the object.
      expect(pulledWhilePaused).toBeLessThanOrEqual(8 * CHUNK);
      expect(Buffer.concat([first, rest]).equals(bytes)).toBe(true);
    });
  });

  it('starts no other range before the first read, and releases range 0 when destroyed', async () => {
    // Prepare
    const bytes = sampleBytes(4 * CHUNK);
    const first = stalledBody(bytes.subarray(0, 10));
    s3Mock
      .on(GetObjectCommand)
      .callsFake(serve(bytes, (start) => (start === 0 ? first : undefined)));
    const body = await open(bytes.length, 3, CHUNK);

    // Act
    body.destroy();
    await tick();

    // Assess
    expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
    expect(first.destroyed).toBe(true);
  });

  it('destroys every response in flight when the consumer stops part-way', async () => {
    // Prepare
    const bytes = sampleBytes(8 * CHUNK);
    const bodies: Readable[] = [];
    s3Mock.on(GetObjectCommand).callsFake(
      serve(bytes, (start) => {
        const stalled = stalledBody(bytes.subarray(start, start + 10));
        bodies.push(stalled);
        return stalled;
      }),
    );
    const body = await open(bytes.length, 4, 2 * CHUNK);

    // Act
    for await (const chunk of body) {
      expect(chunk.length).toBe(10);
      break;
    }
    await tick();

    // Assess
    expect(bodies).toHaveLength(4);
    for (const stalled of bodies) expect(stalled.destroyed).toBe(true);
  });

  it('fails permanently when a range sends more bytes than it asked for', async () => {
    // Prepare
    const bytes = sampleBytes(4 * CHUNK);
    const answer = serve(bytes);
    s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
      const [start] = rangeOf(input, bytes.length);
      const served = answer(input);
      // Range 1 answers with its own bytes and then some of range 2's.
      return start === CHUNK
        ? { ...served, Body: bodyOf(bytes.subarray(CHUNK, 2 * CHUNK + 7), CHUNK) }
        : served;
    });
    const body = await open(bytes.length, 3, CHUNK, true);

    // Act
    const reading = readAll(body);

    // Assess
    await expect(reading).rejects.toThrow(PermanentError);
    await expect(reading).rejects.toThrow(/sent more than bytes 32768-65535/);
  });

  describe('with reuseBuffers', () => {
    it('reads every byte in order through concurrency + 1 slabs, whatever the object size', async () => {
      // Prepare
      const rangeSize = 2 * CHUNK;
      const bytes = sampleBytes(12 * rangeSize + 3);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
      const allocations = jest.spyOn(Buffer, 'allocUnsafeSlow');
      const body = await open(bytes.length, 3, rangeSize, true);

      // Act
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(allocations.mock.calls.filter(([size]) => size === rangeSize)).toHaveLength(3 + 1);
      allocations.mockRestore();
    });

    it('keeps a piece intact until the consumer has read a whole range past it', async () => {
      // Prepare
      const rangeSize = 2 * CHUNK;
      const bytes = sampleBytes(8 * rangeSize);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes));
      const body = await open(bytes.length, 2, rangeSize, true);
      const kept: { piece: Buffer; at: number }[] = [];
      let at = 0;

      // Act: keep every piece (which the contract allows only this long) and check them all.
      for await (const piece of body) {
        for (const old of kept.filter((k) => k.at + k.piece.length > at - rangeSize)) {
          expect(old.piece).toEqual(bytes.subarray(old.at, old.at + old.piece.length));
        }
        kept.push({ piece: piece as Buffer, at });
        at += (piece as Buffer).length;
      }

      // Assess
      expect(at).toBe(bytes.length);
    });
  });

  it('fails with ObjectGoneError when a later range finds the version replaced', async () => {
    // Prepare
    const bytes = sampleBytes(4 * CHUNK);
    const answer = serve(bytes);
    s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
      if (rangeOf(input, bytes.length)[0] === 2 * CHUNK) throw s3Error('PreconditionFailed', 412);
      return answer(input);
    });
    const body = await open(bytes.length, 2, CHUNK);

    // Act
    const reading = readAll(body);

    // Assess
    await expect(reading).rejects.toThrow(ObjectGoneError);
  });
});

async function readChunks(body: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return chunks;
}

function dataChunks(body: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(chunks));
    body.once('error', reject);
  });
}
