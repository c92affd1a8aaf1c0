import type { Logger } from '@s3-pipelines/s3-stream';

export interface FakeLogger {
  info: jest.Mock;
  warn: jest.Mock;
  error: jest.Mock;
  debug: jest.Mock;
  addContext: jest.Mock;
}

export function fakeLogger(): FakeLogger & { asLogger: Logger } {
  const fake = {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    debug: jest.fn(),
    addContext: jest.fn(),
  };
  return { ...fake, asLogger: fake as unknown as Logger };
}
