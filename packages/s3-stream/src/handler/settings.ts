import { z } from 'zod';
import { parseConfig } from '../config';

/** Settings of the one handler, whatever the function: ordinary settings with defaults. */
export const HandlerSettingsSchema = z.object({
  /**
   * SQS records (and Batch tasks) of one invocation processed at once. Two suit one vCPU: one
   * record's S3 round trips overlap another's CPU work. Functions whose records each need much
   * memory or a whole CPU lower their own default.
   */
  RECORD_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /**
   * A new record is started only while this much time is left (and at least as long as the
   * slowest record of the invocation took); the rest go back to the queue unprocessed.
   */
  MIN_TIME_LEFT_MS: z.coerce.number().int().min(0).default(5_000),
});

export type HandlerSettings = z.infer<typeof HandlerSettingsSchema>;

export function handlerSettings(
  env: Record<string, string | undefined> = process.env,
): HandlerSettings {
  return parseConfig(HandlerSettingsSchema, env);
}
