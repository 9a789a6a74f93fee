/** Unit tests live beside the code (*.spec.ts); integration tests in test/ (*.test.ts)
 *  run against the real Temporal dev server and PostgreSQL started by test/global-setup. */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/workflows', '<rootDir>/activities', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // jose ships only ES modules; compile it to CommonJS for jest's module runtime.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
  verbose: true,
};
