/**
 * `createDatagramEndpoint()` and its transport: asyncio's `loop.create_datagram_endpoint()` and
 * `_SelectorDatagramTransport`, over `node:dgram` (UDP over IPv4 and IPv6).
 *
 * ## The transport's rules (asyncio's)
 *
 * - `connectionMade(transport)` is called on the loop first, then datagrams are delivered, one
 *   `datagramReceived(data, addr)` call each, scheduled on the loop in arrival order.
 * - `sendto(data, addr?)` never blocks: the datagram is copied and handed to Node. There is no
 *   back-pressure (`pauseWriting()` is never called); `getWriteBufferSize()` counts the bytes Node
 *   has not sent yet. A transport made with `remoteAddr` is connected: `addr` must be omitted or
 *   equal to it (RangeError, asyncio's ValueError, otherwise).
 * - Send and receive errors (an ICMP "port unreachable" seen as ConnectionRefusedError on a
 *   connected transport, EMSGSIZE…) go to `protocol.errorReceived(error)`; the transport stays
 *   open.
 * - `close()` stops receiving, lets the datagrams Node still holds go out, then calls
 *   `connectionLost(null)` on the loop; `abort()` calls it at once. It is called exactly once.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { Socket as DgramSocket } from 'node:dgram';
import { describe, getLogger, getRunningLoop, INSPECT, type EventLoop } from '@tsyncio/loop';
import { Future, rethrowIfCancelled, type Coroutine } from '@tsyncio/futures';
import type { Address, BaseProtocol, DatagramProtocol, DatagramTransport } from '@tsyncio/streams';
import { familyNumber, getaddrinfo, type InetAddress } from './dns.js';
import { formatAddress, isOSError } from './errors.js';
import { checkSockAddr, sameAddress } from './internal/sock-address.js';
import { fromNode, gaierror, sockError } from './internal/sock-errors.js';
import { sockConnect } from './sock-api.js';
import { hasReusePort, Socket } from './socket.js';

/** After this many sends on a lost connection, each one logs a warning (asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES). */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

/** Options of {@link createDatagramEndpoint}: asyncio's keyword arguments. */
export interface CreateDatagramEndpointOptions {
  /** Bind to `[host, port]` (port 0: any). */
  localAddr?: readonly [host: string, port: number] | null;
  /** Connect to `[host, port]`: the transport sends there and receives from there only. */
  remoteAddr?: readonly [host: string, port: number] | null;
  /** 4 or 6 (or `'inet'` / `'inet6'`); required when neither address is given. Default 0: from the addresses. */
  family?: 0 | 4 | 6 | 'inet' | 'inet6';
  /** 0 (default) or 17 (UDP). */
  proto?: 0 | 17;
  /** `AI_*` flags for resolving the addresses. */
  flags?: number;
  /** Set SO_REUSEPORT (Node 22.12 and later; RangeError before, asyncio's ValueError). */
  reusePort?: boolean;
  /** Set SO_BROADCAST; with `remoteAddr` the socket is then not connected (asyncio's rule). */
  allowBroadcast?: boolean;
  /** Use this datagram socket (from `socket({ type: 'dgram' })`) instead of making one; no other option then. */
  sock?: Socket;
}

const OPTION_NAMES = ['localAddr', 'remoteAddr', 'family', 'proto', 'flags', 'reusePort', 'allowBroadcast', 'sock'];

/**
 * The transport of a datagram endpoint (asyncio's `_SelectorDatagramTransport`): see the module
 * notes for its rules. Made by {@link createDatagramEndpoint}.
 */
export class DatagramSocketTransport implements DatagramTransport {
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal */
  readonly _sock: Socket;
  /** @internal */
  readonly _dgram: DgramSocket;
  /** @internal */
  _protocol: DatagramProtocol;
  /** @internal the connected peer (sendto's only allowed address), or null */
  readonly _address: Address | null;
  /** @internal */
  readonly _extra: Record<string, unknown>;
  /** @internal */
  _closing = false;
  /** @internal connectionLost() is scheduled (and later sends are counted) */
  _connLost = 0;
  /** @internal bytes handed to Node and not sent yet */
  _pending = 0;
  /** @internal datagrams that arrived before reading started */
  _queued: (readonly [Uint8Array, Address])[];
  /** @internal */
  _reading = false;

