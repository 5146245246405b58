/**
 * `tsyncio` — Python's asyncio for TypeScript. This umbrella re-exports every platform-neutral
 * layer; under the `node` export condition (`index.node.ts`) it adds `@tsyncio/net`.
 *
 * @packageDocumentation
 */
export * from '@tsyncio/loop';
export * from '@tsyncio/futures';
export * from '@tsyncio/sync';
export * from '@tsyncio/streams';
