/**
 * Every check the project has, in the order that fails fastest: lint, typecheck, build, the jest
 * projects (unit, integration, e2e), then the Terraform checks. Prints one closing line
 * `N passed, M failed` counting test cases, and exits non-zero if any step failed.
 *
 * usage: tsx scripts/test-all.ts   (the README's `npm test` runs this under Node 22)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const resultsDir = join(root, '.ci-results');

interface Step {
  name: string;
  command: string;
  args: string[];
  /** Reads the step's test counts; steps without one count as a single check. */
  count?: (output: string) => { passed: number; failed: number } | undefined;
}

function jestCounts(): { passed: number; failed: number } | undefined {
  try {
    const report = JSON.parse(readFileSync(join(resultsDir, 'jest.json'), 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numRuntimeErrorTestSuites: number;
    };
    return {
      passed: report.numPassedTests,
      failed: report.numFailedTests + report.numRuntimeErrorTestSuites,
    };
  } catch {
    return undefined;
  }
}

function closingLineCounts(output: string): { passed: number; failed: number } | undefined {
  const match = /^(\d+) passed, (\d+) failed$/m.exec(output);
  return match ? { passed: Number(match[1]), failed: Number(match[2]) } : undefined;
}

const steps: Step[] = [
  { name: 'lint', command: bin('eslint'), args: ['.'] },
  { name: 'format', command: bin('prettier'), args: ['--check', '.'] },
  { name: 'typecheck', command: bin('tsc'), args: ['-p', 'tsconfig.json'] },
  { name: 'build', command: bin('tsx'), args: ['scripts/build.ts'] },
  {
    name: 'jest (unit, integration, e2e)',
    command: bin('jest'),
    args: ['--ci', '--json', `--outputFile=${join(resultsDir, 'jest.json')}`],
    count: jestCounts,
  },
  {
    name: 'terraform',
    command: 'bash',
    args: ['scripts/test-terraform.sh'],
    count: closingLineCounts,
  },
];

mkdirSync(resultsDir, { recursive: true });
let passed = 0;
let failed = 0;
const failedSteps: string[] = [];
for (const step of steps) {
  console.log(`\n=== ${step.name}`);
  const started = Date.now();
  const run = spawnSync(step.command, step.args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  process.stdout.write(run.stdout ?? '');
  const ok = run.status === 0;
  const counts = step.count?.(run.stdout ?? '');
  if (counts) {
    passed += counts.passed;
    failed += counts.failed;
  } else if (ok) {
    passed += 1;
  } else {
    failed += 1;
  }
  if (!ok) failedSteps.push(step.name);
  // A step that failed without a failed count (a crash) must still fail the run.
  if (!ok && counts && counts.failed === 0) failed += 1;
  console.log(
    `=== ${step.name}: ${ok ? 'ok' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

if (failedSteps.length) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failedSteps.length ? 1 : 0);
