import type { S3Client } from '@aws-sdk/client-s3';

/** Bytes a client has written so far: read it before and after an invocation. */
export interface WriteMeter {
  bytes: number;
}

const MIDDLEWARE = 's3PipelinesWriteMeter';
/** Commands whose body is bytes we write; copies move bytes inside S3 and are not counted. */
const WRITES = new Set(['PutObjectCommand', 'UploadPartCommand']);
const meters = new WeakMap<S3Client, WriteMeter>();

/**
 * The size of a write's body where it is known without reading it: lib-storage hands every part
 * (and a single PUT) over as a buffer, and small outputs are strings. A stream of unknown length
 * counts its ContentLength, or nothing.
 */
function bodyBytes(input: { Body?: unknown; ContentLength?: number }): number {
  const body = input.Body;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Uint8Array) return body.byteLength;
  return input.ContentLength ?? 0;
}

/**
 * Counts the bytes every successful PutObject and UploadPart of `s3` sent, for the BytesWritten
 * metric. It watches the client rather than asking each core, so every write through the layer
 * counts (uploadStream's parts, sidecars, records) without a core reporting anything. Installed
 * once per client; the count is what was written, not retried attempts.
 */
export function writeMeter(s3: S3Client): WriteMeter {
  const existing = meters.get(s3);
  if (existing) return existing;
  const meter: WriteMeter = { bytes: 0 };
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? '')) return next(args);
      const bytes = bodyBytes(args.input as { Body?: unknown; ContentLength?: number });
      const result = await next(args);
      meter.bytes += bytes;
      return result;
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  meters.set(s3, meter);
  return meter;
}
