import { Transform } from 'node:stream';

/** Passes chunks through unchanged, telling `observe` about each one. */
export function meter(observe: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      observe(chunk);
      done(null, chunk);
    },
  });
}

/**
 * Like meter, but passes the bytes on in chunks of at least `size` (the last may be shorter).
 * Each chunk written to a zlib stream costs a round trip between zlib's thread and the main
 * thread; sockets deliver 16-64 KiB at a time, so coalescing cuts those round trips. It holds
 * less than `size` bytes itself, and backpressure works as for any Transform.
 */
export function coalescingMeter(size: number, observe: (chunk: Buffer) => void): Transform {
  let held: Buffer[] = [];
  let heldBytes = 0;
  const release = (): Buffer => {
    const chunk = held.length === 1 ? held[0]! : Buffer.concat(held, heldBytes);
    held = [];
    heldBytes = 0;
    return chunk;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      observe(chunk);
      held.push(chunk);
      heldBytes += chunk.length;
      done(null, heldBytes >= size ? release() : undefined);
    },
    flush(done) {
      done(null, heldBytes > 0 ? release() : undefined);
    },
  });
}
