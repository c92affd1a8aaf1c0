import { join } from 'node:path';
import type { Route } from '../../routing';
import { renditionsOf } from '../outputKeys';
import { runTool } from '../tools';
import type { WrittenVersion } from '../types';
import { download, scratch, textOf, type CheckContext, type Verdict } from './context';

/** The function's documented defaults (docs/image-resize.md), unless the pipeline sets them. */
const DEFAULT_WIDTHS = '320,640,1280';
const DEFAULT_FORMATS = 'webp,avif,jpeg';

/** What ImageMagick calls each format (6.9 names AVIF after its HEIF container). */
const MAGICK_NAMES: Record<string, string[]> = {
  webp: ['WEBP'],
  avif: ['AVIF', 'HEIC'],
  jpeg: ['JPEG'],
  png: ['PNG'],
};

interface Manifest {
  source?: { eTag?: string };
  renditions?: { key: string; format: string; width: number; height: number }[];
}

interface ErrorMarker {
  eTag?: string;
  error?: string;
  errorType?: string;
}

function expectedCount(route: Route, context: CheckContext): number {
  const settings = context.vars.pipelines[route.pipeline]!.settings;
  const count = (value: string) => value.split(',').filter((v) => v.trim()).length;
  return count(settings.WIDTHS ?? DEFAULT_WIDTHS) * count(settings.FORMATS ?? DEFAULT_FORMATS);
}

/**
 * image-resize's set: the manifest (written last) for the expected version, every rendition it
 * lists judged by ImageMagick's `identify` (format, width, height), and as many as the pipeline
 * is configured to make. A bad image has an error marker instead, naming its version and why.
 */
export async function checkRenditions(
  context: CheckContext,
  route: Route,
  key: string,
  expected: WrittenVersion | undefined,
): Promise<Verdict> {
  const places = renditionsOf(route, context.vars, key);
  const manifestText = await textOf(context, places.bucket, places.manifest);
  if (manifestText === undefined) {
    const markerText = await textOf(context, places.bucket, places.errorMarker);
    if (markerText === undefined) return { state: 'absent' };
    const marker = JSON.parse(markerText) as ErrorMarker;
    if (expected && marker.eTag !== expected.eTag)
      return { state: 'stale', detail: `error marker for ETag ${marker.eTag}` };
    return { state: 'rejected', detail: `${marker.errorType}: ${marker.error}` };
  }
  const manifest = JSON.parse(manifestText) as Manifest;
  if (expected && manifest.source?.eTag !== expected.eTag)
    return { state: 'stale', detail: `manifest of ETag ${manifest.source?.eTag}` };
  const renditions = manifest.renditions ?? [];
  const wanted = expectedCount(route, context);
  if (renditions.length !== wanted)
    return { state: 'bad', detail: `${renditions.length} renditions listed, ${wanted} configured` };
  const dir = scratch(context);
  for (const [i, rendition] of renditions.entries()) {
    const file = join(dir, `${i}.${rendition.format}`);
    if (!(await download(context, places.bucket, rendition.key, file)))
      return { state: 'bad', detail: `${rendition.key} is listed but missing` };
    const seen = await runTool('identify', ['-format', '%m %w %h\\n', file]);
    const [format, width, height] = seen.stdout.split('\n')[0]!.trim().split(' ');
    const names = MAGICK_NAMES[rendition.format] ?? [rendition.format.toUpperCase()];
    if (
      seen.status !== 0 ||
      !names.includes(format ?? '') ||
      Number(width) !== rendition.width ||
      Number(height) !== rendition.height
    ) {
      return {
        state: 'bad',
        detail: `${rendition.key}: identify says "${seen.stdout.trim() || seen.stderr.trim()}", manifest ${rendition.format} ${rendition.width}x${rendition.height}`,
      };
    }
  }
  return { state: 'ok', detail: `${renditions.length} renditions` };
}
