/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment, failing a file that leaves a connection or server open.
  testEnvironment: '<rootDir>/tests/support/guarded-environment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  globalSetup: '<rootDir>/tests/support/global-setup.ts',
  globalTeardown: '<rootDir>/tests/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/tests/support/open-handles-guard.ts'],
  // Two cores: two test files at a time, each with its own database and Redis prefix.
  maxWorkers: 2,
  testTimeout: 30_000,
};
