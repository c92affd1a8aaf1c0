import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';

/**
 * A minimal S3 endpoint serving one virtual object of any size, made of a repeated random block,
 * so that multi-GiB runs need neither the disk nor an emulator holding the object in memory.
 * It answers what the checksum function sends: GET (with Range), HEAD and PUT of the sidecar.
 */
export interface SyntheticObject {
  endpoint: string;
  bucket: string;
  key: string;
  size: number;
  eTag: string;
  /** MD5 of the whole virtual object, computed here by streaming the same bytes. */
  md5(): string;
  close(): Promise<void>;
}

export interface SyntheticOptions {
  /** Caps each response at this rate, like one S3 connection (~90 MB/s); uncapped by default. */
  bytesPerSecond?: number;
}

export async function startSyntheticS3(
  size: number,
  block: Buffer,
  options: SyntheticOptions = {},
): Promise<SyntheticObject> {
  const bucket = 'synthetic';
  const key = 'virtual.bin';
  const eTag = 'synthetic0000000000000000000000-1';
  const stored = new Map<string, { body: Buffer; metadata: Record<string, string> }>();

  const bytesAt = (start: number, end: number): Buffer[] => {
    const pieces: Buffer[] = [];
    for (let at = start; at <= end;) {
      const offset = at % block.length;
      const take = Math.min(block.length - offset, end - at + 1);
      pieces.push(block.subarray(offset, offset + take));
      at += take;
    }
    return pieces;
  };

  const server: Server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const objectKey = path.slice(`/${bucket}/`.length);
    if (req.method === 'DELETE') {
      stored.delete(objectKey);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'PUT') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const metadata = Object.fromEntries(
        Object.entries(req.headers)
          .filter(([name]) => name.startsWith('x-amz-meta-'))
          .map(([name, value]) => [name, String(value)]),
      );
      stored.set(objectKey, { body: Buffer.concat(chunks), metadata });
      res.writeHead(200, { etag: '"stored"' }).end();
      return;
    }
    if (objectKey !== key) {
      const found = stored.get(objectKey);
      if (!found) {
        res.writeHead(404, { 'content-type': 'application/xml' });
        res.end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      res.writeHead(200, {
        'content-length': found.body.length,
        etag: '"stored"',
        ...found.metadata,
      });
      res.end(req.method === 'HEAD' ? undefined : found.body);
      return;
    }
    const headers = {
      etag: `"${eTag}"`,
      'last-modified': new Date(0).toUTCString(),
      'content-type': 'application/octet-stream',
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'content-length': size }).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
    });
    const step = 256 * 1024;
    const started = Date.now();
    for (let at = start; at <= end; at += step) {
      for (const piece of bytesAt(at, Math.min(at + step - 1, end))) {
        if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
      }
      if (options.bytesPerSecond) {
        const due = started + ((at + step - start) / options.bytesPerSecond) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    key,
    size,
    eTag,
    md5() {
      const hash = createHash('md5');
      const step = 64 * 1024 * 1024;
      for (let at = 0; at < size; at += step) {
        for (const piece of bytesAt(at, Math.min(at + step, size) - 1)) hash.update(piece);
      }
      return hash.digest('hex');
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
