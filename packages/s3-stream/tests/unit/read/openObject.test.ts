import { GetObjectCommand, S3Client, type GetObjectCommandInput } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import {
  InputTooLargeError,
  ObjectGoneError,
  PermanentError,
  ReadInterruptedError,
  TransientError,
} from '../../../src/errors';
import { openObject } from '../../../src/read/openObject';
import type { ObjectRef } from '../../../src/types';
import { bodyOf, breakingBody, readAll, s3Error, sampleBytes } from '@s3-pipelines/testing';

const s3Mock = mockClient(S3Client);
const s3 = new S3Client({ region: 'us-east-1' });

const ETAG = '9b2cf535f27731c974343645a3985328';
const VERSION = '096fKKXTRTtl3on89fVO.nfljtsv6qko';

const versionedRef: ObjectRef = {
  bucket: 'mybucket',
  key: 'HappyFace.jpg',
  size: 40,
  eTag: ETAG,
  versionId: VERSION,
};
const unversionedRef: ObjectRef = { bucket: 'mybucket', key: 'data.csv', size: 40, eTag: ETAG };

/** Parses `bytes=a-b` or `bytes=a-` the way S3 does. */
function parseRange(range: string, total: number): [number, number] {
  const match = /^bytes=(\d+)-(\d*)$/.exec(range);
  if (!match) throw new Error(`unexpected Range ${range}`);
  const start = Number(match[1]);
  const end = match[2] === '' ? total - 1 : Math.min(Number(match[2]), total - 1);
  return [start, end];
}

/** Answers GetObject from `bytes` the way S3 does, honouring Range with a 206 ContentRange. */
function serve(bytes: Buffer, extra: { VersionId?: string; ETag?: string } = {}) {
  return (input: GetObjectCommandInput) => {
    const common = { ETag: `"${ETAG}"`, ...extra, ContentType: 'text/csv', Metadata: {} };
    if (!input.Range) {
      return { ...common, ContentLength: bytes.length, Body: bodyOf(bytes, 4) };
    }
    const [start, end] = parseRange(input.Range, bytes.length);
    return {
      ...common,
      ContentLength: end - start + 1,
      ContentRange: `bytes ${start}-${end}/${bytes.length}`,
      Body: bodyOf(bytes.subarray(start, end + 1), 4),
    };
  };
}

