import type { z } from 'zod';
import { PermanentError, UnsupportedEventError } from '../errors';
import { bareETag } from '../object/etag';
import type { ObjectRef } from '../types';
import {
  BatchEventV1Schema,
  BatchEventV2Schema,
  EventBridgeObjectCreatedSchema,
  S3NotificationSchema,
  S3TestEventSchema,
  SqsEventSchema,
  type BatchEvent,
  type EventBridgeObjectCreated,
  type S3NotificationRecord,
} from './schemas';

/**
 * One unit of retry: an SQS message, a Batch task, or the whole invocation for direct events.
 * `refs` is empty when the item carries nothing to do (`ignored` says why) or could not be read
 * (`error`, always permanent: the same bytes will never parse).
 */
export interface WorkItem {
  id: string;
  refs: ObjectRef[];
  ignored?: string;
  error?: PermanentError;
}

export type EventSource = 's3' | 'sqs' | 'eventbridge' | 'batch' | 'test';

export interface ParsedEvent {
  source: EventSource;
  items: WorkItem[];
  /** Present for S3 Batch Operations, whose answer must echo these. */
  batch?: { invocationSchemaVersion: BatchEvent['invocationSchemaVersion']; invocationId: string };
}

/**
 * S3 URL-encodes keys in notifications the way HTML forms do: `+` is a space and `%XX` are UTF-8
 * bytes. Decoding them any other way turns `a+b.txt` into a key that does not exist.
 */
export function decodeS3Key(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new PermanentError(`Object key is not valid URL encoding: ${JSON.stringify(raw)}`);
  }
}

function fromS3Record(record: S3NotificationRecord): ObjectRef | undefined {
  if (!record.eventName.startsWith('ObjectCreated:')) return undefined;
  const { bucket, object } = record.s3;
  return {
    bucket: bucket.name,
    key: decodeS3Key(object.key),
    size: object.size,
    eTag: bareETag(object.eTag),
    versionId: object.versionId || undefined,
    sequencer: object.sequencer,
  };
}

/**
 * EventBridge carries the key as stored, not URL-encoded: real events show raw characters (such
 * as `:`) that a notification would have encoded. Decoding it would turn `+` into a space.
 */
function fromEventBridge(event: EventBridgeObjectCreated): ObjectRef {
  const { bucket, object } = event.detail;
  return {
    bucket: bucket.name,
    key: object.key,
    size: object.size,
    eTag: bareETag(object.etag),
    versionId: object['version-id'] || undefined,
    sequencer: object.sequencer,
  };
}

function fromBatch(event: BatchEvent): WorkItem[] {
  return event.tasks.map((task) => {
    const bucket = 's3Bucket' in task ? task.s3Bucket : task.s3BucketArn.split(':::')[1];
    if (!bucket) {
      return { id: task.taskId, refs: [], error: new PermanentError(`Bad bucket ARN in task`) };
    }
    try {
      const key = decodeS3Key(task.s3Key);
      return { id: task.taskId, refs: [{ bucket, key, versionId: task.s3VersionId || undefined }] };
    } catch (error) {
      // One bad key fails its own task, not the whole Batch invocation.
      return { id: task.taskId, refs: [], error: error as PermanentError };
    }
  });
}

/** A short, safe description of an unrecognised payload for the error message. */
function describePayload(value: unknown): string {
  if (value === null || typeof value !== 'object') return `${typeof value} ${String(value)}`;
  const keys = Object.keys(value).slice(0, 8);
  const first = (value as { Records?: unknown[] }).Records?.[0] as
    Record<string, unknown> | undefined;
  const source = first?.eventSource ?? first?.EventSource ?? (value as { source?: unknown }).source;
  return `object with keys [${keys.join(', ')}]${source ? ` and source ${String(source)}` : ''}`;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const result = schema.safeParse(value);
  return result.success ? result.data : undefined;
}

/** Reads one message body that may wrap an S3 notification or an EventBridge event. */
function parseWrapped(id: string, body: string): WorkItem {
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { id, refs: [], error: new UnsupportedEventError(`message ${id} body is not JSON`) };
  }
  try {
    if (parse(S3TestEventSchema, payload)) return { id, refs: [], ignored: 's3:TestEvent' };
    const notification = parse(S3NotificationSchema, payload);
    if (notification) {
      const refs = notification.Records.map(fromS3Record).filter((r) => r !== undefined);
      return refs.length ? { id, refs } : { id, refs: [], ignored: 'not an ObjectCreated event' };
    }
    const bridge = parse(EventBridgeObjectCreatedSchema, payload);
    if (bridge) return { id, refs: [fromEventBridge(bridge)] };
    return {
      id,
      refs: [],
      error: new UnsupportedEventError(`message ${id} holds ${describePayload(payload)}`),
    };
  } catch (error) {
    return { id, refs: [], error: error as PermanentError };
  }
}

/**
 * Turns any supported event into the objects to process. Throws UnsupportedEventError for shapes
 * it does not know; per-message problems inside an SQS batch are returned on their item instead,
 * so one bad message cannot make the good ones retry.
 */
export function parseEvent(event: unknown): ParsedEvent {
  if (parse(S3TestEventSchema, event)) return { source: 'test', items: [] };

  const notification = parse(S3NotificationSchema, event);
  if (notification) {
    const refs = notification.Records.map(fromS3Record).filter((r) => r !== undefined);
    const item: WorkItem = refs.length
      ? { id: 'invocation', refs }
      : { id: 'invocation', refs: [], ignored: 'not an ObjectCreated event' };
    return { source: 's3', items: [item] };
  }

  const sqs = parse(SqsEventSchema, event);
  if (sqs) {
    return { source: 'sqs', items: sqs.Records.map((r) => parseWrapped(r.messageId, r.body)) };
  }

  const bridge = parse(EventBridgeObjectCreatedSchema, event);
  if (bridge)
    return {
      source: 'eventbridge',
      items: [{ id: 'invocation', refs: [fromEventBridge(bridge)] }],
    };

  const batch = parse(BatchEventV1Schema, event) ?? parse(BatchEventV2Schema, event);
  if (batch) {
    return {
      source: 'batch',
      items: fromBatch(batch),
      batch: {
        invocationSchemaVersion: batch.invocationSchemaVersion,
        invocationId: batch.invocationId,
      },
    };
  }

  throw new UnsupportedEventError(describePayload(event));
}
