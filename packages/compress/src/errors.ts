import { TransientError } from '@s3-pipelines/s3-stream';

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
