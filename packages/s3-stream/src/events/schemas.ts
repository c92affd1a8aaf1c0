import { z } from 'zod';

/**
 * zod schemas for every event shape the functions accept. They check only the fields we use and
 * pass the rest through, so a new field from AWS never breaks parsing.
 */

export const S3NotificationRecordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string(),
      size: z.number().int().nonnegative().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

export const S3NotificationSchema = z.object({
  Records: z.array(S3NotificationRecordSchema).min(1),
});

/** Sent once by S3 when a notification configuration is saved; carries no object. */
export const S3TestEventSchema = z.object({
  Event: z.literal('s3:TestEvent'),
  Bucket: z.string().optional(),
});

export const EventBridgeObjectCreatedSchema = z.object({
  source: z.literal('aws.s3'),
  'detail-type': z.literal('Object Created'),
  detail: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: z.object({
      key: z.string(),
      size: z.number().int().nonnegative().optional(),
      etag: z.string().optional(),
      'version-id': z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

export const SqsRecordSchema = z.object({
  eventSource: z.literal('aws:sqs'),
  messageId: z.string(),
  body: z.string(),
});

export const SqsEventSchema = z.object({
  Records: z.array(SqsRecordSchema).min(1),
});

const BatchBase = z.object({
  invocationId: z.string(),
  job: z.object({ id: z.string() }).loose(),
});

export const BatchEventV1Schema = BatchBase.extend({
  invocationSchemaVersion: z.literal('1.0'),
  tasks: z
    .array(
      z.object({
        taskId: z.string(),
        s3Key: z.string(),
        s3VersionId: z.string().nullish(),
        s3BucketArn: z.string().startsWith('arn:'),
      }),
    )
    .min(1),
});

export const BatchEventV2Schema = BatchBase.extend({
  invocationSchemaVersion: z.literal('2.0'),
  tasks: z
    .array(
      z.object({
        taskId: z.string(),
        s3Key: z.string(),
        s3VersionId: z.string().nullish(),
        s3Bucket: z.string().min(1),
      }),
    )
    .min(1),
});

export type S3NotificationRecord = z.infer<typeof S3NotificationRecordSchema>;
export type EventBridgeObjectCreated = z.infer<typeof EventBridgeObjectCreatedSchema>;
export type BatchEventV1 = z.infer<typeof BatchEventV1Schema>;
export type BatchEventV2 = z.infer<typeof BatchEventV2Schema>;
export type BatchEvent = BatchEventV1 | BatchEventV2;
