// @ts-check
import noNodeImportsInNeutral from './rules/no-node-imports-in-neutral.js';

/** The repository's own lint rules, used by the root eslint.config.js. */
export const tsyncioPlugin = {
  meta: { name: '@tsyncio/eslint-config' },
  rules: { 'no-node-imports-in-neutral': noNodeImportsInNeutral },
};

/** Packages that must run in browsers (no Node built-ins in src/). */
export const NEUTRAL_PACKAGES = ['loop', 'futures', 'sync', 'streams'];
