/**
 * The socket layer: Python's `socket.socket`, always non-blocking, as asyncio's `loop.sock_*`
 * functions (`sock-api.ts`) use it — on Node, which has no socket API of that shape.
 *
 * ## The design decision: an emulation over `node:net` and `node:dgram`
 *
 * Python's `bind()` and `getsockname()` are synchronous system calls. Node's public APIs bind
 * only asynchronously: `net.Server.listen({ host, port })` and `dgram.Socket.bind()` resolve the
 * host first (even a numeric one, on the next tick) and report the result by event. Node's
 * internal handles (`process.binding('tcp_wrap' | 'pipe_wrap' | 'udp_wrap')`) do bind
 * synchronously, and we measured them on Node 20.20, 22.23 and 24.21: bind, getsockname right
 * after a bind to port 0, and listen all work there without a warning by default. We still do
 * not build on them, because they are not robust:
 *
 * - `process.binding()` is deprecated (DEP0111): `--pending-deprecation` prints a warning, and
 *   `--pending-deprecation --throw-deprecation` turns the first socket into an exception.
 * - It is unavailable under Node's permission model (`--permission`, stable since 22.13; and
 *   `--experimental-permission` on 20): every `process.binding()` call throws
 *   ERR_ACCESS_DENIED, so a hardened deployment would lose every socket.
 * - The handles' JavaScript contracts are internal and have changed before: `onconnection`,
 *   `TCPConnectWrap.oncomplete`, `onread` with `streamBaseState[kReadBytesOrError]`,
 *   `WriteWrap`, `SendWrap`. A thin layer would reimplement much of `lib/net.js`, or hand raw
 *   handles to `new net.Socket({ handle })` (undocumented); and a bound UDP handle cannot be
 *   handed to `node:dgram` at all except by fd (`bind({ fd })`), which leaves two libuv handles
 *   owning one descriptor.
 *
 * So a {@link Socket} records what Python would have done at once, and starts the real work with
 * Node's public APIs at the point Node allows it. Every difference this makes:
 *
 * | Python | tsyncio |
 * |---|---|
 * | `bind()` binds at once; its errors (EADDRINUSE) are raised by `bind()` | `bind()` checks the address and records it (a Unix path that exists already is EADDRINUSE at once). A stream socket binds when `listen()` (or `sockConnect()`) runs; a datagram socket starts binding in `bind()`. A bind error is raised **once**, by the next operation on the socket (`waitBound()`, `getsockname()`, `sockAccept()`, `sockRecvfrom()`, …, like a pending `SO_ERROR`), and leaves the socket unbound, as a failed `bind()` does |
 * | `getsockname()` right after `bind(('127.0.0.1', 0))` gives the port | The port is known once Node's bind completed: after `listen()` (stream) or `bind()` (datagram) and one turn of the host. `yield* sock.waitBound()` waits for it and returns the address. Before that, `getsockname()` returns the recorded address when it is complete (numeric host, port ≠ 0), and otherwise raises OSError EINPROGRESS, saying to call `listen()`/`waitBound()` |
 * | a bound, not listening stream socket refuses connections | same (Node binds at `listen()`) |
 * | `listen()` lets the kernel queue connections until `accept()` | Node accepts them as they arrive; they wait (paused, unread) in the socket's queue until `sockAccept()`; the queue is not bounded by `backlog` |
 * | data waits in the kernel until `recv()` | Node reads it into the socket's buffer; above 256 KiB the Node socket is paused, so the kernel's buffer and TCP flow control take over, as in Python |
 * | a datagram that finds the receive buffer full is dropped by the kernel | the same, with a 256 KiB buffer of datagrams waiting for `sockRecvfrom()` |
 * | `fileno()` is the descriptor from creation to `close()` | the descriptor once Node has created the OS socket (after bind/listen/connect), where Node exposes it (TCP and Unix sockets); -1 before, after `close()`, and for datagram sockets |
 * | closing a listening Unix socket leaves its file | Node (libuv) removes the file when the socket closes |
 * | a Unix client socket may `bind()` before `connect()` | not supported by Node: `sockConnect()` raises OSError EOPNOTSUPP |
 * | Unix datagram sockets | not supported by Node: `socket({ family: 'unix', type: 'dgram' })` throws RangeError |
 * | `sendto()` on a connected UDP socket sends to the given address (Linux) | OSError EISCONN (Node refuses) |
 * | `setsockopt(level, name, value)` with any option | `setsockopt(name, value)` with the options Node can apply: see {@link SocketOption} |
 * | a cancelled `sock_connect()` leaves the socket connecting (EALREADY on retry) | cancelling `sockConnect()` abandons the attempt; the socket can connect again |
 *
 * Sockets are always non-blocking: `setblocking(false)` and `settimeout(0)` are accepted,
 * `setblocking(true)` and any other timeout throw RangeError.
 *
 * ## States
 *
 * ```
 *   FRESH ──bind()──▶ BOUND ──listen()──▶ LISTENING
 *     │                 │
 *     └──sockConnect()──┴──▶ CONNECTING ──▶ CONNECTED          any ──close()──▶ CLOSED
 * ```
 *
 * A failed connect or bind goes back to FRESH (or BOUND). A datagram socket is FRESH, BOUND
 * (binding or bound, `_dgram` set) or CONNECTED (`_dgram` connected).
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { lookup } from 'node:dns';
import { createSocket, type Socket as DgramSocket, type RemoteInfo } from 'node:dgram';
import { createServer, isIP, type Server as NetServer, type Socket as NetSocket } from 'node:net';
import { Deque, describe, getRunningLoop, INSPECT, RuntimeError } from '@tsyncio/loop';
import { Future, type Coroutine } from '@tsyncio/futures';
import type { Address } from '@tsyncio/streams';
import { formatAddress, isOSError } from './errors.js';
import {
  anyHost,
  checkSockAddr,
  fromAddressInfo,
  inetTuple,
  type Family,
  type InetSockAddr,
} from './internal/sock-address.js';
import { fromNode, gaierror, sockError } from './internal/sock-errors.js';

/** A socket's address family: IPv4, IPv6 or Unix (Python's `AF_INET`, `AF_INET6`, `AF_UNIX`). */
export type SocketFamily = Family;
/** A socket's type: a byte stream (TCP, Unix) or datagrams (UDP) — `SOCK_STREAM`, `SOCK_DGRAM`. */
export type SocketType = 'stream' | 'dgram';

/** Python's `socket.AF_INET`: an IPv4 socket. */
export const AF_INET = 'inet';
/** Python's `socket.AF_INET6`: an IPv6 socket. */
export const AF_INET6 = 'inet6';
/** Python's `socket.AF_UNIX`: a Unix domain socket. */
export const AF_UNIX = 'unix';
/** Python's `socket.SOCK_STREAM`. */
export const SOCK_STREAM = 'stream';
/** Python's `socket.SOCK_DGRAM`. */
export const SOCK_DGRAM = 'dgram';

