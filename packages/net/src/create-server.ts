/**
 * `createServer()`: asyncio's `loop.create_server()` — bind one listening socket per address,
 * then (by default) start serving.
 *
 * @module
 */
import type { TlsOptions } from 'node:tls';
import { describe, getRunningLoop, type EventLoop } from '@tsyncio/loop';
import { sleep, type Coroutine } from '@tsyncio/futures';
import type { BaseProtocol } from '@tsyncio/streams';
import { formatAddress, OSError } from './errors.js';
import {
  checkFamily,
  checkFunction,
  checkHandshakeTimeout,
  checkOptions,
  checkPort,
  checkServerSsl,
  optionalBoolean,
  optionalNumber,
} from './internal/options.js';
import { passiveAddresses, resolveHost, uniqueAddresses, type AddrInfo } from './internal/resolve.js';
import { serverTls } from './internal/tls-handshake.js';
import { Server } from './server.js';

/**
 * Options of {@link createServer} and `startServer()`: asyncio's keyword arguments of
 * `loop.create_server()`.
 */
export interface ServerOptions {
  /** TLS for every connection: Node's TLS server options (`key`, `cert`, `ca`, `requestCert`, …, or `secureContext`). */
  ssl?: TlsOptions;
  /** The listen backlog (default 100). */
  backlog?: number;
  /**
   * SO_REUSEADDR (asyncio's default on POSIX is true). libuv always sets it on listening TCP
   * sockets, so `false` has no effect.
   */
  reuseAddress?: boolean;
  /** SO_REUSEPORT: several servers may bind the same port. Needs Node 22.12+ or 23.1+. */
  reusePort?: boolean;
  /** SO_KEEPALIVE on accepted connections (3.13). */
  keepAlive?: boolean;
  /** Only this address family: 4 or 6 (default 0: any). */
  family?: 0 | 4 | 6;
  /** Start accepting connections at once (default true); else call `server.startServing()` or `serveForever()`. */
  startServing?: boolean;
  /** Seconds the TLS handshake of a connection may take (default 60). Only with `ssl`. */
  sslHandshakeTimeout?: number;
}

/** @internal the option names of {@link ServerOptions} */
export const SERVER_OPTIONS: readonly string[] = [
  'ssl',
  'backlog',
  'reuseAddress',
  'reusePort',
  'keepAlive',
  'family',
  'startServing',
  'sslHandshakeTimeout',
];

/** @internal whether this Node can set SO_REUSEPORT (`listen({ reusePort })`: 22.12+, 23.1+) */
export function supportsReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** @internal the options shared by TCP and Unix servers, checked */
export interface CheckedServerOptions {
  ssl: TlsOptions | undefined;
  backlog: number;
  startServing: boolean;
  sslHandshakeTimeout: number | null;
}

/** @internal check the options every server takes */
export function checkServerOptions(fn: string, o: Partial<ServerOptions>): CheckedServerOptions {
  const ssl = checkServerSsl(fn, o.ssl) as TlsOptions | undefined;
  const backlog = optionalNumber(fn, 'backlog', o.backlog, { min: 0, integer: true }) ?? 100;
  const startServing = optionalBoolean(fn, 'startServing', o.startServing) ?? true;
  const sslHandshakeTimeout = checkHandshakeTimeout(fn, o.sslHandshakeTimeout, ssl !== undefined) ?? null;
  return { ssl, backlog, startServing, sslHandshakeTimeout };
}

/** @internal the server object, before any socket is bound */
export function newServer(loop: EventLoop, protocolFactory: () => BaseProtocol, checked: CheckedServerOptions, unixPath: string | null): Server {
  return new Server(loop, protocolFactory, {
    ssl: checked.ssl === undefined ? null : serverTls(checked.ssl),
    sslOptions: checked.ssl ?? null,
    sslHandshakeTimeout: checked.sslHandshakeTimeout,
    backlog: checked.backlog,
    unixPath,
  });
}

/** @internal start serving as asyncio does after binding: then one loop iteration */
export function* finishServer(server: Server, startServing: boolean): Coroutine<Server> {
  if (startServing) {
    server._startServing();
    // skip one loop iteration, as asyncio does so that every reader is registered
    yield* sleep(0);
  }
  return server;
}

function checkHosts(fn: string, host: unknown): (string | null)[] {
  if (host === null || host === undefined || host === '') return [null];
  if (typeof host === 'string') return [host];
  if (Array.isArray(host)) {
    if (host.length === 0) throw new RangeError(`${fn}() host must not be an empty list`);
    return host.map((h: unknown, i) => {
      if (typeof h !== 'string') throw new TypeError(`${fn}() host[${i}] must be a string, got ${describe(h)}`);
      return h === '' ? null : h;
    });
  }
  throw new TypeError(`${fn}() host must be a string, a list of strings or null, got ${describe(host)}`);
}

