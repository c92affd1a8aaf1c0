import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TfvarsError } from '../../src/errors';
import { METRICS_NAMESPACE } from '../../../s3-stream/src/handler/metrics';
import { CATALOG } from '../../src/catalog';
import { loadTfvars, parseTfvars, realBucketName, terraformEnvironment } from '../../src/tfvars';

const valid = {
  project: 's3p-dev',
  region: 'eu-west-1',
  buckets: { uploads: {}, reports: { force_destroy: true } },
  pipelines: {
    checksum: { function: 'checksum', source_bucket: 'uploads', delivery: 'queue' },
  },
};

function problemOf(value: unknown): string {
  try {
    parseTfvars(value, 'test.tfvars.json');
  } catch (error) {
    expect(error).toBeInstanceOf(TfvarsError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be rejected');
}

describe('parseTfvars', () => {
  it('applies the defaults variables.tf declares', () => {
    // Act
    const vars = parseTfvars(valid);

    // Assess
    expect(vars.pipelines.checksum).toMatchObject({
      prefix: '',
      suffix: '',
      output_prefix: '',
      delivery: 'queue',
      max_retries: 2,
      batch_size: 10,
      timeout_s: 300,
      settings: {},
    });
    expect(vars.buckets.uploads).toMatchObject({ force_destroy: false, noncurrent_days: 30 });
  });

  it('accepts top-level keys that only Terraform uses', () => {
    const vars = parseTfvars({ ...valid, network: { create: false }, alarm_topic_arn: 'arn:x' });

    expect(vars.project).toBe('s3p-dev');
  });

  it('names the pipeline and field of an unknown function', () => {
    const message = problemOf({
      ...valid,
      pipelines: { resize: { function: 'thumbnail', source_bucket: 'uploads' } },
    });

    expect(message).toContain('test.tfvars.json');
    expect(message).toContain('pipeline "resize": function is "thumbnail"; it must be one of');
  });

  it('rejects a source_bucket that is not a logical bucket key', () => {
    const message = problemOf({
      ...valid,
      pipelines: { checksum: { function: 'checksum', source_bucket: 's3p-dev-uploads' } },
    });

    expect(message).toContain(
      'pipeline "checksum": source_bucket is "s3p-dev-uploads", which is not a key of buckets',
    );
  });

  it('rejects settings that would override what Terraform sets', () => {
    const message = problemOf({
      ...valid,
      pipelines: {
        checksum: {
          function: 'checksum',
          source_bucket: 'uploads',
          settings: { OUTPUT_BUCKET: 'x' },
        },
      },
    });

    expect(message).toContain(
      'pipeline "checksum": setting "OUTPUT_BUCKET" is reserved (Terraform sets it)',
    );
  });

  it('rejects an output bucket on a checksum pipeline', () => {
    const message = problemOf({
      ...valid,
      pipelines: {
        checksum: { function: 'checksum', source_bucket: 'uploads', output_bucket: 'reports' },
      },
    });

    expect(message).toContain('leave output_bucket and output_prefix unset');
  });

  it('rejects out-of-range numbers with the bounds catalog.json gives Terraform too', () => {
    const message = problemOf({
      ...valid,
      pipelines: { checksum: { function: 'checksum', source_bucket: 'uploads', max_retries: 3 } },
    });

    expect(message).toContain(
      'pipeline "checksum": max_retries is 3; it must be a whole number from 0 to 2',
    );
  });

  it('reports a file that is not JSON with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfvars-'));
    const path = join(dir, 'bad.tfvars.json');
    writeFileSync(path, '{ project = "hcl, not json" }');

    expect(() => loadTfvars(path)).toThrow(`${path} is not JSON`);
    expect(() => loadTfvars(join(dir, 'missing.json'))).toThrow(TfvarsError);
  });
});

describe('realBucketName', () => {
  it('is <project>-<logical>, lowercased', () => {
    expect(realBucketName({ project: 'S3P-Dev' }, 'uploads')).toBe('s3p-dev-uploads');
  });
});

describe('terraformEnvironment', () => {
  it('publishes metrics under a namespace of the project, as terraform/locals.tf does', () => {
    // Arrange
    const vars = parseTfvars(valid);

    // Act
    const env = terraformEnvironment(vars.project, 'checksum', vars.pipelines.checksum!);

    // Assess: two environments in one account never share a graph or an alarm.
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toBe('s3-pipelines/s3p-dev');
    expect(CATALOG.reserved_settings.set_by_terraform).toContain('POWERTOOLS_METRICS_NAMESPACE');
  });

  it("roots the namespace where the layer's metrics go when nothing sets one", () => {
    // Assess
    expect(CATALOG.metrics_namespace).toBe(METRICS_NAMESPACE);
  });
});
