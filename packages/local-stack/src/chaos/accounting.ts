import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mapBounded, SOURCE_METADATA } from '@s3-pipelines/s3-stream';
import type { InvocationRecord } from '../delivery';
import { routesFor, type Route } from '../routing';
import { checkSidecar } from './checks/checksum';
import { checkArchive, checkUntouched, originalETag } from './checks/compress';
import type { CheckContext, Verdict } from './checks/context';
import { checkRenditions } from './checks/imageResize';
import { checkRecord } from './checks/metadata';
import { isCompletingWrite } from './completingWrites';
import type { WriteRecord } from './faultProxy';
import type { DeadLetter } from './ledger';
import type { UploadedObject, WrittenVersion } from './types';

/**
 * Where every (pipeline, object) of a run ended up. The definitions are docs/chaos.md's:
 *
 * - `verified`: an output made from the object's current version passed its tool.
 * - `skipped`: the pipeline must make nothing (a folder marker; an upload compress must leave
 *   alone, which is checked to be untouched); nothing was made.
 * - `rejected`: a bad input (not an image) recorded as such, with the reason, by the function.
 * - `dead-lettered`: no output, and the event is in the pipeline's dead-letter file with a reason.
 * - `gone`: the object was deleted while its event was in flight; anything made from it before
 *   was checked too.
 * - `missing` and `bad`: lost. No output and no dead letter, or an output that fails its tool.
 */
export type Fate =
  'verified' | 'skipped' | 'rejected' | 'dead-lettered' | 'gone' | 'missing' | 'bad';

export interface Expectation {
  pipeline: string;
  key: string;
  /** The planned object; undefined for an output of another pipeline (checksum's sidecars). */
  object?: UploadedObject;
  fate: Fate;
  detail?: string;
}

export interface Duplicate {
  pipeline: string;
  key: string;
  detail: string;
  /**
   * Every `processed` report of it came from one invocation: two deliveries of one version in
   * one queue batch, processed side by side (docs/chaos.md, "What the runs found").
   */
  oneInvocation: boolean;
}

export interface WrongDelete {
  pipeline: string;
  key: string;
  detail: string;
}

export interface Accounting {
  expectations: Expectation[];
  duplicates: Duplicate[];
  wronglyDeleted: WrongDelete[];
  /** Originals compress archived (verified) but left in place. */
  originalsKept: number;
  /** Twice-written objects whose two writes fell in different seconds (two states, one ETag). */
  twiceAcrossSeconds: number;
}

export interface AccountingInput {
  context: CheckContext;
  routes: Route[];
  uploaded: UploadedObject[];
  invocations: InvocationRecord[];
  deadLetters: DeadLetter[];
  writes: WriteRecord[];
  /** `<pipeline>\u0000<key>` -> request id of each `processed` report (ledger.ts). */
  processed: Map<string, string[]>;
  concurrency: number;
}

async function verdictFor(
  context: CheckContext,
  route: Route,
  key: string,
  versions: WrittenVersion[],
  expected: WrittenVersion | undefined,
  ignoreLastModified = false,
): Promise<Verdict> {
  switch (route.function) {
    case 'checksum':
      return checkSidecar(context, route, key, versions, expected);
    case 'metadata':
      return checkRecord(context, route, key, versions, { ignoreLastModified });
    case 'compress':
      return checkArchive(context, route, key, versions, expected);
    case 'image-resize':
      return checkRenditions(context, route, key, expected);
    default:
      return { state: 'bad', detail: `no check for function ${route.function}` };
  }
}

function lastLine(invocations: InvocationRecord[], pipeline: string, key: string): string {
  const line = invocations.filter((i) => i.pipeline === pipeline && i.key === key).at(-1);
  if (!line) return 'never invoked';
  return `last invocation: attempt ${line.attempt}, ${line.outcome}${line.reason ? `: ${line.reason}` : ''}`;
}

/** A reason names the error and says what it was (`<ErrorName>: message`), not just "failed". */
export function actionable(reason: string): boolean {
  return /^[\w.]+: \S/.test(reason);
}

