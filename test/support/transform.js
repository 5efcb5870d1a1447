/** The transforms every jest project shares. */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' }, module: { type: 'commonjs' } },
];

/**
 * PGlite's CommonJS build loads node built-ins with import(), which jest's module sandbox runs only
 * under --experimental-vm-modules (and that flag breaks the ESM packages the pages layer transforms).
 * Babel turns those import() calls into require() and renames PGlite's own local `require`, which
 * swc 1.3 (the version Taro pins) does not.
 */
const pgliteCjs = [
  'babel-jest',
  { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-dynamic-import', '@babel/plugin-transform-modules-commonjs'] },
];

const transform = {
  '^.+\\.(t|j)sx?$': swc,
  '^.+/@electric-sql/pglite/dist/.+\\.cjs$': pgliteCjs,
};

/** node_modules stay untransformed except PGlite's CommonJS build (see above). */
const transformIgnorePatterns = ['/node_modules/(?!@electric-sql/pglite/)'];

module.exports = { swc, transform, transformIgnorePatterns };
