/**
 * Every failure is either permanent (retrying cannot help: bad input, bad config, access denied) or
 * transient (throttling, 5xx, resets, timeouts: retrying can). Handlers decide what to retry from
 * `retryable` alone, never from message text.
 */
export class PipelineError extends Error {
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipelineError';
    this.retryable = retryable;
  }
}

/** Bad input or configuration: retrying the same event gives the same answer. */
export class PermanentError extends PipelineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, false, options);
    this.name = 'PermanentError';
  }
}

/** A failure that a later attempt may not see: throttling, 5xx, network resets, timeouts. */
export class TransientError extends PipelineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, true, options);
    this.name = 'TransientError';
  }
}

/** The handler received an event it does not know how to read. */
export class UnsupportedEventError extends PermanentError {
  constructor(received: string) {
    super(`Unsupported event: ${received}`);
    this.name = 'UnsupportedEventError';
  }
}

/** An environment variable failed validation at cold start. */
export class ConfigError extends PermanentError {
  constructor(message: string) {
    super(`Invalid configuration: ${message}`);
    this.name = 'ConfigError';
  }
}

/**
 * The announced version no longer exists or was replaced (404 or 412). Not a failure: the object
 * the event described is gone, and a newer object has its own event.
 */
export class ObjectGoneError extends PermanentError {
  readonly status: number;

  constructor(key: string, status: number) {
    super(`${key} was ${status === 412 ? 'replaced' : 'deleted'} before it could be read`);
    this.name = 'ObjectGoneError';
    this.status = status;
  }
}

/** The body stream broke more often than the resume budget allows. */
export class ReadInterruptedError extends TransientError {
  constructor(key: string, bytesRead: number, attempts: number, cause: unknown) {
    super(`Reading ${key} failed at byte ${bytesRead} after ${attempts} attempts`, { cause });
    this.name = 'ReadInterruptedError';
  }
}

/** A hash thread failed or exited (out of memory, killed): worth another attempt. */
export class HashThreadError extends TransientError {
  constructor(message: string) {
    super(`hash thread: ${message}`);
    this.name = 'HashThreadError';
  }
}

/** An input is larger than the function is configured to accept. */
export class InputTooLargeError extends PermanentError {
  constructor(key: string, size: number, limit: number) {
    super(`${key} is ${size} bytes, over the limit of ${limit} bytes`);
    this.name = 'InputTooLargeError';
  }
}

/**
 * An object that would not be finished before the invocation times out, at the rate the
 * function counts on. Permanent: every retry would run into the same timeout, so it is refused
 * before the work starts, and the object stays where it is.
 */
export class WouldTimeOutError extends PermanentError {
  constructor(
    key: string,
    size: number,
    bytesPerSecond: number,
    remainingMs: number,
    hint: string,
  ) {
    const rate = bytesPerSecond / 1e6;
    super(
      `${key} is ${size} bytes: at ${Number(rate.toPrecision(3))} MB/s it needs ` +
        `${Math.ceil(size / bytesPerSecond)} s, but the invocation times out in ` +
        `${Math.floor(remainingMs / 1000)} s (${hint})`,
    );
    this.name = 'WouldTimeOutError';
  }
}

const PERMANENT_S3_ERRORS = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'InvalidBucketName',
  'InvalidObjectState',
  'InvalidRequest',
  'KMS.DisabledException',
  'KMS.NotFoundException',
  'NoSuchBucket',
  'SignatureDoesNotMatch',
]);

interface AwsErrorShape {
  name?: string;
  $fault?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** HTTP status of an SDK error, if it has one. */
export function httpStatus(error: unknown): number | undefined {
  return (error as AwsErrorShape | undefined)?.$metadata?.httpStatusCode;
}

/**
 * Classifies any thrown value. Our own errors keep their class; SDK errors are permanent when S3
 * said the request itself is wrong (4xx other than throttling and timeouts), transient otherwise,
 * which includes every network error that never got an HTTP answer.
 */
export function toPipelineError(error: unknown, context: string): PipelineError {
  if (error instanceof PipelineError) return error;
  const aws = (error ?? {}) as AwsErrorShape;
  const name = aws.name ?? 'Error';
  const status = httpStatus(error);
  const detail = `${context}: ${name}${error instanceof Error && error.message ? `: ${error.message}` : ''}`;
  const throttled =
    status === 429 || status === 503 || /Throttl|SlowDown|RequestTimeout/.test(name);
  const permanent =
    !throttled &&
    (PERMANENT_S3_ERRORS.has(name) || (status !== undefined && status >= 400 && status < 500));
  return permanent
    ? new PermanentError(detail, { cause: error })
    : new TransientError(detail, { cause: error });
}