  /** @internal use {@link createDatagramEndpoint} */
  constructor(loop: EventLoop, sock: Socket, protocol: DatagramProtocol, address: Address | null, waiter: Future<void> | null) {
    this._loop = loop;
    this._sock = sock;
    this._protocol = protocol;
    this._address = address;
    const { dgram, queued } = sock._adoptDatagram(this);
    this._dgram = dgram;
    this._queued = queued;
    let sockname: Address | null;
    let peername: Address | null;
    try {
      sockname = sock.getsockname();
    } catch {
      sockname = null;
    }
    try {
      peername = sock.getpeername();
    } catch {
      peername = null;
    }
    this._extra = { socket: sock, sockname, peername };
    dgram.on('message', this._onMessage);
    dgram.on('error', this._onError);
    loop.callSoon(() => {
      if (this._connLost === 0) this._protocol.connectionMade?.(this);
    });
    // only start reading when connectionMade() has been called
    loop.callSoon(() => {
      this._startReading();
    });
    if (waiter !== null) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(undefined);
      });
    }
  }

  private readonly _onMessage = (message: Uint8Array, info: { address: string; port: number }): void => {
    const data = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    const from: Address = this._sock.family === 'inet6' ? [info.address, info.port, 0, 0] : [info.address, info.port];
    if (!this._reading) {
      this._queued.push([data, from]);
      return;
    }
    this._deliverSoon(data, from);
  };

  private readonly _onError = (error: Error): void => {
    if (this._closing || this._loop.isClosed()) return;
    const mapped = fromNode(error);
    this._loop.callSoon(() => {
      this._errorReceived(mapped);
    });
  };

  private _startReading(): void {
    if (this._closing) return;
    this._reading = true;
    const queued = this._queued;
    this._queued = [];
    for (const [data, from] of queued) this._deliverSoon(data, from);
  }

  private _deliverSoon(data: Uint8Array, from: Address): void {
    if (this._closing || this._loop.isClosed()) return;
    this._loop.callSoon(() => {
      if (this._closing) return;
      this._protocol.datagramReceived?.(data, from);
    });
  }

  private _errorReceived(error: unknown): void {
    if (this._connLost !== 0) return;
    if (isOSError(error)) {
      this._protocol.errorReceived?.(error as Error);
      return;
    }
    this._fatalError(error, 'Fatal error on datagram transport');
  }

  /**
   * Send `data` as one datagram to `addr` (or to the connected peer). Never blocks.
   *
   * Same as asyncio's `DatagramTransport.sendto()`.
   *
   * @throws TypeError when `data` is not a Uint8Array, or `addr` is missing on a transport
   * without a remote address; RangeError when `addr` differs from the connected peer (asyncio's
   * ValueError "Invalid address: must be None or …") or is malformed.
   */
  sendto(data: Uint8Array, addr?: Address | null): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a Uint8Array, not ${describe(data)}`);
    }
    let target = addr ?? null;
    if (this._address !== null) {
      if (target !== null && !sameAddress(target, this._address)) {
        throw new RangeError(`Invalid address: must be None or ${formatAddress(this._address)}`);
      }
      target = this._address;
    }
    if (this._connLost !== 0 || this._closing) {
      if (this._connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) getLogger().warn('socket.send() raised exception.');
      this._connLost++;
      return;
    }
    if (target === null) {
      throw new TypeError('sendto() addr is required: the transport has no remote address');
    }
    const checked = checkSockAddr('sendto', this._sock.family, target);
    if (typeof checked === 'string') throw new TypeError('sendto() addr must be [host, port]');
    // the caller may reuse `data` at once: Node sends later
    const copy = data.slice();
    const size = copy.byteLength;
    this._pending += size;
    const callback = (error: Error | null): void => {
      this._pending -= size;
      if (error !== null && !this._loop.isClosed() && this._connLost === 0) {
        const mapped = fromNode(error);
        this._loop.callSoon(() => {
          this._errorReceived(mapped);
        });
      }
      if (this._closing && this._pending === 0 && this._connLost === 0) this._scheduleConnectionLost(null);
    };
    try {
      if (this._extra.peername !== null) this._dgram.send(copy, callback);
      else this._dgram.send(copy, checked.port, checked.host, callback);
    } catch (error) {
      this._pending -= size;
      const mapped = fromNode(error);
      if (!isOSError(mapped)) {
        // Node refused the arguments (a port of 0, say): report it as the OS would, with EINVAL
        const code = (error as { code?: unknown }).code;
        this._loop.callSoon(() => {
          this._errorReceived(sockError('EINVAL', 'sendto', `Invalid argument: ${typeof code === 'string' ? `${code}: ` : ''}${String(error)}`));
        });
        return;
      }
      this._loop.callSoon(() => {
        this._errorReceived(mapped);
      });
    }
  }

  /** Bytes handed to Node and not sent yet. */
  getWriteBufferSize(): number {
    return this._pending;
  }

  /**
   * Stop receiving; once Node has sent what it holds, call `connectionLost(null)` on the loop.
   * Calling it again does nothing. Same as asyncio.
   */
  close(): void {
    if (this._closing) return;
    this._closing = true;
    if (this._pending === 0) this._scheduleConnectionLost(null);
  }

  /** Close at once: `connectionLost(null)` is scheduled without waiting for Node's sends. Same as asyncio. */
  abort(): void {
    this._forceClose(null);
  }

  /** Whether `close()` or `abort()` was called, or the transport failed. */
  isClosing(): boolean {
    return this._closing;
  }

  /** `'socket'` (a Socket you may not close or read), `'sockname'`, `'peername'` (null unless connected). */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return Object.hasOwn(this._extra, name) ? this._extra[name] : defaultValue;
  }

  /** Switch to another protocol. */
  setProtocol(protocol: BaseProtocol): void {
    this._protocol = protocol;
  }

  /** The current protocol. */
  getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /** `<DatagramSocketTransport fd=-1 laddr=('127.0.0.1', 5000) closing>` */
  toString(): string {
    const sockname = this._extra.sockname as Address | null;
    return `<DatagramSocketTransport${sockname === null ? '' : ` laddr=${formatAddress(sockname)}`}${
      this._address === null ? '' : ` raddr=${formatAddress(this._address)}`
    }${this._closing ? ' closing' : ''}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** @internal asyncio's `_fatal_error` */
  _fatalError(error: unknown, message: string): void {
    if (!isOSError(error)) {
      this._loop.callExceptionHandler({ message, exception: error, transport: this, protocol: this._protocol });
    }
    this._forceClose(error as Error);
  }

  private _forceClose(error: Error | null): void {
    if (this._connLost !== 0) return;
    this._closing = true;
    this._scheduleConnectionLost(error);
  }

  private _scheduleConnectionLost(error: Error | null): void {
    if (this._connLost !== 0) return;
    this._connLost++;
    if (this._loop.isClosed()) {
      this._finish();
      return;
    }
    this._loop.callSoon(() => {
      try {
        this._protocol.connectionLost?.(error);
      } finally {
        this._finish();
      }
    });
  }

  private _finish(): void {
    this._dgram.off('message', this._onMessage);
    this._dgram.off('error', this._onError);
    this._dgram.on('error', () => {
      // late errors of a closed transport: nobody to tell
    });
    this._sock._close();
  }
}

