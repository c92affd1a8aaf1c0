import { createHash } from 'node:crypto';
import { crc32 as crc32Of } from 'node:zlib';
import { vcpus } from '../vcpus';
import { HashThread } from './hashThread';
import type { Digests, InputHasher } from './types';

/**
 * Below this size an input is hashed on the calling thread: starting a hash thread takes about
 * 45 ms on a busy 2-core machine (measured), what MD5 does to some 25 MB, so a thread pays off
 * only for inputs well past that. It also needs a second vCPU to run on: below 3,538 MB of
 * Lambda memory there is less than that, and a thread would only add its copies.
 */
export const HASH_THREAD_MIN_BYTES = 64 * 1024 * 1024;

export interface InputHasherOptions {
  /** node:crypto algorithm names, e.g. `md5`, `sha256`. */
  algorithms: readonly string[];
  /** Also keep the CRC-32 (zip and gzip need it). */
  crc32?: boolean;
  /** The input's size, when known: a large one is hashed on a thread of its own. */
  size?: number;
  /** Stops a hash thread; an update or digest still waiting fails. */
  signal?: AbortSignal;
  /** The vCPUs to count on; default the function's (see vcpus). */
  cpus?: number;
}

/** Hashes on the calling thread. */
class HashHere implements InputHasher {
  private readonly hashes;
  private crc = 0;

  constructor(
    algorithms: readonly string[],
    private readonly withCrc: boolean,
  ) {
    this.hashes = algorithms.map((name) => [name, createHash(name)] as const);
  }

  update(data: Uint8Array): void {
    for (const [, hash] of this.hashes) hash.update(data);
    if (this.withCrc) this.crc = crc32Of(data, this.crc);
  }

  async digest(): Promise<Digests> {
    const hex = Object.fromEntries(this.hashes.map(([name, hash]) => [name, hash.digest('hex')]));
    return { hex, crc: this.crc };
  }

  close(): void {}
}

/**
 * The one way the functions hash an input they stream: on its own thread when the input is
 * large (see HashThread), here otherwise. Either way the caller awaits each `update` before it
 * reads more, which is the thread's back-pressure.
 */
export function inputHasher({
  algorithms,
  crc32 = false,
  size,
  signal,
  cpus = vcpus(),
}: InputHasherOptions): InputHasher {
  return size !== undefined && size >= HASH_THREAD_MIN_BYTES && cpus >= 2
    ? new HashThread({ algorithms, crc32, signal })
    : new HashHere(algorithms, crc32);
}
