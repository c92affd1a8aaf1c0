import type { CompressConfig } from './config';
import { FORMATS } from './constants';

/** The key relative to the trigger prefix, or undefined when the key is outside it. */
export function relativeKey(key: string, triggerPrefix: string): string | undefined {
  return key.startsWith(triggerPrefix) ? key.slice(triggerPrefix.length) : undefined;
}

/**
 * Where the archive of `key` goes: `incoming/a/b/report.csv` → `processed/a/b/report.csv.zip`.
 * Undefined when the key is not under TRIGGER_PREFIX (e.g. a Batch task for another prefix).
 */
export function archiveKey(
  key: string,
  config: Pick<CompressConfig, 'TRIGGER_PREFIX' | 'OUTPUT_PREFIX' | 'FORMAT'>,
): string | undefined {
  const relative = relativeKey(key, config.TRIGGER_PREFIX);
  if (relative === undefined || relative === '') return undefined;
  return `${config.OUTPUT_PREFIX}${relative}${FORMATS[config.FORMAT].extension}`;
}

/**
 * The name of the one zip entry: the key's basename. Zip names use `/` as the only separator and
 * readers refuse `..`, so a backslash becomes `_` and a name of `.` or `..` gets a `_` in front;
 * otherwise the name is kept byte for byte (yazl marks it UTF-8).
 */
export function entryName(key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/\\/g, '_');
  return name === '.' || name === '..' ? `_${name}` : name;
}

/** True when the key's suffix or the content type says the object is already compressed. */
export function looksCompressed(
  key: string,
  contentType: string | undefined,
  config: Pick<CompressConfig, 'COMPRESSED_SUFFIXES' | 'COMPRESSED_CONTENT_TYPES'>,
): boolean {
  const lower = key.toLowerCase();
  if (config.COMPRESSED_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return true;
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return config.COMPRESSED_CONTENT_TYPES.some((pattern) =>
    pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern,
  );
}
