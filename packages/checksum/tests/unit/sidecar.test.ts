import { sidecarKey, sidecarLine, SIDECAR_SUFFIX } from '../../src/sidecar';
import { digestWithTool, coreutilsLine } from '@s3-pipelines/testing';

const BYTES = Buffer.from('The quick brown fox jumps over the lazy dog');

describe('sidecarLine', () => {
  it.each([
    'HappyFace.jpg',
    'naïve café #1 & 50%.jpg',
    'with  two spaces.txt',
    'a\\b.txt',
    'line\nbreak.txt',
    'carriage\rreturn.txt',
    'both\\and\nmore.txt',
  ])('writes the line md5sum prints for a file named %j', (name) => {
    // Prepare
    const expected = coreutilsLine('md5sum', name, BYTES);
    const hex = digestWithTool('md5sum', BYTES);

    // Act
    const line = sidecarLine(hex, name);

    // Assess
    expect(line).toBe(expected);
  });

  it('uses the basename of the key, since the sidecar sits beside its object', () => {
    // Prepare
    const expected = coreutilsLine('md5sum', 'photo.jpg', BYTES);
    const hex = digestWithTool('md5sum', BYTES);

    // Act
    const line = sidecarLine(hex, 'photos/2024/photo.jpg');

    // Assess
    expect(line).toBe(expected);
  });

  it('escapes a backslash only in the name, not in a parent folder', () => {
    // Prepare
    const hex = digestWithTool('md5sum', BYTES);

    // Act
    const line = sidecarLine(hex, 'odd\\folder/plain.txt');

    // Assess
    expect(line).toBe(`${hex}  plain.txt\n`);
  });

  it('matches the documented format for a plain name', () => {
    // Act
    const line = sidecarLine('9e107d9d372bb6826bd81d3542a419d6', 'fox.txt');

    // Assess
    expect(line).toMatch(/^[0-9a-f]{32} {2}fox\.txt\n$/);
  });
});

describe('sidecarKey', () => {
  it.each([
    ['photo.jpg', 'photo.jpg.md5'],
    ['a/b/c.tar.gz', 'a/b/c.tar.gz.md5'],
    ['naïve café.jpg', 'naïve café.jpg.md5'],
  ])('puts the sidecar of %j at %j', (key, expected) => {
    // Act
    const sidecar = sidecarKey(key);

    // Assess
    expect(sidecar).toBe(expected);
    expect(sidecar.endsWith(SIDECAR_SUFFIX)).toBe(true);
  });
});
