import { madeFrom, sourceMetadata, writtenBy } from '../../../src/object/provenance';
import type { ObjectInfo } from '../../../src/types';

const info: ObjectInfo = {
  bucket: 'mybucket',
  key: 'photos/naïve café #1.jpg',
  size: 10,
  eTag: '9b2cf535f27731c974343645a3985328',
  versionId: 'Z8Ql0KpG6p3ZC5pN.yY9rJ0LsXp3QmRt',
  metadata: {},
};

describe('sourceMetadata', () => {
  it('names the source version, with the key URL-encoded for an HTTP header', () => {
    // Act
    const metadata = sourceMetadata(info, 'checksum');

    // Assess
    expect(metadata).toEqual({
      'source-bucket': 'mybucket',
      'source-key': 'photos%2Fna%C3%AFve%20caf%C3%A9%20%231.jpg',
      'source-etag': '9b2cf535f27731c974343645a3985328',
      'source-version-id': 'Z8Ql0KpG6p3ZC5pN.yY9rJ0LsXp3QmRt',
      processor: 'checksum',
    });
  });

  it('leaves out source-version-id for an unversioned source', () => {
    // Act
    const metadata = sourceMetadata({ ...info, versionId: undefined }, 'metadata');

    // Assess
    expect(metadata).not.toHaveProperty('source-version-id');
    expect(metadata.processor).toBe('metadata');
  });

  it('produces only ASCII values, which S3 metadata headers can carry', () => {
    // Act
    const metadata = sourceMetadata({ ...info, key: '日本語/📷.jpg' }, 'checksum');

    // Assess
    for (const value of Object.values(metadata)) expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(decodeURIComponent(metadata['source-key']!)).toBe('日本語/📷.jpg');
  });
});

describe('madeFrom', () => {
  const versioned = sourceMetadata(info, 'checksum');
  const unversioned = sourceMetadata({ ...info, versionId: undefined }, 'checksum');

  it('matches on the version id when the ref has one, whatever the ETag', () => {
    // Act
    const same = madeFrom(versioned, {
      bucket: 'mybucket',
      key: info.key,
      versionId: info.versionId,
      eTag: 'other',
    });
    const other = madeFrom(versioned, {
      bucket: 'mybucket',
      key: info.key,
      versionId: 'v2',
      eTag: info.eTag,
    });

    // Assess
    expect(same).toBe(true);
    expect(other).toBe(false);
  });

  it('does not match an unversioned output against a versioned ref', () => {
    // Act
    const result = madeFrom(unversioned, {
      bucket: 'mybucket',
      key: info.key,
      versionId: 'v1',
      eTag: info.eTag,
    });

    // Assess
    expect(result).toBe(false);
  });

  it('matches on the ETag when the ref has no version id', () => {
    // Act
    const same = madeFrom(unversioned, { bucket: 'mybucket', key: info.key, eTag: info.eTag });
    const other = madeFrom(unversioned, {
      bucket: 'mybucket',
      key: info.key,
      eTag: 'd41d8cd98f00b204e9800998ecf8427e',
    });

    // Assess
    expect(same).toBe(true);
    expect(other).toBe(false);
  });

  it('never matches when there is nothing to compare', () => {
    // Act
    const noMetadata = madeFrom(undefined, { bucket: 'b', key: 'k', eTag: info.eTag });
    const noIdentity = madeFrom(unversioned, { bucket: 'b', key: 'k' });
    const emptyMetadata = madeFrom({}, { bucket: 'b', key: 'k', eTag: info.eTag });

    // Assess
    expect([noMetadata, noIdentity, emptyMetadata]).toEqual([false, false, false]);
  });
});

describe('writtenBy', () => {
  it.each([
    [{ processor: 'checksum' }, 'checksum', true],
    [{ processor: 'metadata' }, 'checksum', false],
    [{}, 'checksum', false],
    [undefined, 'checksum', false],
  ])('%j written by %s is %s', (metadata, processor, expected) => {
    // Act
    const result = writtenBy(metadata, processor);

    // Assess
    expect(result).toBe(expected);
  });
});
