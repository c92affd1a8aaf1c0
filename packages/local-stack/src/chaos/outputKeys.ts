import type { Route } from '../routing';
import type { Tfvars } from '../tfvars';

/**
 * Where each function writes for a source key, as its contract documents it (README, docs/*.md):
 * the checks look there, and judge what they find with tools that are not ours.
 */
export interface OutputPlace {
  /** Logical bucket. */
  bucket: string;
  key: string;
}

/** `a/b/cat.jpg` -> `a/b/cat`; `a/.hidden` and `no-dot` stay (docs/image-resize.md). */
export function withoutExtension(key: string): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  return dot > slash + 1 ? key.slice(0, dot) : key;
}

/** checksum: `KEY.md5` beside the object. */
export function sidecarOf(route: Route, key: string): OutputPlace {
  return { bucket: route.outputBucket, key: `${key}.md5` };
}

/** metadata: `<output_prefix>KEY.metadata.json`. */
export function recordOf(route: Route, vars: Tfvars, key: string): OutputPlace {
  const prefix = vars.pipelines[route.pipeline]!.output_prefix;
  return { bucket: route.outputBucket, key: `${prefix}${key}.metadata.json` };
}

/** compress: `<output_prefix><path under the trigger prefix>.zip` (or `.gz` for FORMAT=gzip). */
export function archiveOf(route: Route, vars: Tfvars, key: string): OutputPlace {
  const p = vars.pipelines[route.pipeline]!;
  const extension = (p.settings.FORMAT ?? 'zip').toLowerCase() === 'gzip' ? '.gz' : '.zip';
  return {
    bucket: route.outputBucket,
    key: `${p.output_prefix}${key.slice(p.prefix.length)}${extension}`,
  };
}

/** image-resize: the set's folder, its manifest (written last) and a bad image's marker. */
export function renditionsOf(route: Route, vars: Tfvars, key: string) {
  const prefix = vars.pipelines[route.pipeline]!.output_prefix;
  const folder = `${prefix}${withoutExtension(key)}/`;
  return {
    bucket: route.outputBucket,
    folder,
    manifest: `${folder}manifest.json`,
    errorMarker: `${prefix}${key}.error.json`,
  };
}
