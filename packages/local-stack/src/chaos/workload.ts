import { LocalStackError } from '../errors';
import { Prng } from './random';
import type { ContentKind, PlannedObject, Scenario, Target, VersionPlan } from './types';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Where the workload sends objects for each function: a pipeline's source bucket and prefix. */
export type Targets = Partial<Record<Target, { bucket: string; prefix: string }>>;

export interface WorkloadOptions {
  seed: number;
  objects: number;
  /** The largest object; sizes above it are capped. */
  maxSize: number;
  /** Number of images made for the run (images.ts). */
  images: number;
  targets: Targets;
}

/** Share of the objects per function (checksum's also feed metadata). */
const TARGET_WEIGHTS: [Target, number][] = [
  ['checksum', 50],
  ['compress', 35],
  ['image-resize', 15],
];

const SCENARIO_WEIGHTS: [Scenario, number][] = [
  ['plain', 85],
  ['overwritten', 5],
  ['deleted', 5],
  ['twice', 5],
];

/** [min, max] bytes of each size class, and its weight: most objects are small, a few large. */
const SIZE_CLASSES: [[number, number], number][] = [
  [[0, 0], 5],
  [[1, KiB], 30],
  [[KiB + 1, 64 * KiB], 30],
  [[64 * KiB + 1, MiB], 21],
  [[MiB + 1, 8 * MiB], 11],
  // Tens of MiB: multipart on the way in (the driver) and out (compress's archive).
  [[9 * MiB, 40 * MiB], 3],
];

/** Directories and names with spaces, `+`, `%`, `&` and non-Latin text, as users name files. */
const DIRS = [
  '',
  'data/',
  'reports/2026 q1/',
  'données/été/',
  '東京/写真/',
  'a+b/',
  '100%/',
  'Ελληνικά/',
];
const NAMES = [
  'report',
  'my report',
  'a+b=c',
  '50% off',
  'naïve café',
  'русский файл',
  '東京タワー',
  'q&a',
  'file (1)',
];

/** A twice-written object must fit both writes in one second of Last-Modified. */
const TWICE_MAX_BYTES = MiB;

/**
 * A share of compress's objects are random bytes of 8-10 MiB: stored (random bytes do not
 * shrink), their archives go up in two or three parts (5 MiB by default). A failed UploadPart or
 * CompleteMultipartUpload is drawn once per part or upload, so it needs uploads to happen to: at
 * 1,000 objects this gives about 55, so each fires a few times at a 5% rate.
 */
const COMPRESS_MULTIPART = { share: 0.12, min: 8 * MiB + 1, max: 10 * MiB };

function sizeOf(random: Prng, maxSize: number): number {
  const [min, max] = random.weighted(SIZE_CLASSES);
  return Math.min(random.int(min, max), maxSize);
}

const KIND_WEIGHTS: Record<Target, [ContentKind, number][]> = {
  // Not an image, under an image's name: image-resize must reject it with a reason.
  'image-resize': [
    ['jpeg', 45],
    ['png', 25],
    ['text', 15],
    ['random', 15],
  ],
  compress: [
    ['text', 47],
    ['random', 47],
    ['gzip', 6],
  ],
  checksum: [
    ['text', 50],
    ['random', 50],
  ],
};

/** One version's bytes; `kind` is given for an overwrite, which keeps what the key names. */
function version(
  target: Target,
  random: Prng,
  options: WorkloadOptions,
  given?: ContentKind,
): VersionPlan {
  if (target === 'compress' && given === undefined && random.next() < COMPRESS_MULTIPART.share) {
    const size = random.int(COMPRESS_MULTIPART.min, COMPRESS_MULTIPART.max);
    return { kind: 'random', size: Math.min(size, options.maxSize) };
  }
  const kind = given ?? random.weighted(KIND_WEIGHTS[target]);
  const size = sizeOf(random, options.maxSize);
  if (kind === 'jpeg' || kind === 'png')
    return { kind, size: 0, image: random.int(0, options.images - 1) };
  if (target === 'image-resize') return { kind, size: Math.min(size, 64 * KiB) };
  return { kind, size: kind === 'gzip' ? Math.min(size, MiB) : size };
}

const EXTENSIONS: Record<ContentKind, string[]> = {
  text: ['.txt', '.csv', '.log'],
  random: ['.bin', '.dat'],
  jpeg: ['.jpg', '.jpeg'],
  png: ['.png'],
  gzip: ['.gz'],
  folder: ['/'],
};

const CONTENT_TYPES: Record<ContentKind, string | undefined> = {
  text: 'text/plain; charset=utf-8',
  random: 'application/octet-stream',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gzip: 'application/gzip',
  folder: undefined,
};

/**
 * The objects of a run, from the seed alone: which pipeline each is for, its key, its versions
 * and what happens to it while its event is in flight.
 */
export function planWorkload(options: WorkloadOptions): PlannedObject[] {
  const random = new Prng(options.seed, 'workload');
  const targets = TARGET_WEIGHTS.filter(([t]) => options.targets[t] !== undefined);
  if (targets.length === 0)
    throw new LocalStackError('chaos: the config routes no object to any function');
  const planned: PlannedObject[] = [];
  for (let index = 0; index < options.objects; index++) {
    const target = random.weighted(targets);
    const { bucket, prefix } = options.targets[target]!;
    const dir = random.pick(DIRS);
    // One folder marker in every hundred objects (none for images: they have no folders).
    if (index % 100 === 50 && target !== 'image-resize') {
      planned.push({
        index,
        target,
        bucket,
        key: `${prefix}${dir}folder ${index}/`,
        scenario: 'plain',
        versions: [{ kind: 'folder', size: 0 }],
      });
      continue;
    }
    const first = version(target, random, options);
    let scenario = random.weighted(SCENARIO_WEIGHTS);
    if (scenario === 'twice' && first.size > TWICE_MAX_BYTES) scenario = 'plain';
    const versions = [first];
    // An overwrite keeps the kind (the key and content type name it) and changes the bytes.
    if (scenario === 'overwritten') {
      const second = version(target, random, options, first.kind);
      // Other bytes, always: the same image again would be the same version.
      if (second.image === first.image && second.image !== undefined)
        second.image = (second.image + 1) % options.images;
      versions.push(second);
    }
    const extension = random.pick(EXTENSIONS[first.kind]);
    const key = `${prefix}${dir}${random.pick(NAMES)} ${index}${extension}`;
    const metadata = random.next() < 0.3 ? { owner: 'chaos', seq: String(index) } : undefined;
    planned.push({
      index,
      target,
      bucket,
      key,
      contentType: CONTENT_TYPES[first.kind],
      ...(metadata ? { metadata } : {}),
      scenario,
      versions,
    });
  }
  return planned;
}
