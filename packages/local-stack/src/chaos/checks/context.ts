import { GetObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { headIfExists } from '@s3-pipelines/s3-stream';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Tfvars } from '../../tfvars';

/** What every check needs: S3 (straight to the stack, no faults), the config, a scratch dir. */
export interface CheckContext {
  s3: S3Client;
  /** Logical -> real bucket name. */
  buckets: Record<string, string>;
  vars: Tfvars;
  /** Scratch space; each check makes its own folder in it. */
  dir: string;
}

/**
 * What a check found: the output passed the tool (`ok`), failed it (`bad`), was made from another
 * version than the one expected (`stale`), is a recorded rejection of a bad input (`rejected`),
 * or is not there (`absent`).
 */
export type Verdict =
  | { state: 'ok'; detail?: string }
  | { state: 'bad'; detail: string }
  | { state: 'stale'; detail: string }
  | { state: 'rejected'; detail: string }
  | { state: 'absent'; detail?: string };

let folders = 0;

/** A fresh folder for one check's files. */
export function scratch(context: CheckContext): string {
  const dir = join(context.dir, String((folders += 1)));
  mkdirSync(dir, { recursive: true });
  return dir;
}

function isMissing(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    status === 404 || (error as Error).name === 'NotFound' || (error as Error).name === 'NoSuchKey'
  );
}

/** HEAD of what the logical bucket's key holds now, or undefined when it holds nothing. */
export function headOf(
  context: CheckContext,
  bucket: string,
  key: string,
): Promise<HeadObjectCommandOutput | undefined> {
  return headIfExists(context.s3, context.buckets[bucket]!, key);
}

/** Saves an object to `file`; false when there is no such object. */
export async function download(
  context: CheckContext,
  bucket: string,
  key: string,
  file: string,
): Promise<boolean> {
  try {
    const object = await context.s3.send(
      new GetObjectCommand({ Bucket: context.buckets[bucket]!, Key: key }),
    );
    await pipeline(object.Body as Readable, createWriteStream(file));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export async function textOf(
  context: CheckContext,
  bucket: string,
  key: string,
): Promise<string | undefined> {
  try {
    const object = await context.s3.send(
      new GetObjectCommand({ Bucket: context.buckets[bucket]!, Key: key }),
    );
    return await object.Body!.transformToString('utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export const bareETag = (eTag: string | undefined) => (eTag ?? '').replace(/"/g, '');
