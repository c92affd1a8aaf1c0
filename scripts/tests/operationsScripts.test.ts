import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * scripts/backfill.sh and scripts/replay.sh. Their requests are checked by the AWS CLI itself,
 * which validates every parameter against the service model before it sends anything: the real
 * `aws` runs against a capture server on 127.0.0.1 (its HTTP proxy and endpoint, with fake
 * credentials), and the tests assert on what arrives there, serialised by the CLI.
 */

const root = join(__dirname, '..', '..');
const ACCOUNT = '123456789012';
const REGION = 'eu-west-1'; // terraform/envs/dev.tfvars.json
const FUNCTION = (name: string) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:s3p-dev-${name}:live`;
const QUEUE_URL = (name: string) => `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;

/**
 * `terraform output -json` of a dev deployment: the shapes terraform/outputs.tf gives (the Batch
 * role names and reports_location are asserted in terraform/tests/iam.tftest.hcl).
 */
const OUTPUTS = {
  bucket_names: {
    sensitive: false,
    value: {
      uploads: 's3p-dev-uploads-a1',
      inbox: 's3p-dev-inbox-a1',
      reports: 's3p-dev-reports-a1',
    },
  },
  functions: {
    sensitive: false,
    value: Object.fromEntries(
      ['checksum', 'metadata', 'compress', 'image-resize'].map((p) => [
        p,
        {
          name: `s3p-dev-${p}`,
          target_arn: FUNCTION(p),
          version: '7',
          log_group: `/aws/lambda/s3p-dev-${p}`,
          dlq_url: QUEUE_URL(`s3p-dev-${p}-async-dlq`),
        },
      ]),
    ),
  },
  queues: {
    sensitive: false,
    value: {
      checksum: { url: QUEUE_URL('s3p-dev-checksum'), dlq_url: QUEUE_URL('s3p-dev-checksum-dlq') },
    },
  },
  batch_roles: {
    sensitive: false,
    value: Object.fromEntries(
      ['checksum', 'metadata', 'compress', 'image-resize'].map((p) => [
        p,
        `arn:aws:iam::${ACCOUNT}:role/s3p-dev-${p}_batch`,
      ]),
    ),
  },
  reports_location: {
    sensitive: false,
    value: {
      bucket_arn: 'arn:aws:s3:::s3p-dev-batch-reports-a1',
      prefix: 'batch-reports/',
      inventory_prefix: 'inventory/',
    },
  },
};

/** Where S3 Inventory delivers a report of compress's source bucket (inbox), as S3 names it. */
const INVENTORY_KEY = 'inventory/s3p-dev-inbox-a1/daily/2024-06-01T01-00Z/manifest.json';
const INVENTORY = `s3://s3p-dev-batch-reports-a1/${INVENTORY_KEY}`;
const INVENTORY_ARN = `arn:aws:s3:::s3p-dev-batch-reports-a1/${INVENTORY_KEY}`;