function checkAddrOption(name: string, value: unknown): readonly [string, number] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`createDatagramEndpoint() ${name} must be a [host, port] pair, got ${describe(value)}`);
  }
  const [host, port] = value as readonly unknown[];
  if (typeof host !== 'string') throw new TypeError(`createDatagramEndpoint() ${name} host must be a string, got ${describe(host)}`);
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`createDatagramEndpoint() ${name} port must be an integer, got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`createDatagramEndpoint() ${name} port must be 0-65535, got ${port}`);
  return [host, port];
}

function checkBoolean(name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new TypeError(`createDatagramEndpoint() ${name} must be a boolean, got ${describe(value)}`);
  return value;
}


/** asyncio's `_ensure_resolved` for a datagram address: numeric hosts as they are, names resolved. */
function* resolveAll(
  addr: readonly [string, number],
  family: 0 | 4 | 6,
  flags: number,
): Coroutine<{ family: 4 | 6; address: InetAddress }[]> {
  const numeric = isIP(addr[0]);
  if (numeric !== 0 && (family === 0 || family === numeric)) {
    return [{ family: numeric as 4 | 6, address: numeric === 6 ? [addr[0], addr[1], 0, 0] : [addr[0], addr[1]] }];
  }
  const infos = yield* getaddrinfo(addr[0], addr[1], { family, type: 'dgram', flags });
  if (infos.length === 0) throw gaierror(-2, 'EAI_NONAME', 'getaddrinfo() returned empty list');
  return infos.map(([fam, , , , address]) => ({ family: fam === 'inet6' ? 6 : 4, address }));
}

/**
 * Create a datagram (UDP) endpoint: a transport bound to `localAddr` and/or connected to
 * `remoteAddr`, and the protocol `protocolFactory()` makes; returns both once
 * `connectionMade()` has been called. See the module notes for the transport's rules.
 *
 * Same as asyncio's `loop.create_datagram_endpoint()` (3.13: no `reuse_address`). Differs from
 * asyncio: no Unix datagram endpoints (Node has none); `reusePort` needs Node 22.12.
 *
 * @throws TypeError for `reuseAddress` (removed from asyncio for security: with SO_REUSEADDR,
 * another process could bind the same UDP port and receive its datagrams), for unknown options
 * and malformed addresses; RangeError ("unexpected address family") when neither address nor a
 * family is given, ("can not get address information") when no family has both addresses,
 * ("socket modifier keyword arguments can not be used when sock is specified") with `sock`, or
 * for `reusePort` on a Node without it; the first OSError when every candidate socket failed to
 * bind or connect.
 *
 * @example
 * ```ts
 * const [transport, protocol] = yield* createDatagramEndpoint(() => new EchoProtocol(), {
 *   localAddr: ['127.0.0.1', 9999],
 * });
 * ```
 */
export function* createDatagramEndpoint<P extends DatagramProtocol>(
  protocolFactory: () => P,
  options: CreateDatagramEndpointOptions = {},
): Coroutine<[DatagramSocketTransport, P]> {
  if (typeof protocolFactory !== 'function') {
    throw new TypeError(`createDatagramEndpoint() protocolFactory must be a function, got ${describe(protocolFactory)}`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`createDatagramEndpoint() options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key === 'reuseAddress') {
      throw new TypeError(
        'createDatagramEndpoint() does not accept reuseAddress: it was removed from asyncio for security ' +
          '(SO_REUSEADDR on UDP lets another process bind the same port and receive its datagrams); use reusePort',
      );
    }
    if (!OPTION_NAMES.includes(key)) {
      throw new TypeError(`createDatagramEndpoint() got an unexpected option '${key}' (expected one of: ${OPTION_NAMES.join(', ')})`);
    }
  }
  const localAddr = checkAddrOption('localAddr', options.localAddr);
  const remoteAddr = checkAddrOption('remoteAddr', options.remoteAddr);
  const family = familyNumber('createDatagramEndpoint', options.family);
  const proto = options.proto ?? 0;
  if (proto !== 0 && proto !== 17) throw new RangeError(`createDatagramEndpoint() proto must be 0 or 17 (UDP), got ${describe(proto)}`);
  const flags = options.flags ?? 0;
  if (typeof flags !== 'number' || !Number.isInteger(flags)) {
    throw new TypeError(`createDatagramEndpoint() flags must be an integer, got ${describe(flags)}`);
  }
  const reusePort = checkBoolean('reusePort', options.reusePort);
  const allowBroadcast = checkBoolean('allowBroadcast', options.allowBroadcast);
  const loop = getRunningLoop();

  let sock: Socket | null = null;
  let remote: Address | null = null;
  if (options.sock !== undefined && options.sock !== null) {
    const given = options.sock as unknown;
    if (!(given instanceof Socket)) {
      throw new TypeError(`createDatagramEndpoint() sock must be a Socket, got ${describe(given)}`);
    }
    if (given.type === 'stream') throw new RangeError(`A datagram socket was expected, got ${String(given)}`);
    const problems = Object.entries({ localAddr, remoteAddr, family, proto, flags, reusePort, allowBroadcast })
      .filter(([, value]) => value !== null && value !== 0 && value !== false)
      .map(([key, value]) => `${key}=${Array.isArray(value) ? formatAddress(value as Address) : String(value)}`);
    if (problems.length > 0) {
      throw new RangeError(`socket modifier keyword arguments can not be used when sock is specified. (${problems.join(', ')})`);
    }
    sock = given;
  } else {
    if (reusePort && !hasReusePort()) {
      throw new RangeError(`reusePort not supported by this Node (${process.version}): it needs Node 22.12 or later`);
    }
    let pairs: [4 | 6, InetAddress | null, InetAddress | null][];
    if (localAddr === null && remoteAddr === null) {
      if (family === 0) throw new RangeError('unexpected address family');
      pairs = [[family, null, null]];
    } else {
      const byFamily = new Map<4 | 6, [InetAddress | null, InetAddress | null]>();
      for (const [index, addr] of [localAddr, remoteAddr].entries()) {
        if (addr === null) continue;
        for (const info of yield* resolveAll(addr, family, flags)) {
          let pair = byFamily.get(info.family);
          if (pair === undefined) byFamily.set(info.family, (pair = [null, null]));
          pair[index] ??= info.address;
        }
      }
      pairs = [...byFamily.entries()]
        .filter(([, [l, r]]) => !((localAddr !== null && l === null) || (remoteAddr !== null && r === null)))
        .map(([fam, [l, r]]) => [fam, l, r]);
      if (pairs.length === 0) throw new RangeError('can not get address information');
    }
    const errors: unknown[] = [];
    for (const [fam, local, remoteAddress] of pairs) {
      const candidate = new Socket({ family: fam === 6 ? 'inet6' : 'inet', type: 'dgram' });
      try {
        if (reusePort) candidate.setsockopt('SO_REUSEPORT', 1);
        if (allowBroadcast) candidate.setsockopt('SO_BROADCAST', 1);
        if (local !== null) {
          candidate.bind(local);
          yield* candidate.waitBound();
        } else if (allowBroadcast) {
          // Node applies SO_BROADCAST to a bound socket only
          candidate.bind([fam === 6 ? '::' : '0.0.0.0', 0]);
          yield* candidate.waitBound();
        }
        if (remoteAddress !== null) {
          if (!allowBroadcast) yield* sockConnect(candidate, remoteAddress);
          remote = remoteAddress;
        }
      } catch (error) {
        candidate._close();
        rethrowIfCancelled(error);
        if (!isOSError(error)) throw error;
        errors.push(error);
        continue;
      }
      sock = candidate;
      break;
    }
    if (sock === null) throw errors[0];
  }

  let protocol: P;
  let transport: DatagramSocketTransport;
  const waiter = new Future<void>({ loop });
  try {
    protocol = protocolFactory();
    transport = new DatagramSocketTransport(loop, sock, protocol, remote, waiter);
  } catch (error) {
    sock._close();
    throw error;
  }
  try {
    yield* waiter;
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}
