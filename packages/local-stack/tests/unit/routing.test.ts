import { TfvarsError } from '../../src/errors';
import { buildRoutes, matches, routesFor, validatedRoutes } from '../../src/routing';
import { parseTfvars } from '../../src/tfvars';

type PipelineInput = Record<string, unknown>;

function vars(pipelines: Record<string, PipelineInput>) {
  return parseTfvars({
    project: 'px',
    buckets: { uploads: {}, reports: {} },
    pipelines,
  });
}

function routeOf(pipeline: PipelineInput) {
  return buildRoutes(vars({ only: pipeline }))[0]!;
}

function rejection(pipelines: Record<string, PipelineInput>): string {
  try {
    validatedRoutes(vars(pipelines));
  } catch (error) {
    expect(error).toBeInstanceOf(TfvarsError);
    return (error as Error).message;
  }
  throw new Error('expected the routes to be rejected');
}

describe('matches (direct: S3 notification filter)', () => {
  const route = routeOf({
    function: 'metadata',
    source_bucket: 'uploads',
    prefix: 'in/',
    suffix: '.csv',
    output_bucket: 'reports',
  });

  it.each([
    ['in/a.csv', true],
    ['in/.csv', true],
    ['in/a.CSV', false],
    ['out/a.csv', false],
    ['in/a.csv.md5', false],
  ])('%s -> %s', (key, expected) => {
    expect(matches(route, key)).toBe(expected);
  });

  it('tests prefix and suffix independently, so they may share characters', () => {
    const shared = routeOf({
      function: 'metadata',
      source_bucket: 'uploads',
      prefix: 'ab',
      suffix: 'b',
      output_bucket: 'reports',
    });

    expect(matches(shared, 'ab')).toBe(true);
  });
});

describe('matches (queue: EventBridge rule)', () => {
  it('excludes the outputs of a catch-all checksum route (anything-but suffix)', () => {
    const route = routeOf({ function: 'checksum', source_bucket: 'uploads', delivery: 'queue' });

    expect(route.excludeSuffix).toBe('.md5');
    expect(matches(route, 'photo.jpg')).toBe(true);
    expect(matches(route, 'photo.jpg.md5')).toBe(false);
  });

  it('uses the gzip suffix for compress with FORMAT=gzip writing into its source bucket', () => {
    const route = routeOf({
      function: 'compress',
      source_bucket: 'uploads',
      delivery: 'queue',
      output_prefix: 'processed/',
      settings: { FORMAT: 'gzip' },
    });

    expect(route.excludeSuffix).toBe('.gz');
    expect(matches(route, 'processed/a.txt.gz')).toBe(false);
    expect(matches(route, 'processed/a.zip')).toBe(true);
  });

  it('excludes nothing when the outputs land in another bucket', () => {
    const route = routeOf({
      function: 'metadata',
      source_bucket: 'uploads',
      delivery: 'queue',
      output_bucket: 'reports',
    });

    expect(route.excludeSuffix).toBeNull();
    expect(matches(route, 'a.metadata.json')).toBe(true);
  });

  it('treats prefix*suffix as a wildcard: the two cannot share characters', () => {
    const route = routeOf({
      function: 'metadata',
      source_bucket: 'uploads',
      delivery: 'queue',
      prefix: 'ab',
      suffix: 'b',
      output_bucket: 'reports',
    });

    expect(matches(route, 'ab')).toBe(false);
    expect(matches(route, 'abb')).toBe(true);
  });
});

describe('routesFor', () => {
  it('returns every matching pipeline of the bucket, queue routes included', () => {
    const routes = validatedRoutes(
      vars({
        checksum: { function: 'checksum', source_bucket: 'uploads', delivery: 'queue' },
        metadata: {
          function: 'metadata',
          source_bucket: 'uploads',
          output_bucket: 'reports',
          output_prefix: 'metadata/',
          consumes: ['checksum'],
        },
      }),
    );

    expect(routesFor(routes, 'uploads', 'a.txt').map((r) => r.pipeline)).toEqual([
      'checksum',
      'metadata',
    ]);
    expect(routesFor(routes, 'uploads', 'a.txt.md5').map((r) => r.pipeline)).toEqual(['metadata']);
    expect(routesFor(routes, 'reports', 'metadata/a.txt.metadata.json')).toEqual([]);
  });
});

