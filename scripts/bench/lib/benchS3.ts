import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A minimal S3 endpoint for benchmarks. It serves source objects whose bytes come from the
 * benchmark (bytes in memory, see memorySource) and takes writes without keeping their bytes, so
 * that on a 2-core machine the measured process is the only one doing real work: in Lambda, S3's
 * side of a read or an upload runs on S3's machines, not on the function's cores.
 *
 * Reads: GET (Range, If-Match) and HEAD of the source objects. Writes: PUT (body kept when it is
 * small, like a checksum sidecar), multipart uploads (parts counted and dropped), CopyObject and
 * UploadPartCopy of what was written (the metadata rewrite), HEAD and DELETE. Nothing else.
 */
export interface SourceObject {
  size: number;
  eTag: string;
  /** The bytes start..end (inclusive), in order, in pieces of any size. */
  read(start: number, end: number): AsyncIterable<Buffer> | Iterable<Buffer>;
}

/**
 * An object of `size` bytes served from `bytes` in memory; past their end it starts over, so a
 * 1 GiB file read once can stand for a 5 GiB object (a repeat 1 GiB apart is far outside
 * deflate's 32 KiB window: random data stays incompressible). The endpoint shares the measured
 * process's cores, and reading the file as it served cost it a fresh buffer per chunk and the
 * collections they caused: measured, 44% of its CPU while it served the compress benchmark.
 * In Lambda, S3 does that work on its own machines.
 */
export function memorySource(
  bytes: Buffer,
  size: number,
  eTag: string,
): Omit<SourceObject, 'read'> & { read(start: number, end: number): Iterable<Buffer> } {
  return {
    size,
    eTag,
    *read(start: number, end: number) {
      for (let at = start; at <= end;) {
        const offset = at % bytes.length;
        const piece = bytes.subarray(offset, Math.min(bytes.length, offset + (end - at + 1)));
        yield piece;
        at += piece.length;
      }
    },
  };
}

export interface BenchS3Options {
  bucket: string;
  objects: Record<string, SourceObject>;
  /** Caps each GET response at this rate, like one S3 connection (~90 MB/s); uncapped by default. */
  bytesPerSecond?: number;
  /**
   * Keeps the bytes of every object written, as files in this directory (see `kept`), so that
   * outside tools can judge them; otherwise they are counted and dropped. Costs this process
   * disk writes, so measured runs go to an endpoint without it.
   */
  keepDir?: string;
}

export interface BenchS3 {
  endpoint: string;
  /** Size of every object written so far (parts counted, bytes dropped). */
  written(key: string): number | undefined;
  /** With `keepDir`: the file holding the bytes written under `key`. */
  kept(key: string): string | undefined;
  close(): Promise<void>;
}

interface Written {
  size: number;
  eTag: string;
  contentType?: string;
  metadata: Record<string, string>;
  /** Kept only for small single PUTs. */
  body?: Buffer;
}

/** Bodies of single PUTs up to this size are kept (and served back by GET). */
const KEEP_BODY_LIMIT = 1024 * 1024;
/** S3's largest CopyObject, and largest UploadPartCopy part. */
const COPY_LIMIT = 5 * 1024 ** 3;
/** Responses are written (and paced) in slices of this size. */
const SEND_STEP = 256 * 1024;

function metadataOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name, String(value)]),
  );
}

async function drain(
  req: IncomingMessage,
  keep: boolean,
  toFile?: string,
): Promise<{ size: number; body?: Buffer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  const file = toFile ? createWriteStream(toFile) : undefined;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (keep && size <= KEEP_BODY_LIMIT) chunks.push(chunk);
    if (file && !file.write(chunk))
      await new Promise<void>((resolve) => file.once('drain', () => resolve()));
  }
  if (file)
    await new Promise<void>((resolve, reject) =>
      file.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  return { size, body: keep && size <= KEEP_BODY_LIMIT ? Buffer.concat(chunks) : undefined };
}

/** A file name for a key: no directories, nothing a shell would trip over. */
function fileNameOf(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' }).end(body);
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'application/xml' });
  res.end(req.method === 'HEAD' ? undefined : '<Error><Code>NoSuchKey</Code></Error>');
}

function preconditionFailed(res: ServerResponse): void {
  xml(res, 412, '<Error><Code>PreconditionFailed</Code></Error>');
}

