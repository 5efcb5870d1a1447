/**
 * jsdom (miniprogram-simulate renders into it) made able to host PGlite, the real embedded PostgreSQL
 * behind the in-process cloud:
 * - Node's TextEncoder/TextDecoder, which jsdom leaves out (PGlite encodes its wire protocol with them);
 * - a <base> at PGlite's own dist directory: whenever a document exists PGlite resolves pglite.wasm and
 *   pglite.data against `document.baseURI`, and jsdom's http://localhost/ would have it fetch them over
 *   HTTP. (Setting jest's `url` to a file: URL instead breaks jsdom's localStorage: opaque origin.)
 */
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { TestEnvironment } = require('jest-environment-jsdom');

const NODE_GLOBALS = ['TextEncoder', 'TextDecoder'];
const PGLITE_DIST = `${pathToFileURL(path.dirname(require.resolve('@electric-sql/pglite')))}/`;

class WeappEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of NODE_GLOBALS) this.global[name] = globalThis[name];
    const { document } = this.global;
    const base = document.createElement('base');
    base.href = PGLITE_DIST;
    document.head.appendChild(base);
  }
}

module.exports = WeappEnvironment;
