#!/usr/bin/env tsx
/**
 * The local pipeline: an S3 endpoint on 127.0.0.1 that runs the built functions on every upload,
 * routed by the same tfvars Terraform deploys. `npm start -- --help` prints the usage below.
 *
 * It behaves like a service: SIGINT, SIGTERM or SIGHUP stops the stack and every process it
 * started, and frees the port; a command-line mistake prints the usage and exits 2.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from './demo';
import type { Invocation } from './delivery';
import { LocalStackError, UsageError } from './errors';
import { DEFAULT_PORT, DEFAULT_VAR_FILE, startLocalStack, type LocalStack } from './stack';
import { StatusBoard } from './status';

const ROOT = join(__dirname, '..', '..', '..');
/** Exit status for a command-line mistake, as getopt-style tools use. */
const USAGE_EXIT = 2;
/** Ctrl-C, `kill <pid>` (and what npm, pnpm and tsx forward), a closed terminal. */
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/**
 * A stop that takes longer than this is abandoned: the emulator and the function runtimes exit
 * by themselves once this process is gone, so giving up still frees everything.
 */
const STOP_TIMEOUT_MS = 15_000;

const USAGE = `usage: npm start -- [options]                          build dist/, then start
       tsx packages/local-stack/src/cli.ts [options]  start from dist/ as built

options:
  --var-file <path>   tfvars JSON with buckets and pipelines (default ${DEFAULT_VAR_FILE})
  --port <n>          S3 endpoint port on 127.0.0.1 (default ${DEFAULT_PORT}; 0 or --demo: a free one)
  --data-dir <dir>    runtime, logs, dead letters, outputs.json (default .local)
  --dist-dir <dir>    built zips (default dist)
  --build             build the zips into --dist-dir first (npm start passes it)
  --log-level <l>     POWERTOOLS_LOG_LEVEL for the functions (default INFO)
  --verbose           also print every function log line
  --demo              upload samples, print what each function produced, exit
  -h, --help          print this and exit

examples:
  npm start                     the stack on http://127.0.0.1:${DEFAULT_PORT} (dev tfvars)
  npm start -- --demo           upload sample files, print what each function made, exit
  npm start -- --var-file tests/e2e/fixtures/local.tfvars.json --port 0
  npm start -- --verbose --log-level DEBUG

SIGINT, SIGTERM or SIGHUP stops the stack and frees the port.`;

const OPTIONS = {
  'var-file': { type: 'string', default: DEFAULT_VAR_FILE },
  port: { type: 'string' },
  'data-dir': { type: 'string', default: '.local' },
  'dist-dir': { type: 'string', default: 'dist' },
  build: { type: 'boolean', default: false },
  'log-level': { type: 'string', default: 'INFO' },
  verbose: { type: 'boolean', default: false },
  demo: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The flags, checked before anything slow starts, so a typo costs no build and no cold start. */
function parseOptions(args: string[]) {
  const values = parseFlags(args);
  if (values.port !== undefined && !(/^\d+$/.test(values.port) && Number(values.port) <= 65535)) {
    throw new UsageError(`--port must be a port number from 0 to 65535, not '${values.port}'`);
  }
  const port = values.port === undefined ? (values.demo ? 0 : DEFAULT_PORT) : Number(values.port);
  return { ...values, port };
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    // Node's advice on passing values that start with '-' fits no flag of ours: keep the rest.
    if (code?.startsWith('ERR_PARSE_ARGS_')) {
      const sentences = message.split(/(?<=[.?])\s+/).filter((s) => !s.startsWith('To specify'));
      throw new UsageError(sentences.join(' ').replace(/\.$/, ''));
    }
    throw error;
  }
}

function formatInvocation(i: Invocation): string {
  const time = i.time.toISOString().slice(11, 23);
  const retry = i.attempt > 1 ? ` (attempt ${i.attempt})` : '';
  const reason = i.reason ? ` [${i.reason}]` : '';
  const dlq = i.deadLettered ? ' -> sent to DLQ' : '';
  return `${time}  ${i.pipeline.padEnd(14)} ${i.outcome.padEnd(9)} ${String(i.durationMs).padStart(6)} ms  ${i.key}${reason}${retry}${dlq}`;
}

