// The shared test kit: fixtures, SDK fakes, outside tools and emulator helpers, one copy each.
// Test images are `@s3-pipelines/testing/images`, apart, so that only their users load sharp.
export { download, gunzipTo, tool, zstdMatches } from './archives';
export type { ToolRun } from './archives';
export { createBucket, testClient, upload } from './emulatorClient';
export { useEnvironment } from './env';
export { FIXTURES, encodeKeyLikeS3, fixture, fixtureText, s3PutEvent } from './events';
export { startFaultProxy } from './faultProxy';
export type { FaultProxy, ProxyOptions } from './faultProxy';
export { brandOf, heicFrom, identify, pixelAt } from './magick';
export type { Identified } from './magick';
export { fakeLogger } from './logger';
export type { FakeLogger } from './logger';
export { runPipeline } from './pipeline';
export {
  bodyOf,
  breakingBody,
  connectionReset,
  readAll,
  s3Error,
  sampleBytes,
  tricklingBody,
} from './sdk';
export type { StreamingBody } from './sdk';
export { textBlock, textBytes } from './text';
export { coreutilsLine, digestWithTool } from './tools';
