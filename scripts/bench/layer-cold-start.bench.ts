/**
 * Measures what the layer's SDK choice costs at cold start: the time from an empty Node process to
 * the first S3 response, through the layer built two ways.
 *
 *  bundled  the layer ships a pinned @aws-sdk/client-s3 inside its one bundled file (our default)
 *  runtime  the layer leaves @aws-sdk/* out and resolves the unbundled copy, as Lambda's own does
 *
 * usage: npm run bench -- layer-cold-start   (or tsx scripts/bench/layer-cold-start.bench.ts [--runs=15])
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, runsArg } from './lib/harness';

const root = join(__dirname, '..', '..');
const RUNS = runsArg(15);

// Runs in a fresh process: load the layer as a function would, then make one S3 call.
const PROBE = `
const started = process.hrtime.bigint();
const layer = require('@s3-pipelines/s3-stream');
layer.headIfExists(layer.getS3Client(), 'bucket', 'key').then(() => {
  console.log(Number(process.hrtime.bigint() - started) / 1e6);
});`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 's3p-coldstart-'));
  // Answers every request with 404, the cheapest complete S3 round trip.
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const results: string[] = [];
    for (const sdk of ['bundled', 'runtime'] as const) {
      const out = join(work, sdk);
      execFileSync(
        join(root, 'node_modules', '.bin', 'tsx'),
        ['scripts/build.ts', `--sdk=${sdk}`, `--out=${out}`],
        {
          cwd: root,
          stdio: 'ignore',
        },
      );
      const zip = join(out, 'layers', 's3-stream.zip');
      execFileSync('unzip', ['-q', zip, '-d', join(out, 'opt')]);
      // The runtime variant finds @aws-sdk/* unbundled, where this workspace keeps every package.
      const nodePath = [
        join(out, 'opt', 'nodejs', 'node_modules'),
        join(root, 'node_modules', '.pnpm', 'node_modules'),
      ];
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        // Asynchronous: this process serves the probe's request while it waits.
        const run = await promisify(execFile)(process.execPath, ['-e', PROBE], {
          cwd: work,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH,
            NODE_PATH: (sdk === 'bundled' ? nodePath.slice(0, 1) : nodePath).join(':'),
            AWS_ENDPOINT_URL_S3: endpoint,
            AWS_REGION: 'us-east-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
          },
        });
        times.push(Number(run.stdout.trim()));
      }
      const kib = statSync(zip).size / 1024;
      results.push(
        `  ${sdk.padEnd(8)} layer zip ${kib.toFixed(0).padStart(5)} KiB   load + first S3 call: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms`,
      );
    }
    console.log(`layer cold start: Node ${process.version}, ${RUNS} fresh processes each`);
    for (const line of results) console.log(line);
  } finally {
    server.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