export async function startBenchS3(options: BenchS3Options): Promise<BenchS3> {
  const { bucket, objects, keepDir } = options;
  const written = new Map<string, Written>();
  const keptFiles = new Map<string, string>();
  if (keepDir) mkdirSync(keepDir, { recursive: true });
  const partFile = (uploadId: string, partNumber: number): string | undefined =>
    keepDir ? join(keepDir, `${uploadId}.part${partNumber}`) : undefined;
  const uploads = new Map<string, { parts: Map<number, number>; created: Written }>();

  async function serveSource(
    req: IncomingMessage,
    res: ServerResponse,
    source: SourceObject,
  ): Promise<void> {
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch.replace(/"/g, '') !== source.eTag) return preconditionFailed(res);
    const headers = {
      etag: `"${source.eTag}"`,
      'last-modified': new Date(0).toUTCString(),
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'content-length': source.size }).end();
      return;
    }
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    const end = range && range[2] ? Math.min(Number(range[2]), source.size - 1) : source.size - 1;
    if (range && start >= source.size) {
      xml(res, 416, '<Error><Code>InvalidRange</Code></Error>');
      return;
    }
    res.writeHead(range ? 206 : 200, {
      ...headers,
      'content-length': end - start + 1,
      ...(range ? { 'content-range': `bytes ${start}-${end}/${source.size}` } : {}),
    });
    const started = Date.now();
    let sent = 0;
    for await (const piece of source.read(start, end)) {
      for (let at = 0; at < piece.length; at += SEND_STEP) {
        const slice = piece.subarray(at, at + SEND_STEP);
        if (!res.write(slice)) {
          // A client that went away never drains: stop instead of waiting forever.
          await new Promise<void>((resolve) => {
            const go = (): void => {
              res.off('drain', go);
              res.off('close', go);
              resolve();
            };
            res.on('drain', go);
            res.on('close', go);
          });
          if (res.destroyed) return;
        }
        sent += slice.length;
        if (options.bytesPerSecond) {
          const due = started + (sent / options.bytesPerSecond) * 1000;
          if (due > Date.now()) await sleep(due - Date.now());
        }
      }
    }
    res.end();
  }

  function serveWritten(req: IncomingMessage, res: ServerResponse, object: Written): void {
    const ifMatch = req.headers['if-match'];
    if (ifMatch && ifMatch.replace(/"/g, '') !== object.eTag) return preconditionFailed(res);
    res.writeHead(200, {
      'content-length': object.size,
      etag: `"${object.eTag}"`,
      'last-modified': new Date().toUTCString(),
      ...(object.contentType ? { 'content-type': object.contentType } : {}),
      ...object.metadata,
    });
    if (req.method === 'HEAD') res.end();
    else if (object.body) res.end(object.body);
    else res.destroy(new Error('bench S3 endpoint kept no bytes of this object'));
  }

  /** The written object a copy names, or undefined after answering 404 or 412. */
  function copySource(req: IncomingMessage, res: ServerResponse): Written | undefined {
    const from = decodeURIComponent(String(req.headers['x-amz-copy-source']).replace(/^\//, ''));
    const source = written.get(from.slice(`${bucket}/`.length));
    const ifMatch = req.headers['x-amz-copy-source-if-match'];
    if (!source) notFound(req, res);
    else if (ifMatch && String(ifMatch).replace(/"/g, '') !== source.eTag) preconditionFailed(res);
    else return source;
    return undefined;
  }

  function copyPart(req: IncomingMessage, res: ServerResponse, parts: Map<number, number>): void {
    const source = copySource(req, res);
    if (!source) return;
    const range = /^bytes=(\d+)-(\d+)$/.exec(String(req.headers['x-amz-copy-source-range']));
    const [start, end] = range ? [Number(range[1]), Number(range[2])] : [0, source.size - 1];
    // As S3: a range must lie inside the source, and a part copy is at most 5 GiB.
    if (start > end || end >= source.size || end - start + 1 > COPY_LIMIT) {
      return xml(res, 400, '<Error><Code>InvalidArgument</Code></Error>');
    }
    const partNumber = Number(
      new URL(req.url ?? '/', 'http://bench').searchParams.get('partNumber'),
    );
    parts.set(partNumber, end - start + 1);
    xml(
      res,
      200,
      `<CopyPartResult><ETag>"part-${partNumber}"</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyPartResult>`,
    );
  }

  function copy(req: IncomingMessage, res: ServerResponse, key: string): void {
    const source = copySource(req, res);
    if (!source) return;
    // As S3: CopyObject stops at 5 GiB; larger objects need UploadPartCopy.
    if (source.size > COPY_LIMIT)
      return xml(res, 400, '<Error><Code>InvalidRequest</Code></Error>');
    const replace = req.headers['x-amz-metadata-directive'] === 'REPLACE';
    const eTag = randomUUID().replace(/-/g, '');
    written.set(key, {
      ...source,
      eTag,
      metadata: replace ? metadataOf(req) : source.metadata,
      contentType: replace ? req.headers['content-type'] : source.contentType,
    });
    xml(
      res,
      200,
      `<CopyObjectResult><ETag>"${eTag}"</ETag><LastModified>${new Date().toISOString()}</LastModified></CopyObjectResult>`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://bench');
    const key = decodeURIComponent(url.pathname).slice(`/${bucket}/`.length);
    const uploadId = url.searchParams.get('uploadId');
    const method = req.method ?? 'GET';

    if (method === 'POST' && url.searchParams.has('uploads')) {
      const id = randomUUID();
      uploads.set(id, {
        parts: new Map(),
        created: {
          size: 0,
          eTag: '',
          contentType: req.headers['content-type'],
          metadata: metadataOf(req),
        },
      });
      await drain(req, false);
      xml(
        res,
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
      );
      return;
    }
    if (uploadId !== null) {
      const upload = uploads.get(uploadId);
      if (!upload) return xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
      if (method === 'PUT' && req.headers['x-amz-copy-source']) {
        await drain(req, false);
        return copyPart(req, res, upload.parts);
      }
      if (method === 'PUT') {
        const partNumber = Number(url.searchParams.get('partNumber'));
        const { size } = await drain(req, false, partFile(uploadId, partNumber));
        upload.parts.set(partNumber, size);
        res.writeHead(200, { etag: `"part-${partNumber}"` }).end();
        return;
      }
      if (method !== 'DELETE' && method !== 'POST') {
        return xml(res, 501, '<Error><Code>NotImplemented</Code></Error>');
      }
      await drain(req, false);
      uploads.delete(uploadId);
      const partFiles = [...upload.parts.keys()]
        .sort((a, b) => a - b)
        .map((partNumber) => partFile(uploadId, partNumber))
        .filter((path): path is string => path !== undefined && existsSync(path));
      if (method === 'DELETE') {
        for (const part of partFiles) rmSync(part);
        res.writeHead(204).end();
        return;
      }
      const eTag = `${randomUUID().replace(/-/g, '')}-${upload.parts.size}`;
      const size = [...upload.parts.values()].reduce((sum, part) => sum + part, 0);
      written.set(key, { ...upload.created, size, eTag });
      // The uploaded parts in order are the object. A multipart copy (the metadata rewrite of
      // an archive over 5 GiB) uploads none: the bytes stay those already kept.
      if (partFiles.length > 0) {
        const path = join(keepDir!, fileNameOf(key));
        const out = createWriteStream(path);
        for (const part of partFiles) {
          for await (const chunk of createReadStream(part)) {
            if (!out.write(chunk)) await once(out, 'drain');
          }
          rmSync(part);
        }
        await new Promise<void>((resolve) => out.end(resolve));
        keptFiles.set(key, path);
      }
      xml(
        res,
        200,
        `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>"${eTag}"</ETag></CompleteMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'PUT' && req.headers['x-amz-copy-source']) {
      await drain(req, false);
      return copy(req, res, key);
    }
    if (method === 'PUT') {
      const path = keepDir ? join(keepDir, fileNameOf(key)) : undefined;
      const { size, body } = await drain(req, true, path);
      if (path) keptFiles.set(key, path);
      const eTag = randomUUID().replace(/-/g, '');
      written.set(key, {
        size,
        eTag,
        body,
        contentType: req.headers['content-type'],
        metadata: metadataOf(req),
      });
      res.writeHead(200, { etag: `"${eTag}"` }).end();
      return;
    }
    if (method === 'DELETE') {
      written.delete(key);
      res.writeHead(204).end();
      return;
    }
    if (method === 'GET' || method === 'HEAD') {
      const source = objects[key];
      if (source) return serveSource(req, res, source);
      const object = written.get(key);
      if (object) return serveWritten(req, res, object);
      return notFound(req, res);
    }
    xml(res, 501, '<Error><Code>NotImplemented</Code></Error>');
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    written: (key) => written.get(key)?.size,
    kept: (key) => keptFiles.get(key),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