interface Captured {
  method: string;
  path: string;
  target?: string;
  body: string;
}

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/** An HTTP server (and forward proxy) on 127.0.0.1 that records requests and answers `reply`. */
async function captureServer(reply: (request: Captured) => Answer) {
  const requests: Captured[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      // Through the proxy the request line holds the whole URL, with S3 Control's account host
      // (`123456789012.127.0.0.1`, which WHATWG URL refuses as an IPv4 address).
      const path = (req.url ?? '/').replace(/^https?:\/\/[^/]+/, '').split('?')[0]!;
      const captured: Captured = {
        method: req.method ?? '',
        path: decodeURIComponent(path),
        target: req.headers['x-amz-target'] as string | undefined,
        body,
      };
      requests.push(captured);
      let answer: Answer;
      try {
        answer = reply(captured);
      } catch (error) {
        answer = { status: 500, body: String(error) };
      }
      res.writeHead(answer.status ?? 200, answer.headers ?? {});
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const xml = (body: string): Answer => ({ headers: { 'content-type': 'application/xml' }, body });
const json = (value: unknown, headers: Record<string, string> = {}): Answer => ({
  headers: { 'content-type': 'application/x-amz-json-1.0', ...headers },
  body: JSON.stringify(value),
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 's3p-ops-scripts-'));
  writeFileSync(join(dir, 'outputs.json'), JSON.stringify(OUTPUTS));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The environment for the real AWS CLI: fake credentials, no user config, everything to
 * `endpoint`. `aws` on PATH is the real CLI given `--endpoint-url` (AWS_ENDPOINT_URL would not
 * do: CLI v1 pins SQS in some regions to its legacy host unless the flag is given).
 */
function awsEnv(endpoint: string): NodeJS.ProcessEnv {
  writeFileSync(
    join(dir, 'aws'),
    `#!/bin/sh\nexec '${realAws}' --endpoint-url '${endpoint}' "$@"\n`,
  );
  chmodSync(join(dir, 'aws'), 0o755);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${dir}:${process.env.PATH}`,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    // S3 Control puts the account id in the host name; a proxy on 127.0.0.1 receives it anyway.
    HTTP_PROXY: endpoint,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
    S3P_TERRAFORM_OUTPUTS: join(dir, 'outputs.json'),
  };
  for (const name of ['NO_PROXY', 'no_proxy', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'http_proxy'])
    delete env[name];
  return env;
}

/** Runs a script to its end without blocking the event loop, so the capture server can answer. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', [join(root, 'scripts', `${script}.sh`), ...args], {
      cwd: tmpdir(),
      env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdin.end();
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A PATH whose `aws` and `terraform` only record that they were called. */
function recordingPath(): string {
  for (const tool of ['aws', 'terraform']) {
    writeFileSync(join(dir, tool), `#!/bin/sh\necho "${tool} $*" >> "${dir}/calls"\nexit 1\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return `${dir}:${process.env.PATH}`;
}

/** recordingPath() with the saved outputs: a run that may read them but must call nothing. */
function offlineEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: recordingPath(),
    S3P_TERRAFORM_OUTPUTS: join(dir, 'outputs.json'),
  };
}

const realAws = spawnSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim();

