/**
 * Runs the benchmarks: every scripts/bench/<name>.bench.ts, or only the names given.
 * Benchmarks are not tests: they print figures and ratios against baselines measured in the same
 * run, and exit non-zero when a target is missed.
 *
 * usage: npm run bench [-- <name> ...]     e.g. npm run bench -- checksum
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = __dirname;
const available = readdirSync(dir)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const flags = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n### ${name}`);
  const run = spawnSync(
    join(dir, '..', '..', 'node_modules', '.bin', 'tsx'),
    [join(dir, `${name}.bench.ts`), ...flags],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
