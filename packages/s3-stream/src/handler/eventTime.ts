import { z } from 'zod';

/**
 * When each work item's event says its object was created, for the event-lag metric: epoch
 * milliseconds by item id (the ids parseEvent gives: `invocation` for a direct event, the message
 * id in SQS). Batch tasks carry no time, so they have none.
 *
 * The times are read here from the raw event rather than from the parsed one because
 * events/ is the parser's alone (see tests/unit/architecture.test.ts): these schemas look at the
 * time fields only and never decide whether an event is accepted.
 */

const Notification = z.object({
  Records: z.array(z.object({ eventSource: z.literal('aws:s3'), eventTime: z.string() })).min(1),
});
const EventBridge = z.object({ source: z.literal('aws.s3'), time: z.string() });
const Sqs = z.object({
  Records: z
    .array(
      z.object({
        eventSource: z.literal('aws:sqs'),
        messageId: z.string(),
        body: z.string(),
        attributes: z.object({ SentTimestamp: z.string().optional() }).optional(),
      }),
    )
    .min(1),
});

function epoch(iso: string): number | undefined {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * An S3 notification's earliest record or an EventBridge event's `time`. The earliest record
 * is the one that has waited longest, so a notification holding several never hides a lag.
 */
function timeOf(payload: unknown): number | undefined {
  const notification = Notification.safeParse(payload);
  if (notification.success) {
    const times = notification.data.Records.map((r) => epoch(r.eventTime)).filter(
      (t) => t !== undefined,
    );
    return times.length ? Math.min(...times) : undefined;
  }
  const bridge = EventBridge.safeParse(payload);
  return bridge.success ? epoch(bridge.data.time) : undefined;
}

function bodyTime(body: string): number | undefined {
  try {
    return timeOf(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/**
 * Item id -> event time. In SQS the wrapped event's own time comes first (the object was created
 * then); the message's SentTimestamp stands in when the body names none.
 */
export function eventTimes(event: unknown): Map<string, number> {
  const times = new Map<string, number>();
  const sqs = Sqs.safeParse(event);
  if (sqs.success) {
    for (const record of sqs.data.Records) {
      const sent = Number(record.attributes?.SentTimestamp);
      const time = bodyTime(record.body) ?? (Number.isFinite(sent) && sent > 0 ? sent : undefined);
      if (time !== undefined) times.set(record.messageId, time);
    }
    return times;
  }
  const time = timeOf(event);
  if (time !== undefined) times.set('invocation', time);
  return times;
}
