/**
 * The "weapp" layer: the WeChat build (dist/weapp, from `npm run build:weapp`) rendered under
 * miniprogram-simulate in jsdom, with wx.cloud.callFunction running the real function handlers
 * in-process over an in-memory PGlite store. Recipe: shared/STACK.md "The WeChat build under
 * miniprogram-simulate (jest, jsdom)".
 */
const path = require('node:path');
const { transform, transformIgnorePatterns } = require('../support/transform');

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'weapp',
  // absolute: jest resolves an inline project's relative rootDir against the directory of the root
  // jest.config.js, not this file's, so '../..' would be '/'
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/test/weapp/**/*.test.ts'],
  testEnvironment: '<rootDir>/test/weapp/support/environment.js',
  transform,
  transformIgnorePatterns,
};
