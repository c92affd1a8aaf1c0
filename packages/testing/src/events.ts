import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The AWS sample events in tests/fixtures/events (see its README for where each comes from). */
export const FIXTURES = join(__dirname, '..', '..', 's3-stream', 'tests', 'fixtures', 'events');

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** Encodes a key the way S3 writes it into notifications (form encoding, `/` kept). */
export function encodeKeyLikeS3(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
}

/** AWS's documented S3 PUT sample, pointed at another object. */
export function s3PutEvent(object: { bucket: string; key: string; size: number; eTag: string }) {
  const event = fixture<{ Records: Array<{ s3: Record<string, Record<string, unknown>> }> }>(
    's3-put.json',
  );
  const record = event.Records[0]!;
  record.s3.bucket = {
    ...record.s3.bucket,
    name: object.bucket,
    arn: `arn:aws:s3:::${object.bucket}`,
  };
  record.s3.object = {
    key: encodeKeyLikeS3(object.key),
    size: object.size,
    eTag: object.eTag,
    sequencer: '0A1B2C3D4E5F678901',
  };
  return event;
}
