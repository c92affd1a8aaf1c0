import {
  type ClientRequest,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { LocalStackError } from '../errors';
import { chooseFault, cutPoint, FAULT_KINDS, type FaultKind, type FaultQuestion } from './faults';
import { s3ErrorBody } from './s3ErrorBody';
import { s3Operation, type OperationName, type S3Operation } from './s3Operation';

/** Bytes of a response kept to read an UploadId or spot an `<Error>` sent with status 200. */
const SNIFF_BYTES = 16 * 1024;

export interface ChaosProxyOptions {
  /** One listener per pipeline, so every request is known by the function that sent it. */
  pipelines: string[];
  seed: number;
  /** Each fault kind fires at this fraction of the requests it applies to (faults.ts). */
  rate: number;
  /** The longest a slow response is held when the function has not hung up first. */
  stallLimitMs: number;
}

/** A write S3 accepted (2xx), whether or not its answer reached the function. */
export interface WriteRecord {
  pipeline: string;
  operation: OperationName;
  bucket: string;
  key: string;
  /** Its `x-amz-meta-*` (a completion's are those its CreateMultipartUpload carried). */
  metadata: Record<string, string>;
  /** `amz-sdk-invocation-id`: one per SDK call, the same for all of its retries. */
  call: string;
  time: number;
}

/** One fault injected, for `<data-dir>/chaos/faults.jsonl`: which request got which fault. */
export interface FaultRecord {
  time: number;
  pipeline: string;
  kind: FaultKind;
  operation: OperationName;
  bucket: string;
  key: string;
  /** The request's name in the draw (faults.ts), and how many came before it. */
  identity: string;
  occurrence: number;
}

export interface ChaosStats {
  requests: Record<string, number>;
  injected: FaultRecord[];
  /** Pipeline -> kind -> count. */
  faults: Record<string, Record<FaultKind, number>>;
  writes: WriteRecord[];
  /** DeleteObject calls answered 412 because `If-Match` named another ETag (see below). */
  refusedDeletes: number;
}

export interface ChaosProxy {
  endpointFor(pipeline: string): string;
  /** Where every request goes on to: the stack's endpoint, known once the stack has started. */
  setUpstream(endpoint: string): void;
  stats(): ChaosStats;
  stop(): Promise<void>;
}

interface Upload {
  ordinal: number;
  metadata: Record<string, string>;
}

function metadataOf(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-meta-') && value !== undefined)
      metadata[name.slice('x-amz-meta-'.length)] = String(value);
  }
  return metadata;
}

/** The request's body on to S3 (a body-less request that was already read just ends). */
function send(req: IncomingMessage, out: ClientRequest): void {
  if (req.readableEnded) out.end();
  else req.pipe(out);
}

/** Reads the request body to its end (so the client sees our answer, not a broken pipe). */
function drained(req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.on('close', resolve);
    req.resume();
  });
}

/**
 * The fault-injecting S3 endpoint between the functions and the local stack: every request is
 * forwarded to the stack's endpoint (so the functions' outputs still raise events), unless the
 * fault chosen for it (faults.ts) says otherwise. Listens on 127.0.0.1 only.
 *
 * It also does one thing S3 does and the emulator does not: a DeleteObject with `If-Match` is
 * refused with 412 when the object's ETag differs (S3's conditional delete). compress relies on
 * it for the last step of its delete; without it an overwrite racing that step would be lost to
 * the emulator's gap, not to the code under test.
 */
