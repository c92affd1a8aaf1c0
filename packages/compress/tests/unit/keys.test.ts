import { parseConfig } from '@s3-pipelines/s3-stream';
import { CompressConfigSchema } from '../../src/config';
import { archiveKey, entryName, looksCompressed, relativeKey } from '../../src/keys';

const defaults = parseConfig(CompressConfigSchema, {});

describe('archiveKey', () => {
  it.each([
    ['incoming/a/b/report.csv', 'processed/a/b/report.csv.zip'],
    ['incoming/report.csv', 'processed/report.csv.zip'],
    ['incoming/with space/a+b.txt', 'processed/with space/a+b.txt.zip'],
    ['incoming/données/東京.txt', 'processed/données/東京.txt.zip'],
  ])('keeps the relative path: %j -> %j', (key, expected) => {
    // Act
    const target = archiveKey(key, defaults);

    // Assess
    expect(target).toBe(expected);
  });

  it('appends .gz for gzip and uses the configured prefixes', () => {
    // Act
    const target = archiveKey('drop/x/y.log', {
      TRIGGER_PREFIX: 'drop/',
      OUTPUT_PREFIX: 'archive/',
      FORMAT: 'gzip',
    });

    // Assess
    expect(target).toBe('archive/x/y.log.gz');
  });

  it('appends .zst for zstd', () => {
    // Act
    const target = archiveKey('incoming/x/y.log', {
      TRIGGER_PREFIX: 'incoming/',
      OUTPUT_PREFIX: 'processed/',
      FORMAT: 'zstd',
    });

    // Assess
    expect(target).toBe('processed/x/y.log.zst');
  });

  it.each(['other/report.csv', 'incoming', 'incoming/'])(
    'has no archive for %j, outside the trigger prefix or the prefix itself',
    (key) => {
      // Act
      const target = archiveKey(key, defaults);

      // Assess
      expect(target).toBeUndefined();
    },
  );

  it('archives the whole bucket when the trigger prefix is empty', () => {
    // Act
    const target = archiveKey('a.txt', { TRIGGER_PREFIX: '', OUTPUT_PREFIX: '', FORMAT: 'zip' });

    // Assess
    expect(target).toBe('a.txt.zip');
  });
});

describe('relativeKey', () => {
  it('strips the trigger prefix only when the key starts with it', () => {
    // Act & Assess
    expect(relativeKey('incoming/a/b', 'incoming/')).toBe('a/b');
    expect(relativeKey('xincoming/a', 'incoming/')).toBeUndefined();
  });
});

describe('entryName', () => {
  it.each([
    ['incoming/a/b/report.csv', 'report.csv'],
    ['incoming/naïve 東京 + file.txt', 'naïve 東京 + file.txt'],
    ['incoming/odd\\name.txt', 'odd_name.txt'],
    ['incoming/..', '_..'],
    ['incoming/.', '_.'],
    ['top.txt', 'top.txt'],
  ])('names the entry of %j %j', (key, expected) => {
    // Act
    const name = entryName(key);

    // Assess
    expect(name).toBe(expected);
  });
});

describe('looksCompressed', () => {
  it.each([
    'incoming/a.zip',
    'incoming/a.tar.gz',
    'incoming/A.TGZ',
    'incoming/a.bz2',
    'incoming/a.xz',
    'incoming/a.zst',
    'incoming/a.7z',
    'incoming/a.rar',
  ])('recognises %j by its suffix', (key) => {
    // Act & Assess
    expect(looksCompressed(key, undefined, defaults)).toBe(true);
  });

  it.each(['application/zip', 'application/gzip', 'application/x-gzip', 'Application/Zstd; x=1'])(
    'recognises content type %j',
    (type) => {
      // Act & Assess
      expect(looksCompressed('incoming/blob', type, defaults)).toBe(true);
    },
  );

  it('does not take text or an unknown type for compressed', () => {
    // Act & Assess
    expect(looksCompressed('incoming/report.csv', 'text/csv', defaults)).toBe(false);
    expect(looksCompressed('incoming/zipcodes.txt', undefined, defaults)).toBe(false);
  });

  it('matches a family with type/*', () => {
    // Prepare
    const config = { COMPRESSED_SUFFIXES: [], COMPRESSED_CONTENT_TYPES: ['image/*'] };

    // Act & Assess
    expect(looksCompressed('incoming/p', 'image/jpeg', config)).toBe(true);
    expect(looksCompressed('incoming/p', 'imagex/jpeg', config)).toBe(false);
  });
});
