import { PermanentError, TransientError } from '@s3-pipelines/s3-stream';

/**
 * An object that would not be compressed before the invocation times out, at the rate the
 * function counts on (MIN_MB_PER_SECOND_PER_VCPU × its vCPUs). Permanent: every retry would run
 * into the same timeout, so it is refused before a byte is compressed, and the original stays.
 */
export class WouldTimeOutError extends PermanentError {
  constructor(key: string, size: number, bytesPerSecond: number, remainingMs: number) {
    const rate = bytesPerSecond / 1e6;
    super(
      `${key} is ${size} bytes: at ${Number(rate.toPrecision(3))} MB/s it needs ` +
        `${Math.ceil(size / bytesPerSecond)} s, but the invocation times out in ` +
        `${Math.floor(remainingMs / 1000)} s (raise the memory or the timeout, or lower MIN_MB_PER_SECOND_PER_VCPU)`,
    );
    this.name = 'WouldTimeOutError';
  }
}

/** The source gave a different number of bytes than its size said: a later read may not. */
export class SourceSizeError extends TransientError {
  constructor(read: number, expected: number) {
    super(`source gave ${read} bytes, not the ${expected} its size announced`);
    this.name = 'SourceSizeError';
  }
}

/** A deflate worker thread failed or exited (out of memory, killed): worth another attempt. */
export class CompressWorkerError extends TransientError {
  constructor(message: string) {
    super(`deflate worker: ${message}`);
    this.name = 'CompressWorkerError';
  }
}