export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  let upstream: URL | undefined;
  const seen = new Map<string, number>();
  const uploads = new Map<string, Upload>();
  const creates = new Map<string, number>();
  const stats: ChaosStats = {
    requests: {},
    injected: [],
    faults: {},
    writes: [],
    refusedDeletes: 0,
  };
  for (const pipeline of options.pipelines) {
    stats.requests[pipeline] = 0;
    stats.faults[pipeline] = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<
      FaultKind,
      number
    >;
  }

  const forward = (req: IncomingMessage, onResponse: (up: IncomingMessage) => void) => {
    const target = upstream!;
    const out = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      onResponse,
    );
    return out;
  };

  const recordWrite = (pipeline: string, op: S3Operation, req: IncomingMessage) => {
    const metadata =
      op.name === 'CompleteMultipartUpload'
        ? (uploads.get(op.uploadId ?? '')?.metadata ?? {})
        : metadataOf(req.headers);
    stats.writes.push({
      pipeline,
      operation: op.name,
      bucket: op.bucket,
      key: op.key,
      metadata,
      call: String(req.headers['amz-sdk-invocation-id'] ?? ''),
      time: Date.now(),
    });
  };

  /** What a forwarded response tells us: a write that happened, a new upload's id. */
  const observe = (
    pipeline: string,
    op: S3Operation,
    req: IncomingMessage,
    up: IncomingMessage,
    body: string,
  ) => {
    const status = up.statusCode ?? 0;
    if (status < 200 || status > 299 || body.includes('<Error>')) return;
    if (op.name === 'CreateMultipartUpload') {
      const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
      const object = `${pipeline}|${op.bucket}/${op.key}`;
      const ordinal = creates.get(object) ?? 0;
      creates.set(object, ordinal + 1);
      if (id) uploads.set(id, { ordinal, metadata: metadataOf(req.headers) });
    }
    if (op.writes) recordWrite(pipeline, op, req);
  };

  const sniffer = (up: IncomingMessage) => {
    let body = '';
    up.on('data', (chunk: Buffer) => {
      if (body.length < SNIFF_BYTES) body += chunk.toString('utf8');
    });
    return () => body;
  };

  /** Forwards the request and relays the answer unchanged. */
  const pass = (pipeline: string, op: S3Operation, req: IncomingMessage, res: ServerResponse) => {
    let answered = false;
    const out = forward(req, (up) => {
      res.writeHead(up.statusCode ?? 502, up.rawHeaders);
      const body = sniffer(up);
      up.pipe(res);
      up.on('end', () => {
        answered = true;
        observe(pipeline, op, req, up, body());
      });
      up.on('error', () => res.destroy());
    });
    out.on('error', () => res.destroy());
    // A function that hangs up (a timeout ended it) takes its request to S3 down with it.
    res.on('close', () => {
      if (!answered) out.destroy();
    });
    send(req, out);
  };

  const answer = async (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    code: string,
    resource: string,
  ) => {
    await drained(req);
    const body = req.method === 'HEAD' ? '' : s3ErrorBody(code, resource);
    res.writeHead(status, {
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  };

  /** S3's conditional delete, which the emulator lacks (see above). */
  const conditionalDelete = (
    pipeline: string,
    op: S3Operation,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const wanted = String(req.headers['if-match']).replace(/"/g, '');
    const target = upstream!;
    const head = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: 'HEAD',
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        up.resume();
        const etag = String(up.headers.etag ?? '').replace(/"/g, '');
        if (up.statusCode === 200 && etag !== wanted) {
          stats.refusedDeletes += 1;
          void answer(req, res, 412, 'PreconditionFailed', `/${op.bucket}/${op.key}`);
        } else pass(pipeline, op, req, res);
      },
    );
    head.on('error', () => res.destroy());
    head.end();
  };

  const inject = (
    fault: FaultKind,
    question: FaultQuestion,
    pipeline: string,
    op: S3Operation,
    req: IncomingMessage,
    res: ServerResponse,
  ) => {
    const resource = `/${op.bucket}/${op.key}`;
    switch (fault) {
      case 'internal-error':
      case 'upload-part-failed':
        return void answer(req, res, 500, 'InternalError', resource);
      case 'slow-down':
        return void answer(req, res, 503, 'SlowDown', resource);
      case 'complete-failed':
        // S3 may answer a CompleteMultipartUpload 200 and put the error in the body.
        return void answer(req, res, 200, 'InternalError', resource);
      case 'reset-before-response': {
        if (op.name === 'CompleteMultipartUpload') {
          // Never forwarded: the emulator refuses a retried completion (NoSuchUpload) where S3
          // answers it, so a completion that happened but lost its answer is not ours to show.
          void drained(req).then(() => res.socket?.destroy());
          return;
        }
        // The request reaches S3 and takes effect; only its answer is lost.
        const out = forward(req, (up) => {
          const body = sniffer(up);
          up.on('end', () => {
            observe(pipeline, op, req, up, body());
            res.socket?.destroy();
          });
          if (req.method === 'GET') {
            up.destroy();
            res.socket?.destroy();
          } else up.resume();
        });
        out.on('error', () => res.socket?.destroy());
        send(req, out);
        return;
      }
      case 'reset-mid-body': {
        const out = forward(req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.rawHeaders);
          const length = Number(up.headers['content-length'] ?? 2);
          const cut = cutPoint(question, length);
          let sent = 0;
          const stop = () => {
            up.destroy();
            res.socket?.destroy();
          };
          if (cut === 0) {
            res.flushHeaders();
            setImmediate(stop);
            return;
          }
          up.on('data', (chunk: Buffer) => {
            const piece = chunk.subarray(0, cut - sent);
            sent += piece.length;
            res.write(piece);
            if (sent >= cut) stop();
          });
        });
        out.on('error', () => res.socket?.destroy());
        send(req, out);
        return;
      }
      case 'slow-past-timeout': {
        // The headers, then nothing: the function waits until its timeout ends it. The loop is
        // bounded by stallLimitMs in case nothing ever hangs up.
        const out = forward(req, (up) => {
          res.writeHead(up.statusCode ?? 502, up.rawHeaders);
          res.flushHeaders();
          up.pause();
          const timer = setTimeout(() => {
            up.destroy();
            res.socket?.destroy();
          }, options.stallLimitMs);
          res.on('close', () => {
            clearTimeout(timer);
            up.destroy();
          });
        });
        out.on('error', () => res.socket?.destroy());
        send(req, out);
        return;
      }
    }
  };

  const handle = (pipeline: string, req: IncomingMessage, res: ServerResponse) => {
    const op = s3Operation(req.method ?? 'GET', req.url ?? '/', req.headers);
    const object = `${op.bucket}/${op.key}`;
    const multipart = op.uploadId !== undefined;
    const upload = multipart ? `upload ${uploads.get(op.uploadId!)?.ordinal ?? '?'}` : '';
    const identity = multipart
      ? `${pipeline}|${op.name}|${object}|${upload}|part ${op.partNumber ?? '-'}`
      : `${pipeline}|${op.name}|${object}|${req.headers.range ?? ''}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    const question: FaultQuestion = {
      seed: options.seed,
      rate: options.rate,
      operation: op.name,
      identity,
      occurrence,
      ...(multipart ? { stickyIdentity: identity } : {}),
    };
    stats.requests[pipeline] = (stats.requests[pipeline] ?? 0) + 1;
    const fault = chooseFault(question);
    if (fault) {
      stats.faults[pipeline]![fault] += 1;
      stats.injected.push({
        time: Date.now(),
        pipeline,
        kind: fault,
        operation: op.name,
        bucket: op.bucket,
        key: op.key,
        identity,
        occurrence,
      });
      inject(fault, question, pipeline, op, req, res);
    } else if (op.name === 'DeleteObject' && req.headers['if-match'] !== undefined) {
      conditionalDelete(pipeline, op, req, res);
    } else pass(pipeline, op, req, res);
  };

  const servers = new Map<string, { server: Server; endpoint: string }>();
  try {
    for (const pipeline of options.pipelines) {
      const server = createServer((req, res) => handle(pipeline, req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      servers.set(pipeline, { server, endpoint: `http://127.0.0.1:${port}` });
    }
  } catch (error) {
    for (const { server } of servers.values()) server.close();
    throw error;
  }

  return {
    endpointFor(pipeline) {
      const entry = servers.get(pipeline);
      if (!entry) throw new LocalStackError(`chaos proxy: no listener for pipeline ${pipeline}`);
      return entry.endpoint;
    },
    setUpstream(endpoint) {
      upstream = new URL(endpoint);
    },
    stats: () => stats,
    async stop() {
      await Promise.all(
        [...servers.values()].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      );
    },
  };
}
