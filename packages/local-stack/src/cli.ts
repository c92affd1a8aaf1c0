#!/usr/bin/env tsx
/**
 * The local pipeline: an S3 endpoint on 127.0.0.1 that runs the built functions on every upload,
 * routed by the same tfvars Terraform deploys.
 *
 * usage: tsx packages/local-stack/src/cli.ts [--var-file f] [--port n] [--data-dir d]
 *                                            [--dist-dir d] [--log-level l] [--verbose] [--demo]
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runDemo } from './demo';
import type { Invocation } from './delivery';
import { LocalStackError } from './errors';
import { DEFAULT_PORT, DEFAULT_VAR_FILE, startLocalStack, type LocalStack } from './stack';

const USAGE = `usage: tsx packages/local-stack/src/cli.ts [options]
  --var-file <path>   tfvars JSON with buckets and pipelines (default ${DEFAULT_VAR_FILE})
  --port <n>          S3 endpoint port on 127.0.0.1 (default ${DEFAULT_PORT}; --demo picks a free one)
  --data-dir <dir>    runtime, logs, dead letters, outputs.json (default .local)
  --dist-dir <dir>    built zips (default dist)
  --log-level <l>     POWERTOOLS_LOG_LEVEL for the functions (default INFO)
  --verbose           also print every function log line
  --demo              upload samples, print what each function produced, exit`;

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
    `Invocations are logged below; function logs go to ${stack.dataDir}/logs/<pipeline>.log. Ctrl-C stops.`,
  ];
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'var-file': { type: 'string', default: DEFAULT_VAR_FILE },
      port: { type: 'string' },
      'data-dir': { type: 'string', default: '.local' },
      'dist-dir': { type: 'string', default: 'dist' },
      'log-level': { type: 'string', default: 'INFO' },
      verbose: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const port = values.port === undefined ? (values.demo ? 0 : DEFAULT_PORT) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalStackError(`--port must be a port number, not ${values.port}`);
  }
  const varFile = values['var-file']!;
  if (!existsSync(varFile)) {
    throw new LocalStackError(
      `${varFile} not found: pass --var-file <path> (e.g. tests/e2e/fixtures/local.tfvars.json).`,
    );
  }

  const stack = await startLocalStack({
    varFile,
    port,
    dataDir: values['data-dir'],
    distDir: values['dist-dir'],
    logLevel: values['log-level'],
    onInvocation: (invocation) => console.log(formatInvocation(invocation)),
    onFunctionLog: values.verbose
      ? (pipeline, line) => console.log(`  ${pipeline} | ${line}`)
      : undefined,
  });

  if (values.demo) {
    try {
      console.log(`S3 endpoint ${stack.endpoint}; running the demo\n`);
      await runDemo(stack, (line) => console.log(line));
      return 0;
    } finally {
      await stack.stop();
    }
  }

  console.log(banner(stack));
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nstopping...');
  await stack.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof LocalStackError) console.error(`local-stack: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