describe('scripts/backfill.sh and scripts/replay.sh arguments', () => {
  it.each([
    [
      ['staging', 'metadata'],
      'backfill: no terraform/envs/staging.tfvars.json; environments: dev prod',
    ],
    [
      ['dev', 'thumbnails'],
      "backfill: no pipeline 'thumbnails' in terraform/envs/dev.tfvars.json; pipelines: checksum compress image-resize metadata",
    ],
    [
      ['dev', 'metadata', '--created-before', '2024-02-30'],
      "backfill: --created-before '2024-02-30' is not a date: expected ISO 8601 such as 2024-06-01 or 2024-06-01T00:00:00Z.",
    ],
    [
      ['dev', 'metadata', '--created-before', 'last tuesday'],
      "backfill: --created-before 'last tuesday' is not a date",
    ],
    [
      ['dev', 'compress', '--prefix', 'outgoing/'],
      "backfill: --prefix 'outgoing/' is outside the trigger of pipeline 'compress': it must start with 'incoming/'.",
    ],
    [
      ['dev', 'metadata', '--min-size', '1k'],
      "backfill: --min-size '1k' is not a size: expected a whole number of bytes.",
    ],
    [
      ['dev', 'compress', '--inventory', INVENTORY, '--prefix', 'incoming/2024/'],
      'backfill: --inventory cannot be combined with --prefix: S3 Batch Operations takes an inventory',
    ],
    [
      [
        'dev',
        'compress',
        '--created-before',
        '2024-06-01',
        '--min-size',
        '1',
        '--inventory',
        INVENTORY,
      ],
      'backfill: --inventory cannot be combined with --created-before, --min-size:',
    ],
    [
      ['dev', 'compress', '--inventory', INVENTORY.replace('manifest.json', 'manifest.checksum')],
      `backfill: --inventory '${INVENTORY.replace('manifest.json', 'manifest.checksum')}' is not an inventory manifest: expected the manifest.json of a CSV S3 Inventory report`,
    ],
    [
      ['dev', 'compress', '--inventory', INVENTORY_KEY],
      `backfill: --inventory '${INVENTORY_KEY}' is not an S3 object: expected s3://BUCKET/KEY/manifest.json or arn:aws:s3:::BUCKET/KEY/manifest.json.`,
    ],
  ])(
    'backfill %j fails before any AWS or Terraform call, naming the value',
    async (args, message) => {
      // Prepare
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: recordingPath() };
      delete env.S3P_TERRAFORM_OUTPUTS;

      // Act
      const result = await run('backfill', args, env);

      // Assess
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(message);
      expect(existsSync(join(dir, 'calls'))).toBe(false);
    },
  );

  it.each([
    // Another pipeline's source bucket: the role may read only its own bucket's inventories.
    's3://s3p-dev-batch-reports-a1/inventory/s3p-dev-uploads-a1/daily/2024-06-01T01-00Z/manifest.json',
    // The right path in another bucket.
    `arn:aws:s3:::someone-elses-bucket/${INVENTORY_KEY}`,
    // The reports bucket, outside its inventory prefix.
    's3://s3p-dev-batch-reports-a1/batch-reports/s3p-dev-inbox-a1/manifest.json',
  ])(
    "backfill --inventory %s outside the pipeline's inventory location fails before any AWS call, naming both",
    async (manifest) => {
      // Prepare
      const env = offlineEnv();

      // Act
      const result = await run('backfill', ['dev', 'compress', '--inventory', manifest], env);

      // Assess
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(
        `backfill: --inventory '${manifest}' is outside the inventory location of pipeline 'compress': ` +
          'expected s3://s3p-dev-batch-reports-a1/inventory/s3p-dev-inbox-a1/<configuration id>/<YYYY-MM-DDTHH-MMZ>/manifest.json',
      );
      expect(existsSync(join(dir, 'calls'))).toBe(false);
    },
  );

  it.each(['backfill', 'replay'])(
    '%s prints its usage and exits 2 without a pipeline',
    async (script) => {
      // Act
      const result = await run(script, ['dev'], process.env);

      // Assess
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`usage: scripts/${script}.sh <env> <pipeline>`);
    },
  );

  it('replay names an unknown pipeline before any call', async () => {
    // Act
    const result = await run('replay', ['prod', 'nope'], { ...process.env, PATH: recordingPath() });

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "replay: no pipeline 'nope' in terraform/envs/prod.tfvars.json",
    );
    expect(existsSync(join(dir, 'calls'))).toBe(false);
  });
});

