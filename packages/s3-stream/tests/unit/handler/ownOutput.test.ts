import { isOwnOutput } from '../../../src/handler/ownOutput';

describe('isOwnOutput', () => {
  it.each([
    [{ bucket: 'b', key: 'photo.jpg.md5' }, [{ suffix: '.md5' }], true],
    [{ bucket: 'b', key: 'photo.jpg' }, [{ suffix: '.md5' }], false],
    [{ bucket: 'b', key: 'md5/photo.jpg' }, [{ suffix: '.md5' }], false],
    [
      { bucket: 'out', key: 'meta/a.jpg.metadata.json' },
      [{ bucket: 'out', prefix: 'meta/' }],
      true,
    ],
    [
      { bucket: 'in', key: 'meta/a.jpg.metadata.json' },
      [{ bucket: 'out', prefix: 'meta/' }],
      false,
    ],
    [{ bucket: 'out', key: 'a.jpg' }, [{ bucket: 'out', prefix: 'meta/' }], false],
    [{ bucket: 'b', key: 'x.zip' }, [{ suffix: '.md5' }, { suffix: '.zip' }], true],
    [{ bucket: 'b', key: 'anything' }, [], false],
  ])('%j against %j is %s', (ref, patterns, expected) => {
    // Act
    const own = isOwnOutput(ref, patterns);

    // Assess
    expect(own).toBe(expected);
  });

  it('needs prefix and suffix to match together', () => {
    // Prepare
    const patterns = [{ prefix: 'out/', suffix: '.json' }];

    // Act
    const results = [
      isOwnOutput({ bucket: 'b', key: 'out/a.json' }, patterns),
      isOwnOutput({ bucket: 'b', key: 'out/a.txt' }, patterns),
      isOwnOutput({ bucket: 'b', key: 'in/a.json' }, patterns),
    ];

    // Assess
    expect(results).toEqual([true, false, false]);
  });
});
