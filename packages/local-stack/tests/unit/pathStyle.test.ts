import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';

/**
 * Functions get the emulator only through AWS_ENDPOINT_URL_S3 and never set forcePathStyle, so
 * the SDK itself must choose path-style for an IP endpoint (a virtual host like
 * bucket.127.0.0.1 cannot resolve).
 */
describe('S3 client configured only by AWS_ENDPOINT_URL_S3', () => {
  const saved = { ...process.env };

  afterEach(() => {
    process.env = { ...saved };
  });

  it('addresses buckets path-style on http://127.0.0.1:PORT', async () => {
    // Prepare
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4566',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    // The same options as s3-stream's getS3Client.
    const s3 = new S3Client({ maxAttempts: 4, followRegionRedirects: true });
    let seen: { hostname?: string; port?: number; path?: string } = {};
    s3.middlewareStack.add(
      () => async (args) => {
        seen = args.request as typeof seen;
        throw new Error('captured');
      },
      { step: 'finalizeRequest', name: 'capture' },
    );

    // Act
    await expect(
      s3.send(new HeadObjectCommand({ Bucket: 's3p-dev-uploads', Key: 'a b.txt' })),
    ).rejects.toThrow('captured');

    // Assess
    expect(seen.hostname).toBe('127.0.0.1');
    expect(seen.port).toBe(4566);
    expect(seen.path).toBe('/s3p-dev-uploads/a%20b.txt');
  });
});