describe('openObject', () => {
  beforeEach(() => {
    s3Mock.reset();
  });

  describe('pinning', () => {
    it('pins to the version id when the ref has one, without If-Match', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { info, body } = await openObject(s3, versionedRef);
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
        Bucket: 'mybucket',
        Key: 'HappyFace.jpg',
        VersionId: VERSION,
        IfMatch: undefined,
        Range: undefined,
      });
      expect(info).toEqual({
        bucket: 'mybucket',
        key: 'HappyFace.jpg',
        size: 40,
        eTag: ETAG,
        versionId: VERSION,
        contentType: 'text/csv',
        lastModified: undefined,
        metadata: {},
      });
    });

    it('pins with If-Match on the quoted ETag when the ref has no version id', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).callsFake(serve(sampleBytes(40)));

      // Act
      const { body } = await openObject(s3, unversionedRef);
      await readAll(body);

      // Assess
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
        Bucket: 'mybucket',
        Key: 'data.csv',
        VersionId: undefined,
        IfMatch: `"${ETAG}"`,
      });
    });

    it('sends neither when the ref names no version (S3 Batch tasks without a version)', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).callsFake(serve(sampleBytes(3)));

      // Act
      const { info, body } = await openObject(s3, { bucket: 'b', key: 'k' });
      await readAll(body);

      // Assess
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
        Bucket: 'b',
        Key: 'k',
        VersionId: undefined,
        IfMatch: undefined,
      });
      expect(info.eTag).toBe(ETAG);
    });

    it.each([
      [404, 'NoSuchKey', 'deleted'],
      [404, 'NoSuchVersion', 'deleted'],
      [412, 'PreconditionFailed', 'replaced'],
    ])('turns %i %s into ObjectGoneError (%s)', async (status, name, word) => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(s3Error(name, status));

      // Act
      const opening = openObject(s3, unversionedRef);

      // Assess
      await expect(opening).rejects.toThrow(ObjectGoneError);
      await expect(openObject(s3, unversionedRef)).rejects.toThrow(`data.csv was ${word}`);
    });

    it('classifies a 403 on the first GET as permanent', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403));

      // Act
      const opening = openObject(s3, unversionedRef);

      // Assess
      await expect(opening).rejects.toThrow(PermanentError);
    });

    it('classifies a 503 on the first GET as transient', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).rejects(s3Error('SlowDown', 503));

      // Act
      const opening = openObject(s3, unversionedRef);

      // Assess
      await expect(opening).rejects.toThrow(TransientError);
    });
  });

  describe('resuming a broken body', () => {
    it('asks again from the next byte, pinned to the same version, and loses nothing', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: breakingBody(bytes.subarray(0, 17)),
        })
        .callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1 });
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 2);
      expect(s3Mock).toReceiveNthCommandWith(2, GetObjectCommand, {
        Bucket: 'mybucket',
        Key: 'HappyFace.jpg',
        VersionId: VERSION,
        IfMatch: undefined,
        Range: 'bytes=17-',
      });
    });

    it('resumes an unversioned object with If-Match on the ETag the first response carried', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      const servedETag = 'd41d8cd98f00b204e9800998ecf8427e';
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${servedETag}"`,
          ContentLength: 40,
          Body: breakingBody(bytes.subarray(0, 25)),
        })
        .callsFake(serve(bytes, { ETag: `"${servedETag}"` }));

      // Act
      const { body } = await openObject(s3, { bucket: 'b', key: 'k' }, { backoffMs: 1 });
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveNthCommandWith(2, GetObjectCommand, {
        VersionId: undefined,
        IfMatch: `"${servedETag}"`,
        Range: 'bytes=25-',
      });
    });

    it('survives several breaks in a row as long as each one makes progress', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      const breakAt = [10, 20, 30];
      s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
        const start = input.Range ? parseRange(input.Range, 40)[0] : 0;
        const next = breakAt.find((b) => b > start);
        const common = { ETag: `"${ETAG}"`, VersionId: VERSION };
        const range = input.Range ? { ContentRange: `bytes ${start}-39/40` } : {};
        return next === undefined
          ? { ...common, ...range, ContentLength: 40 - start, Body: bodyOf(bytes.subarray(start)) }
          : {
              ...common,
              ...range,
              ContentLength: 40 - start,
              Body: breakingBody(bytes.subarray(start, next)),
            };
      });

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1, maxResumes: 1 });
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 4);
      expect(s3Mock).toReceiveNthCommandWith(4, GetObjectCommand, { Range: 'bytes=30-' });
    });

    it('treats a body that ends early as a break and resumes', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: bodyOf(bytes.subarray(0, 12)),
        })
        .callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1 });
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveNthCommandWith(2, GetObjectCommand, { Range: 'bytes=12-' });
    });

    it('gives up with a transient ReadInterruptedError when the resume budget runs out', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => ({
        ETag: `"${ETAG}"`,
        VersionId: VERSION,
        ContentLength: 40,
        ...(input.Range ? { ContentRange: 'bytes 5-39/40' } : {}),
        Body: breakingBody(input.Range ? Buffer.alloc(0) : bytes.subarray(0, 5)),
      }));

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1, maxResumes: 2 });
      let thrown: unknown;
      try {
        await readAll(body);
      } catch (error) {
        thrown = error;
      }

      // Assess
      expect(thrown).toBeInstanceOf(ReadInterruptedError);
      expect((thrown as ReadInterruptedError).retryable).toBe(true);
      expect((thrown as Error).message).toBe(
        'Reading HappyFace.jpg failed at byte 5 after 3 attempts',
      );
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 3);
    });

    it('fails permanently when a resumed response does not start at the offset', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: breakingBody(bytes.subarray(0, 17)),
        })
        .resolves({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          ContentRange: 'bytes 0-39/40',
          Body: bodyOf(bytes),
        });

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1 });
      const reading = readAll(body);

      // Assess
      await expect(reading).rejects.toThrow(PermanentError);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 2);
    });

    it('fails permanently when a resumed response ignores the Range entirely', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: breakingBody(bytes.subarray(0, 17)),
        })
        .resolves({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: bodyOf(bytes),
        });

      // Act
      const { body } = await openObject(s3, versionedRef, { backoffMs: 1 });
      const reading = readAll(body);

      // Assess
      await expect(reading).rejects.toThrow(/answered undefined for byte 17/);
    });

    it('reports the object gone when the version disappears between attempts', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock
        .on(GetObjectCommand)
        .resolvesOnce({
          ETag: `"${ETAG}"`,
          ContentLength: 40,
          Body: breakingBody(bytes.subarray(0, 17)),
        })
        .rejects(s3Error('PreconditionFailed', 412));

      // Act
      const { body } = await openObject(s3, unversionedRef, { backoffMs: 1 });
      const reading = readAll(body);

      // Assess
      await expect(reading).rejects.toThrow(ObjectGoneError);
    });
  });

  // fanOutIdleShare 0: fan out at the first read (when it fans out is ParallelRangeStream's test).
  describe('parallel ranged reads', () => {
    it('starts on one GET and asks for each later range once', async () => {
      // Prepare
      const bytes = sampleBytes(95);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { info, body } = await openObject(
        s3,
        { ...versionedRef, size: 95 },
        { concurrency: 3, rangeSize: 10, fanOutIdleShare: 0 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(info.size).toBe(95);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 10);
      const ranges = s3Mock.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Range);
      expect(ranges[0]).toBeUndefined();
      expect(ranges.slice(1).sort()).toEqual(
        [
          'bytes=10-19',
          'bytes=20-29',
          'bytes=30-39',
          'bytes=40-49',
          'bytes=50-59',
          'bytes=60-69',
          'bytes=70-79',
          'bytes=80-89',
          'bytes=90-94',
        ].sort(),
      );
      for (const call of s3Mock.commandCalls(GetObjectCommand)) {
        expect(call.args[0].input).toMatchObject({ VersionId: VERSION, IfMatch: undefined });
      }
    });

    it('returns ranges in order even when later ranges answer first', async () => {
      // Prepare
      const bytes = sampleBytes(95);
      const answer = serve(bytes, { VersionId: VERSION });
      s3Mock.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) => {
        const start = input.Range ? parseRange(input.Range, 95)[0] : 0;
        // Earlier ranges are slower, so completions arrive out of order.
        await new Promise((resolve) => setTimeout(resolve, start === 10 ? 15 : 1));
        return answer(input);
      });

      // Act
      const { body } = await openObject(
        s3,
        { ...versionedRef, size: 95 },
        { concurrency: 3, rangeSize: 10, fanOutIdleShare: 0 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
    });

    it('pins every ranged GET of an unversioned object with If-Match', async () => {
      // Prepare
      const bytes = sampleBytes(25);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes));

      // Act
      const { body } = await openObject(
        s3,
        { ...unversionedRef, size: 25 },
        { concurrency: 2, rangeSize: 10, fanOutIdleShare: 0 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 3);
      for (const call of s3Mock.commandCalls(GetObjectCommand)) {
        expect(call.args[0].input).toMatchObject({ VersionId: undefined, IfMatch: `"${ETAG}"` });
      }
    });

    it('resumes a broken range from its own offset', async () => {
      // Prepare
      const bytes = sampleBytes(30);
      const answer = serve(bytes, { VersionId: VERSION });
      let broke = false;
      s3Mock.on(GetObjectCommand).callsFake((input: GetObjectCommandInput) => {
        if (input.Range === 'bytes=10-19' && !broke) {
          broke = true;
          return {
            ETag: `"${ETAG}"`,
            VersionId: VERSION,
            ContentRange: 'bytes 10-19/30',
            Body: breakingBody(bytes.subarray(10, 14)),
          };
        }
        return answer(input);
      });

      // Act
      const { body } = await openObject(
        s3,
        { ...versionedRef, size: 30 },
        { concurrency: 3, rangeSize: 10, backoffMs: 1, fanOutIdleShare: 0 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, {
        Range: 'bytes=14-19',
        VersionId: VERSION,
      });
    });

    it('stays on the one GET by default while the process keeps up with it', async () => {
      // Prepare: the bodies answer at once, so the process never sits waiting on the network.
      const bytes = sampleBytes(95);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { body } = await openObject(
        s3,
        { ...versionedRef, size: 95 },
        { concurrency: 3, rangeSize: 10 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, { Range: undefined });
    });

    it('uses one plain GET when the event says the object fits in one range', async () => {
      // Prepare
      const bytes = sampleBytes(8);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { body } = await openObject(
        s3,
        { ...versionedRef, size: 8 },
        { concurrency: 3, rangeSize: 10 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, { Range: undefined });
    });

    it('reads an object of unknown size that turns out smaller than one range', async () => {
      // Prepare
      const bytes = sampleBytes(6);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { info, body } = await openObject(
        s3,
        { bucket: 'mybucket', key: 'k', versionId: VERSION },
        { concurrency: 3, rangeSize: 10 },
      );
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
      expect(info.size).toBe(6);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, { Range: undefined });
    });
  });

  describe('releasing the S3 response', () => {
    it.each([1, 3])(
      'destroys the response body when the consumer destroys the stream unread (concurrency %i)',
      async (concurrency) => {
        // Prepare
        const sdkBody = bodyOf(sampleBytes(40));
        s3Mock.on(GetObjectCommand).resolves({
          ETag: `"${ETAG}"`,
          VersionId: VERSION,
          ContentLength: 40,
          Body: sdkBody,
        });
        const { body } = await openObject(s3, versionedRef, { concurrency, rangeSize: 10 });

        // Act
        body.destroy();
        await new Promise((resolve) => setTimeout(resolve, 10));

        // Assess
        expect(body.destroyed).toBe(true);
        expect(sdkBody.destroyed).toBe(true);
      },
    );

    it('destroys the response body when the consumer stops part-way', async () => {
      // Prepare
      const sdkBody = bodyOf(sampleBytes(40), 8);
      s3Mock
        .on(GetObjectCommand)
        .resolves({ ETag: `"${ETAG}"`, VersionId: VERSION, ContentLength: 40, Body: sdkBody });
      const { body } = await openObject(s3, versionedRef);

      // Act
      for await (const chunk of body) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));

      // Assess
      expect(sdkBody.destroyed).toBe(true);
    });
  });

  describe('sizes', () => {
    it('reads a 0-byte object', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).callsFake(serve(Buffer.alloc(0), { VersionId: VERSION }));

      // Act
      const { info, body } = await openObject(s3, { ...versionedRef, size: 0 });
      const read = await readAll(body);

      // Assess
      expect(read.length).toBe(0);
      expect(info.size).toBe(0);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
    });

    it('reads a 0-byte object of unknown size in parallel mode with one plain GET', async () => {
      // Prepare
      s3Mock
        .on(GetObjectCommand)
        .resolves({ ETag: `"${ETAG}"`, ContentLength: 0, Body: bodyOf(Buffer.alloc(0)) });

      // Act
      const { info, body } = await openObject(
        s3,
        { bucket: 'b', key: 'empty' },
        { concurrency: 3, rangeSize: 10 },
      );
      const read = await readAll(body);

      // Assess
      expect(read.length).toBe(0);
      expect(info.size).toBe(0);
      expect(s3Mock).toReceiveCommandTimes(GetObjectCommand, 1);
      expect(s3Mock).toReceiveCommandWith(GetObjectCommand, { Range: undefined });
    });

    it('refuses an object over maxBytes before reading its body', async () => {
      // Prepare
      const body = bodyOf(sampleBytes(40));
      s3Mock.on(GetObjectCommand).resolves({
        ETag: `"${ETAG}"`,
        VersionId: VERSION,
        ContentLength: 40,
        Body: body,
      });

      // Act
      const opening = openObject(s3, versionedRef, { maxBytes: 39 });

      // Assess
      await expect(opening).rejects.toThrow(InputTooLargeError);
      await expect(opening).rejects.toThrow(
        'HappyFace.jpg is 40 bytes, over the limit of 39 bytes',
      );
      expect(body.destroyed).toBe(true);
      expect(body.readableDidRead).toBe(false);
    });

    it('accepts an object of exactly maxBytes', async () => {
      // Prepare
      const bytes = sampleBytes(40);
      s3Mock.on(GetObjectCommand).callsFake(serve(bytes, { VersionId: VERSION }));

      // Act
      const { body } = await openObject(s3, versionedRef, { maxBytes: 40 });
      const read = await readAll(body);

      // Assess
      expect(read).toEqual(bytes);
    });

    it('returns a Readable the consumer can pipe', async () => {
      // Prepare
      s3Mock.on(GetObjectCommand).callsFake(serve(sampleBytes(3)));

      // Act
      const { body } = await openObject(s3, unversionedRef);

      // Assess
      expect(body).toBeInstanceOf(Readable);
      expect(await readAll(body)).toEqual(sampleBytes(3));
    });
  });
});
