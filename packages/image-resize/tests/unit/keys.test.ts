import { errorMarkerKey, manifestKey, renditionKey, stemOf } from '../../src/keys';

describe('stemOf', () => {
  it.each([
    ['photos/cat.jpg', 'photos/cat'],
    ['cat.JPEG', 'cat'],
    ['archive.tar.gz', 'archive.tar'],
    ['no-extension', 'no-extension'],
    ['dir.d/file', 'dir.d/file'],
    ['a/.hidden', 'a/.hidden'],
    ['trailing.', 'trailing'],
    ['données/東京 #1.png', 'données/東京 #1'],
  ])('%j -> %j', (key, stem) => {
    // Act & Assess
    expect(stemOf(key)).toBe(stem);
  });
});

describe('output keys', () => {
  it('puts a width rendition under the key without its extension', () => {
    // Act
    const key = renditionKey('resized/', 'photos/cat.jpg', { width: 640 }, 'webp');

    // Assess
    expect(key).toBe('resized/photos/cat/640w.webp');
  });

  it('names a box by both edges and writes jpeg as .jpg', () => {
    // Act
    const key = renditionKey('', 'cat.png', { width: 200, height: 100 }, 'jpeg');

    // Assess
    expect(key).toBe('cat/200x100.jpg');
  });

  it('puts the manifest beside the renditions', () => {
    // Act & Assess
    expect(manifestKey('r/', 'photos/cat.jpg')).toBe('r/photos/cat/manifest.json');
  });

  it('names the error marker after the full key, extension included', () => {
    // Act & Assess
    expect(errorMarkerKey('r/', 'photos/cat.jpg')).toBe('r/photos/cat.jpg.error.json');
  });
});
