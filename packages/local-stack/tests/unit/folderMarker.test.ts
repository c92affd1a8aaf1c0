import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { request } from 'node:http';
import { createBucket, testClient } from '@s3-pipelines/testing';
import { startEmulator, type Emulator } from '../../src/emulator';
import type { CreatedObject } from '../../src/events';
import { startProxy, type Proxy } from '../../src/proxy';

/**
 * `aws s3api put-object --bucket b --key folder/` (the usual folder-marker command) sends a
 * PUT with Content-Length 0 and no Content-Type. Fastify gives fauxqs no body at all for that,
 * which fauxqs answered with a 500 until patches/fauxqs@2.4.1.patch.
 */
jest.setTimeout(30_000);

let emulator: Emulator;
let proxy: Proxy;
let s3: S3Client;
let bucket: string;
const created: CreatedObject[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  proxy = await startProxy({
    port: 0,
    upstreamPort: emulator.port,
    onCreated: (object) => void created.push(object),
  });
  s3 = testClient(proxy.endpoint);
  bucket = await createBucket(s3, 'folder-marker');
});

afterAll(async () => {
  s3.destroy();
  await proxy.stop();
  await emulator.stop();
});

beforeEach(() => {
  created.length = 0;
});

/** An unsigned request with exactly the headers given (Node adds only Host and Connection). */
function raw(
  method: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxy.port, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function eventsSettled(): Promise<void> {
  while (proxy.pending() > 0) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a zero-byte PUT without Content-Type', () => {
  it('stores a folder marker and raises its ObjectCreated:Put event', async () => {
    // Act
    const put = await raw('PUT', `/${bucket}/folder/`, { 'content-length': '0' });
    await eventsSettled();

    // Assess
    expect({ status: put.status, body: put.body }).toEqual({ status: 200, body: '' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'folder/' }));
    expect(head.ContentLength).toBe(0);
    expect(head.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"'); // MD5 of nothing
    expect(created).toEqual([
      expect.objectContaining({ bucket, key: 'folder/', size: 0, eventName: 'ObjectCreated:Put' }),
    ]);
  });

  it('works from the SDK with an empty string body, which it sends with a Content-Type', async () => {
    // Prepare: the SDK fills in application/octet-stream, so this path never met the bug.
    const sent: Record<string, string>[] = [];
    const client = testClient(proxy.endpoint);
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordHeaders' },
    );

    // Act: ContentLength spares us the SDK's "stream of unknown length" warning for ''.
    const put = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'sdk/', Body: '', ContentLength: 0 }),
    );
    await eventsSettled();
    client.destroy();

    // Assess
    expect(sent[0]).toMatchObject({ 'content-type': 'application/octet-stream' });
    expect(put.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(created.map((c) => [c.key, c.size])).toEqual([['sdk/', 0]]);
  });

  it('is accepted as an empty multipart part as well', async () => {
    // Prepare
    const key = 'empty-multipart.bin';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }),
    );

    // Act
    const part = await raw('PUT', `/${bucket}/${key}?partNumber=1&uploadId=${UploadId}`, {
      'content-length': '0',
    });
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: String(part.headers.etag) }] },
      }),
    );

    // Assess
    expect(part.status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(0);
  });
});
