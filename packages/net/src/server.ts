/**
 * `Server`: the listening sockets made by `createServer()`/`startServer()` (and their Unix
 * variants), the connections they accepted, and asyncio's rules for closing them.
 *
 * ## States
 *
 * ```
 *   bound (listening, not serving) ──startServing()/serveForever()──▶ serving
 *          │                                                            │
 *          └──────────────────────── close() ◀──────────────────────────┘
 *                                       │   stops listening; accepted connections stay open
 *                                       ▼
 *        closed ──(no client transport left, and no TLS handshake running)──▶ waitClosed() returns
 * ```
 *
 * - Connections are handed to protocols only while serving. Node listens as soon as the server
 *   is bound, so a connection that arrives before `startServing()` waits, accepted, until then
 *   (asyncio calls `listen()` only when serving starts: its clients are refused meanwhile).
 * - Each accepted connection gets `protocolFactory()` and a transport, on the loop, in a copy of
 *   the Context that was current when serving started. With `ssl` the TLS handshake runs first
 *   (bounded by `sslHandshakeTimeout`); a failed handshake closes the connection and is reported
 *   to the exception handler in debug mode only, as in asyncio.
 * - The server tracks its client transports until their `connectionLost()`; `closeClients()` and
 *   `abortClients()` close or abort them all (3.13).
 *
 * @module
 */
import { linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { Server as NetServer, type ListenOptions, type Socket as NetSocket } from 'node:net';
import type { TlsOptions } from 'node:tls';
import { copyContext, describe, INSPECT, RuntimeError, type Context, type EventLoop } from '@tsyncio/loop';
import {
  createTask,
  Future,
  isCancelledError,
  sleep,
  type AsyncContextManager,
  type Coroutine,
} from '@tsyncio/futures';
import type { BaseProtocol } from '@tsyncio/streams';
import { fromNodeError } from './errors.js';
import { tlsHandshake, type ServerTls } from './internal/tls-handshake.js';
import { Socket } from './socket.js';
import { SocketTransport, type ServerLink } from './socket-transport.js';

/** Accept errors that mean "out of resources" (asyncio's message for them). */
const RESOURCE_ERRORS = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM']);

/** @internal A Unix socket file the server created, and whether to remove it on close. */
export interface UnixSocketFile {
  path: string;
  cleanup: boolean;
  ino: number;
  dev: number;
}

/** @internal One listening Node server. */
interface Listener {
  server: NetServer;
  socket: Socket;
  unix: UnixSocketFile | null;
}

/** @internal How the server was configured by createServer()/createUnixServer(). */
export interface ServerConfig {
  /** TLS for every connection, prepared once. */
  ssl: ServerTls | null;
  /** The TLS options as given (the transports' `sslcontext`). */
  sslOptions: TlsOptions | null;
  sslHandshakeTimeout: number | null;
  backlog: number;
  /** The path of a Unix server (its connections' `sockname`), null for TCP. */
  unixPath: string | null;
}

let keepSeq = 0;

function noop(): void {
  // absorbs 'error' events of sockets that have no transport yet
}

// Loop callbacks, written once (no closure per connection).
function acceptOnLoop(server: unknown, socket: unknown): void {
  (server as Server)._accept(socket as NetSocket);
}
function reportServerError(server: unknown, error: unknown): void {
  (server as Server)._reportAcceptError(error);
}

/**
 * A server: listening sockets plus the connections they accepted. Made by `createServer()`,
 * `startServer()`, `createUnixServer()` and `startUnixServer()`.
 *
 * Same as asyncio's `asyncio.Server` (3.13): `close()` stops listening and leaves the accepted
 * connections open; `closeClients()` / `abortClients()` close or abort them; `waitClosed()`
 * returns once the server is closed **and** every connection is gone; `serveForever()` refuses a
 * second concurrent call and a closed server, and when cancelled closes the server and waits for
 * it; `startServing()` gives the loop one iteration; `asyncWith(server, …)` (or `await using`)
 * closes it and waits at the end.
 *
 * Differs from asyncio: `sockets` are the socket layer's `Socket` objects standing for Node's
 * listening sockets (asyncio's `TransportSocket`: `getsockname()`, `fileno()`, options; closing
 * them is the server's job); a connection that arrives before serving starts waits instead of
 * being refused (Node binds and listens in one step).
 *
 * @example
 * ```ts
 * const server = yield* startServer(handle, '127.0.0.1', 8888);
 * console.log('serving on', server.sockets[0]?.getsockname());
 * yield* asyncWith(server, function* () {
 *   yield* server.serveForever();
 * });
 * ```
 */
export class Server implements AsyncContextManager<Server>, ServerLink {
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal the listeners; null once closed */
  _listeners: Listener[] | null = [];
  /** @internal */
  readonly _protocolFactory: () => BaseProtocol;
  /** @internal */
  readonly _config: ServerConfig;
  /** @internal transports of accepted connections, until their connectionLost() */
  readonly _clients = new Set<SocketTransport>();
  /** @internal accepted sockets in their TLS handshake */
  readonly _handshaking = new Set<NetSocket>();
  /** @internal connections accepted before serving started */
  _queued: NetSocket[] = [];
  /** @internal waitClosed() futures; null once closed with no client left */
  _waiters: Future<void>[] | null = [];
  /** @internal */
  _serving = false;
  /** @internal */
  _servingForeverFut: Future<never> | null = null;
  /** @internal the Context accepted connections start from (captured when serving starts) */
  _context: Context | null = null;

  /** @internal Node 'connection' (outside the loop) */
  readonly _onConnection = (socket: NetSocket): void => {
    socket.on('error', noop);
    if (this._listeners === null || this._loop.isClosed()) {
      socket.destroy();
      return;
    }
    if (!this._serving) {
      this._queued.push(socket);
      return;
    }
    this._loop._callSoonFast(acceptOnLoop, this, socket, this._context as Context);
  };

  /** @internal Node 'error' on a listening server (an accept failure) */
  readonly _onServerError = (error: Error): void => {
    if (this._loop.isClosed()) return;
    this._loop._callSoonFast(reportServerError, this, fromNodeError(error), this._context ?? copyContext());
  };

  /** @internal Use `createServer()` or `createUnixServer()`. */
  constructor(loop: EventLoop, protocolFactory: () => BaseProtocol, config: ServerConfig) {
    this._loop = loop;
    this._protocolFactory = protocolFactory;
    this._config = config;
  }

  // ---------------------------------------------------------------- binding (createServer)

  /**
   * @internal Listen with `options` (a TCP address, or a Unix path with `unix`) and add the
   * listener. Node errors become OSErrors; the caller words them.
   */
  *_listen(options: ListenOptions, serverOptions: { keepAlive?: boolean }, unix: Omit<UnixSocketFile, 'ino' | 'dev'> | null): Coroutine<void> {
    const loop = this._loop;
    const server = new NetServer({ allowHalfOpen: true, pauseOnConnect: true, ...serverOptions });
    const future = new Future<void>({ loop });
    const onListening = (): void => {
      if (!future.done() && !loop.isClosed()) future.setResult(undefined);
    };
    const onError = (error: Error): void => {
      if (!future.done() && !loop.isClosed()) future.setException(fromNodeError(error));
    };
    server.once('listening', onListening);
    server.once('error', onError);
    try {
      server.listen(options);
      yield* future;
    } catch (error) {
      server.close();
      throw error;
    } finally {
      server.off('listening', onListening);
      server.off('error', onError);
    }
    server.on('error', this._onServerError);
    server.on('connection', this._onConnection);
    let file: UnixSocketFile | null = null;
    if (unix !== null) {
      let ino = -1;
      let dev = -1;
      if (!unix.path.startsWith('\0')) {
        try {
          const stat = statSync(unix.path);
          ino = stat.ino;
          dev = stat.dev;
        } catch {
          // the file is gone already: nothing to clean up later
        }
      }
      file = { ...unix, ino, dev };
    }
    const listener: Listener = { server, socket: Socket._forServer(server, this, unix?.path ?? null), unix: file };
    if (this._listeners === null) {
      closeListener(listener);
      return;
    }
    this._listeners.push(listener);
  }

  // ---------------------------------------------------------------- accepting

  /** @internal start handing connections to protocols (asyncio's `_start_serving`) */
  _startServing(): void {
    if (this._serving || this._listeners === null) return;
    this._serving = true;
    this._context = copyContext();
    const queued = this._queued;
    this._queued = [];
    for (const socket of queued) this._loop._callSoonFast(acceptOnLoop, this, socket, this._context);
  }

  /** @internal a connection, now on the loop: make its protocol and transport */
  _accept(socket: NetSocket): void {
    if (this._listeners === null) {
      // closed since Node accepted it
      socket.destroy();
      return;
    }
    let protocol: BaseProtocol;
    try {
      protocol = this._protocolFactory();
      if (typeof protocol !== 'object' || protocol === null) {
        throw new TypeError(`protocolFactory() must return a protocol object, got ${describe(protocol)}`);
      }
    } catch (error) {
      socket.destroy();
      this._loop.callExceptionHandler({
        message: 'Error on transport creation for incoming connection',
        exception: error,
        server: this,
      });
      return;
    }
    const config = this._config;
    if (config.ssl !== null) {
      this._handshaking.add(socket);
      createTask(this._acceptTls(socket, protocol), { loop: this._loop });
      return;
    }
    new SocketTransport(this._loop, socket, protocol, {
      server: this,
      unix: config.unixPath !== null,
      context: (this._context as Context).copy(),
      ...(config.unixPath === null ? {} : { extra: { sockname: config.unixPath, peername: '' } }),
    });
  }

  /** @internal the TLS handshake of an accepted connection, then its transport */
  *_acceptTls(socket: NetSocket, protocol: BaseProtocol): Coroutine<void> {
    const config = this._config;
    const loop = this._loop;
    let tlsSocket;
    try {
      tlsSocket = yield* tlsHandshake(loop, socket, config.ssl as ServerTls, {
        serverSide: true,
        timeout: config.sslHandshakeTimeout,
      });
    } catch (error) {
      this._handshaking.delete(socket);
      socket.destroy();
      if (loop.getDebug() && !isCancelledError(error)) {
        loop.callExceptionHandler({
          message: 'Error on transport creation for incoming connection',
          exception: error,
          protocol,
          server: this,
        });
      }
      this._maybeWakeup();
      return;
    }
    new SocketTransport(loop, tlsSocket, protocol, {
      server: this,
      tls: true,
      sslContext: config.sslOptions,
      unix: config.unixPath !== null,
      context: (this._context ?? copyContext()).copy(),
      ...(config.unixPath === null ? {} : { extra: { sockname: config.unixPath, peername: '' } }),
    });
    this._handshaking.delete(socket);
  }

  /** @internal an accept failure, reported on the loop */
  _reportAcceptError(error: unknown): void {
    const code = (error as { code?: unknown } | null)?.code;
    this._loop.callExceptionHandler({
      message:
        typeof code === 'string' && RESOURCE_ERRORS.has(code)
          ? 'socket.accept() out of system resource'
          : 'Error while accepting a connection',
      exception: error,
      server: this,
    });
  }

  /** @internal a transport of this server was made */
  _attach(transport: SocketTransport): void {
    this._clients.add(transport);
  }

  /** @internal a transport of this server lost its connection */
  _detach(transport: SocketTransport): void {
    this._clients.delete(transport);
    this._maybeWakeup();
  }

  private _maybeWakeup(): void {
    if (this._clients.size === 0 && this._handshaking.size === 0 && this._listeners === null) this._wakeup();
  }

  private _wakeup(): void {
    const waiters = this._waiters;
    this._waiters = null;
    if (waiters === null) return;
    for (const waiter of waiters) {
      if (!waiter.done()) waiter.setResult(undefined);
    }
  }

  // ---------------------------------------------------------------- public

  /** The loop the server runs on. */
  getLoop(): EventLoop {
    return this._loop;
  }

  /** Whether the server is accepting connections (serving started and not closed). */
  isServing(): boolean {
    return this._serving;
  }

  /** The listening sockets (empty once closed). */
  get sockets(): readonly Socket[] {
    const listeners = this._listeners;
    return Object.freeze(listeners === null ? [] : listeners.map((listener) => listener.socket));
  }

  /**
   * Stop listening; accepted connections stay open (see {@link closeClients}). Cancels a running
   * {@link serveForever}. Idempotent.
   */
  close(): void {
    const listeners = this._listeners;
    if (listeners === null) return;
    this._listeners = null;
    for (const listener of listeners) closeListener(listener);
    for (const socket of this._queued) socket.destroy();
    this._queued = [];
    this._serving = false;
    const forever = this._servingForeverFut;
    if (forever !== null && !forever.done()) {
      forever.cancel();
      this._servingForeverFut = null;
    }
    this._maybeWakeup();
  }

  /** Close every accepted connection (`transport.close()`: buffered data is still sent). */
  closeClients(): void {
    for (const socket of [...this._handshaking]) socket.destroy();
    for (const transport of [...this._clients]) transport.close();
  }

  /** Abort every accepted connection (`transport.abort()`: buffered data is discarded). */
  abortClients(): void {
    for (const socket of [...this._handshaking]) socket.destroy();
    for (const transport of [...this._clients]) transport.abort();
  }

  /** Start accepting connections (when made with `startServing: false`), then give the loop one iteration. */
  *startServing(): Coroutine<void> {
    this._startServing();
    yield* sleep(0);
  }

  /**
   * Accept connections until cancelled. When cancelled (or when {@link close} is called), close
   * the server, wait until it is closed ({@link waitClosed}) and raise the CancelledError.
   *
   * @throws RuntimeError when another `serveForever()` is running, or the server is closed.
   */
  *serveForever(): Coroutine<never> {
    if (this._servingForeverFut !== null) {
      throw new RuntimeError(`server ${String(this)} is already being awaited on serveForever()`);
    }
    if (this._listeners === null) throw new RuntimeError(`server ${String(this)} is closed`);
    this._startServing();
    const forever = new Future<never>({ loop: this._loop });
    this._servingForeverFut = forever;
    try {
      return yield* forever;
    } catch (error) {
      if (isCancelledError(error)) {
        try {
          this.close();
          yield* this.waitClosed();
        } catch {
          // Python's `finally: raise`: the cancellation wins over anything raised while closing
        }
      }
      throw error;
    } finally {
      if (this._servingForeverFut === forever) this._servingForeverFut = null;
    }
  }

  /**
   * Wait until the server is closed **and** every accepted connection is gone. Returns at once
   * if that is already so.
   */
  *waitClosed(): Coroutine<void> {
    const waiters = this._waiters;
    if (waiters === null) return;
    const waiter = new Future<void>({ loop: this._loop });
    waiters.push(waiter);
    try {
      yield* waiter;
    } finally {
      const index = waiters.indexOf(waiter);
      if (index >= 0) waiters.splice(index, 1);
    }
  }

  /** `asyncWith(server, …)`: the body receives the server. */
  *aenter(): Coroutine<Server> {
    return this;
  }

  /** `asyncWith(server, …)`: close the server and wait until it is closed. */
  *aexit(_error: unknown): Coroutine<void> {
    this.close();
    yield* this.waitClosed();
  }

  /** `await using server = …` in plain async code: close, then wait until closed. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    if (this._waiters === null) return;
    await createTask(this.waitClosed(), { loop: this._loop });
  }

  /** `<Server sockets=[<Socket …>]>`, as asyncio's repr. */
  toString(): string {
    return `<Server sockets=[${this.sockets.map(String).join(', ')}]>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Close a listener. libuv removes a Unix socket's file when it closes the socket; asyncio keeps
 * it with `cleanupSocket: false` or when the file is no longer ours (another process replaced
 * it), so in those cases the file is hard-linked aside first and put back afterwards.
 */
function closeListener(listener: Listener): void {
  const unix = listener.unix;
  let keptAs: string | null = null;
  if (unix !== null && !unix.path.startsWith('\0')) {
    let keep = !unix.cleanup;
    if (!keep) {
      try {
        const stat = statSync(unix.path);
        keep = stat.ino !== unix.ino || stat.dev !== unix.dev;
      } catch {
        keep = false; // gone already
      }
    }
    if (keep) {
      const aside = `${unix.path}.tsyncio-keep-${process.pid}-${keepSeq++}`;
      try {
        linkSync(unix.path, aside);
        keptAs = aside;
      } catch {
        // nothing to keep (gone), or the directory refuses: libuv's removal stands
      }
    }
  }
  listener.server.close();
  if (keptAs !== null && unix !== null) {
    try {
      renameSync(keptAs, unix.path);
    } catch {
      try {
        unlinkSync(keptAs);
      } catch {
        // best effort
      }
    }
  }
}
