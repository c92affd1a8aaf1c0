import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Locally everything belongs to one made-up account, as in LocalStack. */
export const ACCOUNT_ID = '000000000000';
const PRINCIPAL = 'AWS:AIDALOCALSTACKEXAMPLE';

export type CreatedEventName =
  | 'ObjectCreated:Put'
  | 'ObjectCreated:Post'
  | 'ObjectCreated:Copy'
  | 'ObjectCreated:CompleteMultipartUpload';

/** What the proxy saw being created, in S3's own terms. */
export interface CreatedObject {
  /** Real bucket name. */
  bucket: string;
  /** Decoded key, exactly as stored. */
  key: string;
  size: number;
  /** Bare ETag (no quotes). */
  eTag: string;
  eventName: CreatedEventName;
  time: Date;
  sequencer: string;
  requestId: string;
  sourceIp: string;
}

/** EventBridge names the API call instead of the event type. */
const REASONS: Record<CreatedEventName, string> = {
  'ObjectCreated:Put': 'PutObject',
  'ObjectCreated:Post': 'POST Object',
  'ObjectCreated:Copy': 'CopyObject',
  'ObjectCreated:CompleteMultipartUpload': 'CompleteMultipartUpload',
};

/**
 * Encodes a key as S3 does in notifications: form-style (space is `+`, so a literal `+` is `%2B`),
 * UTF-8 percent escapes, `/` left alone. Characters Java's URLEncoder escapes and
 * encodeURIComponent keeps (`!'()~`) are escaped too, as S3 does.
 */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * S3 sequencers order events for one key: hex strings that compare by value. Ours are the clock
 * in microseconds, forced to increase even when two events share a microsecond.
 */
export class Sequencer {
  private last = 0n;

  next(): string {
    const now = BigInt(Date.now()) * 1000n;
    this.last = now > this.last ? now : this.last + 1n;
    return this.last.toString(16).toUpperCase().padStart(18, '0');
  }
}

/** One S3 notification record, as S3 sends it (version 2.1); `configurationId` names the route. */
export function s3Record(object: CreatedObject, region: string, configurationId: string) {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: region,
    eventTime: object.time.toISOString(),
    eventName: object.eventName,
    userIdentity: { principalId: PRINCIPAL },
    requestParameters: { sourceIPAddress: object.sourceIp },
    responseElements: {
      'x-amz-request-id': object.requestId,
      'x-amz-id-2': randomBytes(48).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId,
      bucket: {
        name: object.bucket,
        ownerIdentity: { principalId: PRINCIPAL },
        arn: `arn:aws:s3:::${object.bucket}`,
      },
      object: {
        key: encodeS3Key(object.key),
        size: object.size,
        eTag: object.eTag,
        sequencer: object.sequencer,
      },
    },
  };
}

/** The direct (S3 -> Lambda) invocation payload. */
export function directEvent(object: CreatedObject, region: string, configurationId: string) {
  return { Records: [s3Record(object, region, configurationId)] };
}

/** The EventBridge "Object Created" event S3 sends to the default bus. */
export function eventBridgeEvent(object: CreatedObject, region: string) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT_ID,
    // EventBridge times have no milliseconds.
    time: object.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:s3:::${object.bucket}`],
    detail: {
      version: '0',
      bucket: { name: object.bucket },
      object: {
        // Unlike notifications, EventBridge events carry the key as stored (not URL-encoded).
        key: object.key,
        size: object.size,
        etag: object.eTag,
        sequencer: object.sequencer,
      },
      'request-id': object.requestId,
      requester: ACCOUNT_ID,
      'source-ip-address': object.sourceIp,
      reason: REASONS[object.eventName],
    },
  };
}

/** A message waiting in a pipeline's queue; `receiveCount` grows with each delivery. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  /** The decoded key, for logs. */
  key: string;
}

export function queuedMessage(object: CreatedObject, region: string): QueuedMessage {
  return {
    messageId: randomUUID(),
    body: JSON.stringify(eventBridgeEvent(object, region)),
    sentAt: Date.now(),
    receiveCount: 0,
    key: object.key,
  };
}

/** The SQS -> Lambda payload for one receive of a batch of messages. */
export function sqsEvent(messages: QueuedMessage[], region: string, queueName: string) {
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: randomBytes(64).toString('base64'),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: ACCOUNT_ID,
        ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(m.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${ACCOUNT_ID}:${queueName}`,
      awsRegion: region,
    })),
  };
}
