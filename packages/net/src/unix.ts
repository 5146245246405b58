/**
 * Unix domain sockets: asyncio's `create_unix_connection`, `create_unix_server` (with 3.13's
 * `cleanup_socket`), `open_unix_connection` and `start_unix_server`.
 *
 * @module
 */
import { lstatSync, unlinkSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { describe, getLogger, getRunningLoop } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import {
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  type BaseProtocol,
  type ClientConnectedCallback,
  type Transport,
} from '@tsyncio/streams';
import { checkServerOptions, finishServer, newServer, type ServerOptions } from './create-server.js';
import { fromNodeError, OSError } from './errors.js';
import { clientTransport, connectOnce } from './internal/connect.js';
import {
  checkClientSsl,
  checkFunction,
  checkHandshakeTimeout,
  checkOptions,
  checkPath,
  optionalBoolean,
} from './internal/options.js';
import { splitLimit } from './open-connection.js';
import type { Server } from './server.js';
import { streamProtocolFactory } from './start-server.js';

/** Options of {@link createUnixConnection} (asyncio's `create_unix_connection` keywords). */
export interface UnixConnectOptions {
  /** Use TLS: `true` or Node's TLS connect options. Needs `serverHostname`. */
  ssl?: boolean | ConnectionOptions;
  /** The name the server's certificate must match (required with `ssl`; `''` skips the check). */
  serverHostname?: string;
  /** Seconds the TLS handshake may take (default 60). Only with `ssl`. */
  sslHandshakeTimeout?: number;
}

/** Options of {@link openUnixConnection}: {@link UnixConnectOptions} plus the reader's `limit`. */
export interface OpenUnixConnectionOptions extends UnixConnectOptions {
  /** The StreamReader's limit in bytes (default 64 KiB). */
  limit?: number;
}

/** Options of {@link createUnixServer}: asyncio's `create_unix_server` keywords. */
export interface UnixServerOptions extends Pick<ServerOptions, 'ssl' | 'backlog' | 'startServing' | 'sslHandshakeTimeout'> {
  /** Remove the socket file when the server closes, if it is still ours (default true; 3.13). */
  cleanupSocket?: boolean;
}

/** Options of {@link startUnixServer}: {@link UnixServerOptions} plus the readers' `limit`. */
export interface StartUnixServerOptions extends UnixServerOptions {
  /** Each connection's StreamReader limit in bytes (default 64 KiB). */
  limit?: number;
}

const UNIX_CONNECT_OPTIONS: readonly string[] = ['ssl', 'serverHostname', 'sslHandshakeTimeout'];
const UNIX_SERVER_OPTIONS: readonly string[] = ['ssl', 'backlog', 'startServing', 'sslHandshakeTimeout', 'cleanupSocket'];

function* createUnixConnectionAs<P extends BaseProtocol>(
  fn: string,
  protocolFactory: () => P,
  path: string,
  options: UnixConnectOptions | undefined,
): Coroutine<[Transport, P]> {
  checkFunction(fn, 'protocolFactory', protocolFactory);
  checkPath(fn, path);
  const o = checkOptions(fn, options, UNIX_CONNECT_OPTIONS);
  const ssl = checkClientSsl(fn, o.ssl) as boolean | ConnectionOptions | undefined;
  const serverHostname = o.serverHostname;
  if (serverHostname !== undefined && serverHostname !== null && typeof serverHostname !== 'string') {
    throw new TypeError(`${fn}() serverHostname must be a string, got ${describe(serverHostname)}`);
  }
  if (ssl !== undefined && (serverHostname === undefined || serverHostname === null)) {
    throw new RangeError(`${fn}() you have to pass serverHostname when using ssl`);
  }
  if (ssl === undefined && serverHostname !== undefined && serverHostname !== null) {
    throw new RangeError(`${fn}() serverHostname is only meaningful with ssl`);
  }
  const handshakeTimeout = checkHandshakeTimeout(fn, o.sslHandshakeTimeout, ssl !== undefined) ?? null;
  const loop = getRunningLoop();
  const socket = yield* connectOnce(loop, { path }, (error) => fromNodeError(error));
  return yield* clientTransport(loop, socket, protocolFactory, {
    ssl,
    serverHostname: serverHostname ?? null,
    sslHandshakeTimeout: handshakeTimeout,
    unix: true,
    extra: { peername: path, sockname: '' },
  });
}

/**
 * Connect to the Unix socket at `path` and return `[transport, protocol]` once the protocol's
 * `connectionMade()` has been called.
 *
 * Same as asyncio's `loop.create_unix_connection()`.
 *
 * Differs from asyncio: no `sock` option.
 *
 * @throws FileNotFoundError-like OSError (`code: 'ENOENT'`) when nothing is at `path`,
 * ConnectionRefusedError when nobody listens there; RangeError with `ssl` but no `serverHostname`.
 *
 * @example
 * ```ts
 * const [transport, protocol] = yield* createUnixConnection(() => new MyProtocol(), '/tmp/app.sock');
 * ```
 */
export function createUnixConnection<P extends BaseProtocol>(
  protocolFactory: () => P,
  path: string,
  options?: UnixConnectOptions,
): Coroutine<[Transport, P]> {
  return createUnixConnectionAs('createUnixConnection', protocolFactory, path, options);
}

/**
 * Connect to the Unix socket at `path` and return the connection's `[reader, writer]`.
 *
 * Same as asyncio's `asyncio.open_unix_connection()`.
 *
 * @example
 * ```ts
 * const [reader, writer] = yield* openUnixConnection('/tmp/app.sock');
 * writer.write('ping\n');
 * const reply = yield* reader.readline();
 * ```
 */
export function* openUnixConnection(path: string, options?: OpenUnixConnectionOptions): Coroutine<[StreamReader, StreamWriter]> {
  const [limit, rest] = splitLimit('openUnixConnection', options, UNIX_CONNECT_OPTIONS);
  const loop = getRunningLoop();
  const reader = new StreamReader(limit === undefined ? { loop } : { limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const [transport] = yield* createUnixConnectionAs('openUnixConnection', () => protocol, path, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}

/** asyncio: a stale socket file at `path` is removed before binding (only a socket, never another file). */
function removeStaleSocket(path: string): void {
  if (path.startsWith('\0')) return; // Linux abstract namespace: no file
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return;
    getLogger().error(`Unable to check or remove stale UNIX socket '${path}'`, error);
  }
}

function* createUnixServerAs(
  fn: string,
  protocolFactory: () => BaseProtocol,
  path: string,
  options: UnixServerOptions | undefined,
): Coroutine<Server> {
  checkFunction(fn, 'protocolFactory', protocolFactory);
  checkPath(fn, path);
  const o = checkOptions(fn, options, UNIX_SERVER_OPTIONS);
  const checked = checkServerOptions(fn, o);
  const cleanup = optionalBoolean(fn, 'cleanupSocket', o.cleanupSocket) ?? true;
  const loop = getRunningLoop();
  removeStaleSocket(path);
  const server = newServer(loop, protocolFactory, checked, path);
  try {
    yield* server._listen({ path, backlog: checked.backlog }, {}, { path, cleanup });
  } catch (error) {
    server.close();
    if (error instanceof OSError && error.code === 'EADDRINUSE') {
      throw new OSError(`Address '${path}' is already in use`, {
        errno: error.errno,
        code: 'EADDRINUSE',
        syscall: 'listen',
        filename: path,
        cause: error,
      });
    }
    throw error;
  }
  return yield* finishServer(server, checked.startServing);
}

/**
 * Listen on the Unix socket `path` and call `protocolFactory()` for each connection. A stale
 * socket file at `path` is removed first; with `cleanupSocket` (the default) the file is removed
 * when the server closes, unless another file has replaced it meanwhile.
 *
 * Same as asyncio's `loop.create_unix_server()` (3.13).
 *
 * Differs from asyncio: no `sock` option.
 *
 * @throws OSError("Address '/tmp/app.sock' is already in use") when another server listens there.
 *
 * @example
 * ```ts
 * const server = yield* createUnixServer(() => new Echo(), '/tmp/echo.sock');
 * ```
 */
export function createUnixServer(protocolFactory: () => BaseProtocol, path: string, options?: UnixServerOptions): Coroutine<Server> {
  return createUnixServerAs('createUnixServer', protocolFactory, path, options);
}

/**
 * Start a Unix socket server: for each connection, `clientConnected(reader, writer)` is called
 * (a generator function runs as a Task).
 *
 * Same as asyncio's `asyncio.start_unix_server()`.
 *
 * @example
 * ```ts
 * const server = yield* startUnixServer(handle, '/tmp/app.sock');
 * yield* server.serveForever();
 * ```
 */
export function* startUnixServer(
  clientConnected: ClientConnectedCallback,
  path: string,
  options?: StartUnixServerOptions,
): Coroutine<Server> {
  checkFunction('startUnixServer', 'clientConnected', clientConnected);
  const [limit, rest] = splitLimit('startUnixServer', options, UNIX_SERVER_OPTIONS);
  const factory = streamProtocolFactory(getRunningLoop(), clientConnected, limit);
  return yield* createUnixServerAs('startUnixServer', factory, path, rest);
}