/** `shutdown()`: no more receiving. */
export const SHUT_RD = 0;
/** `shutdown()`: no more sending (the peer gets end-of-file). */
export const SHUT_WR = 1;
/** `shutdown()`: neither. */
export const SHUT_RDWR = 2;

/**
 * The socket options {@link Socket.setsockopt} can apply on Node, by their Python names:
 *
 * | option | sockets | how |
 * |---|---|---|
 * | `'TCP_NODELAY'` | TCP | `net.Socket.setNoDelay()` |
 * | `'SO_KEEPALIVE'` | TCP | `net.Socket.setKeepAlive()` |
 * | `'SO_REUSEADDR'` | TCP, UDP | TCP: Node always sets it on listening sockets (0 cannot turn it off); UDP: `reuseAddr` |
 * | `'SO_REUSEPORT'` | TCP, UDP | `reusePort` (Node 22.12 and later; OSError ENOPROTOOPT before) |
 * | `'IPV6_V6ONLY'` | IPv6 | `ipv6Only`, before the bind |
 * | `'SO_BROADCAST'` | UDP | `setBroadcast()` |
 * | `'SO_RCVBUF'`, `'SO_SNDBUF'` | UDP | `recvBufferSize` / `sendBufferSize` (TCP: OSError ENOPROTOOPT, Node has no API) |
 * | `'IP_TTL'`, `'IP_MULTICAST_TTL'`, `'IP_MULTICAST_LOOP'` | UDP | `setTTL()`, `setMulticastTTL()`, `setMulticastLoopback()` |
 * | `'SO_ERROR'` | any | `getsockopt()` only: the pending error's errno, cleared by reading it |
 *
 * Options set before Node creates the OS socket are applied when it does. Every other option is
 * unsupported (RangeError naming it), as are raw sockets, `SO_LINGER`, `TCP_QUICKACK` and friends.
 */
export type SocketOption =
  | 'TCP_NODELAY'
  | 'SO_KEEPALIVE'
  | 'SO_REUSEADDR'
  | 'SO_REUSEPORT'
  | 'IPV6_V6ONLY'
  | 'SO_BROADCAST'
  | 'SO_RCVBUF'
  | 'SO_SNDBUF'
  | 'IP_TTL'
  | 'IP_MULTICAST_TTL'
  | 'IP_MULTICAST_LOOP'
  | 'SO_ERROR';

const SOCKET_OPTIONS: readonly SocketOption[] = [
  'TCP_NODELAY',
  'SO_KEEPALIVE',
  'SO_REUSEADDR',
  'SO_REUSEPORT',
  'IPV6_V6ONLY',
  'SO_BROADCAST',
  'SO_RCVBUF',
  'SO_SNDBUF',
  'IP_TTL',
  'IP_MULTICAST_TTL',
  'IP_MULTICAST_LOOP',
  'SO_ERROR',
];
const STREAM_ONLY: ReadonlySet<SocketOption> = new Set(['TCP_NODELAY', 'SO_KEEPALIVE']);
const DGRAM_ONLY: ReadonlySet<SocketOption> = new Set([
  'SO_BROADCAST',
  'SO_RCVBUF',
  'SO_SNDBUF',
  'IP_TTL',
  'IP_MULTICAST_TTL',
  'IP_MULTICAST_LOOP',
]);

/** Options of {@link socket} and the {@link Socket} constructor. */
export interface SocketOptions {
  /** `'inet'` (default), `'inet6'` or `'unix'`. */
  family?: SocketFamily;
  /** `'stream'` (default) or `'dgram'`. */
  type?: SocketType;
  /** 0 (default), or the protocol that goes with the type: 6 (TCP) for stream, 17 (UDP) for dgram. */
  proto?: number;
}

/** Bytes of received stream data buffered before the Node socket is paused. */
export const RECV_BUFFER_LIMIT = 256 * 1024;
/** Bytes of received datagrams buffered; datagrams arriving beyond this are dropped, as by a full kernel buffer. */
export const DATAGRAM_BUFFER_LIMIT = 256 * 1024;
/** Python's default `listen()` backlog: `min(SOMAXCONN, 128)`. */
const DEFAULT_BACKLOG = 128;

const FRESH = 0;
const BOUND = 1;
const LISTENING = 2;
const CONNECTING = 3;
const CONNECTED = 4;
const CLOSED = 5;
const STATE_NAMES = ['fresh', 'bound', 'listening', 'connecting', 'connected', 'closed'];

