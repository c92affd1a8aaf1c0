/**
 * image-resize benchmark (not a test): images per second and peak RSS of the function's core
 * making the default rendition set (320/640/1280 wide × webp/avif/jpeg, Q80, AVIF effort 3,
 * 4:2:0) from a batch of 12-megapixel JPEGs, beside libvips' own CLI (`vipsthumbnail`, Debian's
 * libvips-tools) doing the same 9 renditions of the same files with the same settings, in the
 * same run.
 *
 *  - function, decode once: what the handler runs (one decode, shrunk on load to the largest
 *    rendition, then every size × format from it).
 *  - function, decode per rendition: the alternative, for comparison (sharp's clone() pattern
 *    re-decodes the source for every output).
 *  - vipsthumbnail: one process per rendition, 9 per image, each decoding with shrink-on-load.
 *
 * The core reads each JPEG from a local file into a buffer (no S3: the CLI has none either) and
 * writes renditions to files. Each variant runs in its own process; peak RSS is that process's
 * (for the CLI, the largest vipsthumbnail process, from GNU time).
 *
 * Targets: decode-once >= 0.8x the CLI's images/s; peak RSS < 1 GiB.
 * Saves docs/bench/image-resize.{txt,json} and draws docs/bench/image-resize.svg.
 * Requires: vipsthumbnail (apt-get install -y libvips-tools) and /usr/bin/time.
 * usage: npm run bench -- image-resize   (or tsx scripts/bench/image-resize.bench.ts [--images=8])
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generatePhotos } from './image-resize/photos';
import { bundleWorker, createReport, DOCS_BENCH, loadAverageText } from './lib/harness';

const root = join(__dirname, '..', '..');
const work = join(root, '.bench', 'image-resize');
const IMAGES = Number(/--images=(\d+)/.exec(process.argv.join(' '))?.[1] ?? 8);
const WIDTHS = [320, 640, 1280];
const QUALITY = 80;
/** Saver options matching the function's encoders (see packages/image-resize/src/render.ts). */
const CLI_FORMATS = [
  { ext: 'webp', options: `Q=${QUALITY}` },
  { ext: 'avif', options: `Q=${QUALITY},effort=3,subsample-mode=on` },
  { ext: 'jpg', options: `Q=${QUALITY}` },
];

interface Run {
  images: number;
  renditions: number;
  seconds: number;
  maxRssMiB: number;
}

function requireTool(command: string, hint: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) {
    console.error(`image-resize bench needs ${command}: ${hint}`);
    process.exit(2);
  }
}

