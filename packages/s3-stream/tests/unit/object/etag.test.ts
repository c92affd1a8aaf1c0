import { bareETag, quotedETag } from '../../../src/object/etag';

describe('bareETag', () => {
  it.each([
    ['"abc"', 'abc'],
    ['abc', 'abc'],
    ['"abc-3"', 'abc-3'],
    [undefined, undefined],
  ])('turns %j into %j', (input, expected) => {
    // Act
    const bare = bareETag(input);

    // Assess
    expect(bare).toBe(expected);
  });
});

describe('quotedETag', () => {
  it.each([
    ['abc', '"abc"'],
    ['abc-3', '"abc-3"'],
    ['', undefined],
    [undefined, undefined],
  ])('turns %j into %j, the form If-Match carries', (input, expected) => {
    // Act & Assess
    expect(quotedETag(input)).toBe(expected);
  });
});
