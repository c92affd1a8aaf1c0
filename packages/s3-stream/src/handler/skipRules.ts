import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { bareETag } from '../object/etag';
import { headIfExists } from '../object/head';
import { madeFrom, writtenBy } from '../object/provenance';
import type { ObjectRef } from '../types';
import { isOwnOutput, type OutputPattern } from './ownOutput';
import type { ProcessContext } from './processContext';
import type { SkipReason } from './skipReasons';

export interface Trigger {
  prefix: string;
  suffix: string;
}

/** What a function writes for each source object, declared once for every skip rule. */
export interface OutputSpec {
  /** Keys that are this function's outputs: the recursion guard by key. */
  patterns: OutputPattern[];
  /**
   * The output whose presence marks `ref` done: the sidecar, record, archive or manifest.
   * Undefined when the key names nothing to write (compress: the trigger prefix itself).
   */
  locate(ref: ObjectRef): { bucket: string; key: string } | undefined;
  /** True when `head` is a finished output of `ref`. Default: its metadata names ref's version. */
  isDone?(head: HeadObjectCommandOutput, ref: ObjectRef): boolean;
  /** Work still owed once done (compress finishes a delete a dead attempt did not reach). */
  whenDone?(
    ref: ObjectRef,
    head: HeadObjectCommandOutput,
    context: ProcessContext,
  ): Promise<Record<string, unknown> | undefined>;
}

export interface SkipRuleOptions {
  processor: string;
  trigger: Trigger;
  output: OutputSpec;
  /** A function's own skip, decided from the key alone before any request. */
  skip?: (ref: ObjectRef) => SkipReason | undefined;
}

export type RuleOutcome =
  | { ref: ObjectRef; skipped?: undefined }
  | { skipped: SkipReason; output?: Record<string, unknown> };

/**
 * Own output comes before outside-trigger: when both hold, "an output of ours reached us" is the
 * finding worth a dashboard (a trigger that would loop), not the Batch-style stray key.
 */
function fromKey(ref: ObjectRef, options: SkipRuleOptions): SkipReason | undefined {
  if (ref.key.endsWith('/')) return 'folder-marker';
  if (isOwnOutput(ref, options.output.patterns)) return 'own-output';
  const { prefix, suffix } = options.trigger;
  if (!ref.key.startsWith(prefix) || !ref.key.endsWith(suffix)) return 'outside-trigger';
  return options.skip?.(ref);
}

/**
 * A Batch task on an unversioned bucket names neither a version nor an ETag. One HEAD pins it
 * to what the key holds now, so that "already done" can be decided and every later request of
 * this object reads that same version.
 */
async function pinned(ref: ObjectRef, context: ProcessContext, processor: string) {
  if (ref.versionId || ref.eTag) return { ref };
  const head = await headIfExists(context.s3, ref.bucket, ref.key);
  if (!head) return { skipped: 'gone' as const };
  if (writtenBy(head.Metadata, processor)) return { skipped: 'own-output' as const };
  return {
    ref: {
      ...ref,
      eTag: bareETag(head.ETag),
      versionId: head.VersionId ?? undefined,
      size: head.ContentLength,
    },
  };
}

/**
 * Every skip rule, in the order that costs least: the key alone (folder marker, own output,
 * outside the trigger, the function's own), then one HEAD of the output (already done for this
 * version). The last rule, an object whose metadata says this function wrote it, is applied by
 * the context's `open` and `head`, where that metadata is read anyway.
 */
export async function applySkipRules(
  ref: ObjectRef,
  options: SkipRuleOptions,
  context: ProcessContext,
): Promise<RuleOutcome> {
  const byKey = fromKey(ref, options);
  if (byKey) return { skipped: byKey };
  const pin = await pinned(ref, context, options.processor);
  if (pin.skipped) return { skipped: pin.skipped };

  const location = options.output.locate(pin.ref);
  if (!location) return { skipped: 'outside-trigger' };
  const existing = await headIfExists(context.s3, location.bucket, location.key);
  const isDone = options.output.isDone ?? ((head, r) => madeFrom(head.Metadata, r));
  if (existing && isDone(existing, pin.ref)) {
    const output = await options.output.whenDone?.(pin.ref, existing, context);
    return { skipped: 'already-done', output };
  }
  return { ref: pin.ref };
}
