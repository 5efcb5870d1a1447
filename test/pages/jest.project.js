/**
 * The "pages" layer: Taro React pages rendered in jsdom with Taro's H5 components, talking to the REAL
 * local host (test/support/local-host.ts). Recipe: shared/STACK.md "Unit tests of Taro React pages (jest)".
 */
const path = require('node:path');
const { swc, transform } = require('../support/transform');

// ESM-only packages under node_modules that jest must transform (Taro's H5 runtime and its small deps)
const ESM_PACKAGES = [
  '@tarojs', '@stencil', 'lodash-es', 'swiper', 'tslib', 'query-string', 'decode-uri-component', 'split-on-first', 'filter-obj',
  'nanoid', // through ics (taro-h5's calendar API), browser build is ESM
  // taro-h5 bundles style-inject under its own dist/node_modules/.pnpm
  '\\.pnpm', 'style-inject',
];

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'pages',
  // '../..' from this file, made absolute: jest resolves a relative rootDir of an inline project against
  // the working directory, not against this file (jest-config readConfig → replaceRootDirInPath)
  rootDir: path.resolve(__dirname, '../..'),
  testMatch: ['<rootDir>/test/pages/**/*.test.tsx'],
  testEnvironment: '<rootDir>/test/pages/support/environment.js',
  setupFiles: ['<rootDir>/test/pages/support/setup.ts'],
  globalSetup: '<rootDir>/test/pages/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/pages/support/global-teardown.ts',
  // swiper ships .mjs, which the shared transform does not match
  transform: { ...transform, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/pages/support/taro-shim.ts',
    '^@tarojs/components$': '@tarojs/components/lib/react',
    '\\.(css|scss|less)$': '<rootDir>/test/pages/support/style-stub.js',
    '\\.png$': '<rootDir>/test/pages/support/file-stub.js',
  },
  // build-time constants Taro's webpack plugin defines; the H5 runtime reads them as globals
  globals: {
    ENABLE_INNER_HTML: true,
    ENABLE_ADJACENT_HTML: true,
    ENABLE_SIZE_APIS: true,
    ENABLE_TEMPLATE_CONTENT: true,
    ENABLE_MUTATION_OBSERVER: true,
    ENABLE_CLONE_NODE: true,
    ENABLE_CONTAINS: true,
    DEPRECATED_ADAPTER_COMPONENT: false,
    __TARO_FRAMEWORK__: 'react',
  },
};
