/**
 * One measured run of the image-resize core, in its own process so that its peak RSS is its own.
 * Bundled by the benchmark with esbuild (sharp left external, found through NODE_PATH as Lambda
 * finds its layer) and run with plain node.
 *
 * argv: <variant: decode-once|per-rendition> <outDir> <image.jpg> ...
 *   decode-once     the function's path: inspectImage + decodeOnce + renderAll (default settings)
 *   per-rendition   the alternative it replaced: every rendition decodes the source again
 *
 * Images are read from local files into buffers (no S3), and renditions written to outDir, so the
 * work is exactly what `vipsthumbnail` does with the same files.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type SharpModule from '../../../packages/image-resize/node_modules/sharp';
import { parseConfig } from '@s3-pipelines/s3-stream';
import { ImageResizeConfigSchema } from '../../../packages/image-resize/src/config';
import { OUTPUT_FORMATS } from '../../../packages/image-resize/src/constants';
import { sizeLabel } from '../../../packages/image-resize/src/keys';
import {
  decodeOnce,
  encode,
  inspectImage,
  renderAll,
} from '../../../packages/image-resize/src/render';
import { peakRssMiB } from '../lib/peakRss';

// External in the bundle: resolved through NODE_PATH at run time, like the core's own import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sharp = require('sharp') as typeof SharpModule;
const config = parseConfig(ImageResizeConfigSchema, { OUTPUT_BUCKET: 'bench' });

async function decodeOnceVariant(name: string, data: Buffer, out: string): Promise<number> {
  const source = await inspectImage(name, data, config);
  const decoded = await decodeOnce(name, data, source, config);
  let count = 0;
  try {
    for await (const r of renderAll(decoded, config)) {
      writeFileSync(
        join(out, `${sizeLabel(r.size)}.${OUTPUT_FORMATS[r.format].extension}`),
        r.data,
      );
      count += 1;
    }
  } finally {
    await decoded.dispose();
  }
  return count;
}

async function perRenditionVariant(data: Buffer, out: string): Promise<number> {
  let count = 0;
  for (const size of config.WIDTHS) {
    for (const format of config.FORMATS) {
      const pipeline = sharp(data, { failOn: 'error', limitInputPixels: config.MAX_INPUT_PIXELS })
        .autoOrient()
        .resize({ width: size.width, withoutEnlargement: config.NO_UPSCALE });
      await encode(pipeline, format, config).toFile(
        join(out, `${sizeLabel(size)}.${OUTPUT_FORMATS[format].extension}`),
      );
      count += 1;
    }
  }
  return count;
}

async function main(): Promise<void> {
  const [variant, outDir, ...files] = process.argv.slice(2) as [string, string, ...string[]];
  sharp.cache(false); // as the handler does
  const started = process.hrtime.bigint();
  let renditions = 0;
  for (const file of files) {
    const out = join(outDir, basename(file, '.jpg'));
    mkdirSync(out, { recursive: true });
    const data = readFileSync(file);
    renditions +=
      variant === 'decode-once'
        ? await decodeOnceVariant(basename(file), data, out)
        : await perRenditionVariant(data, out);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const maxRssMiB = peakRssMiB();
  process.stdout.write(
    `${JSON.stringify({ images: files.length, renditions, seconds, maxRssMiB })}\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
