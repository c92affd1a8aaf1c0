#!/usr/bin/env node
// Runs a root package script under Node 22 and a pinned pnpm, bootstrapping both from the npm
// registry when the machine only has Node 20+ and npm. Lambda runs nodejs22.x, so tests must too,
// and corepack cannot verify pnpm's signatures offline, so neither is taken from the machine.
//
// usage: node scripts/toolchain.mjs <root-script> [args...]
//
// A signal sent to this process alone (`kill <pid>`, or npm relaying its own) is passed on to the
// child, and this process exits only when the child has: a service started through here stops
// cleanly instead of being orphaned with its port held. A --help answers without `pnpm install`
// once the workspace is installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_SPEC = 'node@22';
const PNPM_SPEC = 'pnpm@10.34.9';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const toolNode = join(tools, 'node_modules', 'node', 'bin', 'node');
const toolPnpm = join(tools, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs a command to its end, passing on the signals we get; resolves with its exit status. */
function run(cmd, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
    // A Ctrl-C has reached the child already (it is in the terminal's process group); the copy
    // we forward is one it must tolerate, as every layer between npm and the stack does.
    const forward = (signal) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const s of FORWARDED_SIGNALS) process.off(s, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

function fail(message) {
  console.error(`toolchain: ${message}`);
  process.exit(1);
}

function nodeMajor(bin) {
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().replace(/^v/, '').split('.')[0]) : NaN;
}

async function ensureTools() {
  const missing = [];
  if (nodeMajor(process.execPath) !== 22 && !existsSync(toolNode)) missing.push(NODE_SPEC);
  if (!existsSync(toolPnpm)) missing.push(PNPM_SPEC);
  if (missing.length === 0) return;
  console.error(`toolchain: installing ${missing.join(' ')} into .tools/ from the npm registry`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const status = await run(npm, [
    'install',
    '--prefix',
    tools,
    '--no-save',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...missing,
  ]);
  if (status !== 0) fail(`npm install ${missing.join(' ')} failed (exit ${status})`);
}

const [script, ...args] = process.argv.slice(2);
if (!script) fail('usage: node scripts/toolchain.mjs <root-script> [args...]');

const inside = process.env.S3P_TOOLCHAIN === '1' && nodeMajor(process.execPath) === 22;
await ensureTools();
const node = nodeMajor(process.execPath) === 22 ? process.execPath : toolNode;
if (nodeMajor(node) !== 22) fail(`${node} is not Node 22; delete .tools/ and try again`);

const env = {
  ...process.env,
  S3P_TOOLCHAIN: '1',
  PATH: [dirname(node), join(tools, 'node_modules', '.bin'), process.env.PATH].join(':'),
  npm_config_update_notifier: 'false',
};
const pnpm = (...a) => run(node, [toolPnpm, ...a], env);

// Reading a script's usage needs what is installed, not a fresh install (nor the lockfile check).
const helpOnly = args.includes('--help') || args.includes('-h');
const installed = existsSync(join(root, 'node_modules', '.modules.yaml'));
if (!inside && !(helpOnly && installed)) {
  const status = await pnpm(
    'install',
    '--frozen-lockfile',
    '--prefer-offline',
    '--reporter=append-only',
  );
  if (status !== 0) fail(`pnpm install failed (exit ${status})`);
}
process.exit(await pnpm('run', '--silent', script, ...args));