/** @internal createServer, with the name of the public function that called it for messages */
export function* createServerAs(
  fn: string,
  protocolFactory: () => BaseProtocol,
  host: string | readonly string[] | null,
  port: number,
  options: ServerOptions | undefined,
): Coroutine<Server> {
  checkFunction(fn, 'protocolFactory', protocolFactory);
  const hosts = checkHosts(fn, host);
  checkPort(fn, port);
  const o = checkOptions(fn, options, SERVER_OPTIONS);
  const checked = checkServerOptions(fn, o);
  optionalBoolean(fn, 'reuseAddress', o.reuseAddress);
  const reusePort = optionalBoolean(fn, 'reusePort', o.reusePort) ?? false;
  const keepAlive = optionalBoolean(fn, 'keepAlive', o.keepAlive) ?? false;
  const family = checkFamily(fn, o.family);
  if (reusePort && !supportsReusePort()) {
    throw new RangeError(`reusePort is not supported by Node ${process.version}: it needs Node 22.12+ or 23.1+`);
  }
  const loop = getRunningLoop();
  const found: AddrInfo[] = [];
  for (const h of hosts) {
    if (h === null) found.push(...(yield* passiveAddresses(family)));
    else found.push(...(yield* resolveHost(loop, h, family)));
  }
  const infos = uniqueAddresses(found);
  const server = newServer(loop, protocolFactory, checked, null);
  let completed = false;
  try {
    for (const info of infos) {
      const listenOptions = {
        host: info.address,
        port,
        backlog: checked.backlog,
        // one socket per family, as asyncio (IPV6_V6ONLY)
        ipv6Only: info.family === 6,
        ...(reusePort ? { reusePort: true } : {}),
      };
      try {
        yield* server._listen(listenOptions, keepAlive ? { keepAlive: true } : {}, null);
      } catch (error) {
        if (!(error instanceof OSError) || error.errno === null) throw error;
        // the family is not enabled on this host (bpo-30945): skip the address
        if (error.code === 'EADDRNOTAVAIL' || error.code === 'EAFNOSUPPORT') continue;
        const address = info.family === 6 ? [info.address, port, 0, 0] : [info.address, port];
        throw new OSError(`error while attempting to bind on address ${formatAddress(address)}: ${error.message.toLowerCase()}`, {
          errno: error.errno,
          ...(error.code === undefined ? {} : { code: error.code }),
          syscall: 'listen',
          address: info.address,
          port,
          cause: error,
        });
      }
    }
    if (server._listeners?.length === 0) {
      throw new OSError(`could not bind on any address out of ${formatAddress(infos.map((i) => formatAddress([i.address, port])))}`);
    }
    completed = true;
  } finally {
    if (!completed) server.close();
  }
  return yield* finishServer(server, checked.startServing);
}

/**
 * Listen for TCP connections on `host`:`port` and call `protocolFactory()` for each one.
 *
 * `host` may be a name or address, a list of them (one listening socket per distinct address),
 * or `null`/`''` for every interface (an IPv4 and an IPv6 socket). `port` 0 picks a free port:
 * read it from `server.sockets[0].getsockname()`. Accepted connections have TCP_NODELAY set.
 *
 * Same as asyncio's `loop.create_server()` (3.13), run on the current loop.
 *
 * Differs from asyncio: no `sock`, `flags` or `sslShutdownTimeout` options; `ssl` takes Node's
 * TLS server options; `reuseAddress: false` has no effect (libuv always sets SO_REUSEADDR);
 * `reusePort` needs Node 22.12+; a connection arriving before serving starts waits (see Server).
 *
 * @throws OSError ("error while attempting to bind on address ('127.0.0.1', 80): [errno 98]
 * address already in use") when an address cannot be bound. RangeError for `reusePort` on a Node
 * without it, for a bad port or option; TypeError for bad argument types or an unknown option.
 * RuntimeError outside a running loop.
 *
 * @example
 * ```ts
 * class Echo implements Protocol {
 *   transport: Transport | null = null;
 *   connectionMade(t: BaseTransport) { this.transport = t as Transport; }
 *   dataReceived(data: Uint8Array) { this.transport!.write(data); }
 * }
 * const server = yield* createServer(() => new Echo(), '127.0.0.1', 0);
 * const [host, port] = server.sockets[0]!.getsockname() as [string, number];
 * ```
 */
export function createServer(
  protocolFactory: () => BaseProtocol,
  host: string | readonly string[] | null,
  port: number,
  options?: ServerOptions,
): Coroutine<Server> {
  return createServerAs('createServer', protocolFactory, host, port, options);
}
