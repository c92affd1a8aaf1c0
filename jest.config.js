/** One jest run, three projects: `--selectProjects unit|integration|e2e` picks a layer. */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@s3-pipelines/s3-stream$': '<rootDir>/packages/s3-stream/src/index.ts',
    '^@s3-pipelines/s3-stream/(.*)$': '<rootDir>/packages/s3-stream/src/$1',
    '^@s3-pipelines/testing$': '<rootDir>/packages/testing/src/index.ts',
    '^@s3-pipelines/testing/(.*)$': '<rootDir>/packages/testing/src/$1',
    '^@s3-pipelines/local-stack$': '<rootDir>/packages/local-stack/src/index.ts',
    // As in the compress build (packages/compress/package.json s3Pipelines.alias).
    '^buffer-crc32$': '<rootDir>/packages/compress/src/nativeCrc32.ts',
  },
  setupFilesAfterEnv: ['aws-sdk-client-mock-jest'],
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/packages/*/tests/unit/**/*.test.ts',
        '<rootDir>/scripts/tests/**/*.test.ts',
      ],
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/tests/integration/**/*.test.ts'],
    },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
  ],
};
