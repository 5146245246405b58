/**
 * `tsyncio` for Node: everything in `index.ts`, plus `@tsyncio/net` (sockets, servers, TLS,
 * UDP, name resolution); `run`, `Runner` and `newEventLoop` make a `NodeEventLoop`, the loop with
 * asyncio's networking methods.
 *
 * @packageDocumentation
 */
export * from './index.js';
export * from '@tsyncio/net';
// explicit exports win over the `export *` above:
// - the Node flavours of run, Runner and newEventLoop (they make a NodeEventLoop);
// - net's ConnectionResetError, which extends the streams layer's (the two accept each other's
//   instances with instanceof) and is also an OSError, as in Python.
export { ConnectionResetError } from '@tsyncio/net';
export { newEventLoop, run, Runner } from './node-runner.js';
