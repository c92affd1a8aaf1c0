/**
 * The fault run (docs/chaos.md): every pipeline of the config through the local stack, with a
 * fault-injecting proxy between the functions and S3, then every output judged by tools we did
 * not write. Prints the table and exits non-zero when anything is lost, written twice or
 * deleted wrongly. A separate command, like the benchmarks; `npm test` runs a short one
 * (tests/e2e/chaos.test.ts).
 *
 * usage: npm run chaos -- --objects 1000 --fault-rate 0.05 [--seed N]   (--help for the rest)
 */
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { UsageError } from '../packages/local-stack/src/errors';
import { CHAOS_USAGE, parseChaosArgs } from '../packages/local-stack/src/chaos/options';
import { runChaos } from '../packages/local-stack/src/chaos/runChaos';

const ROOT = join(__dirname, '..');
const MiB = 1024 * 1024;

async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseChaosArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`chaos: ${error.message}\n\n${CHAOS_USAGE}`);
    return 2;
  }
  if (options.help) {
    console.log(CHAOS_USAGE);
    return 0;
  }
  if (options.build) {
    const build = spawnSync(
      process.execPath,
      [require.resolve('tsx/cli', { paths: [ROOT] }), join(ROOT, 'scripts', 'build.ts')],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (build.status !== 0) {
      console.error(`chaos: scripts/build.ts failed (exit ${build.status})`);
      return 1;
    }
  }
  const result = await runChaos({
    objects: options.objects,
    faultRate: options.faultRate,
    seed: options.seed,
    varFile: options.varFile,
    distDir: join(ROOT, 'dist'),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    timeoutS: options.timeoutS,
    maxSize: Math.floor(options.maxSizeMiB * MiB),
    keepObjects: options.keepObjects,
    log: (line) => console.error(`chaos: ${line}`),
  });
  console.log(`\n$ npm run chaos -- ${args.join(' ')}\n`);
  console.log(result.text);
  const dir = relative(process.cwd(), result.dataDir) || '.';
  console.log(
    `\nlogs, dead letters and this report: ${dir.startsWith('..') ? result.dataDir : dir}`,
  );
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`chaos: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
