import { randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortInUseError } from './errors';
import type { CreatedEventName, CreatedObject } from './events';
import { Sequencer } from './events';

/** Bytes of a POST form upload read to find its `key` field (it precedes the file in practice). */
const FORM_SNIFF_BYTES = 64 * 1024;
/** Bytes of a CompleteMultipartUpload answer kept to spot an error sent with status 200. */
const COMPLETE_SNIFF_BYTES = 16 * 1024;

export interface ProxyOptions {
  /** 0 picks a free port. */
  port: number;
  /** The emulator behind the proxy. */
  upstreamPort: number;
  /** Called once per object created, after the client has its answer. */
  onCreated: (object: CreatedObject) => void | Promise<void>;
  onError?: (error: Error) => void;
}

export interface Proxy {
  port: number;
  endpoint: string;
  /** Object-creating requests seen whose events are not dispatched yet. */
  pending(): number;
  stop(): Promise<void>;
}

interface Creation {
  eventName: CreatedEventName;
  bucket: string;
  /** Undefined for a POST form upload until its body has been read. */
  key?: string;
}

/** Query parameters that sign or label a request without naming a subresource. */
function isPlainQuery(query: URLSearchParams): boolean {
  return [...query.keys()].every((k) => k === 'x-id' || k.toLowerCase().startsWith('x-amz-'));
}

/** Bucket and key of a path-style (or, as fauxqs allows, virtual-hosted) request. */
function target(req: IncomingMessage, url: URL): { bucket: string; key: string } | undefined {
  const hostname = (req.headers.host ?? '').split(':')[0] ?? '';
  const segments = url.pathname.slice(1);
  const virtual = hostname.includes('.') && !/^\d+\.\d+\.\d+\.\d+$/.test(hostname);
  try {
    if (virtual) {
      return {
        bucket: hostname.slice(0, hostname.indexOf('.')),
        key: decodeURIComponent(segments),
      };
    }
    const slash = segments.indexOf('/');
    if (slash < 0) return { bucket: decodeURIComponent(segments), key: '' };
    return {
      bucket: decodeURIComponent(segments.slice(0, slash)),
      key: decodeURIComponent(segments.slice(slash + 1)),
    };
  } catch {
    return undefined;
  }
}

/** Which S3 operation, if any, creates an object; mirrors the ObjectCreated:* event types. */
export function classify(
  method: string,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  where: { bucket: string; key: string } | undefined,
): Creation | undefined {
  if (!where?.bucket) return undefined;
  const query = new URL(rawUrl, 'http://local').searchParams;
  const { bucket, key } = where;
  if (method === 'PUT' && key && isPlainQuery(query)) {
    const copy = headers['x-amz-copy-source'] !== undefined;
    return { eventName: copy ? 'ObjectCreated:Copy' : 'ObjectCreated:Put', bucket, key };
  }
  if (method === 'POST' && key && query.has('uploadId')) {
    return { eventName: 'ObjectCreated:CompleteMultipartUpload', bucket, key };
  }
  const type = String(headers['content-type'] ?? '');
  if (method === 'POST' && !key && type.startsWith('multipart/form-data')) {
    return { eventName: 'ObjectCreated:Post', bucket };
  }
  return undefined;
}

/** The `key` field of a form upload, with `${filename}` replaced as S3 does. */
export function formKey(head: string): string | undefined {
  const key = /name="key"\r\n(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n/i.exec(head)?.[1];
  if (key === undefined) return undefined;
  const filename = /name="file";\s*filename="([^"]*)"/i.exec(head)?.[1] ?? '';
  return key.replace(/\$\{filename\}/g, filename);
}

function head(
  port: number,
  bucket: string,
  key: string,
): Promise<{ size: number; eTag: string } | undefined> {
  const path = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'HEAD', path }, (res) => {
      res.resume();
      if (res.statusCode !== 200) return resolve(undefined);
      resolve({
        size: Number(res.headers['content-length'] ?? 0),
        eTag: String(res.headers.etag ?? '').replace(/"/g, ''),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The endpoint users and functions talk to: forwards every request to the emulator, streaming
 * both bodies, and reports each object created once the client has its answer (S3 sends
 * notifications after the write succeeds, never for a failed one).
 */
export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const sequencer = new Sequencer();
  let inFlight = 0;

  async function emit(creation: Creation, req: IncomingMessage, requestId: string) {
    if (creation.key === undefined) return;
    const found = await head(options.upstreamPort, creation.bucket, creation.key);
    if (!found) return;
    await options.onCreated({
      bucket: creation.bucket,
      key: creation.key,
      size: found.size,
      eTag: found.eTag,
      eventName: creation.eventName,
      time: new Date(),
      sequencer: sequencer.next(),
      requestId,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://local');
    const creation = classify(req.method ?? 'GET', req.url ?? '/', req.headers, target(req, url));
    if (creation) inFlight += 1;
    let settled = false;
    let emitting = false;
    const settle = () => {
      if (creation && !settled) {
        settled = true;
        inFlight -= 1;
      }
    };

    let sniffed = '';
    if (creation?.eventName === 'ObjectCreated:Post') {
      req.on('data', (chunk: Buffer) => {
        if (sniffed.length < FORM_SNIFF_BYTES) sniffed += chunk.toString('latin1');
      });
    }

    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: options.upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.rawHeaders);
        let answer = '';
        if (creation?.eventName === 'ObjectCreated:CompleteMultipartUpload') {
          upstreamRes.on('data', (chunk: Buffer) => {
            if (answer.length < COMPLETE_SNIFF_BYTES) answer += chunk.toString('utf8');
          });
        }
        upstreamRes.pipe(res);
        upstreamRes.on('end', () => {
          const status = upstreamRes.statusCode ?? 0;
          if (!creation || status < 200 || status > 299 || answer.includes('<Error>')) {
            settle();
            return;
          }
          if (creation.eventName === 'ObjectCreated:Post') {
            creation.key = formKey(Buffer.from(sniffed, 'latin1').toString('utf8'));
          }
          const requestId =
            String(upstreamRes.headers['x-amz-request-id'] ?? '') ||
            randomBytes(8).toString('hex').toUpperCase();
          emitting = true;
          emit(creation, req, requestId)
            .catch((error: Error) => options.onError?.(error))
            .finally(settle);
        });
        upstreamRes.on('error', settle);
      },
    );
    upstream.on('error', (error) => {
      settle();
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`local-stack proxy: S3 emulator unreachable (${error.message})\n`);
      } else res.destroy(error);
    });
    req.on('aborted', () => upstream.destroy());
    // A client that hangs up early gets no event; one that got its answer waits for the HEAD.
    res.on('close', () => {
      if (!emitting) settle();
    });
    req.pipe(upstream);
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port) : error),
    );
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    pending: () => inFlight,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