/** @internal Whether this Node has `reusePort` (22.12+, 23.1+). */
export function hasReusePort(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

function noop(): void {
  // swallows events nobody waits for (an unhandled 'error' event would crash the process)
}

/** A connection that arrived on a listening socket and waits for `sockAccept()`. */
type PendingConnection = readonly [connection: NetSocket, address: Address];

function viewOf(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * A non-blocking socket, for asyncio's `loop.sock_*` functions (`sockConnect`, `sockAccept`,
 * `sockRecv`, `sockSendall`, `sockRecvfrom`, `sockSendto`, …). Create one with {@link socket}.
 *
 * Same as Python's `socket.socket` in non-blocking mode, as asyncio uses it. Differs from Python:
 * it is an emulation over `node:net` / `node:dgram`, so binding completes asynchronously; the
 * module notes list every difference. It has no blocking `recv`/`send`/`accept`/`connect`
 * methods: use the `sock*` coroutines.
 *
 * @example
 * ```ts
 * const listener = socket();
 * listener.bind(['127.0.0.1', 0]);
 * listener.listen();
 * const address = yield* listener.waitBound();   // ['127.0.0.1', 43125]
 * const client = socket();
 * yield* sockConnect(client, address);
 * const [conn] = yield* sockAccept(listener);
 * yield* sockSendall(client, new TextEncoder().encode('ping'));
 * console.log(yield* sockRecv(conn, 1024));       // the 4 bytes of 'ping'
 * ```
 */
export class Socket {
  /** `'inet'`, `'inet6'` or `'unix'`. */
  readonly family: SocketFamily;
  /** `'stream'` or `'dgram'`. */
  readonly type: SocketType;
  /** The protocol number given to the constructor (0 by default), as Python's `sock.proto`. */
  readonly proto: number;

  /** @internal */
  _state = FRESH;
  /** @internal the address given to bind() */
  _bindAddr: InetSockAddr | string | null = null;
  /** @internal the real local address, once Node reported it */
  _localAddr: Address | null = null;
  /** @internal the peer's address, once connected */
  _peerAddr: Address | null = null;
  /** @internal a listen() or datagram bind() that Node has not completed */
  _binding = false;
  /** @internal the error of a failed bind, until an operation reports it */
  _bindError: Error | null = null;
  /** @internal the pending socket error (SO_ERROR), until an operation reports it */
  _error: Error | null = null;
  /** @internal Node errors already reported (by a write, say), not to report twice */
  readonly _reported: WeakSet<object> = new WeakSet();
  /** @internal the connection broke and its error was reported: reads see EOF, writes EPIPE */
  _broken = false;
  /** @internal */
  _server: NetServer | null = null;
  /** @internal */
  _conn: NetSocket | null = null;
  /** @internal */
  _dgram: DgramSocket | null = null;
  /** @internal received stream data not taken yet */
  readonly _chunks: Deque<Uint8Array> = new Deque<Uint8Array>();
  /** @internal bytes in `_chunks` */
  _buffered = 0;
  /** @internal the Node socket is paused because `_buffered` went above the limit */
  _paused = false;
  /** @internal the peer sent end-of-file */
  _eof = false;
  /** @internal shutdown(SHUT_RD) */
  _shutRd = false;
  /** @internal shutdown(SHUT_WR) */
  _shutWr = false;
  /** @internal received datagrams not taken yet */
  readonly _datagrams: Deque<readonly [Uint8Array, Address]> = new Deque<readonly [Uint8Array, Address]>();
  /** @internal bytes in `_datagrams` */
  _datagramBytes = 0;
  /** @internal connections waiting for sockAccept() */
  readonly _accepted: Deque<PendingConnection> = new Deque<PendingConnection>();
  /** @internal coroutines waiting for anything to change (data, EOF, error, connection, bind, close) */
  readonly _waiters: Set<Future<void>> = new Set();
  /** @internal a sockSendall() is sending */
  _writeBusy = false;
  /** @internal sockSendall() calls waiting for their turn */
  readonly _writeWaiters: Deque<Future<void>> = new Deque<Future<void>>();
  /** @internal options given to setsockopt(), applied when Node creates the socket */
  readonly _options: Map<SocketOption, number> = new Map();
  /** @internal the transport or server that owns this socket (asyncio's TransportSocket), or null */
  _owner: object | null = null;
  /** @internal counts sockConnect() attempts, to drop a datagram connect that was cancelled */
  _connectGeneration = 0;

  /**
   * A new, unbound, unconnected socket. Same as `socket()`.
   *
   * @throws RangeError for an unknown family or type, a protocol that does not go with the type,
   * or a Unix datagram socket (Node has none). TypeError when `options` is not an object.
   */
  constructor(options: SocketOptions = {}) {
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw new TypeError(`socket() options must be an object, got ${describe(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (key !== 'family' && key !== 'type' && key !== 'proto') {
        throw new TypeError(`socket() got an unexpected option '${key}' (expected one of: family, type, proto)`);
      }
    }
    const family = options.family ?? 'inet';
    const type = options.type ?? 'stream';
    const proto = options.proto ?? 0;
    if (family !== 'inet' && family !== 'inet6' && family !== 'unix') {
      throw new RangeError(`socket() family must be 'inet', 'inet6' or 'unix', got ${describe(family)}`);
    }
    if (type !== 'stream' && type !== 'dgram') {
      throw new RangeError(`socket() type must be 'stream' or 'dgram', got ${describe(type)}`);
    }
    if (typeof proto !== 'number' || !(proto === 0 || (type === 'stream' ? proto === 6 : proto === 17))) {
      throw new RangeError(`socket() proto must be 0 or ${type === 'stream' ? '6 (TCP)' : '17 (UDP)'} for a ${type} socket, got ${describe(proto)}`);
    }
    if (family === 'unix' && type === 'dgram') {
      throw new RangeError("socket(): Unix datagram sockets are not supported on Node (node:dgram has only 'udp4' and 'udp6')");
    }
    this.family = family;
    this.type = type;
    this.proto = proto;
  }

  // ---------------------------------------------------------------- mode

  /**
   * Sockets are always non-blocking: `false` is accepted (and does nothing).
   *
   * @throws RangeError for `true`: there are no blocking sockets on Node's event loop.
   */
  setblocking(flag: boolean): void {
    if (flag) {
      throw new RangeError('setblocking(true): tsyncio sockets are always non-blocking; use the sock* coroutines to wait');
    }
  }

  /** Always false (Python's `getblocking()` of a non-blocking socket). */
  getblocking(): boolean {
    return false;
  }

  /**
   * Only 0 (non-blocking) is accepted, as on asyncio's transport sockets.
   *
   * @throws RangeError for any other value (null included: that would mean blocking).
   */
  settimeout(value: number | null): void {
    if (value !== 0) throw new RangeError(`settimeout(): tsyncio sockets are always non-blocking: only 0 is allowed, got ${describe(value)}`);
  }

  /** Always 0: the socket is non-blocking (what asyncio checks in debug mode). */
  gettimeout(): number {
    return 0;
  }

  // ---------------------------------------------------------------- bind, listen

  /**
   * Bind the socket to `address`: `[host, port]` (IPv4; `''` is any interface, port 0 any
   * port), `[host, port]` or `[host, port, flowInfo, scopeId]` (IPv6), or a path (Unix).
   *
   * Differs from Python: the bind completes later (see the module notes). A stream socket binds
   * when `listen()` or `sockConnect()` runs; a datagram socket starts binding now. Its errors
   * (EADDRINUSE…) are raised by the next operation, and `waitBound()` waits for the bind.
   *
   * @throws OSError EINVAL when the socket is already bound or connected; EBADF when closed;
   * EADDRINUSE at once when a Unix socket's path exists; gaierror (errno −9) when a numeric host
   * is of the other family. TypeError / RangeError for a malformed address.
   */
  bind(address: Address): void {
    this._checkOwner('bind');
    if (this._state === CLOSED) throw sockError('EBADF', 'bind');
    const addr = checkSockAddr('bind', this.family, address);
    if (this._state !== FRESH || this._dgram !== null) throw sockError('EINVAL', 'bind');
    if (typeof addr === 'string') {
      if (!addr.startsWith('\0') && existsSync(addr)) throw sockError('EADDRINUSE', 'bind');
      this._bindAddr = addr;
      this._localAddr = addr;
      this._state = BOUND;
      return;
    }
    checkHostFamily(this.family, addr.host);
    this._bindAddr = addr;
    this._state = BOUND;
    if (this.type === 'dgram') this._startDgramBind(addr);
  }

  /**
   * Listen for connections; `sockAccept()` takes them. Calling it again does nothing (Python
   * changes the backlog). An unbound socket binds to any interface and any port first.
   *
   * Differs from Python: Node binds here (see the module notes); accepted connections wait in a
   * queue that `backlog` does not bound.
   *
   * @throws OSError EOPNOTSUPP for a datagram socket; EINVAL when connected, or for an unbound
   * Unix socket; EBADF when closed. RangeError when `backlog` is not an integer.
   */
  listen(backlog: number = DEFAULT_BACKLOG): void {
    this._checkOwner('listen');
    if (typeof backlog !== 'number' || !Number.isInteger(backlog)) {
      throw new TypeError(`listen() backlog must be an integer, got ${describe(backlog)}`);
    }
    if (this._state === CLOSED) throw sockError('EBADF', 'listen');
    if (this.type === 'dgram') throw sockError('EOPNOTSUPP', 'listen');
    if (this._state === LISTENING) return;
    if (this._state === CONNECTING || this._state === CONNECTED) throw sockError('EINVAL', 'listen');
    if (this.family === 'unix' && this._bindAddr === null) {
      throw sockError('EINVAL', 'listen', 'Invalid argument: bind a Unix socket to a path before listen()');
    }
    const bound = this._bindAddr ?? { host: '', port: 0, flowInfo: 0, scopeId: 0 };
    this._bindAddr = bound;
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this._server = server;
    this._state = LISTENING;
    this._binding = true;
    server.on('connection', (connection: NetSocket) => {
      this._onConnection(server, connection);
    });
    server.on('error', (error: Error) => {
      this._onBindError(server, error);
    });
    server.on('listening', () => {
      this._onListening(server);
    });
    const backlogValue = Math.max(0, backlog);
    if (typeof bound === 'string') {
      this._listenServer(server, { path: bound, backlog: backlogValue });
      return;
    }
    const options: Record<string, unknown> = { port: bound.port, backlog: backlogValue, exclusive: true };
    if (this.family === 'inet6' && this._options.get('IPV6_V6ONLY')) options.ipv6Only = true;
    if (this._options.get('SO_REUSEPORT')) options.reusePort = true;
    const host = bound.host === '' ? anyHost(this.family) : bound.host;
    if (isIP(host) !== 0) {
      this._listenServer(server, { ...options, host });
      return;
    }
    lookup(host, { family: this.family === 'inet6' ? 6 : 4 }, (error, ip) => {
      if (this._server !== server) return;
      if (error !== null) this._onBindError(server, error);
      else this._listenServer(server, { ...options, host: ip });
    });
  }

  /**
   * Wait until the bind Node performs for this socket completed — the one `listen()` started for
   * a stream socket, or `bind()` for a datagram socket — and return the bound address, as
   * `getsockname()` then does. Returns at once when there is no bind in progress.
   *
   * tsyncio only: Python binds synchronously (see the module notes).
   *
   * @throws the bind's OSError (EADDRINUSE, EACCES, …), once; OSError EINPROGRESS for a stream
   * socket that is bound but not listening yet (Node binds at `listen()`); EBADF when closed.
   *
   * @example
   * ```ts
   * server.bind(['127.0.0.1', 0]);
   * server.listen();
   * const [host, port] = (yield* server.waitBound()) as [string, number];
   * ```
   */
  *waitBound(): Coroutine<Address> {
    for (;;) {
      if (this._state === CLOSED) throw sockError('EBADF', 'getsockname');
      this._raiseBindError();
      if (!this._binding) return this.getsockname();
      yield* this._wait();
    }
  }

  // ---------------------------------------------------------------- addresses

  /**
   * The socket's own address: `[host, port]`, `[host, port, flowInfo, scopeId]`, or a path
   * (`''` for an unbound Unix socket). An unbound socket gives the wildcard address and port 0,
   * as in Python.
   *
   * Differs from Python: a bind in progress (see the module notes) gives the recorded address
   * when it is complete, else OSError EINPROGRESS; `yield* sock.waitBound()` first.
   *
   * @throws OSError EBADF when closed; the pending bind error (once); EINPROGRESS as above.
   */
  getsockname(): Address {
    if (this._state === CLOSED) throw sockError('EBADF', 'getsockname');
    this._raiseBindError();
    if (this._localAddr !== null) return this._localAddr;
    const fromNodeAddress = this._nodeLocalAddress();
    if (fromNodeAddress !== null) return fromNodeAddress;
    const bound = this._bindAddr;
    if (bound === null || typeof bound === 'string') {
      return bound ?? (this.family === 'unix' ? '' : inetTuple(this.family, anyHost(this.family), 0));
    }
    if (bound.port !== 0 && isIP(bound.host) !== 0) {
      return inetTuple(this.family, bound.host, bound.port, bound.flowInfo, bound.scopeId);
    }
    const hint =
      this.type === 'stream' && this._state === BOUND
        ? 'call listen() first: Node binds a stream socket when it listens (or connects)'
        : 'yield* sock.waitBound() first';
    throw sockError(
      'EINPROGRESS',
      'getsockname',
      `Operation now in progress: the address is not known until Node completes the bind; ${hint}`,
    );
  }

  /**
   * The address of the connected peer.
   *
   * Same as Python (`''` for an unnamed Unix peer).
   *
   * @throws OSError ENOTCONN when not connected; EBADF when closed.
   */
  getpeername(): Address {
    if (this._state === CLOSED) throw sockError('EBADF', 'getpeername');
    if (this._peerAddr !== null && this._state === CONNECTED) return this._peerAddr;
    throw sockError('ENOTCONN', 'getpeername');
  }

  /**
   * The OS file descriptor, where Node exposes it (TCP and Unix sockets, once Node has created
   * them); -1 before that, after `close()`, and for datagram sockets.
   *
   * Differs from Python: see the module notes.
   */
  fileno(): number {
    if (this._state === CLOSED) return -1;
    const holder = (this._conn ?? this._server) as { _handle?: { fd?: unknown } | null } | null;
    const fd = holder?._handle?.fd;
    return typeof fd === 'number' && fd >= 0 ? fd : -1;
  }

  // ---------------------------------------------------------------- options

  /**
   * Set a socket option by its Python name (see {@link SocketOption}); `value` is a number
   * (Python's int: 0 is off) or a boolean.
   *
   * Differs from Python: named options instead of `(level, optname)`; only what Node can apply.
   *
   * @throws RangeError for an unknown option (naming it); OSError ENOPROTOOPT for an option this
   * kind of socket (or this Node) does not support; TypeError when `value` is not a number or a
   * boolean; OSError EBADF when closed.
   */
  setsockopt(option: SocketOption, value: number | boolean): void {
    const name = this._checkOption(option);
    if (typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`setsockopt() ${name} value must be a number or a boolean, got ${describe(value)}`);
    }
    if (name === 'SO_ERROR') throw sockError('ENOPROTOOPT', 'setsockopt', 'Protocol not available: SO_ERROR is read-only');
    if (this._state === CLOSED) throw sockError('EBADF', 'setsockopt');
    const n = typeof value === 'boolean' ? Number(value) : value;
    if (name === 'SO_REUSEPORT' && n !== 0 && !hasReusePort()) {
      throw sockError('ENOPROTOOPT', 'setsockopt', `Protocol not available: SO_REUSEPORT needs Node 22.12 or later (this is ${process.version})`);
    }
    this._options.set(name, n);
    this._applyOption(name, n);
  }

  /**
   * The value of a socket option set with {@link setsockopt} (0 when never set); `'SO_ERROR'`
   * gives the pending error's errno and clears it; `'SO_RCVBUF'` / `'SO_SNDBUF'` of a bound
   * datagram socket give the kernel's values.
   *
   * @throws as {@link setsockopt} for unknown or unsupported options.
   */
  getsockopt(option: SocketOption): number {
    const name = this._checkOption(option);
    if (name === 'SO_ERROR') {
      const error = this._error;
      if (error === null) return 0;
      this._error = null;
      this._broken = true;
      const errno = (error as { errno?: unknown }).errno;
      return typeof errno === 'number' ? errno : 0;
    }
    if (this._state === CLOSED) throw sockError('EBADF', 'getsockopt');
    const dgram = this._dgram;
    if (dgram !== null && this._localAddr !== null) {
      try {
        if (name === 'SO_RCVBUF') return dgram.getRecvBufferSize();
        if (name === 'SO_SNDBUF') return dgram.getSendBufferSize();
      } catch {
        // not bound yet: the recorded value
      }
    }
    return this._options.get(name) ?? 0;
  }

  /** `setsockopt('TCP_NODELAY', flag)`: Node's name for it. */
  setNoDelay(flag = true): void {
    this.setsockopt('TCP_NODELAY', flag);
  }

  /**
   * `setsockopt('SO_KEEPALIVE', flag)`, with Node's optional delay (seconds) before the first
   * probe.
   */
  setKeepAlive(flag = true, initialDelay = 0): void {
    if (typeof initialDelay !== 'number' || !(initialDelay >= 0)) {
      throw new RangeError(`setKeepAlive() initialDelay must be a number of seconds >= 0, got ${describe(initialDelay)}`);
    }
    this._keepAliveDelay = initialDelay;
    this.setsockopt('SO_KEEPALIVE', flag);
  }

  /** @internal seconds before the first keep-alive probe */
  _keepAliveDelay = 0;

  // ---------------------------------------------------------------- shutdown, close

  /**
   * Shut down one or both halves of a connection: {@link SHUT_WR} sends end-of-file after the
   * data already handed to Node; {@link SHUT_RD} makes further receives see end-of-file.
   *
   * @throws OSError ENOTCONN when not connected; EBADF when closed. RangeError for another `how`.
   */
  shutdown(how: 0 | 1 | 2): void {
    if (how !== SHUT_RD && how !== SHUT_WR && how !== SHUT_RDWR) {
      throw new RangeError(`shutdown() how must be SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2), got ${describe(how)}`);
    }
    if (this._state === CLOSED) throw sockError('EBADF', 'shutdown');
    if (this._state !== CONNECTED) throw sockError('ENOTCONN', 'shutdown');
    if (how !== SHUT_WR) {
      this._shutRd = true;
      this._wake();
    }
    if (how !== SHUT_RD && !this._shutWr) {
      this._shutWr = true;
      this._conn?.end();
    }
  }

  /**
   * Close the socket at once: a connection is closed (data handed to Node by a finished
   * `sockSendall()` is in the kernel already), a listening socket stops listening and drops the
   * connections nobody accepted, a datagram socket stops. Coroutines waiting on the socket raise
   * OSError EBADF. Calling it again does nothing.
   *
   * Same as Python's `close()`.
   *
   * @throws RuntimeError for a socket owned by a transport or server: close that instead.
   */
  close(): void {
    this._checkOwner('close');
    this._close();
  }

  /** `using sock = socket()`: {@link close} at the end of the block (Python's `with sock:`). */
  [Symbol.dispose](): void {
    if (this._owner === null) this._close();
  }

  /** `<Socket fd=12, family=inet, type=stream, proto=0, laddr=('127.0.0.1', 8000)>`, as Python's repr. */
  toString(): string {
    let text = `<Socket fd=${this.fileno()}, family=${this.family}, type=${this.type}, proto=${this.proto}`;
    if (this._state === CLOSED) return `${text} [closed]>`;
    const local = this._localAddr ?? this._nodeLocalAddress();
    if (local !== null && local !== '') text += `, laddr=${formatAddress(local)}`;
    if (this._peerAddr !== null && this._peerAddr !== '') text += `, raddr=${formatAddress(this._peerAddr)}`;
    return `${text}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  // ---------------------------------------------------------------- internals: states

  /** @internal RuntimeError when a transport or server owns the socket (asyncio's TransportSocket). */
  _checkOwner(method: string): void {
    if (this._owner !== null) {
      throw new RuntimeError(
        `${method}(): this socket belongs to ${describe(this._owner)}; use the transport or server instead`,
      );
    }
  }

  /** @internal for the sock* functions: asyncio's `_ensure_fd_no_transport` */
  _checkNoTransport(): void {
    if (this._owner !== null) {
      throw new RuntimeError(`File descriptor ${this.fileno()} is used by transport ${describe(this._owner)}`);
    }
  }

  /** @internal a short description of the state, for messages and tests */
  _stateName(): string {
    return STATE_NAMES[this._state] ?? 'unknown';
  }

  /** @internal whether the socket is connected (a stream connection, or a connected datagram socket) */
  _isConnected(): boolean {
    return this._state === CONNECTED;
  }

  /** @internal whether the socket is closed */
  _isClosed(): boolean {
    return this._state === CLOSED;
  }

  /** @internal raise the pending bind error (once), leaving the socket unbound */
  _raiseBindError(): void {
    const error = this._bindError;
    if (error === null) return;
    this._bindError = null;
    throw error;
  }

  /** @internal raise the pending socket error (once); afterwards reads see EOF and writes EPIPE */
  _raiseError(): void {
    const error = this._error;
    if (error === null) return;
    this._error = null;
    this._broken = true;
    throw error;
  }

  /** @internal wait until something changes on the socket (the sock* loops re-check after it) */
  *_wait(): Coroutine<void> {
    const waiter = new Future<void>({ loop: getRunningLoop() });
    this._waiters.add(waiter);
    try {
      yield* waiter;
    } finally {
      this._waiters.delete(waiter);
    }
  }

  /** @internal wake every waiting coroutine so it re-checks the socket */
  _wake(): void {
    for (const waiter of this._waiters) {
      if (!waiter.done() && !waiter.getLoop().isClosed()) waiter.setResult(undefined);
    }
    this._waiters.clear();
  }

  /** @internal the real local address from Node, or null */
  _nodeLocalAddress(): Address | null {
    try {
      if (this._conn !== null) {
        if (this.family === 'unix') return '';
        return fromAddressInfo(this.family, this._conn.address());
      }
      if (this._dgram !== null && !this._binding) return fromAddressInfo(this.family, this._dgram.address());
    } catch {
      // not bound yet
    }
    return null;
  }

  /** @internal close without the owner check (transports close their sockets this way) */
  _close(): void {
    if (this._state === CLOSED) return;
    this._state = CLOSED;
    this._binding = false;
    const server = this._server;
    if (server !== null) {
      this._server = null;
      server.close();
    }
    while (this._accepted.length > 0) (this._accepted.shift() as PendingConnection)[0].destroy();
    const conn = this._conn;
    if (conn !== null) conn.destroy();
    const dgram = this._dgram;
    if (dgram !== null) {
      this._dgram = null;
      try {
        dgram.close();
      } catch {
        // already closed
      }
    }
    this._chunks.clear();
    this._buffered = 0;
    this._datagrams.clear();
    this._datagramBytes = 0;
    // sockSendall() calls fail at their next step (EBADF) and pass the turn on
    this._wake();
  }

  // ---------------------------------------------------------------- internals: listening

  private _listenServer(server: NetServer, options: Record<string, unknown>): void {
    try {
      server.listen(options);
    } catch (error) {
      this._onBindError(server, error);
    }
  }

  private _onListening(server: NetServer): void {
    if (this._server !== server) return;
    this._binding = false;
    this._localAddr = this.family === 'unix' ? (this._bindAddr as string) : fromAddressInfo(this.family, server.address());
    this._wake();
  }

  private _onBindError(server: NetServer | DgramSocket, error: unknown): void {
    if (this._state === CLOSED) return;
    const bound = this._bindAddr;
    const where = bound === null ? '' : ` ${formatAddress(typeof bound === 'string' ? bound : [bound.host, bound.port])}`;
    const mapped = fromNode(error);
    this._bindError = isOSError(mapped) ? (mapped as Error) : sockError('EINVAL', 'bind', `Invalid argument: cannot bind to${where}: ${String(error)}`);
    // the socket is left unbound, as after a failed bind()
    this._binding = false;
    this._bindAddr = null;
    this._localAddr = null;
    this._state = FRESH;
    if (server === this._server) this._server = null;
    if (server === this._dgram) this._dgram = null;
    try {
      server.close();
    } catch {
      // not running
    }
    this._wake();
  }

  private _onConnection(server: NetServer, connection: NetSocket): void {
    if (this._server !== server || this._state !== LISTENING) {
      connection.destroy();
      return;
    }
    connection.on('error', noop);
    const address: Address =
      this.family === 'unix'
        ? ''
        : (fromAddressInfo(this.family, { address: connection.remoteAddress, port: connection.remotePort } as {
            address: string;
            port: number;
          }) ?? inetTuple(this.family, '', 0));
    this._accepted.push([connection, address]);
    this._wake();
  }

  /** @internal take an accepted connection, or null when none waits */
  _acceptNowait(): [Socket, Address] | null {
    if (this._state === CLOSED) throw sockError('EBADF', 'accept');
    if (this.type === 'dgram') throw sockError('EOPNOTSUPP', 'accept');
    this._raiseBindError();
    if (this._state !== LISTENING) throw sockError('EINVAL', 'accept');
    const pending = this._accepted.shift();
    if (pending === undefined) return null;
    const [connection, address] = pending;
    const conn = new Socket({ family: this.family, type: 'stream' });
    for (const [name, value] of this._options) if (STREAM_ONLY.has(name)) conn._options.set(name, value);
    conn._keepAliveDelay = this._keepAliveDelay;
    conn._attachConnection(connection, address, this.family === 'unix' ? (this._bindAddr as string) : null);
    return [conn, address];
  }

  // ---------------------------------------------------------------- internals: connections

  /** @internal adopt a connected Node socket: start buffering what it receives */
  _attachConnection(connection: NetSocket, peer: Address, localPath: string | null): void {
    this._conn = connection;
    this._state = CONNECTED;
    this._peerAddr = peer;
    if (localPath !== null) this._localAddr = localPath;
    connection.on('data', (chunk: Uint8Array) => {
      if (this._conn !== connection) return;
      this._chunks.push(viewOf(chunk));
      this._buffered += chunk.byteLength;
      if (this._buffered > RECV_BUFFER_LIMIT && !this._paused) {
        this._paused = true;
        connection.pause();
      }
      this._wake();
    });
    connection.on('end', () => {
      if (this._conn !== connection) return;
      this._eof = true;
      this._wake();
    });
    connection.on('error', (error: Error) => {
      if (this._conn !== connection || this._reported.has(error)) return;
      this._reported.add(error);
      this._error = fromNode(error) as Error;
      this._wake();
    });
    connection.on('close', () => {
      if (this._conn !== connection) return;
      this._eof = true;
      this._wake();
    });
    this._applyConnectionOptions(connection);
    connection.resume();
  }

  /** @internal take up to `n` received bytes; an empty array at EOF; null when nothing is there yet */
  _recvNowait(n: number, syscall = 'recv'): Uint8Array | null {
    if (this._state === CLOSED) throw sockError('EBADF', syscall);
    if (this.type === 'dgram') {
      const datagram = this._takeDatagram(n);
      return datagram === null ? null : datagram[0];
    }
    if (this._state !== CONNECTED) {
      if (this._state === CONNECTING) return null;
      this._raiseBindError();
      throw sockError('ENOTCONN', syscall);
    }
    if (this._buffered === 0 || this._shutRd) this._raiseError();
    if (n === 0) return new Uint8Array(0);
    if (this._shutRd) return new Uint8Array(0);
    if (this._buffered === 0) return this._eof || this._broken ? new Uint8Array(0) : null;
    const chunks = this._chunks;
    const first = chunks.peekFront() as Uint8Array;
    let out: Uint8Array;
    if (first.byteLength > n) {
      out = first.subarray(0, n);
      chunks.shift();
      chunks.unshift(first.subarray(n));
    } else if (first.byteLength === n || chunks.length === 1) {
      out = first;
      chunks.shift();
    } else {
      out = new Uint8Array(Math.min(n, this._buffered));
      let filled = 0;
      while (filled < out.byteLength) {
        const chunk = chunks.shift() as Uint8Array;
        const take = Math.min(chunk.byteLength, out.byteLength - filled);
        out.set(chunk.subarray(0, take), filled);
        filled += take;
        if (take < chunk.byteLength) chunks.unshift(chunk.subarray(take));
      }
    }
    this._buffered -= out.byteLength;
    if (this._paused && this._buffered <= RECV_BUFFER_LIMIT) {
      this._paused = false;
      this._conn?.resume();
    }
    return out;
  }

  /** @internal check that a stream socket can send now; throws what Python's send() would */
  _checkCanSend(): NetSocket {
    if (this._state === CLOSED) throw sockError('EBADF', 'send');
    this._raiseError();
    if (this._broken || this._shutWr) throw sockError('EPIPE', 'send');
    if ((this._state !== CONNECTED && this._state !== CONNECTING) || this._conn === null) {
      this._raiseBindError();
      throw sockError('EPIPE', 'send');
    }
    return this._conn;
  }

  /** @internal hand `chunk` to Node and wait until it is written to the kernel */
  *_writeChunk(chunk: Uint8Array): Coroutine<void> {
    const conn = this._checkCanSend();
    const done = new Future<void>({ loop: getRunningLoop() });
    conn.write(chunk, (error?: Error | null) => {
      if (done.done() || done.getLoop().isClosed()) return;
      if (error === undefined || error === null) {
        done.setResult(undefined);
        return;
      }
      done.setException(this._writeError(error));
    });
    yield* done;
  }

  private _writeError(error: Error): unknown {
    if (this._state === CLOSED) return sockError('EBADF', 'send');
    const pending = this._error;
    if (pending !== null && pending.cause === error) {
      this._error = null;
      this._broken = true;
      return pending;
    }
    if (this._reported.has(error) || (error as { code?: unknown }).code === 'ERR_STREAM_DESTROYED') {
      this._broken = true;
      return sockError('EPIPE', 'send');
    }
    this._reported.add(error);
    this._broken = true;
    return fromNode(error);
  }

  /** @internal wait for the right to send (sockSendall calls go one after the other, FIFO) */
  *_acquireWrite(): Coroutine<void> {
    if (!this._writeBusy) {
      this._writeBusy = true;
      return;
    }
    const turn = new Future<void>({ loop: getRunningLoop() });
    this._writeWaiters.push(turn);
    try {
      yield* turn;
    } catch (error) {
      this._writeWaiters.remove(turn);
      // given the turn and cancelled at the same time: pass it on
      if (turn.done() && !turn.cancelled()) this._releaseWrite();
      throw error;
    }
  }

  /** @internal give the right to send to the next waiting sockSendall() */
  _releaseWrite(): void {
    for (;;) {
      const next = this._writeWaiters.shift();
      if (next === undefined) break;
      if (!next.done() && !next.getLoop().isClosed()) {
        next.setResult(undefined);
        return;
      }
    }
    this._writeBusy = false;
  }

  /** @internal start connecting a stream socket to a resolved address; the caller waits on the future */
  _startConnect(
    connection: NetSocket,
    target: { host: string; port: number } | string,
    local: InetSockAddr | null,
    done: Future<void>,
    display: Address,
  ): void {
    const previous = this._state;
    this._state = CONNECTING;
    this._conn = connection;
    connection.on('error', noop);
    const onConnect = (): void => {
      connection.off('error', onError);
      if (this._conn !== connection) return;
      const peer: Address = typeof target === 'string' ? target : inetTuple(this.family, target.host, target.port);
      this._conn = null;
      this._attachConnection(connection, peer, typeof target === 'string' ? '' : null);
      if (!done.done() && !done.getLoop().isClosed()) done.setResult(undefined);
    };
    const onError = (error: Error): void => {
      connection.off('connect', onConnect);
      if (this._conn === connection) {
        this._conn = null;
        this._state = previous;
      }
      connection.destroy();
      if (!done.done() && !done.getLoop().isClosed()) {
        const message = `Connect call failed ${formatAddress(display)}`;
        done.setException(fromNode(error, message));
      }
    };
    connection.once('connect', onConnect);
    connection.once('error', onError);
    this._applyConnectionOptions(connection);
    try {
      if (typeof target === 'string') {
        connection.connect({ path: target });
      } else {
        connection.connect({
          host: target.host,
          port: target.port,
          family: this.family === 'inet6' ? 6 : 4,
          ...(local === null ? {} : { localAddress: local.host, localPort: local.port }),
        });
      }
    } catch (error) {
      onError(error as Error);
    }
  }

  /** @internal a connect attempt was cancelled: abandon it, the socket can connect again */
  _abandonConnect(connection: NetSocket): void {
    if (this._conn === connection && this._state === CONNECTING) {
      this._conn = null;
      this._state = this._bindAddr === null ? FRESH : BOUND;
    }
    connection.destroy();
  }

  /** @internal a stream socket's state as `sockConnect()` needs it: throws EISCONN, EALREADY, EBADF… */
  _checkCanConnect(): void {
    if (this._state === CLOSED) throw sockError('EBADF', 'connect');
    this._raiseBindError();
    if (this.type === 'dgram') return;
    if (this._state === CONNECTING) throw sockError('EALREADY', 'connect');
    if (this._state === CONNECTED || this._state === LISTENING) throw sockError('EISCONN', 'connect');
  }

  private _applyConnectionOptions(connection: NetSocket): void {
    const noDelay = this._options.get('TCP_NODELAY');
    if (noDelay !== undefined) connection.setNoDelay(noDelay !== 0);
    const keepAlive = this._options.get('SO_KEEPALIVE');
    if (keepAlive !== undefined) connection.setKeepAlive(keepAlive !== 0, this._keepAliveDelay * 1000);
  }

  /**
   * @internal take the Node connection out of this socket (for a transport built on it): the
   * data received and not taken yet, and whether end-of-file came, go with it. The socket is
   * closed afterwards without closing the connection.
   */
  _detachConnection(): { connection: NetSocket; buffered: Uint8Array[]; eof: boolean } {
    const connection = this._conn;
    if (connection === null || this._state !== CONNECTED) throw sockError('ENOTCONN', 'detach');
    connection.removeAllListeners('data');
    connection.removeAllListeners('end');
    connection.removeAllListeners('close');
    connection.removeAllListeners('error');
    connection.on('error', noop);
    connection.pause();
    const buffered = this._chunks.toArray();
    const eof = this._eof;
    this._conn = null;
    this._chunks.clear();
    this._buffered = 0;
    this._close();
    return { connection, buffered, eof };
  }

  // ---------------------------------------------------------------- internals: datagrams

  /** @internal the socket's Node datagram socket, created (unbound) on first use */
  _ensureDgram(): DgramSocket {
    if (this._dgram !== null) return this._dgram;
    const options: Parameters<typeof createSocket>[0] & Record<string, unknown> = {
      type: this.family === 'inet6' ? 'udp6' : 'udp4',
      reuseAddr: (this._options.get('SO_REUSEADDR') ?? 0) !== 0,
    };
    if (this.family === 'inet6' && (this._options.get('IPV6_V6ONLY') ?? 0) !== 0) options.ipv6Only = true;
    if ((this._options.get('SO_REUSEPORT') ?? 0) !== 0) options.reusePort = true;
    const rcvbuf = this._options.get('SO_RCVBUF');
    if (rcvbuf !== undefined) options.recvBufferSize = rcvbuf;
    const sndbuf = this._options.get('SO_SNDBUF');
    if (sndbuf !== undefined) options.sendBufferSize = sndbuf;
    const dgram = createSocket(options);
    this._dgram = dgram;
    dgram.on('message', (message: Uint8Array, info: RemoteInfo) => {
      if (this._dgram !== dgram || this._owner !== null) return;
      this._onDatagram(viewOf(message), fromAddressInfo(this.family, info) ?? inetTuple(this.family, info.address, info.port));
    });
    dgram.on('listening', () => {
      if (this._dgram !== dgram) return;
      this._binding = false;
      this._localAddr = fromAddressInfo(this.family, dgram.address());
      if (this._state === FRESH) this._state = BOUND;
      this._applyDgramOptions(dgram);
      this._wake();
    });
    dgram.on('error', (error: Error) => {
      if (this._dgram !== dgram) return;
      if (this._binding) {
        this._onBindError(dgram, error);
        return;
      }
      if (this._owner !== null || this._reported.has(error)) return;
      this._reported.add(error);
      this._error = fromNode(error) as Error;
      this._wake();
    });
    return dgram;
  }

  /**
   * @internal Hand this datagram socket to `owner` (a datagram transport): from now on the
   * owner receives; the datagrams already buffered here are returned for it to deliver first.
   */
  _adoptDatagram(owner: object): { dgram: DgramSocket; queued: (readonly [Uint8Array, Address])[] } {
    this._checkOwner('createDatagramEndpoint');
    const dgram = this._ensureDgram();
    this._owner = owner;
    const queued = this._datagrams.toArray();
    this._datagrams.clear();
    this._datagramBytes = 0;
    this._wake();
    return { dgram, queued };
  }

  private _startDgramBind(addr: InetSockAddr): void {
    const dgram = this._ensureDgram();
    this._binding = true;
    try {
      dgram.bind({ address: addr.host === '' ? anyHost(this.family) : addr.host, port: addr.port, exclusive: true });
    } catch (error) {
      this._onBindError(dgram, error);
    }
  }

  private _onDatagram(data: Uint8Array, from: Address): void {
    if (this._state === CLOSED) return;
    // a full receive buffer drops the datagram, as the kernel does
    if (this._datagramBytes + data.byteLength > DATAGRAM_BUFFER_LIMIT) return;
    this._datagrams.push([data, from]);
    this._datagramBytes += data.byteLength;
    this._wake();
  }

  /** @internal take one datagram (truncated to `n` bytes) and its sender, or null when none waits */
  _takeDatagram(n: number): readonly [Uint8Array, Address] | null {
    if (this._state === CLOSED) throw sockError('EBADF', 'recvfrom');
    this._raiseBindError();
    this._raiseError();
    const next = this._datagrams.shift();
    if (next === undefined) return null;
    this._datagramBytes -= next[0].byteLength;
    return next[0].byteLength > n ? [next[0].subarray(0, n), next[1]] : next;
  }

  /** @internal a datagram socket connected to `peer` (set by sockConnect) */
  _setDgramConnected(peer: Address): void {
    this._state = CONNECTED;
    this._peerAddr = peer;
    this._localAddr = this._dgram === null ? null : fromAddressInfo(this.family, this._dgram.address());
  }

  private _applyDgramOptions(dgram: DgramSocket): void {
    for (const [name, value] of this._options) this._applyDgramOption(dgram, name, value);
  }

  private _applyDgramOption(dgram: DgramSocket, name: SocketOption, value: number): void {
    try {
      switch (name) {
        case 'SO_BROADCAST':
          dgram.setBroadcast(value !== 0);
          break;
        case 'IP_TTL':
          dgram.setTTL(value);
          break;
        case 'IP_MULTICAST_TTL':
          dgram.setMulticastTTL(value);
          break;
        case 'IP_MULTICAST_LOOP':
          dgram.setMulticastLoopback(value !== 0);
          break;
        case 'SO_RCVBUF':
          dgram.setRecvBufferSize(value);
          break;
        case 'SO_SNDBUF':
          dgram.setSendBufferSize(value);
          break;
        default:
          break;
      }
    } catch (error) {
      throw fromNode(error);
    }
  }

  // ---------------------------------------------------------------- internals: options

  private _checkOption(option: unknown): SocketOption {
    if (typeof option !== 'string' || !(SOCKET_OPTIONS as readonly string[]).includes(option)) {
      throw new RangeError(
        `unsupported socket option ${describe(option)} (supported on Node: ${SOCKET_OPTIONS.join(', ')})`,
      );
    }
    const name = option as SocketOption;
    if (
      (this.type === 'dgram' && STREAM_ONLY.has(name)) ||
      (this.type === 'stream' && DGRAM_ONLY.has(name)) ||
      (name === 'IPV6_V6ONLY' && this.family !== 'inet6') ||
      (this.family === 'unix' && name !== 'SO_ERROR' && name !== 'SO_REUSEADDR')
    ) {
      const why =
        this.type === 'stream' && (name === 'SO_RCVBUF' || name === 'SO_SNDBUF')
          ? `: Node cannot set ${name} on stream sockets`
          : `: ${name} does not apply to a ${this.family} ${this.type} socket`;
      throw sockError('ENOPROTOOPT', 'setsockopt', `Protocol not available${why}`);
    }
    return name;
  }

  private _applyOption(name: SocketOption, value: number): void {
    const conn = this._conn;
    if (conn !== null) {
      if (name === 'TCP_NODELAY') conn.setNoDelay(value !== 0);
      else if (name === 'SO_KEEPALIVE') conn.setKeepAlive(value !== 0, this._keepAliveDelay * 1000);
    }
    const dgram = this._dgram;
    if (dgram !== null && this._localAddr !== null && !this._binding) this._applyDgramOption(dgram, name, value);
  }

  // ---------------------------------------------------------------- internals: wrapping Node objects

  /**
   * @internal A socket standing for a listening Node server that `owner` (a Server) owns, as
   * asyncio's `TransportSocket`: `getsockname()`, `fileno()`, options; no `close()` or sock*.
   */
  static _forServer(server: NetServer, owner: object, path: string | null): Socket {
    const address = server.address();
    const family: SocketFamily =
      path !== null ? 'unix' : typeof address === 'object' && address !== null && address.family === 'IPv6' ? 'inet6' : 'inet';
    const sock = new Socket({ family, type: 'stream' });
    sock._server = server;
    sock._state = LISTENING;
    sock._localAddr = path ?? fromAddressInfo(family, address);
    sock._owner = owner;
    return sock;
  }

  /**
   * @internal A socket standing for a connected Node socket that `owner` (a transport) owns, as
   * asyncio's `TransportSocket`. It does not read from the connection.
   */
  static _forConnection(connection: NetSocket, owner: object, family: SocketFamily, path: string | null = null): Socket {
    const sock = new Socket({ family, type: 'stream' });
    sock._conn = connection;
    sock._state = CONNECTED;
    sock._owner = owner;
    if (family === 'unix') {
      sock._localAddr = '';
      sock._peerAddr = path ?? '';
    } else {
      sock._peerAddr = fromAddressInfo(family, {
        address: connection.remoteAddress,
        port: connection.remotePort,
      } as { address: string; port: number });
    }
    return sock;
  }

  /** @internal A socket standing for the Node datagram socket of a datagram transport. */
  static _forDatagram(dgram: DgramSocket, owner: object, family: SocketFamily, peer: Address | null): Socket {
    const sock = new Socket({ family, type: 'dgram' });
    sock._dgram = dgram;
    sock._state = peer === null ? BOUND : CONNECTED;
    sock._peerAddr = peer;
    sock._owner = owner;
    try {
      sock._localAddr = fromAddressInfo(family, dgram.address());
    } catch {
      sock._localAddr = null;
    }
    return sock;
  }
}

/** A numeric host of the other family than the socket's: Python's gaierror −9. */
function checkHostFamily(family: Family, host: string): void {
  const kind = isIP(host);
  if (kind !== 0 && kind !== (family === 'inet6' ? 6 : 4)) {
    throw gaierror(-9, 'EAI_ADDRFAMILY', 'Address family for hostname not supported');
  }
}

/**
 * A new non-blocking socket: `socket()` is a TCP/IPv4 one; `{ family: 'inet6' }`,
 * `{ family: 'unix' }`, `{ type: 'dgram' }` for the others.
 *
 * Same as Python's `socket.socket(family, type)` followed by `setblocking(False)`. Differs from
 * Python: see {@link Socket} and the module notes.
 *
 * @throws RangeError for an unknown family or type, or a Unix datagram socket.
 *
 * @example
 * ```ts
 * const udp = socket({ type: 'dgram' });
 * udp.bind(['127.0.0.1', 0]);
 * const address = yield* udp.waitBound();
 * ```
 */
export function socket(options?: SocketOptions): Socket {
  return new Socket(options);
}
