/**
 * The one import direction (shared/ARCHITECTURE.md, issue 13), checked by `npm test` after the type check:
 * `npx depcruise src cloudfunctions --config .dependency-cruiser.js`.
 * pages → client → core; handlers → services → store / delivery / wechat → core; the store imports only core
 * and its own port and adapters; nothing in src/ imports cloudfunctions/; no cycles.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'src-imports-no-cloudfunctions',
      comment: 'The mini-program reaches the functions only through wx.cloud / the local host, never by import.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^cloudfunctions/' },
    },
    {
      name: 'core-is-pure',
      comment: 'src/core is pure: only itself, zod and dayjs; no platform (Taro, CloudBase, node: builtins), client service, store or function.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: {
        pathNot: ['^src/core/', '(^|/)node_modules/(zod|dayjs)/'],
      },
    },
    {
      name: 'store-imports-only-core-and-itself',
      comment: 'The store imports only src/core, its own port and adapters, and its drivers.',
      severity: 'error',
      from: { path: '^cloudfunctions/_lib/store/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: [
          '^src/core/',
          '^cloudfunctions/_lib/store/',
          '(^|/)node_modules/(pg|pg-[^/]+|@electric-sql/pglite|@cloudbase/node-sdk|zod)/',
        ],
      },
    },
    {
      name: 'adapters-import-no-use-case',
      comment: 'handlers → use cases (services, applications, centers, supervision) → delivery / wechat / crypto / files / runtime: those import no use case.',
      severity: 'error',
      from: { path: '^cloudfunctions/_lib/(delivery|wechat|crypto|files|runtime)/' },
      to: { path: '^cloudfunctions/_lib/(services|applications|centers|supervision)/' },
    },
    {
      name: 'lib-imports-no-handler',
      comment: 'Handlers (cloudfunctions/<fn>/) are entry points: nothing imports them.',
      severity: 'error',
      from: { path: '^cloudfunctions/_lib/' },
      to: { path: '^cloudfunctions/(?!_lib/)' },
    },
    {
      name: 'client-imports-no-page',
      comment: 'pages → client (src/services) → core: the client imports no page or component.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(pages|packages|components|app)' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycle anywhere in src/ and cloudfunctions/ (type-only imports included).',
      severity: 'error',
      from: { path: '^(src|cloudfunctions)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
