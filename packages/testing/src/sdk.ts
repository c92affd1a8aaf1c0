import { S3ServiceException, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
// Registered at runtime by jest's setupFilesAfterEnv; imported here for the matcher types.
import 'aws-sdk-client-mock-jest';
import { Readable } from 'node:stream';

/** An error shaped the way the SDK throws a service error with an HTTP answer. */
export function s3Error(name: string, status: number): S3ServiceException {
  return new S3ServiceException({
    name,
    message: `${name} (${status})`,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status },
  });
}

/** A network error that never got an HTTP answer, the way Node reports a reset socket. */
export function connectionReset(): Error {
  return Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104 });
}

/** A Node stream typed as a GetObject body (the code under test only iterates it). */
export type StreamingBody = Readable & NonNullable<GetObjectCommandOutput['Body']>;

/** A body that delivers `bytes` in chunks of `chunkSize`. */
export function bodyOf(bytes: Buffer, chunkSize = 16): StreamingBody {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks, { objectMode: false }) as StreamingBody;
}

/**
 * A body that delivers `bytes`, then breaks the way a reset socket does: the stream is destroyed
 * with `error` once the consumer has had the bytes.
 */
export function breakingBody(bytes: Buffer, error: Error = connectionReset()): StreamingBody {
  let sent = false;
  const body = new Readable({
    read() {
      if (!sent && bytes.length) {
        sent = true;
        this.push(bytes);
        return;
      }
      setImmediate(() => this.destroy(error));
    },
  });
  return body as StreamingBody;
}

/**
 * A body that sends `chunk` bytes every `ms` milliseconds: a connection slower than its
 * consumer, so a reader that waits on it can be seen to wait.
 */
export function tricklingBody(bytes: Buffer, chunk: number, ms: number): StreamingBody {
  let at = 0;
  const body = new Readable({
    read() {
      setTimeout(() => this.push(at < bytes.length ? bytes.subarray(at, (at += chunk)) : null), ms);
    },
  });
  return body as StreamingBody;
}

/** Deterministic bytes that are not all the same, so an out-of-order or replayed byte shows. */
export function sampleBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7) % 251;
  return bytes;
}

export async function readAll(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