function runWorker(worker: string, variant: string, files: string[]): Run {
  const out = join(work, 'out', variant);
  rmSync(out, { recursive: true, force: true });
  const run = spawnSync(process.execPath, [worker, variant, out, ...files], {
    encoding: 'utf8',
    // sharp from the workspace install, on NODE_PATH as Lambda puts its layer.
    env: { ...process.env, NODE_PATH: join(root, 'packages', 'image-resize', 'node_modules') },
  });
  if (run.status !== 0) throw new Error(`worker ${variant} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Run;
}

/** 9 vipsthumbnail processes per image, in sequence, timed as a whole by GNU time. */
function runCli(files: string[]): Run {
  const out = join(work, 'out', 'vipsthumbnail');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const commands = files.flatMap((file, i) =>
    WIDTHS.flatMap((width) =>
      CLI_FORMATS.map(
        (f) =>
          `vipsthumbnail '${file}' --size ${width}x -o '${out}/${i}_${width}w.${f.ext}[${f.options}]'`,
      ),
    ),
  );
  const script = join(work, 'cli.sh');
  writeFileSync(script, `set -e\n${commands.join('\n')}\n`);
  // Loading sharp sets VIPSHOME=/target in this process, which would send Debian's libvips
  // looking for its format modules (heif, so AVIF) in the wrong place.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'VIPSHOME'));
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', 'sh', script], { encoding: 'utf8', env });
  if (run.status !== 0) throw new Error(`vipsthumbnail failed: ${run.stderr}`);
  const [seconds, maxRssKiB] = run.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return {
    images: files.length,
    renditions: commands.length,
    seconds: seconds!,
    maxRssMiB: maxRssKiB! / 1024,
  };
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits).padStart(7);

async function main(): Promise<void> {
  requireTool('vipsthumbnail', 'apt-get install -y libvips-tools');
  requireTool('/usr/bin/time', 'apt-get install -y time');
  mkdirSync(work, { recursive: true });
  const started = new Date();
  const { say, target, record, chart, finish } = createReport('image-resize', DOCS_BENCH);
  const vipsVersion = spawnSync('vips', ['--version'], { encoding: 'utf8' }).stdout.trim();
  const files = await generatePhotos(join(work, 'photos'), IMAGES, 4000, 3000);
  const worker = await bundleWorker(
    join(__dirname, 'image-resize', 'worker.ts'),
    join(work, 'worker.js'),
    {
      external: ['sharp'],
    },
  );
  if (!existsSync(worker)) throw new Error('worker bundle missing');

  say(
    `image-resize benchmark: Node ${process.version}, ${cpus().length} cores, ${IMAGES} JPEGs of 4000x3000 (12 MP), ` +
      `9 renditions each (320/640/1280 x webp/avif/jpeg, Q${QUALITY})`,
  );
  const load = loadavg();
  say(`load average ${loadAverageText(load)} at the start`);
  const cli = runCli(files);
  const once = runWorker(worker, 'decode-once', files);
  const per = runWorker(worker, 'per-rendition', files);
  for (const r of [once, per])
    if (r.renditions !== cli.renditions)
      throw new Error(`made ${r.renditions} renditions, not ${cli.renditions}`);

  const rate = (r: Run): number => r.images / r.seconds;
  const vs = (r: Run): string => `${(rate(r) / rate(cli)).toFixed(2)}x`;
  say('');
  say('                                          images/s   s/image   peak RSS   vs CLI');
  const row = (name: string, r: Run): void =>
    say(
      `  ${name.padEnd(38)}${fmt(rate(r))}  ${fmt(r.seconds / r.images)}  ${fmt(r.maxRssMiB, 0)} MiB  ${vs(r)}`,
    );
  row(`vipsthumbnail (${vipsVersion})`, cli);
  row('function core, decode once (shipped)', once);
  row('function core, decode per rendition', per);
  const loadAtEnd = loadavg();
  say(`load average ${loadAverageText(loadAtEnd)} at the end`);

  const drawn = {
    title: 'image-resize: images/s by variant (higher is better)',
    subtitle:
      `npm run bench -- image-resize, ${started.toISOString().slice(0, 10)}, Node ${process.version}, ` +
      `${cpus().length} cores, one run each; ratios against vipsthumbnail`,
    unit: 'images/s (wall clock, 9 renditions per image)',
    groups: [
      {
        title: `${IMAGES} JPEGs of 12 MP, 9 renditions each (320/640/1280 x webp/avif/jpeg)`,
        bars: [
          { label: `vipsthumbnail (${vipsVersion})`, value: rate(cli), note: '1.00x' },
          {
            label: 'function, decode once (shipped)',
            value: rate(once),
            note: vs(once),
            accent: true,
          },
          { label: 'function, decode per rendition', value: rate(per), note: vs(per) },
        ],
      },
    ],
  };
  record('loadAverageAtStart', load);
  record('loadAverageAtEnd', loadAtEnd);
  record('runs', { vipsthumbnail: cli, decodeOnce: once, decodePerRendition: per });
  chart(drawn);

  target('decode once >= 0.8x vipsthumbnail images/s', rate(once) >= 0.8 * rate(cli));
  target('function peak RSS < 1 GiB', once.maxRssMiB < 1024);
  process.exit(finish());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
