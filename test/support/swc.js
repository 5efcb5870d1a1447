/** One TypeScript/TSX transform for every jest project. */
const swc = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' }, module: { type: 'commonjs' } },
];

const swcTransform = {
  '^.+\\.(t|j)sx?$': swc,
  // PGlite's CommonJS build loads fs/zlib with import(), which jest's vm cannot run without
  // --experimental-vm-modules; swc turns those into require()
  '^.+/@electric-sql/pglite/dist/.+\\.cjs$': swc,
};

/** node_modules stay untransformed except PGlite (see above). */
const transformIgnorePatterns = ['/node_modules/(?!@electric-sql/pglite/)'];

module.exports = { swcTransform, transformIgnorePatterns };
