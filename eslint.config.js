// @ts-check
import js from '@eslint/js';
import { NEUTRAL_PACKAGES, tsyncioPlugin } from '@tsyncio/eslint-config';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/dist/', '**/coverage/', '**/.turbo/', '**/node_modules/', '**/.cache/']),
  {
    // type-aware rules wherever a tsconfig covers the file
    files: [
      'packages/*/{src,test}/**/*.ts',
      'tooling/test-utils/src/**/*.ts',
      'examples/src/**/*.ts',
      'examples/test/**/*.ts',
      'benchmarks/src/**/*.ts',
    ],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: {
      // projectService: each file uses its nearest tsconfig.json, which must include test/
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // numbers and other primitives in template strings are fine; objects are still flagged
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // generator-based coroutines legitimately `yield` nothing (one loop iteration)
      'require-yield': 'off',
      // public functions validate their arguments at run time for JavaScript callers (DESIGN §7:
      // "bad input gets a clear error"), which this rule reports as impossible by the types
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // errors are `unknown` here by design: any value can be thrown or given to setException()
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    files: ['packages/*/test/**/*.ts', 'tooling/test-utils/src/**/*.ts', 'examples/**/*.ts', 'benchmarks/**/*.ts'],
    rules: {
      // tests and programs poke at internals and use non-null assertions freely
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    // loop, futures, sync and streams run in browsers too
    files: NEUTRAL_PACKAGES.map((p) => `packages/${p}/src/**/*.ts`),
    plugins: { tsyncio: tsyncioPlugin },
    rules: { 'tsyncio/no-node-imports-in-neutral': 'error' },
  },
  {
    // configs and scripts: syntax-level rules only
    files: ['**/*.{js,mjs,cjs}', '**/*.config.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },
);
