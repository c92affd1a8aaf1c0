import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT, ensureBuilt } from './helpers/artifacts';

/**
 * `npm start -- --demo` with every committed environment file: it uploads samples for each
 * pipeline (a real JPEG for image-resize), prints what each function produced and exits 0.
 */
const ENVS = join(ROOT, 'terraform', 'envs');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const CLI = join(ROOT, 'packages', 'local-stack', 'src', 'cli.ts');

beforeAll(() => ensureBuilt(), 300_000);

function demo(varFile: string): Promise<{ code: number | null; output: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 's3p-demo-'));
  const child = spawn(
    TSX,
    [CLI, '--demo', '--var-file', varFile, '--data-dir', dataDir, '--dist-dir', DIST],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true });
      resolve({ code, output });
    }),
  );
}

describe.each(readdirSync(ENVS).filter((f) => f.endsWith('.tfvars.json')))(
  '--demo with %s',
  (file) => {
    it('exits 0 and shows an output of every function its config runs', async () => {
      // Prepare
      const pipelines = JSON.parse(readFileSync(join(ENVS, file), 'utf8')).pipelines as Record<
        string,
        { function: string }
      >;

      // Act
      const { code, output } = await demo(join(ENVS, file));

      // Assess
      expect({ code, tail: output.slice(-2000) }).toMatchObject({ code: 0 });
      for (const { function: fn } of Object.values(pipelines))
        expect(output).toContain(`[${fn}] s3://`);
      expect(output).toContain('demo ok');
    }, 180_000);
  },
);
