/**
 * Measures what the layer's SDK choice costs at cold start: the time from an empty Node process to
 * the first S3 response, through the layer built two ways.
 *
 *  bundled  the layer ships a pinned @aws-sdk/client-s3 inside its one bundled file (our default)
 *  runtime  the layer leaves @aws-sdk/* out and resolves the unbundled copy, as Lambda's own does
 *
 * Target: the bundled layer's median is within 1.10x of the runtime SDK's (the README says the
 * bundle costs no measurable cold-start time). Saves docs/bench/layer-cold-start.{txt,json} and
 * draws docs/bench/layer-cold-start.svg.
 *
 * usage: npm run bench -- layer-cold-start   (or tsx scripts/bench/layer-cold-start.bench.ts [--runs=15])
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createReport, DOCS_BENCH, loadAverageText, median, runsArg } from './lib/harness';

const root = join(__dirname, '..', '..');
const RUNS = runsArg(15);
const layerPackage = join(root, 'packages', 's3-stream');
/**
 * The node_modules folders that hold the layer's own @aws-sdk/* dependencies, as the layer package
 * resolves them (pnpm keeps each one, with its own dependencies, in a folder of its own).
 */
const sdkFolders = Object.keys(
  (
    JSON.parse(readFileSync(join(layerPackage, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    }
  ).dependencies,
)
  .filter((name) => name.startsWith('@aws-sdk/'))
  .map((name) =>
    join(dirname(require.resolve(`${name}/package.json`, { paths: [layerPackage] })), '..', '..'),
  );

// Runs in a fresh process: load the layer as a function would, then make one S3 call.
const PROBE = `
const started = process.hrtime.bigint();
const layer = require('@s3-pipelines/s3-stream');
layer.headIfExists(layer.getS3Client(), 'bucket', 'key').then(() => {
  console.log(Number(process.hrtime.bigint() - started) / 1e6);
});`;

type Sdk = 'bundled' | 'runtime';

/** Builds the layer one way and unpacks it as Lambda does under /opt; returns its NODE_PATH. */
function buildLayer(sdk: Sdk, work: string): { zip: string; nodePath: string } {
  const out = join(work, sdk);
  execFileSync(
    join(root, 'node_modules', '.bin', 'tsx'),
    ['scripts/build.ts', `--sdk=${sdk}`, `--out=${out}`],
    { cwd: root, stdio: 'ignore' },
  );
  const zip = join(out, 'layers', 's3-stream.zip');
  execFileSync('unzip', ['-q', zip, '-d', join(out, 'opt')]);
  const layer = join(out, 'opt', 'nodejs', 'node_modules');
  // The runtime variant finds @aws-sdk/* unbundled, as Lambda's runtime has it: the layer's
  // direct SDK dependencies where pnpm keeps them (it does not hoist a workspace package's
  // direct dependency), the rest where pnpm hoists every indirect one.
  const nodePath =
    sdk === 'bundled'
      ? [layer]
      : [layer, ...sdkFolders, join(root, 'node_modules', '.pnpm', 'node_modules')];
  return { zip, nodePath: nodePath.join(':') };
}

/** One fresh process: load the layer, one S3 call; its own measure of the time, in ms. */
async function probe(nodePath: string, endpoint: string, cwd: string): Promise<number> {
  // Asynchronous: this process serves the probe's request while it waits.
  const run = await promisify(execFile)(process.execPath, ['-e', PROBE], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      NODE_PATH: nodePath,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
  return Number(run.stdout.trim());
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 's3p-coldstart-'));
  // Answers every request with 404, the cheapest complete S3 round trip.
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const started = new Date();
  const load = loadavg();
  const { say, target, record, chart, finish } = createReport('layer-cold-start', DOCS_BENCH);
  try {
    const sdks: Sdk[] = ['bundled', 'runtime'];
    const layers = sdks.map((sdk) => buildLayer(sdk, work));
    const times = sdks.map((): number[] => []);
    // Interleaved, so that whatever else the machine does falls on both alike.
    for (let i = 0; i < RUNS; i++)
      for (const [k, layer] of layers.entries())
        times[k]!.push(await probe(layer.nodePath, endpoint, work));
    const results = sdks.map((sdk, k) => ({
      sdk,
      zipKiB: statSync(layers[k]!.zip).size / 1024,
      medianMs: median(times[k]!),
      minMs: Math.min(...times[k]!),
    }));
    const [bundled, runtime] = results as [(typeof results)[0], (typeof results)[0]];
    const vsRuntime = (r: (typeof results)[0]): string =>
      `${(r.medianMs / runtime.medianMs).toFixed(2)}x`;
    say(
      `layer cold start: Node ${process.version}, ${cpus().length} cores, ${RUNS} fresh processes each`,
    );
    say(`load average ${loadAverageText(load)} at the start`);
    for (const r of results)
      say(
        `  ${r.sdk.padEnd(8)} layer zip ${r.zipKiB.toFixed(0).padStart(5)} KiB   load + first S3 call: median ${r.medianMs.toFixed(0)} ms, min ${r.minMs.toFixed(0)} ms   ${vsRuntime(r)} runtime`,
      );
    const loadAtEnd = loadavg();
    say(`load average ${loadAverageText(loadAtEnd)} at the end`);
    target(
      `bundled layer's load + first S3 call <= 1.10x the runtime SDK's (median): ${vsRuntime(bundled)}`,
      bundled.medianMs <= 1.1 * runtime.medianMs,
    );
    const drawn = {
      title: 'layer cold start: ms to the first S3 response (lower is better)',
      subtitle:
        `npm run bench -- layer-cold-start, ${started.toISOString().slice(0, 10)}, Node ${process.version}, ` +
        `${cpus().length} cores, median of ${RUNS} fresh processes; ratios against the runtime SDK`,
      unit: 'ms (median)',
      groups: [
        {
          title: 'load the layer, then one S3 call',
          bars: results.map((r) => ({
            label: `${r.sdk === 'bundled' ? 'bundled SDK (shipped)' : "runtime's SDK"}, ${r.zipKiB.toFixed(0)} KiB zip`,
            value: r.medianMs,
            note: vsRuntime(r),
            accent: r.sdk === 'bundled',
          })),
        },
      ],
    };
    record('loadAverageAtStart', load);
    record('loadAverageAtEnd', loadAtEnd);
    record('results', results);
    chart(drawn);
    process.exitCode = finish();
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
