/**
 * `tsyncio` for Node: everything in `index.ts`, plus `@tsyncio/net` once it lands.
 *
 * @packageDocumentation
 */
export * from './index.js';