describe('scripts/backfill.sh through the real AWS CLI', () => {
  beforeAll(() => {
    if (!realAws)
      throw new Error(
        'these tests need the AWS CLI on PATH (pip install awscli, or apt-get install awscli)',
      );
  });

  it('--dry-run prints the CreateJob request and calls nothing', async () => {
    // Prepare
    const env = offlineEnv();

    // Act
    const result = await run(
      'backfill',
      [
        'dev',
        'compress',
        '--prefix',
        'incoming/2024/',
        '--created-before',
        '2024-06-01',
        '--min-size',
        '1024',
        '--dry-run',
      ],
      env,
    );

    // Assess
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'calls'))).toBe(false);
    expect(JSON.parse(result.stdout)).toEqual({
      AccountId: ACCOUNT,
      ConfirmationRequired: true,
      Description: 'backfill compress (dev)',
      Priority: 10,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/s3p-dev-compress_batch`,
      Operation: {
        LambdaInvoke: {
          FunctionArn: FUNCTION('compress'),
          InvocationSchemaVersion: '2.0',
          UserArguments: { pipeline: 'compress' },
        },
      },
      Report: {
        Bucket: 'arn:aws:s3:::s3p-dev-batch-reports-a1',
        Prefix: 'batch-reports/compress',
        Format: 'Report_CSV_20180820',
        Enabled: true,
        ReportScope: 'AllTasks',
      },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          SourceBucket: 'arn:aws:s3:::s3p-dev-inbox-a1',
          EnableManifestOutput: false,
          Filter: {
            KeyNameConstraint: { MatchAnyPrefix: ['incoming/2024/'] },
            CreatedBefore: '2024-06-01T00:00:00Z',
            ObjectSizeGreaterThanBytes: 1023,
          },
        },
      },
    });
  });

  it('creates the job: the CLI accepts the request and S3 Control receives it, then the job is described', async () => {
    // Prepare
    const server = await captureServer((r) =>
      r.method === 'POST'
        ? xml('<CreateJobResult><JobId>job-0001</JobId></CreateJobResult>')
        : xml(
            '<DescribeJobResult><Job><JobId>job-0001</JobId><Status>Suspended</Status><ProgressSummary>' +
              '<TotalNumberOfTasks>1234</TotalNumberOfTasks><NumberOfTasksSucceeded>0</NumberOfTasksSucceeded>' +
              '<NumberOfTasksFailed>0</NumberOfTasksFailed></ProgressSummary></Job></DescribeJobResult>',
          ),
    );

    try {
      // Act
      const result = await run(
        'backfill',
        ['dev', 'compress', '--created-before', '2024-06-01T12:00:00Z'],
        awsEnv(server.endpoint),
      );

      // Assess
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      expect(result.stdout).toContain('job job-0001 created');
      expect(result.stdout).toContain('objects in the manifest: 1234');
      expect(result.stdout).toContain(
        `aws s3control update-job-status --region ${REGION} --account-id ${ACCOUNT} --job-id job-0001 --requested-job-status Ready`,
      );
      const [create, describe] = server.requests;
      expect(create).toMatchObject({ method: 'POST', path: '/v20180820/jobs' });
      expect(describe).toMatchObject({ method: 'GET', path: '/v20180820/jobs/job-0001' });
      // What the CLI serialised from the model: every member where the model puts it.
      const sent = create!.body;
      for (const element of [
        '<ConfirmationRequired>true</ConfirmationRequired>',
        `<LambdaInvoke><FunctionArn>${FUNCTION('compress')}</FunctionArn><InvocationSchemaVersion>2.0</InvocationSchemaVersion>`,
        '<Report><Bucket>arn:aws:s3:::s3p-dev-batch-reports-a1</Bucket><Prefix>batch-reports/compress</Prefix>' +
          '<Format>Report_CSV_20180820</Format><Enabled>true</Enabled><ReportScope>AllTasks</ReportScope></Report>',
        '<UserArguments><entry><key>pipeline</key><value>compress</value></entry></UserArguments>',
        '<Priority>10</Priority>',
        `<RoleArn>arn:aws:iam::${ACCOUNT}:role/s3p-dev-compress_batch</RoleArn>`,
        '<S3JobManifestGenerator><SourceBucket>arn:aws:s3:::s3p-dev-inbox-a1</SourceBucket><EnableManifestOutput>false</EnableManifestOutput>',
        '<KeyNameConstraint><MatchAnyPrefix><member>incoming/</member></MatchAnyPrefix></KeyNameConstraint>',
        '<CreatedBefore>2024-06-01T12:00:00Z</CreatedBefore>',
      ]) {
        expect(sent).toContain(element);
      }
      expect(sent).toMatch(/<ClientRequestToken>[0-9a-f-]{36}<\/ClientRequestToken>/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('--dry-run --inventory prints a request with the inventory manifest, a placeholder ETag, and calls nothing', async () => {
    // Prepare
    const env = offlineEnv();

    // Act
    const result = await run(
      'backfill',
      ['dev', 'compress', '--inventory', INVENTORY_ARN, '--dry-run'],
      env,
    );

    // Assess
    expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
    expect(existsSync(join(dir, 'calls'))).toBe(false);
    const request = JSON.parse(result.stdout);
    expect(request).not.toHaveProperty('ManifestGenerator');
    expect(request.Manifest).toEqual({
      Spec: { Format: 'S3InventoryReport_CSV_20161130' },
      Location: {
        ObjectArn: INVENTORY_ARN,
        ETag: '<ETag of manifest.json, read at create time>',
      },
    });
    expect(request.RoleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/s3p-dev-compress_batch`);
    expect(request.Report.Prefix).toBe('batch-reports/compress');
  });

  it("--inventory: reads the manifest's ETag with HeadObject, then creates the job on that manifest", async () => {
    // Prepare: S3 answers HeadObject with the ETag in quotes, as it does.
    const etag = '3858f62230ac3c915f300c664312c11f';
    const server = await captureServer((r) => {
      if (r.method === 'HEAD')
        return {
          headers: {
            ETag: `"${etag}"`,
            'Content-Length': '1024',
            'Last-Modified': 'Sat, 01 Jun 2024 01:00:00 GMT',
          },
          body: '',
        };
      if (r.method === 'POST')
        return xml('<CreateJobResult><JobId>job-0002</JobId></CreateJobResult>');
      return xml(
        '<DescribeJobResult><Job><JobId>job-0002</JobId><Status>Active</Status><ProgressSummary>' +
          '<TotalNumberOfTasks>5000000</TotalNumberOfTasks><NumberOfTasksSucceeded>0</NumberOfTasksSucceeded>' +
          '<NumberOfTasksFailed>0</NumberOfTasksFailed></ProgressSummary></Job></DescribeJobResult>',
      );
    });

    try {
      // Act
      const result = await run(
        'backfill',
        ['dev', 'compress', '--inventory', INVENTORY, '--yes'],
        awsEnv(server.endpoint),
      );

      // Assess
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      expect(result.stdout).toContain('job job-0002 created');
      expect(result.stdout).toContain('objects in the manifest: 5000000');
      const [head, create, describe] = server.requests;
      expect(head).toMatchObject({
        method: 'HEAD',
        path: `/s3p-dev-batch-reports-a1/${INVENTORY_KEY}`,
      });
      expect(create).toMatchObject({ method: 'POST', path: '/v20180820/jobs' });
      expect(describe).toMatchObject({ method: 'GET', path: '/v20180820/jobs/job-0002' });
      expect(server.requests).toHaveLength(3);
      // Serialised by the CLI from its model, so the CLI's validation accepted it.
      const sent = create!.body;
      expect(sent).toContain(
        '<Manifest><Spec><Format>S3InventoryReport_CSV_20161130</Format></Spec>' +
          `<Location><ObjectArn>arn:aws:s3:::s3p-dev-batch-reports-a1/${INVENTORY_KEY}</ObjectArn>` +
          `<ETag>${etag}</ETag></Location></Manifest>`,
      );
      expect(sent).not.toContain('ManifestGenerator');
      expect(sent).toContain('<ConfirmationRequired>false</ConfirmationRequired>');
      expect(sent).toContain(
        `<RoleArn>arn:aws:iam::${ACCOUNT}:role/s3p-dev-compress_batch</RoleArn>`,
      );
    } finally {
      await server.close();
    }
  }, 60_000);

  it('would be refused by the CLI if it strayed from the model: a check that the validation is on', async () => {
    // Prepare: the dry run's request with a member the model does not have.
    const dry = await run('backfill', ['dev', 'metadata', '--dry-run'], {
      ...process.env,
      S3P_TERRAFORM_OUTPUTS: join(dir, 'outputs.json'),
    });
    const request = JSON.parse(dry.stdout);
    request.ManifestGenerator.S3JobManifestGenerator.Filter = { KeyPrefix: 'x/' };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(request));
    const server = await captureServer(() =>
      xml('<CreateJobResult><JobId>never</JobId></CreateJobResult>'),
    );

    try {
      // Act
      const result = spawnSync(
        join(dir, 'aws'),
        [
          's3control',
          'create-job',
          '--region',
          REGION,
          '--cli-input-json',
          `file://${join(dir, 'bad.json')}`,
        ],
        { env: awsEnv(server.endpoint), encoding: 'utf8' },
      );

      // Assess
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('Parameter validation failed');
      expect(result.stderr).toContain('KeyPrefix');
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('scripts/replay.sh through the real AWS CLI', () => {
  const arnOf = (url: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${url.split('/').pop()}`;

  it('queue mode: starts an SQS message move task from the DLQ back to the queue', async () => {
    // Prepare
    const server = await captureServer((r) => {
      const body = JSON.parse(r.body || '{}');
      if (r.target === 'AmazonSQS.GetQueueAttributes')
        return json({ Attributes: { QueueArn: arnOf(body.QueueUrl) } });
      return json({ TaskHandle: 'task-handle-1' });
    });

    try {
      // Act
      const result = await run('replay', ['dev', 'checksum'], awsEnv(server.endpoint));

      // Assess
      expect({ status: result.status, stderr: result.stderr }).toMatchObject({ status: 0 });
      expect(result.stdout).toContain('move task task-handle-1 started');
      const move = server.requests.find((r) => r.target === 'AmazonSQS.StartMessageMoveTask')!;
      expect(JSON.parse(move.body)).toEqual({
        SourceArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:s3p-dev-checksum-dlq`,
        DestinationArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:s3p-dev-checksum`,
      });
    } finally {
      await server.close();
    }
  }, 60_000);

  it('direct mode: re-invokes each on-failure record and deletes only those that succeed', async () => {
    // Prepare: two records of the async DLQ, as Lambda's on-failure destination writes them.
    const record = (key: string) =>
      JSON.stringify({
        version: '1.0',
        timestamp: '2024-06-01T00:00:00.000Z',
        requestContext: {
          requestId: 'r',
          functionArn: FUNCTION('metadata'),
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: { Records: [{ eventSource: 'aws:s3', s3: { object: { key } } }] },
        responseContext: { statusCode: 200, executedVersion: '7', functionError: 'Unhandled' },
        responsePayload: { errorType: 'TransientError' },
      });
    let received = 0;
    const server = await captureServer((r) => {
      if (r.target === 'AmazonSQS.ReceiveMessage') {
        received += 1;
        if (received > 1) return json({});
        return json({
          Messages: [
            {
              MessageId: 'm-good',
              ReceiptHandle: 'rh-good',
              Body: record('good.csv'),
              MD5OfBody: 'x',
            },
            {
              MessageId: 'm-bad',
              ReceiptHandle: 'rh-bad',
              Body: record('still-bad.csv'),
              MD5OfBody: 'x',
            },
          ],
        });
      }
      if (r.target === 'AmazonSQS.DeleteMessage') return json({});
      // Lambda Invoke (REST): the event is the body.
      if (r.body.includes('still-bad')) {
        return {
          headers: { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '7' },
          body: '{"errorMessage":"still failing"}',
        };
      }
      return { headers: { 'x-amz-executed-version': '7' }, body: '{"processed":1}' };
    });

    try {
      // Act
      const result = await run('replay', ['dev', 'metadata'], awsEnv(server.endpoint));

      // Assess
      expect(result.status).toBe(1);
      expect(result.stdout).toContain('1 replayed and deleted, 1 still failing');
      const invokes = server.requests.filter((r) => r.path.endsWith('/invocations'));
      expect(invokes.map((r) => r.path)).toEqual([
        `/2015-03-31/functions/${FUNCTION('metadata')}/invocations`,
        `/2015-03-31/functions/${FUNCTION('metadata')}/invocations`,
      ]);
      expect(JSON.parse(invokes[0]!.body)).toEqual({
        Records: [{ eventSource: 'aws:s3', s3: { object: { key: 'good.csv' } } }],
      });
      const deletes = server.requests
        .filter((r) => r.target === 'AmazonSQS.DeleteMessage')
        .map((r) => JSON.parse(r.body));
      expect(deletes).toEqual([
        { QueueUrl: QUEUE_URL('s3p-dev-metadata-async-dlq'), ReceiptHandle: 'rh-good' },
      ]);
      const receive = JSON.parse(
        server.requests.find((r) => r.target === 'AmazonSQS.ReceiveMessage')!.body,
      );
      expect(receive).toMatchObject({
        QueueUrl: QUEUE_URL('s3p-dev-metadata-async-dlq'),
        VisibilityTimeout: 900,
      });
    } finally {
      await server.close();
    }
  }, 90_000);
});

it('the outputs these scripts read exist in terraform/outputs.tf and are documented in docs/operations.md', () => {
  // Prepare
  const docs = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
  const outputs = readFileSync(join(root, 'terraform', 'outputs.tf'), 'utf8');

  // Assess
  for (const name of Object.keys(OUTPUTS)) {
    expect(docs).toContain(`\`${name}\``);
    expect(outputs).toContain(`output "${name}" {`);
  }
});
