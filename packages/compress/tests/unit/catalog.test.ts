import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '@s3-pipelines/s3-stream';
import { CompressConfigSchema } from '../../src/config';
import { FORMATS } from '../../src/constants';

// Terraform and the local stack find compress's outputs (IAM write scope, the routing graph)
// through terraform/catalog.json's output_suffixes; the function names its archives through
// FORMATS. A format added to one and not the other would write keys nobody may write or route.
const catalog = JSON.parse(
  readFileSync(join(__dirname, '../../../../terraform/catalog.json'), 'utf8'),
) as { functions: { compress: { output_suffixes: Record<string, string> } } };
const suffixes = catalog.functions.compress.output_suffixes;

describe('terraform/catalog.json agrees with compress', () => {
  it('lists exactly the formats compress accepts, each with its extension', () => {
    // Arrange
    const fromCatalog = Object.fromEntries(Object.entries(suffixes).filter(([format]) => format));
    const fromFunction = Object.fromEntries(
      Object.entries(FORMATS).map(([format, { extension }]) => [format, extension]),
    );

    // Assess
    expect(fromCatalog).toEqual(fromFunction);
  });

  it('gives the default format the suffix of an unset FORMAT', () => {
    // Arrange
    const { FORMAT } = parseConfig(CompressConfigSchema, {});

    // Assess
    expect(suffixes['']).toBe(FORMATS[FORMAT].extension);
  });
});
