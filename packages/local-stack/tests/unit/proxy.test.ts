import { classify, formKey } from '../../src/proxy';

const at = { bucket: 'b', key: 'dir/a b.txt' };

describe('classify', () => {
  it.each([
    ['PUT', '/b/dir/a%20b.txt?x-id=PutObject', {}, 'ObjectCreated:Put'],
    ['PUT', '/b/dir/a%20b.txt', { 'x-amz-copy-source': '/b/src' }, 'ObjectCreated:Copy'],
    ['POST', '/b/dir/a%20b.txt?uploadId=u1', {}, 'ObjectCreated:CompleteMultipartUpload'],
  ])('%s %s is %s', (method, url, headers, eventName) => {
    expect(classify(method, url, headers, at)?.eventName).toBe(eventName);
  });

  it.each([
    ['PUT', '/b/dir/a%20b.txt?partNumber=1&uploadId=u1'],
    ['PUT', '/b/dir/a%20b.txt?tagging'],
    ['POST', '/b/dir/a%20b.txt?uploads'],
    ['GET', '/b/dir/a%20b.txt'],
    ['DELETE', '/b/dir/a%20b.txt'],
  ])('%s %s creates nothing', (method, url) => {
    expect(classify(method, url, {}, at)).toBeUndefined();
  });

  it('does not count creating a bucket', () => {
    expect(classify('PUT', '/b', {}, { bucket: 'b', key: '' })).toBeUndefined();
  });

  it('recognises a browser form upload to the bucket', () => {
    const creation = classify(
      'POST',
      '/b',
      { 'content-type': 'multipart/form-data; boundary=x' },
      { bucket: 'b', key: '' },
    );

    expect(creation).toEqual({ eventName: 'ObjectCreated:Post', bucket: 'b' });
  });
});

describe('formKey', () => {
  const form = (key: string) =>
    [
      '--x',
      'Content-Disposition: form-data; name="key"',
      '',
      key,
      '--x',
      'Content-Disposition: form-data; name="file"; filename="photo 1.jpg"',
      'Content-Type: image/jpeg',
      '',
      'JPEGBYTES',
    ].join('\r\n');

  it('reads the key field', () => {
    expect(formKey(form('uploads/naïve.txt'))).toBe('uploads/naïve.txt');
  });

  it('substitutes ${filename} as S3 does', () => {
    expect(formKey(form('in/${filename}'))).toBe('in/photo 1.jpg');
  });

  it('is undefined without a key field', () => {
    expect(formKey('--x\r\nContent-Disposition: form-data; name="acl"\r\n\r\nprivate\r\n')).toBe(
      undefined,
    );
  });
});
