import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import {
  ObjectGoneError,
  PermanentError,
  ReadInterruptedError,
  TransientError,
  httpStatus,
  toPipelineError,
} from '../errors';
import { isGone } from '../object/gone';
import { pinnedParams, type Pin } from '../object/pin';

export interface ResumeOptions {
  /** Consecutive attempts without progress before giving up. */
  maxResumes: number;
  /** First back-off delay; doubles per failed attempt. */
  backoffMs: number;
}

/** GetObject pinned to one version: VersionId when known, otherwise If-Match on the ETag. */
export function pinnedGet(s3: S3Client, pin: Pin, range?: string): Promise<GetObjectCommandOutput> {
  return s3.send(new GetObjectCommand({ ...pinnedParams(pin), Range: range }));
}

/**
 * The bytes [start, end] of one object version (end inclusive, or to the end of the object) as one
 * unbroken stream. When the body breaks or ends early it asks again with a Range from the last
 * byte received, pinned to the same version, so the consumer never sees the break.
 *
 * Chunks are pushed straight from the HTTP body with backpressure (no async iteration in between):
 * this sits on the hot path of every byte the functions read.
 */
export class RangeStream extends Readable {
  private offset: number;
  private stop: number;
  /** Set by endAtNext: the body may go on past `stop`, and what it sends there is dropped. */
  private cut = false;
  private failures = 0;
  private body?: Readable;

  /** `first` is a response already in hand for this range (the opening GET). */
  constructor(
    private readonly s3: S3Client,
    private readonly pin: Pin,
    start: number,
    private end: number | undefined,
    total: number,
    private readonly options: ResumeOptions,
    first?: GetObjectCommandOutput,
  ) {
    super();
    this.offset = start;
    this.stop = end ?? total - 1;
    if (first) this.attach(first.Body as Readable | undefined);
    else void this.reconnect();
  }

  override _read(): void {
    this.body?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach()?.destroy();
    callback(error);
  }

  /**
   * Ends this stream at the first multiple of `boundary` past the bytes it has received (so at
   * least one byte more than it has: the open response is put to use), instead of where it was
   * asked to, and returns that offset: the bytes from there on are read by other requests
   * (ParallelRangeStream fanning out). The body is released when it gets there.
   */
  endAtNext(boundary: number): number {
    const at = Math.min((Math.floor(this.offset / boundary) + 1) * boundary, this.stop + 1);
    this.stop = at - 1;
    this.end = at - 1;
    this.cut = true;
    if (this.offset > this.stop && this.body) this.finish();
    return at;
  }

  private readonly onData = (chunk: Buffer): void => {
    const past = this.cut && this.offset + chunk.length > this.stop + 1;
    const mine = past ? chunk.subarray(0, this.stop + 1 - this.offset) : chunk;
    this.offset += mine.length;
    this.failures = 0;
    if (past) {
      if (mine.length) this.push(mine);
      this.finish();
    } else if (!this.push(mine)) this.body?.pause();
  };

  /** Everything asked for was received; the body, if still open, is not needed any more. */
  private finish(): void {
    this.detach()?.destroy();
    this.push(null);
  }

  private readonly onEnd = (): void => {
    this.detach();
    if (this.offset > this.stop) this.push(null);
    else this.retry(new TransientError(`body ended at byte ${this.offset} of ${this.stop + 1}`));
  };

  private readonly onError = (error: unknown): void => {
    this.detach()?.destroy();
    this.retry(error);
  };

  /** A body closed with neither an end nor an error (a dropped socket) broke too. */
  private readonly onClose = (): void => {
    if (this.body) this.onError(new TransientError(`connection closed at byte ${this.offset}`));
  };

  private attach(body: Readable | undefined): void {
    if (!body) {
      this.onEnd();
      return;
    }
    this.body = body;
    body.on('data', this.onData);
    body.once('end', this.onEnd);
    body.once('error', this.onError);
    body.once('close', this.onClose);
  }

  private detach(): Readable | undefined {
    const body = this.body;
    this.body = undefined;
    body
      ?.off('data', this.onData)
      .off('end', this.onEnd)
      .off('error', this.onError)
      .off('close', this.onClose);
    return body;
  }

  private retry(error: unknown): void {
    if (this.destroyed) return;
    if (isGone(error)) {
      this.destroy(new ObjectGoneError(this.pin.key, httpStatus(error) ?? 0));
      return;
    }
    const classified = toPipelineError(error, `GET ${this.pin.key}`);
    if (!classified.retryable) {
      this.destroy(classified);
      return;
    }
    this.failures += 1;
    if (this.failures > this.options.maxResumes) {
      this.destroy(new ReadInterruptedError(this.pin.key, this.offset, this.failures, error));
      return;
    }
    setTimeout(() => void this.reconnect(), this.options.backoffMs * 2 ** (this.failures - 1));
  }

  private async reconnect(): Promise<void> {
    // Cut short (endAtNext) while it waited to ask again: nothing is left to ask for.
    if (this.offset > this.stop) {
      this.push(null);
      return;
    }
    try {
      const response = await pinnedGet(
        this.s3,
        this.pin,
        `bytes=${this.offset}-${this.end === undefined ? '' : this.end}`,
      );
      const body = response.Body as Readable | undefined;
      if (this.destroyed) {
        body?.destroy();
        return;
      }
      // A server that ignored our Range would replay bytes the consumer already has.
      if (!response.ContentRange?.startsWith(`bytes ${this.offset}-`)) {
        body?.destroy();
        this.destroy(
          new PermanentError(
            `GET ${this.pin.key} answered ${response.ContentRange} for byte ${this.offset}`,
          ),
        );
        return;
      }
      this.attach(body);
    } catch (error) {
      this.retry(error);
    }
  }
}
