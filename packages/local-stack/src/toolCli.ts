import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LocalStackError, UsageError } from './errors';
import { validatedRoutes, type Route } from './routing';
import { DEFAULT_PORT, DEFAULT_VAR_FILE } from './stack';
import { loadTfvars, type Tfvars } from './tfvars';

/**
 * What `npm run backfill` and `npm run replay` share with `npm start`: the same flags (so a
 * standalone run starts the same stack), the same build, the same exit codes.
 */

const ROOT = join(__dirname, '..', '..', '..');
/** Exit status for a command-line mistake, as cli.ts uses. */
export const USAGE_EXIT = 2;

export const STACK_OPTIONS = {
  'var-file': { type: 'string', default: DEFAULT_VAR_FILE },
  port: { type: 'string' },
  'data-dir': { type: 'string', default: '.local' },
  'dist-dir': { type: 'string', default: 'dist' },
  build: { type: 'boolean', default: false },
  'log-level': { type: 'string', default: 'INFO' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const STACK_USAGE = `stack options (as for npm start; used when no stack is running):
  --var-file <path>   tfvars JSON with buckets and pipelines (default ${DEFAULT_VAR_FILE})
  --port <n>          S3 endpoint port on 127.0.0.1 (default ${DEFAULT_PORT}; 0: a free one)
  --data-dir <dir>    outputs.json, logs, metrics, dead letters, reports (default .local)
  --dist-dir <dir>    built zips (default dist)
  --build             build the zips into --dist-dir first (npm run passes it)
  --log-level <l>     POWERTOOLS_LOG_LEVEL for the function (default INFO)
  --verbose           also print every function log line
  -h, --help          print this and exit`;

/** A positive whole number flag, or a UsageError naming it. */
export function countFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`--${name} must be a whole number of at least 1, not '${value}'`);
  }
  return Number(value);
}

export function parseToolArgs<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code?.startsWith('ERR_PARSE_ARGS_')) {
      const sentences = message.split(/(?<=[.?])\s+/).filter((s) => !s.startsWith('To specify'));
      throw new UsageError(sentences.join(' ').replace(/\.$/, ''));
    }
    throw error;
  }
}

export function portFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  if (!(/^\d+$/.test(value) && Number(value) <= 65535)) {
    throw new UsageError(`--port must be a port number from 0 to 65535, not '${value}'`);
  }
  return Number(value);
}

/** The config and the named pipeline's route; an unknown name lists the known ones. */
export function pipelineRoute(
  varFile: string,
  pipeline: string | undefined,
): { vars: Tfvars; route: Route } {
  if (!pipeline) throw new UsageError('name the pipeline (a key of the tfvars pipelines map)');
  if (!existsSync(varFile))
    throw new LocalStackError(`${varFile} not found: pass --var-file <path>.`);
  const vars = loadTfvars(varFile);
  const route = validatedRoutes(vars).find((r) => r.pipeline === pipeline);
  if (!route) {
    throw new UsageError(
      `no pipeline "${pipeline}" in ${varFile}; pipelines: ${Object.keys(vars.pipelines).join(', ')}`,
    );
  }
  return { vars, route };
}

/** scripts/build.ts into distDir, as `npm start --build` runs it. */
export function buildDist(distDir: string): void {
  const tsx = require.resolve('tsx/cli', { paths: [ROOT] });
  const result = spawnSync(
    process.execPath,
    [tsx, join(ROOT, 'scripts', 'build.ts'), `--out=${resolve(distDir)}`],
    { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0)
    throw new LocalStackError(`scripts/build.ts failed (exit ${result.status})`);
}

/** Runs a tool's main: a usage mistake prints the usage and exits 2, our errors exit 1. */
export function runTool(name: string, usage: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${name}: ${error.message}\n\n${usage}`);
        process.exit(USAGE_EXIT);
      }
      if (error instanceof LocalStackError) console.error(`${name}: ${error.message}`);
      else console.error(error);
      process.exit(1);
    },
  );
}
