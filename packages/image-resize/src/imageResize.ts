import {
  InputTooLargeError,
  isCurrent,
  sourceMetadata,
  uploadStream,
  type Logger,
  type ObjectInfo,
  type ObjectRef,
  type ProcessContext,
  type ProcessResult,
  type S3Client,
} from '@s3-pipelines/s3-stream';
import type { Readable } from 'node:stream';
import type { ImageResizeConfig } from './config';
import { OUTPUT_FORMATS, PROCESSOR } from './constants';
import { ImageError } from './errors';
import { errorMarkerKey, manifestKey, renditionKey } from './keys';
import { decodeOnce, inspectImage, renderAll } from './render';
import type { ErrorMarker, Manifest, Rendition } from './types';

/**
 * The encoded image, whole: decoders need all of it. Bounded by MAX_INPUT_BYTES (openObject
 * refuses a larger object before reading; this guards a body longer than announced).
 */
async function readBounded(body: Readable, key: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new InputTooLargeError(key, total, maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** Failures worth a marker: the object itself is bad or too big, and always will be. */
function isRecorded(error: unknown): error is ImageError | InputTooLargeError {
  return error instanceof ImageError || error instanceof InputTooLargeError;
}

/**
 * Records a permanent failure as `<OUTPUT_PREFIX><key>.error.json` in the destination bucket
 * (the function may not write to the source), naming the exact version that failed.
 */
async function writeErrorMarker(
  s3: S3Client,
  source: ObjectInfo,
  error: Error,
  config: ImageResizeConfig,
): Promise<string> {
  const key = errorMarkerKey(config.OUTPUT_PREFIX, source.key);
  const marker: ErrorMarker = {
    bucket: source.bucket,
    key: source.key,
    ...(source.versionId ? { versionId: source.versionId } : {}),
    ...(source.eTag ? { eTag: source.eTag } : {}),
    error: error.message,
    errorType: error.name,
    at: new Date().toISOString(),
  };
  await uploadStream(s3, {
    bucket: config.OUTPUT_BUCKET,
    key,
    body: `${JSON.stringify(marker, null, 2)}\n`,
    contentType: 'application/json',
    metadata: sourceMetadata(source, PROCESSOR),
  });
  return key;
}

function putRendition(
  s3: S3Client,
  info: ObjectInfo,
  rendition: Rendition,
  key: string,
  config: ImageResizeConfig,
): Promise<unknown> {
  return uploadStream(s3, {
    bucket: config.OUTPUT_BUCKET,
    key,
    body: rendition.data,
    contentType: OUTPUT_FORMATS[rendition.format].contentType,
    metadata: {
      ...sourceMetadata(info, PROCESSOR),
      width: String(rendition.width),
      height: String(rendition.height),
      format: rendition.format,
    },
  });
}

async function render(
  s3: S3Client,
  info: ObjectInfo,
  data: Buffer,
  config: ImageResizeConfig,
  logger: Logger,
): Promise<ProcessResult> {
  const source = await inspectImage(info.key, data, config);
  const decoded = await decodeOnce(info.key, data, source, config);
  const manifest: Manifest = {
    source: {
      bucket: info.bucket,
      key: info.key,
      ...(info.versionId ? { versionId: info.versionId } : {}),
      eTag: info.eTag,
      format: source.format,
      width: source.width,
      height: source.height,
      pages: source.pages,
    },
    renditions: [],
  };
  try {
    if (!(await isCurrent(s3, info)))
      return { outcome: 'skipped', reason: 'superseded', bytes: data.length };
    // One upload in flight while the next rendition encodes.
    let pending: Promise<unknown> = Promise.resolve();
    for await (const rendition of renderAll(decoded, config)) {
      await pending;
      const key = renditionKey(config.OUTPUT_PREFIX, info.key, rendition.size, rendition.format);
      pending = putRendition(s3, info, rendition, key, config);
      pending.catch(() => undefined); // awaited above or below; never an unhandled rejection
      manifest.renditions.push({
        key,
        format: rendition.format,
        width: rendition.width,
        height: rendition.height,
        pages: rendition.pages,
        bytes: rendition.data.length,
        contentType: OUTPUT_FORMATS[rendition.format].contentType,
      });
    }
    await pending;
  } finally {
    await decoded.dispose();
  }

  const target = manifestKey(config.OUTPUT_PREFIX, info.key);
  await uploadStream(s3, {
    bucket: config.OUTPUT_BUCKET,
    key: target,
    body: `${JSON.stringify(manifest, null, 2)}\n`,
    contentType: 'application/json',
    metadata: sourceMetadata(info, PROCESSOR),
  });
  logger.debug('renditions written', { key: info.key, renditions: manifest.renditions.length });
  return {
    outcome: 'processed',
    bytes: data.length,
    output: {
      manifest: `s3://${config.OUTPUT_BUCKET}/${target}`,
      renditions: manifest.renditions.length,
      format: source.format,
      width: source.width,
      height: source.height,
      pages: source.pages,
    },
  };
}

/** Where the manifest of `ref` goes; its presence marks the whole set done. */
export function manifestLocation(ref: ObjectRef, config: ImageResizeConfig) {
  return { bucket: config.OUTPUT_BUCKET, key: manifestKey(config.OUTPUT_PREFIX, ref.key) };
}

/**
 * Turns one image into every configured size × format in the destination bucket, from a single
 * decode, and writes the manifest last. A bad image (not an image, corrupt, unsupported, over a
 * limit) is recorded in `<key>.error.json` and rethrown as the permanent error it is. The
 * handler has applied every skip rule before this runs.
 */
export async function resizeObject(
  ref: ObjectRef,
  config: ImageResizeConfig,
  { s3, logger, open }: ProcessContext,
): Promise<ProcessResult> {
  // Until the object is opened, the event is all we know about the version.
  let source: ObjectInfo = {
    bucket: ref.bucket,
    key: ref.key,
    size: ref.size ?? 0,
    eTag: ref.eTag ?? '',
    versionId: ref.versionId,
    metadata: {},
  };
  try {
    const { info, body } = await open(ref, { maxBytes: config.MAX_INPUT_BYTES });
    source = info;
    const data = await readBounded(body, ref.key, config.MAX_INPUT_BYTES);
    return await render(s3, info, data, config, logger);
  } catch (error) {
    if (isRecorded(error)) {
      const marker = await writeErrorMarker(s3, source, error, config);
      logger.warn('error marker written', { key: ref.key, marker, error: error.message });
    }
    throw error;
  }
}
