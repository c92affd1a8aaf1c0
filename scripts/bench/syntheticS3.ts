import { createHash } from 'node:crypto';
import { memorySource, startBenchS3 } from './lib/benchS3';

/**
 * One virtual object of any size, made of a repeated random block, served by the benchmark S3
 * endpoint, so that multi-GiB runs need neither the disk nor an emulator holding the object in
 * memory. The endpoint also takes what the checksum function writes (the sidecar PUT).
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

  const object = memorySource(block, size, eTag);
  const server = await startBenchS3({
    bucket,
    objects: { [key]: object },
    bytesPerSecond: options.bytesPerSecond,
  });
  return {
    endpoint: server.endpoint,
    bucket,
    key,
    size,
    eTag,
    md5() {
      const hash = createHash('md5');
      for (const piece of object.read(0, size - 1)) hash.update(piece);
      return hash.digest('hex');
    },
    close: () => server.close(),
  };
}