/** The fate of an object that should have an output, from its verdict and the dead letters. */
function fateOf(
  verdict: Verdict,
  route: Route,
  key: string,
  expected: WrittenVersion,
  input: AccountingInput,
  isImage: boolean,
): { fate: Fate; detail?: string } {
  if (verdict.state === 'ok') return { fate: 'verified', detail: verdict.detail };
  if (verdict.state === 'bad') return { fate: 'bad', detail: verdict.detail };
  if (verdict.state === 'rejected') {
    return isImage
      ? { fate: 'bad', detail: `a valid image rejected: ${verdict.detail}` }
      : { fate: 'rejected', detail: verdict.detail };
  }
  const letter = input.deadLetters.find(
    (d) => d.pipeline === route.pipeline && d.key === key && (!d.eTag || d.eTag === expected.eTag),
  );
  if (letter && actionable(letter.reason)) return { fate: 'dead-lettered', detail: letter.reason };
  if (letter)
    return { fate: 'missing', detail: `dead-lettered without a usable reason: ${letter.reason}` };
  const why = verdict.detail ? `${verdict.detail}; ` : '';
  return { fate: 'missing', detail: `${why}${lastLine(input.invocations, route.pipeline, key)}` };
}

async function listKeys(context: CheckContext, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await context.s3.send(
      new ListObjectsV2Command({ Bucket: context.buckets[bucket]!, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys;
}

const sourceKeyOf = (write: WriteRecord) =>
  decodeURIComponent(write.metadata[SOURCE_METADATA.key] ?? write.key);

/** Whether every `processed` report for the key came from a single invocation. */
function oneInvocation(input: AccountingInput, pipeline: string, key: string): boolean {
  const requests = input.processed.get(`${pipeline}\u0000${key}`) ?? [];
  return requests.length > 1 && new Set(requests).size === 1;
}

/** Two or more completing writes for one source version, each from its own SDK call. */
function duplicateWrites(input: AccountingInput): Duplicate[] {
  const fnOf = new Map(input.routes.map((r) => [r.pipeline, r.function]));
  const calls = new Map<string, { write: WriteRecord; calls: Set<string> }>();
  for (const write of input.writes) {
    if (!isCompletingWrite(fnOf.get(write.pipeline) ?? '', write)) continue;
    const id = [write.pipeline, write.bucket, write.key, write.metadata[SOURCE_METADATA.eTag]].join(
      '\u0000',
    );
    const entry = calls.get(id) ?? { write, calls: new Set<string>() };
    entry.calls.add(write.call);
    calls.set(id, entry);
  }
  return [...calls.values()]
    .filter((e) => e.calls.size > 1)
    .map(({ write, calls: c }) => ({
      pipeline: write.pipeline,
      key: sourceKeyOf(write),
      detail: `${write.key} written by ${c.size} separate calls for ETag ${write.metadata[SOURCE_METADATA.eTag]}`,
      oneInvocation: oneInvocation(input, write.pipeline, sourceKeyOf(write)),
    }));
}

/**
 * More objects reported `processed` for a key than it had versions (the functions' own
 * per-object log lines; a sidecar's versions are the distinct sources checksum wrote it for).
 */
function duplicateInvocations(input: AccountingInput): Duplicate[] {
  const versions = new Map<string, number>();
  for (const object of input.uploaded)
    versions.set(object.key, new Set(object.written.map((w) => w.eTag)).size);
  const sidecarSources = new Map<string, Set<string>>();
  for (const write of input.writes) {
    if (!write.key.endsWith('.md5')) continue;
    const sources = sidecarSources.get(write.key) ?? new Set<string>();
    sources.add(write.metadata[SOURCE_METADATA.eTag] ?? '');
    sidecarSources.set(write.key, sources);
  }
  const found: Duplicate[] = [];
  for (const [id, requests] of input.processed) {
    const [pipeline, key] = id.split('\u0000') as [string, string];
    const allowed = versions.get(key) ?? sidecarSources.get(key)?.size ?? 1;
    if (requests.length > allowed)
      found.push({
        pipeline,
        key,
        detail: `processed ${requests.length} times for ${allowed} version(s)`,
        oneInvocation: oneInvocation(input, pipeline, key),
      });
  }
  return found;
}

/** Checks every output of the run and says where each object ended up. */
export async function account(input: AccountingInput): Promise<Accounting> {
  const { context, routes } = input;
  const wronglyDeleted: WrongDelete[] = [];
  let originalsKept = 0;
  let twiceAcrossSeconds = 0;

  const pairs = input.uploaded.flatMap((object) =>
    routesFor(routes, object.bucket, object.key).map((route) => ({ object, route })),
  );
  const expectations: Expectation[] = await mapBounded(
    pairs,
    input.concurrency,
    async ({ object, route }) => {
      const { key, written } = object;
      const base = { pipeline: route.pipeline, key, object };
      const final = object.deleted ? undefined : written.at(-1);
      const kind = object.versions.at(-1)!.kind;
      if (!final) {
        const verdict = await verdictFor(context, route, key, written, undefined);
        return verdict.state === 'bad'
          ? { ...base, fate: 'bad', detail: verdict.detail }
          : {
              ...base,
              fate: 'gone',
              detail: verdict.state === 'ok' ? 'processed before the delete' : undefined,
            };
      }
      if (kind === 'folder') {
        const verdict = await verdictFor(context, route, key, written, final);
        return verdict.state === 'absent'
          ? { ...base, fate: 'skipped', detail: 'folder-marker' }
          : { ...base, fate: 'bad', detail: `an output for a folder marker (${verdict.state})` };
      }
      if (route.function === 'compress' && kind === 'gzip') {
        const verdict = await checkUntouched(context, route, key, final);
        if (verdict.state === 'absent')
          wronglyDeleted.push({
            pipeline: route.pipeline,
            key,
            detail: 'already compressed, yet deleted',
          });
        return verdict.state === 'ok'
          ? { ...base, fate: 'skipped', detail: 'already-compressed' }
          : { ...base, fate: 'bad', detail: verdict.state === 'bad' ? verdict.detail : 'deleted' };
      }
      const acrossSeconds = object.scenario === 'twice' && object.sameStateTwice === false;
      if (acrossSeconds && route.function === 'metadata') twiceAcrossSeconds += 1;
      const verdict = await verdictFor(context, route, key, written, final, acrossSeconds);
      const fate = fateOf(verdict, route, key, final, input, kind === 'jpeg' || kind === 'png');
      if (route.function === 'compress') {
        const original = await originalETag(context, route, key);
        if (original === undefined && fate.fate !== 'verified')
          wronglyDeleted.push({
            pipeline: route.pipeline,
            key,
            detail: `deleted without a verified archive (${fate.fate}${fate.detail ? `: ${fate.detail}` : ''})`,
          });
        if (original === final.eTag && fate.fate === 'verified') originalsKept += 1;
      }
      return { ...base, ...fate };
    },
  );

  // Outputs that are another pipeline's inputs (metadata records checksum's sidecars): every
  // one present at the end must have been processed in turn.
  for (const producer of routes) {
    const consumers = routes.filter((r) => r.consumes.includes(producer.pipeline));
    if (consumers.length === 0 || producer.function !== 'checksum') continue;
    const sidecars = (await listKeys(context, producer.outputBucket)).filter((k) =>
      k.endsWith('.md5'),
    );
    const chained = sidecars.flatMap((key) =>
      routesFor(routes, producer.outputBucket, key)
        .filter((r) => r.consumes.includes(producer.pipeline))
        .map((route) => ({ key, route })),
    );
    expectations.push(
      ...(await mapBounded(chained, input.concurrency, async ({ key, route }) => {
        const verdict = await checkRecord(context, route, key, [], { ignoreLastModified: false });
        const eTag = (await originalETag(context, producer, key)) ?? '';
        const fate = fateOf(verdict, route, key, { eTag, file: '', size: 0 }, input, false);
        return { pipeline: route.pipeline, key, ...fate };
      })),
    );
  }

  const duplicates = [...duplicateWrites(input)];
  for (const found of duplicateInvocations(input))
    if (!duplicates.some((d) => d.pipeline === found.pipeline && d.key === found.key))
      duplicates.push(found);
  return { expectations, duplicates, wronglyDeleted, originalsKept, twiceAcrossSeconds };
}
