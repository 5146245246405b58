/**
 * `@tsyncio/net` — asyncio's networking on Node: TCP, Unix and TLS connections and servers as
 * transports/protocols and as StreamReader/StreamWriter pairs. Corresponds to asyncio's
 * `selector_events.py` transports, `base_events.create_connection/create_server/Server`,
 * `streams.open_connection/start_server`, `sslproto.py` and `unix_events.py`.
 *
 * @packageDocumentation
 */
export { createConnection, type ConnectOptions } from './create-connection.js';
export { createServer, type ServerOptions } from './create-server.js';
export {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  OSError,
  SSLCertVerificationError,
  SSLError,
  type OSErrorOptions,
} from './errors.js';
export { ServerSocket } from './internal/server-socket.js';
export { openConnection, type OpenConnectionOptions } from './open-connection.js';
export { Server } from './server.js';
export { SocketTransport } from './socket-transport.js';
export { startServer, type StartServerOptions } from './start-server.js';
export { startTls, type StartTlsOptions } from './tls.js';
export {
  createUnixConnection,
  createUnixServer,
  openUnixConnection,
  startUnixServer,
  type OpenUnixConnectionOptions,
  type StartUnixServerOptions,
  type UnixConnectOptions,
  type UnixServerOptions,
} from './unix.js';
