#!/usr/bin/env tsx
/**
 * `npm run replay -- <pipeline>`: redelivers the pipeline's dead letters
 * (`<data-dir>/dlq/<pipeline>.jsonl`) to its built zip and removes those that succeed.
 */
import { relative } from 'node:path';
import { LocalStackError, UsageError } from './errors';
import { dlqFile, runReplay } from './replay';
import { runningStack } from './targetStack';
import {
  STACK_OPTIONS,
  STACK_USAGE,
  buildDist,
  countFlag,
  parseToolArgs,
  pipelineRoute,
  runTool,
} from './toolCli';

const USAGE = `usage: npm run replay -- <pipeline> [options]

Redelivers every event in <data-dir>/dlq/<pipeline>.jsonl to the pipeline's built zip, as its
delivery would (a direct event as it was; a queued message as a one-message SQS batch), against
the running stack that <data-dir>/outputs.json names, and removes the lines that succeeded.
Exits 1 while any line is still failing.

options:
  --concurrency <n>   redeliveries at once (default 1)
${STACK_USAGE}

Fix the cause first (the code: --build picks it up; a setting: --var-file), then replay.`;

const OPTIONS = { ...STACK_OPTIONS, concurrency: { type: 'string' } } as const;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseToolArgs(args, OPTIONS);
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [pipeline, ...extra] = positionals;
  if (extra.length) throw new UsageError(`one pipeline at a time, not also '${extra[0]}'`);
  const concurrency = countFlag('concurrency', values.concurrency, 1);
  const { vars, route } = pipelineRoute(values['var-file'], pipeline);
  const dataDir = values['data-dir'];
  const file = dlqFile(dataDir, route.pipeline);
  if (values.build) buildDist(values['dist-dir']);

  // Not standalone: a fresh emulator is empty, every replayed object would be "gone" and its
  // dead letter removed as if it had succeeded.
  const target = await runningStack(dataDir);
  if (!target) {
    throw new LocalStackError(
      `no running stack in ${dataDir} (outputs.json): start it with npm start, then replay; the dead letters stay in ${relative(process.cwd(), file)}`,
    );
  }
  const result = await runReplay({
    route,
    vars,
    target,
    dataDir,
    distDir: values['dist-dir'],
    logLevel: values['log-level'],
    concurrency,
    onResult: (r) =>
      console.log(
        `${r.ok ? 'replayed' : 'failed  '}  ${r.key}${r.reason ? `  [${r.reason}]` : ''}`,
      ),
    onLog: values.verbose ? (line) => console.log(`  ${route.pipeline} | ${line}`) : undefined,
  });
  const ok = result.replayed.filter((r) => r.ok).length;
  console.log(
    `${result.replayed.length} dead letters replayed: ${ok} succeeded and removed, ` +
      `${result.remaining} left in ${relative(process.cwd(), file)}`,
  );
  return result.remaining ? 1 : 0;
}

runTool('replay', USAGE, () => main(process.argv.slice(2)));
