// @ts-check
// Plain JS on purpose: Vite externalizes linked workspace packages when it bundles a
// config, and Node 20 cannot import a .ts file. No runtime import of vitest here, so
// this package never drags in a second vitest instance (types only).
const SOURCE = '@tsyncio/source';

/**
 * Per-package project config: sibling packages resolve to src/*.ts, no build needed.
 * @type {import('vitest/config').UserWorkspaceConfig}
 */
export const shared = {
  // client (browser) environment
  resolve: { conditions: [SOURCE, 'module', 'browser', 'development|production'] },
  // node tests run in Vite's SSR environment, which has its own conditions list
  ssr: { resolve: { conditions: [SOURCE, 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // `turbo run test` runs vitest in every package, including those with no tests yet; the root
    // `pnpm check` still fails when no test runs at all.
    passWithNoTests: true,
    // *.test-d.ts files are type-checked by the `typecheck` task (tsc fails on a bad
    // expectTypeOf). `vitest run --typecheck` inside a package runs them too.
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
};
