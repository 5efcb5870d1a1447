/**
 * Test layers (README "Tests"): node (core, functions, store, tools), pages (Taro H5 components in
 * jsdom), weapp (the WeChat build under miniprogram-simulate), e2e (the H5 build in Chromium).
 */
const { transform, transformIgnorePatterns } = require('./test/support/transform');

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/{core,functions,store,tools,security}/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
      globalSetup: '<rootDir>/test/support/postgres-setup.ts',
      globalTeardown: '<rootDir>/test/support/postgres-teardown.ts',
    },
    require('./test/pages/jest.project'),
    require('./test/weapp/jest.project'),
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      transform,
      transformIgnorePatterns,
    },
  ],
};