function banner(stack: LocalStack): string {
  const uploads = Object.values(stack.buckets)[0] ?? 'BUCKET';
  const lines = [
    `S3 endpoint  ${stack.endpoint}   (outputs: ${stack.dataDir}/outputs.json)`,
    '',
    'Buckets:',
    ...Object.entries(stack.buckets).map(([logical, real]) => `  ${logical.padEnd(14)} ${real}`),
    '',
    'Routes (pipeline <- bucket/prefix*suffix, delivery -> outputs):',
    ...stack.routes.map((r) => {
      const filter = `${stack.buckets[r.sourceBucket]}/${r.prefix}*${r.suffix}`;
      const exclude = r.excludeSuffix ? ` except *${r.excludeSuffix}` : '';
      const out = `${stack.buckets[r.outputBucket]}/${r.outputKeyPrefix}...${r.outputSuffix ?? ''}`;
      return `  ${r.pipeline.padEnd(14)} <- ${filter}${exclude}  ${r.delivery}  -> ${out}`;
    }),
    '',
    'Try:',
    `  export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=${stack.region}`,
    `  aws --endpoint-url ${stack.endpoint} s3 cp ./file.txt s3://${uploads}/`,
    `  aws --endpoint-url ${stack.endpoint} s3 ls --recursive s3://${uploads}/`,
    '',
    `Invocations are logged below and to ${stack.invocationLog} (JSON lines);`,
    `function logs go to ${stack.dataDir}/logs/<pipeline>.log, their metrics (EMF) to`,
    `${stack.dataDir}/metrics/<pipeline>.jsonl. Ctrl-C or \`kill ${process.pid}\` stops.`,
  ];
  return lines.join('\n');
}

/**
 * Resolves with the first stop signal. The handlers stay installed, so a second copy of the
 * signal (a Ctrl-C reaches every process in the terminal's group, and npm, pnpm and tsx each
 * forward it once more) is swallowed instead of killing the process halfway through its stop.
 */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const signal of STOP_SIGNALS) process.on(signal, () => resolve(signal));
  });
}

/** scripts/build.ts into distDir, as `npm run build` runs it; a stop signal stops it too. */
async function build(distDir: string, stopping: Promise<NodeJS.Signals>): Promise<number> {
  const tsx = require.resolve('tsx/cli', { paths: [ROOT] });
  const child = spawn(
    process.execPath,
    [tsx, join(ROOT, 'scripts', 'build.ts'), `--out=${resolve(distDir)}`],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  void stopping.then((signal) => child.kill(signal));
  const [code] = await exited;
  return code ?? 1;
}

async function main(args: string[]): Promise<number> {
  const options = parseOptions(args);
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const varFile = options['var-file'];
  if (!existsSync(varFile)) {
    throw new LocalStackError(
      `${varFile} not found: pass --var-file <path> (e.g. tests/e2e/fixtures/local.tfvars.json).`,
    );
  }

  let stopping: NodeJS.Signals | undefined;
  const signalled = stopSignal().then((signal) => {
    stopping = signal;
    console.log(`\n${signal}: stopping...`);
    setTimeout(() => {
      console.error(`local-stack: not stopped after ${STOP_TIMEOUT_MS} ms; exiting anyway`);
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    return signal;
  });

  if (options.build) {
    const status = await build(options['dist-dir'], signalled);
    if (stopping) return 0;
    if (status !== 0) throw new LocalStackError(`scripts/build.ts failed (exit ${status})`);
  }

  // A live status per pipeline on a terminal; plain lines in a pipe or a log file.
  const board = new StatusBoard({
    live: Boolean(process.stdout.isTTY),
    write: (text) => process.stdout.write(text),
  });
  // A signal during startup waits for it to finish, then stops what it started.
  const stack = await startLocalStack({
    varFile,
    port: options.port,
    dataDir: options['data-dir'],
    distDir: options['dist-dir'],
    logLevel: options['log-level'],
    onInvocation: (invocation) => board.log(formatInvocation(invocation)),
    onFunctionLog: options.verbose
      ? (pipeline, line) => board.log(`  ${pipeline} | ${line}`)
      : undefined,
    onMetrics: (pipeline, doc) => board.update(pipeline, doc),
  });
  try {
    if (stopping) return 0;
    if (options.demo) {
      console.log(`S3 endpoint ${stack.endpoint}; running the demo\n`);
      await Promise.race([runDemo(stack, (line) => console.log(line)), signalled]);
      return 0;
    }
    console.log(banner(stack));
    await signalled;
    return 0;
  } finally {
    await stack.stop();
    board.close();
    console.log(`\n${board.summary()}`);
    if (stopping) console.log('stopped');
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`local-stack: ${error.message}\n\n${USAGE}`);
      process.exit(USAGE_EXIT);
    }
    if (error instanceof LocalStackError) console.error(`local-stack: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
