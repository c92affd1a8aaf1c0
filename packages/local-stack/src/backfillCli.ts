#!/usr/bin/env tsx
/**
 * `npm run backfill -- <pipeline>`: runs the pipeline's built zip over the objects its source
 * bucket already holds, as an S3 Batch Operations job would (docs/operations.md).
 */
import { relative } from 'node:path';
import { runBackfill, seedObjects, listingPrefix } from './backfill';
import { UsageError } from './errors';
import { ProgressBar } from './progress';
import { runningStack, standaloneStack } from './targetStack';
import {
  STACK_OPTIONS,
  STACK_USAGE,
  buildDist,
  countFlag,
  parseToolArgs,
  pipelineRoute,
  portFlag,
  runTool,
} from './toolCli';

const USAGE = `usage: npm run backfill -- <pipeline> [options]

Lists the objects already in the pipeline's source bucket under its trigger (prefix, suffix)
and invokes its built zip with one S3 Batch Operations task (schema 2.0) per object, then writes
a completion report in Batch's format to <data-dir>/reports/<pipeline>/job-<id>/. It uses the
stack that <data-dir>/outputs.json names when that one is running, else starts one.

options:
  --concurrency <n>   invocations at once (default 4)
  --prefix <p>        only keys under this prefix (inside the trigger's)
  --seed <n>          first upload n objects under the trigger straight to the emulator, where
                      they raise no event: objects that predate the pipeline
${STACK_USAGE}

examples:
  npm run backfill -- metadata
  npm run backfill -- checksum --seed 1000 --concurrency 8`;

const OPTIONS = {
  ...STACK_OPTIONS,
  concurrency: { type: 'string' },
  prefix: { type: 'string' },
  seed: { type: 'string' },
} as const;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseToolArgs(args, OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [pipeline, ...extra] = positionals;
  if (extra.length) throw new UsageError(`one pipeline at a time, not also '${extra[0]}'`);
  const concurrency = countFlag('concurrency', values.concurrency, 4);
  const seed = values.seed === undefined ? 0 : countFlag('seed', values.seed, 0);
  const port = portFlag(values.port);
  const { vars, route } = pipelineRoute(values['var-file'], pipeline);
  listingPrefix(route, values.prefix);
  const dataDir = values['data-dir'];
  const distDir = values['dist-dir'];
  if (values.build) buildDist(distDir);

  const target =
    (await runningStack(dataDir)) ??
    (await standaloneStack({
      varFile: values['var-file'],
      port,
      dataDir,
      distDir,
      logLevel: values['log-level'],
      onWarning: (message) => console.warn(`backfill: ${message}`),
    }));
  console.log(
    target.standalone
      ? `started a stack on ${target.endpoint} for this backfill`
      : `using the running stack on ${target.endpoint}`,
  );
  try {
    if (seed) {
      await seedObjects(target, route, vars.region, seed);
      console.log(`seeded ${seed} objects under '${route.prefix}' (no events raised)`);
    }
    const bar = new ProgressBar(Boolean(process.stdout.isTTY), (text) =>
      process.stdout.write(text),
    );
    const result = await runBackfill({
      route,
      vars,
      target,
      dataDir,
      distDir,
      logLevel: values['log-level'],
      concurrency,
      prefix: values.prefix,
      onProgress: (state) => bar.update(state),
      onLog: values.verbose ? (line) => console.log(`  ${route.pipeline} | ${line}`) : undefined,
    });
    const count = (test: (message: string) => boolean) =>
      result.rows.filter((r) => r.status === 'succeeded' && test(r.message)).length;
    const failed = result.rows.filter((r) => r.status === 'failed');
    console.log(
      `job ${result.jobId}: ${result.rows.length} tasks, ${count((m) => m.startsWith('processed'))} processed, ` +
        `${count((m) => m.startsWith('skipped'))} skipped ` +
        `(${count((m) => m.includes('already-done'))} already done), ${failed.length} failed`,
    );
    for (const row of failed.slice(0, 10))
      console.log(`  failed ${row.key}: ${row.errorCode} ${row.message}`);
    console.log(`completion report: ${relative(process.cwd(), result.report.manifest)}`);
    for (const file of result.report.files) console.log(`  ${relative(process.cwd(), file)}`);
    return failed.length ? 1 : 0;
  } finally {
    await target.finish();
  }
}

runTool('backfill', USAGE, () => main(process.argv.slice(2)));
