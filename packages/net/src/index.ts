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
  createDatagramEndpoint,
  DatagramSocketTransport,
  type CreateDatagramEndpointOptions,
} from './datagram-transport.js';
export {
  AI_ADDRCONFIG,
  AI_ALL,
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  AI_V4MAPPED,
  getaddrinfo,
  getnameinfo,
  IPPROTO_TCP,
  IPPROTO_UDP,
  NI_DGRAM,
  NI_NAMEREQD,
  NI_NOFQDN,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  type AddrInfo,
  type GetaddrinfoOptions,
  type InetAddress,
} from './dns.js';
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
export { openConnection, type OpenConnectionOptions } from './open-connection.js';
export { newEventLoop, NodeEventLoop } from './node-event-loop.js';
export { Server } from './server.js';
export {
  SEND_CHUNK_SIZE,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvfrom,
  sockRecvInto,
  sockSendall,
  sockSendfile,
  sockSendto,
} from './sock-api.js';
export {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  DATAGRAM_BUFFER_LIMIT,
  RECV_BUFFER_LIMIT,
  SHUT_RD,
  SHUT_RDWR,
  SHUT_WR,
  SOCK_DGRAM,
  SOCK_STREAM,
  socket,
  Socket,
  type SocketFamily,
  type SocketOption,
  type SocketOptions,
  type SocketType,
} from './socket.js';
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
