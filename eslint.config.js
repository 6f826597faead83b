// ESLint with typescript-eslint's type information (docs/TOOLING.md says why this and not Biome).
// `npm run lint` runs it with knip and dependency-cruiser; Prettier formats (`npm run format:check`).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or are Node's own: none of them may be imported by deterministic code. */
const IO_MODULES = [
  'node:*',
  'fs',
  'fs/*',
  'path',
  'os',
  'net',
  'tls',
  'dns',
  'http',
  'https',
  'crypto',
  'child_process',
  'url',
  'util',
  'stream',
  'events',
  'timers',
  'timers/*',
  'worker_threads',
  'pg',
  'pg-*',
  'drizzle-orm',
  'drizzle-orm/*',
  '@electric-sql/*',
  '@temporalio/client',
  '@temporalio/activity',
  '@temporalio/worker',
  '@temporalio/testing',
  'fastify',
  'fastify-*',
  '@fastify/*',
  'pino',
  'prom-client',
];

export default tseslint.config(
  {
    ignores: ['node_modules/', 'web/dist/', 'web/.dist-*/', 'web/dist.old-*/', '.build/', '.tools/', '.data/', 'test-results/', 'drizzle/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises that the runner itself awaits
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox; domain code is the pure core the workflows share.
    files: ['src/workflows/**/*.ts', 'src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: IO_MODULES,
              message:
                'src/workflows and src/domain must stay deterministic: no Node built-ins, database, network or Temporal client/worker/activity modules (docs/ARCHITECTURE.md).',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