describe('validatedRoutes: overlap', () => {
  it('rejects two direct pipelines on one bucket whose filters overlap, naming both', () => {
    const message = rejection({
      first: {
        function: 'metadata',
        source_bucket: 'uploads',
        prefix: 'in/',
        output_bucket: 'reports',
      },
      second: {
        function: 'compress',
        source_bucket: 'uploads',
        prefix: 'in/csv/',
        suffix: '.csv',
        output_bucket: 'reports',
      },
    });

    expect(message).toContain('direct pipelines "first"');
    expect(message).toContain('"second"');
    expect(message).toContain('bucket "uploads"');
  });

  it('accepts disjoint suffixes, different buckets, or queue delivery', () => {
    const disjoint = {
      a: {
        function: 'metadata',
        source_bucket: 'uploads',
        suffix: '.csv',
        output_bucket: 'reports',
      },
      b: {
        function: 'compress',
        source_bucket: 'uploads',
        suffix: '.txt',
        output_bucket: 'reports',
      },
    };
    const otherBucket = {
      a: {
        function: 'metadata',
        source_bucket: 'uploads',
        output_bucket: 'reports',
        output_prefix: 'meta/',
      },
      b: {
        function: 'compress',
        source_bucket: 'reports',
        prefix: 'incoming/',
        output_prefix: 'processed/',
      },
    };
    const queued = {
      a: {
        function: 'metadata',
        source_bucket: 'uploads',
        output_bucket: 'reports',
        consumes: ['b'],
      },
      b: { function: 'checksum', source_bucket: 'uploads', delivery: 'queue' },
    };

    for (const pipelines of [disjoint, otherBucket, queued]) {
      expect(validatedRoutes(vars(pipelines))).toHaveLength(2);
    }
  });
});

describe('validatedRoutes: loop', () => {
  it('rejects a direct catch-all checksum (its .md5 would trigger it again)', () => {
    const message = rejection({ sums: { function: 'checksum', source_bucket: 'uploads' } });

    expect(message).toContain('pipeline "sums" (checksum)');
    expect(message).toContain('own source bucket "uploads"');
  });

  it('accepts the same checksum pipeline with queue delivery (anything-but suffix)', () => {
    const routes = validatedRoutes(
      vars({ sums: { function: 'checksum', source_bucket: 'uploads', delivery: 'queue' } }),
    );

    expect(routes[0]!.excludeSuffix).toBe('.md5');
  });

  it('accepts a direct checksum whose suffix its outputs cannot end with', () => {
    const routes = validatedRoutes(
      vars({ sums: { function: 'checksum', source_bucket: 'uploads', suffix: '.csv' } }),
    );

    expect(routes).toHaveLength(1);
  });

  it('rejects metadata writing under its own trigger prefix in its source bucket', () => {
    const message = rejection({
      meta: { function: 'metadata', source_bucket: 'uploads', prefix: 'in/', output_prefix: '' },
    });

    expect(message).toContain(
      'pipeline "meta" (metadata) writes outputs such as "in/file.metadata.json" into its own source bucket "uploads"',
    );
  });

  it('accepts compress writing to another prefix of its source bucket', () => {
    const routes = validatedRoutes(
      vars({
        zip: {
          function: 'compress',
          source_bucket: 'uploads',
          prefix: 'incoming/',
          output_prefix: 'processed/',
        },
      }),
    );

    expect(routes[0]!.outputKeyPrefix).toBe('processed/');
  });

  it('accepts compress under its own trigger prefix when .zip cannot end with the trigger suffix', () => {
    const routes = validatedRoutes(
      vars({
        zip: {
          function: 'compress',
          source_bucket: 'uploads',
          prefix: 'incoming/',
          suffix: '.csv',
          output_prefix: 'incoming/zipped/',
        },
      }),
    );

    expect(routes[0]!.outputSuffix).toBe('.zip');
  });

  it('rejects the same compress route without a suffix (its .zip outputs match it)', () => {
    const message = rejection({
      zip: {
        function: 'compress',
        source_bucket: 'uploads',
        prefix: 'incoming/',
        output_prefix: 'incoming/zipped/',
      },
    });

    expect(message).toContain(
      'pipeline "zip" (compress) writes outputs such as "incoming/zipped/file.zip" into its own source bucket',
    );
  });
});
