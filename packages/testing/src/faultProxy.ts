import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProxyOptions {
  /** Bytes of a response body after which the connection is cut; undefined passes it whole. */
  cutAfter?: (req: IncomingMessage) => number | undefined;
  /** Caps every response body at this rate, per connection (a stand-in for one S3 connection). */
  bytesPerSecond?: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Method, URL and Range header of every request seen, in order. */
  requests: { method: string; url: string; range?: string }[];
  close(): Promise<void>;
}

const SLICE = 64 * 1024;

/**
 * An HTTP proxy on 127.0.0.1 in front of the S3 emulator that can break or slow responses, so
 * tests see real resets and benchmarks see a per-connection bandwidth like S3's.
 */
export async function startFaultProxy(
  target: string,
  options: ProxyOptions = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const requests: FaultProxy['requests'] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range });
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      async (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        const cut = options.cutAfter?.(req);
        let sent = 0;
        const started = Date.now();
        try {
          for await (const chunk of up as AsyncIterable<Buffer>) {
            for (let at = 0; at < chunk.length; at += SLICE) {
              let piece = chunk.subarray(at, at + SLICE);
              if (cut !== undefined && sent + piece.length >= cut) {
                piece = piece.subarray(0, cut - sent);
                res.write(piece);
                res.socket?.destroy();
                up.destroy();
                return;
              }
              if (!res.write(piece)) await new Promise((resolve) => res.once('drain', resolve));
              sent += piece.length;
              if (options.bytesPerSecond) {
                const due = started + (sent / options.bytesPerSecond) * 1000;
                if (due > Date.now()) await sleep(due - Date.now());
              }
            }
          }
          res.end();
        } catch {
          res.socket?.destroy();
        }
      },
    );
    forward.on('error', () => res.socket?.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
