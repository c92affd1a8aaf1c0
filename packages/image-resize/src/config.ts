import { envFlag, envList, triggerSettings, z } from '@s3-pipelines/s3-stream';
import {
  DEFAULT_FORMATS,
  DEFAULT_MAX_INPUT_BYTES,
  DEFAULT_MAX_INPUT_PIXELS,
  DEFAULT_WIDTHS,
  MAX_RENDITION_EDGE,
  OUTPUT_FORMATS,
} from './constants';
import { sizeLabel } from './keys';
import type { OutputFormat, Size } from './types';

const edge = z.number().int().min(1).max(MAX_RENDITION_EDGE);

/** `640` (a width) or `200x200` (a box). */
const size = z
  .string()
  .regex(/^\d+(x\d+)?$/, 'each size is a width like 640 or a box like 200x200')
  .transform((entry): Size => {
    const [width, height] = entry.split('x').map(Number) as [number, number?];
    return height === undefined ? { width } : { width, height };
  })
  .pipe(z.object({ width: edge, height: edge.optional() }));

const FORMAT_NAMES = Object.keys(OUTPUT_FORMATS) as [OutputFormat, ...OutputFormat[]];

/** The image-resize function's environment, validated once at cold start. */
export const ImageResizeConfigSchema = z.object({
  ...triggerSettings(),
  /** Destination bucket (Terraform requires it to differ from the source). */
  OUTPUT_BUCKET: z.string().min(1, 'must name the destination bucket'),
  /** Put in front of every output key. */
  OUTPUT_PREFIX: z.string().default(''),
  /** Comma-separated sizes: `640` (width, aspect kept) or `200x200` (a box FIT fills). */
  WIDTHS: envList(DEFAULT_WIDTHS)
    .pipe(z.array(size).min(1, 'needs at least one size'))
    .refine((sizes) => new Set(sizes.map(sizeLabel)).size === sizes.length, {
      message: 'lists a size twice',
    }),
  /** Comma-separated output formats; `jpg` means jpeg. */
  FORMATS: envList(DEFAULT_FORMATS)
    .transform((names) => names.map((n) => (n === 'jpg' ? 'jpeg' : n)))
    .pipe(z.array(z.enum(FORMAT_NAMES)).min(1, 'needs at least one format'))
    .transform((formats) => [...new Set(formats)]),
  /** Encoder quality for every format, 1-100. */
  QUALITY: z.coerce.number().int().min(1).max(100).default(80),
  /** AV1 encoder effort, 0 (fastest) to 9 (slowest); see docs for why 3. */
  AVIF_EFFORT: z.coerce.number().int().min(0).max(9).default(3),
  /** How a box size is filled (sharp's fit); widths alone keep the aspect ratio whatever this is. */
  FIT: z
    .string()
    .trim()
    .toLowerCase()
    .default('cover')
    .pipe(z.enum(['cover', 'contain', 'fill', 'inside', 'outside'])),
  /** Never make a rendition larger than the source: it is capped at the source's size instead. */
  NO_UPSCALE: envFlag(true),
  /** Pixel limit (width × height × frames), checked from the header before decoding. */
  MAX_INPUT_PIXELS: z.coerce.number().int().min(1).default(DEFAULT_MAX_INPUT_PIXELS),
  /** Byte limit of the source object; the whole encoded image is held in memory. */
  MAX_INPUT_BYTES: z.coerce.number().int().min(1).default(DEFAULT_MAX_INPUT_BYTES),
  /** Colour behind transparent pixels in formats without alpha (JPEG), and of `contain` bars. */
  BACKGROUND: z
    .string()
    .trim()
    .default('#ffffff')
    .pipe(z.string().regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be #rgb or #rrggbb')),
  /** Keep EXIF, XMP and IPTC (orientation is reset). The ICC profile is always kept. */
  KEEP_METADATA: envFlag(false),
  /** Animated GIF/WebP sources give animated WebP renditions; other formats get frame one. */
  ANIMATED: envFlag(true),
});

export type ImageResizeConfig = z.infer<typeof ImageResizeConfigSchema>;
