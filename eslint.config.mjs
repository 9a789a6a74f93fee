// Lint for the traps that matter here, not for style: promises nobody awaits, and I/O or Node
// built-ins inside Temporal workflows (which must be deterministic; do I/O in activities).
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises', 'http', 'http2',
  'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'timers', 'tls', 'url', 'util', 'worker_threads', 'zlib',
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', '.data/', '.tools/', '.cache/', 'coverage/', 'test-output/', 'prisma/generated/', '**/*.cjs', '**/*.mjs', '**/*.js',
      // The pages' browser scripts are linted like the rest.
      '!apps/api/src/pages/public/*.js',
      // So are the scripts every newcomer runs first.
      '!scripts/**/*.cjs', '!scripts/**/*.mjs'],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Served to browsers as written; their types come from JSDoc, checked against the DOM.
    files: ['apps/api/src/pages/public/*.js'],
    languageOptions: {
      sourceType: 'script',
      parserOptions: { project: './tsconfig.assets.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-var': 'error',
      'prefer-const': 'error',
      strict: ['error', 'function'],
    },
  },
  {
    // Plain Node, typed by JSDoc and type-checked by tsconfig.scripts.json.
    files: ['scripts/**/*.cjs', 'scripts/**/*.mjs'],
    languageOptions: {
      globals: globals.node,
      parserOptions: { project: './tsconfig.scripts.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-undef': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Repositories own every query: services, controllers, pages and activities see neither Prisma nor SQL,
    // and the API never reaches into activities (README, "Layout" and "Data access").
    files: ['apps/**/*.ts', 'activities/**/*.ts'],
    ignores: [
      'apps/shared/repositories/**', 'apps/shared/database.ts', 'apps/shared/certificate-validity.sql.ts',
      // Composition roots: they build the database client and hand it to the repositories.
      'apps/api/src/app.module.ts', 'apps/worker/src/**', 'activities/deps.ts', '**/*.spec.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/shared/database', '**/prisma/generated/**', '@prisma/*', 'pg'], message: 'Queries live in apps/shared/repositories; call a repository.' },
            { group: ['**/activities', '**/activities/**'], message: 'The API does not import activities; share through a repository or the domain.' },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: 'MemberExpression[property.name=/^\\$(queryRaw|executeRaw|queryRawUnsafe|executeRawUnsafe|transaction)$/]', message: 'SQL lives in apps/shared/repositories.' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows run in a deterministic sandbox: no Node built-ins; do this in an activity.' })),
          patterns: [
            { group: ['node:*'], message: 'Workflows run in a deterministic sandbox: no Node built-ins; do this in an activity.' },
            { group: ['@prisma/*', '**/prisma/generated/**', 'pg', 'jose', 'pdfkit', 'qrcode'], message: 'No I/O or crypto libraries in workflows; call an activity.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows use @temporalio/workflow only.' },
            { group: ['../activities', '../activities/*', '../activities/**'], allowTypeImports: true, message: 'Import activities with `import type` and call them through proxyActivities.' },
          ],
        },
      ],
    },
  },
);
