/**
 * asyncio's low-level socket functions — `loop.sock_connect`, `sock_accept`, `sock_recv`,
 * `sock_recv_into`, `sock_sendall`, `sock_recvfrom`, `sock_sendto`, `sock_sendfile` — as
 * coroutines on a {@link Socket}.
 *
 * ## Waiting and cancellation (asyncio's reader/writer callbacks)
 *
 * asyncio tries the non-blocking call first and, when it would block, registers a reader (or
 * writer) callback and waits; cancelling removes the callback and nothing is consumed. Here the
 * socket buffers what Node delivers, and each function loops: take what is there; else wait
 * until something changes on the socket (data, end-of-file, an error, a connection, close) and
 * try again. A waiting coroutine takes nothing while it waits, so cancelling `sockRecv()`,
 * `sockRecvInto()`, `sockRecvfrom()` or `sockAccept()` loses no data and no connection: the next
 * call gets it. asyncio can lose the data of a `sock_recv()` cancelled in the iteration its
 * future was completed; tsyncio cannot.
 *
 * `sockSendall()` hands the data to Node in pieces of 256 KiB and waits until each is written to
 * the kernel; cancelling it stops after the piece in flight, like asyncio's (which stops after
 * whatever `send()` took). Concurrent `sockSendall()` calls on one socket take turns, in call
 * order (in asyncio the second would replace the first's writer callback).
 *
 * Several coroutines may wait to receive on one socket (asyncio's second `add_reader` replaces
 * the first one's, which then waits forever): whoever runs first after data arrives takes it.
 *
 * Every function raises RuntimeError when a transport or server owns the socket (asyncio's
 * "File descriptor … is used by transport").
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises';
import { isIP, Socket as NetSocket } from 'node:net';
import { describe, getRunningLoop } from '@tsyncio/loop';
import { fromPromise, Future, type Coroutine } from '@tsyncio/futures';
import type { Address } from '@tsyncio/streams';
import { getaddrinfo, type InetAddress } from './dns.js';
import { checkSockAddr, inetTuple, type InetSockAddr } from './internal/sock-address.js';
import { fromNode, sockError } from './internal/sock-errors.js';
import { Socket } from './socket.js';

/** The size of the pieces `sockSendall()` hands to Node, and of `sockSendfile()`'s reads: 256 KiB (asyncio's). */
export const SEND_CHUNK_SIZE = 256 * 1024;

function checkSocket(fn: string, sock: unknown): Socket {
  if (!(sock instanceof Socket)) {
    throw new TypeError(`${fn}() sock must be a Socket (from socket()), got ${describe(sock)}`);
  }
  sock._checkNoTransport();
  return sock;
}

function checkSize(fn: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}() ${name} must be an integer, got ${describe(value)}`);
  }
  if (value < 0) throw new RangeError(`${fn}() ${name} must be >= 0, got ${value}`);
  return value;
}

function checkBytes(fn: string, name: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${fn}() ${name} must be a Uint8Array, got ${describe(value)}`);
  }
  return value;
}

/**
 * Receive up to `nbytes` bytes: what is there, or the next bytes to arrive. An empty array means
 * end-of-file (or `nbytes` 0). On a datagram socket: one datagram, truncated to `nbytes`.
 *
 * Same as asyncio's `loop.sock_recv(sock, nbytes)`; cancelling it loses nothing (see the
 * module notes).
 *
 * @throws OSError ENOTCONN when the socket is not connected, EBADF when it is (or gets) closed,
 * or the connection's error (ConnectionResetError, …) once. TypeError / RangeError for bad
 * arguments.
 *
 * @example
 * ```ts
 * const data = yield* sockRecv(sock, 65536);
 * if (data.length === 0) console.log('the peer closed its end');
 * ```
 */
export function* sockRecv(sock: Socket, nbytes: number): Coroutine<Uint8Array> {
  const s = checkSocket('sockRecv', sock);
  const n = checkSize('sockRecv', 'nbytes', nbytes);
  for (;;) {
    const data = s._recvNowait(n);
    if (data !== null) return data;
    yield* s._wait();
  }
}

/**
 * Receive into `buf`: up to `buf.length` bytes; returns how many (0 at end-of-file).
 *
 * Same as asyncio's `loop.sock_recv_into(sock, buf)`; cancelling it writes nothing into `buf`
 * and loses nothing.
 *
 * @throws as {@link sockRecv}; TypeError when `buf` is not a Uint8Array.
 *
 * @example
 * ```ts
 * const buf = new Uint8Array(4096);
 * const n = yield* sockRecvInto(sock, buf);
 * handle(buf.subarray(0, n));
 * ```
 */
export function* sockRecvInto(sock: Socket, buf: Uint8Array): Coroutine<number> {
  const s = checkSocket('sockRecvInto', sock);
  const target = checkBytes('sockRecvInto', 'buf', buf);
  for (;;) {
    const data = s._recvNowait(target.byteLength, 'recv_into');
    if (data !== null) {
      target.set(data);
      return data.byteLength;
    }
    yield* s._wait();
  }
}

/**
 * Receive one datagram of at most `bufsize` bytes (the rest of a longer one is dropped, as in
 * Python) and the address it came from. On a connected stream socket: up to `bufsize` bytes and
 * the peer's address.
 *
 * Same as asyncio's `loop.sock_recvfrom(sock, bufsize)`. Differs from Python: on a stream socket
 * the address is the peer's (Python gives None). An unbound datagram socket waits for ever, as in
 * Python (nothing can arrive).
 *
 * @throws OSError EBADF when closed; the socket's pending error (a bind error, or
 * ConnectionRefusedError after an ICMP "port unreachable" on a connected socket) once.
 *
 * @example
 * ```ts
 * const [data, [host, port]] = (yield* sockRecvfrom(udp, 65535)) as [Uint8Array, [string, number]];
 * ```
 */
export function* sockRecvfrom(sock: Socket, bufsize: number): Coroutine<[Uint8Array, Address]> {
  const s = checkSocket('sockRecvfrom', sock);
  const n = checkSize('sockRecvfrom', 'bufsize', bufsize);
  for (;;) {
    if (s.type === 'stream') {
      const data = s._recvNowait(n, 'recvfrom');
      if (data !== null) return [data, s.getpeername()];
    } else {
      const datagram = s._takeDatagram(n);
      if (datagram !== null) return [datagram[0], datagram[1]];
    }
    yield* s._wait();
  }
}

/**
 * Send all of `data` on a connected socket: returns when every byte has been written to the
 * kernel. An error leaves no way to know how much the peer got, as in Python. On a connected
 * datagram socket: one datagram.
 *
 * Same as asyncio's `loop.sock_sendall(sock, data)`; see the module notes for cancellation and
 * concurrent calls.
 *
 * @throws BrokenPipeError (EPIPE) when the socket is not connected, was shut down for writing, or
 * its connection broke; ConnectionResetError and other OSErrors from Node; OSError EBADF when
 * closed; OSError EDESTADDRREQ for an unconnected datagram socket. TypeError when `data` is not a
 * Uint8Array.
 */
export function* sockSendall(sock: Socket, data: Uint8Array): Coroutine<void> {
  const s = checkSocket('sockSendall', sock);
  const bytes = checkBytes('sockSendall', 'data', data);
  if (s.type === 'dgram') {
    if (s._isClosed()) throw sockError('EBADF', 'send');
    if (!s._isConnected()) throw sockError('EDESTADDRREQ', 'send');
    yield* sendDatagram(s, bytes, null);
    return;
  }
  if (bytes.byteLength === 0) {
    s._checkCanSend();
    return;
  }
  yield* s._acquireWrite();
  try {
    for (let pos = 0; pos < bytes.byteLength; pos += SEND_CHUNK_SIZE) {
      yield* s._writeChunk(bytes.subarray(pos, pos + SEND_CHUNK_SIZE));
    }
  } finally {
    s._releaseWrite();
  }
}

/**
 * Send `data` as one datagram to `address`; returns the number of bytes sent. An unbound socket
 * is bound to any interface and port first, as the kernel does.
 *
 * Same as asyncio's `loop.sock_sendto(sock, data, address)`. Differs from Python: a connected
 * datagram socket refuses (OSError EISCONN), where Linux sends to `address`; a host name in
 * `address` is resolved by Node.
 *
 * @throws OSError EMSGSIZE for a datagram too big, EISCONN as above (and for stream sockets),
 * EBADF when closed; OSErrors from Node. TypeError / RangeError for bad arguments.
 */
export function* sockSendto(sock: Socket, data: Uint8Array, address: Address): Coroutine<number> {
  const s = checkSocket('sockSendto', sock);
  const bytes = checkBytes('sockSendto', 'data', data);
  if (s._isClosed()) throw sockError('EBADF', 'sendto');
  const target = checkSockAddr('sockSendto', s.family, address);
  if (s.type === 'stream') throw sockError(s._isConnected() ? 'EISCONN' : 'EPIPE', 'sendto');
  if (s._isConnected()) throw sockError('EISCONN', 'sendto');
  s._raiseBindError();
  return yield* sendDatagram(s, bytes, target as InetSockAddr);
}

function* sendDatagram(sock: Socket, data: Uint8Array, target: InetSockAddr | null): Coroutine<number> {
  const dgram = sock._ensureDgram();
  const done = new Future<number>({ loop: getRunningLoop() });
  const callback = (error: Error | null, sent?: number): void => {
    if (done.done() || done.getLoop().isClosed()) return;
    if (error !== null) done.setException(fromNode(error));
    else done.setResult(sent ?? data.byteLength);
  };
  try {
    if (target === null) dgram.send(data, callback);
    else dgram.send(data, target.port, target.host === '' ? undefined : target.host, callback);
  } catch (error) {
    throw fromNode(error);
  }
  return yield* done;
}

/**
 * Connect the socket to `address`, resolving a host name first (with the socket's family, as
 * asyncio's `_ensure_resolved`; the first address found is used). A socket bound with `bind()`
 * connects from that address. A datagram socket is connected (it then sends to and receives
 * from `address` only).
 *
 * Same as asyncio's `loop.sock_connect(sock, address)`. Differs from asyncio: cancelling it
 * abandons the attempt and the socket can connect again (asyncio's stays connecting); a Unix
 * socket cannot be bound before connecting (Node has no way).
 *
 * @throws ConnectionRefusedError ("[Errno 111] Connect call failed ('127.0.0.1', 1)") and other
 * OSErrors; OSError EISCONN when connected or listening, EALREADY while connecting, EBADF when
 * closed; OSError (gaierror) when the host does not resolve. TypeError / RangeError for a
 * malformed address.
 *
 * @example
 * ```ts
 * const sock = socket();
 * yield* sockConnect(sock, ['localhost', 8080]);
 * ```
 */
export function* sockConnect(sock: Socket, address: Address): Coroutine<void> {
  const s = checkSocket('sockConnect', sock);
  const target = checkSockAddr('sockConnect', s.family, address);
  s._checkCanConnect();
  if (typeof target === 'string') {
    if (s._bindAddr !== null) {
      throw sockError('EOPNOTSUPP', 'connect', 'Operation not supported: Node cannot bind the client end of a Unix socket before connecting');
    }
    yield* connectStream(s, target, null, target);
    return;
  }
  const generation = ++s._connectGeneration;
  const resolved = yield* resolveOne(s, target);
  if (s._connectGeneration !== generation) throw sockError('EALREADY', 'connect');
  s._checkCanConnect();
  if (s.type === 'dgram') {
    yield* connectDatagram(s, resolved, generation);
    return;
  }
  let local: InetSockAddr | null = null;
  const bound = s._bindAddr;
  if (bound !== null && typeof bound !== 'string') {
    local = bound.host === '' || isIP(bound.host) !== 0 ? bound : { ...bound, host: (yield* resolveOne(s, bound)).host };
    if (local.host === '') local = { ...local, host: s.family === 'inet6' ? '::' : '0.0.0.0' };
  }
  const display = inetTuple(s.family, resolved.host, resolved.port, resolved.flowInfo, resolved.scopeId);
  yield* connectStream(s, { host: resolved.host, port: resolved.port }, local, display);
}

/** asyncio's `_ensure_resolved`: a numeric host as it is, a name through getaddrinfo(). */
function* resolveOne(sock: Socket, target: InetSockAddr): Coroutine<InetSockAddr> {
  const numeric = isIP(target.host);
  if (numeric !== 0 && numeric === (sock.family === 'inet6' ? 6 : 4)) return target;
  const infos = yield* getaddrinfo(target.host, target.port, { family: sock.family === 'inet6' ? 6 : 4, type: sock.type });
  const first = infos[0];
  if (first === undefined) throw sockError('EAI_NONAME', 'getaddrinfo', 'getaddrinfo() returned empty list');
  const address: InetAddress = first[4];
  return { host: address[0], port: address[1], flowInfo: address[2] ?? 0, scopeId: address[3] ?? 0 };
}

function* connectStream(
  sock: Socket,
  target: { host: string; port: number } | string,
  local: InetSockAddr | null,
  display: Address,
): Coroutine<void> {
  const connection = new NetSocket({ allowHalfOpen: true });
  const done = new Future<void>({ loop: getRunningLoop() });
  sock._startConnect(connection, target, local, done, display);
  try {
    yield* done;
  } catch (error) {
    if (!done.done() || done.cancelled()) sock._abandonConnect(connection);
    throw error;
  }
}

function* connectDatagram(sock: Socket, target: InetSockAddr, generation: number): Coroutine<void> {
  const dgram = sock._ensureDgram();
  if (sock._isConnected()) {
    try {
      dgram.disconnect();
    } catch {
      // not connected
    }
  }
  const done = new Future<void>({ loop: getRunningLoop() });
  const peer = inetTuple(sock.family, target.host, target.port, target.flowInfo, target.scopeId);
  try {
    dgram.connect(target.port, target.host, () => {
      if (sock._connectGeneration !== generation) {
        // cancelled meanwhile: undo
        try {
          dgram.disconnect();
        } catch {
          // closed
        }
        return;
      }
      sock._setDgramConnected(peer);
      if (!done.done() && !done.getLoop().isClosed()) done.setResult(undefined);
    });
  } catch (error) {
    throw fromNode(error);
  }
  try {
    yield* done;
  } catch (error) {
    sock._connectGeneration++;
    throw error;
  }
}

/**
 * Wait for a connection on a listening socket; returns the connected socket and the peer's
 * address.
 *
 * Same as asyncio's `loop.sock_accept(sock)`; cancelling it loses no connection.
 *
 * @throws OSError EINVAL when the socket is not listening, EOPNOTSUPP for a datagram socket,
 * EBADF when closed; the listen's bind error (EADDRINUSE…) once.
 *
 * @example
 * ```ts
 * const [conn, [host, port]] = (yield* sockAccept(listener)) as [Socket, [string, number]];
 * ```
 */
export function* sockAccept(sock: Socket): Coroutine<[Socket, Address]> {
  const s = checkSocket('sockAccept', sock);
  for (;;) {
    const accepted = s._acceptNowait();
    if (accepted !== null) return accepted;
    yield* s._wait();
  }
}

function isFileHandle(value: unknown): value is FileHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as FileHandle).read === 'function' &&
    typeof (value as FileHandle).fd === 'number'
  );
}

/**
 * Send a file over a connected stream socket: `count` bytes (default: to the end of the file)
 * from `offset` (default 0); returns how many bytes were sent.
 *
 * Same as asyncio's `loop.sock_sendfile(sock, file, offset, count)` with its fallback: Node has
 * no `sendfile(2)` for sockets, so the file is read in 256 KiB blocks and each is sent with
 * `sockSendall()`. Differs from asyncio: `file` is a path (opened and closed here) or a
 * `node:fs/promises` FileHandle read at explicit positions — its own file position is neither
 * used nor moved (asyncio seeks the file object to `offset + sent`); there is no `fallback`
 * option (it is always the fallback).
 *
 * @throws RangeError for a datagram socket ("only SOCK_STREAM type sockets are supported"), a
 * negative `offset` or a `count` that is not positive; TypeError for arguments of the wrong type;
 * the file's and the socket's errors.
 */
export function* sockSendfile(
  sock: Socket,
  file: string | FileHandle,
  offset = 0,
  count: number | null = null,
): Coroutine<number> {
  const s = checkSocket('sockSendfile', sock);
  if (typeof file !== 'string' && !isFileHandle(file)) {
    throw new TypeError(`sockSendfile() file must be a path or a FileHandle of node:fs/promises, got ${describe(file)}`);
  }
  if (s.type !== 'stream') throw new RangeError('only SOCK_STREAM type sockets are supported');
  if (count !== null && count !== undefined) {
    if (typeof count !== 'number' || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${describe(count)})`);
    }
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${count})`);
  }
  if (typeof offset !== 'number' || !Number.isInteger(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${describe(offset)})`);
  }
  if (offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${offset})`);
  const loop = getRunningLoop();
  const handle = typeof file === 'string' ? yield* fromPromise(open(file, 'r'), { loop }) : file;
  try {
    const limit = count ?? Infinity;
    let total = 0;
    while (total < limit) {
      const size = Math.min(limit - total, SEND_CHUNK_SIZE);
      // a fresh buffer per read: a read abandoned by a cancellation may still fill the old one
      const buffer = new Uint8Array(size);
      const { bytesRead } = yield* fromPromise(handle.read(buffer, 0, size, offset + total), { loop });
      if (bytesRead === 0) break;
      yield* sockSendall(s, buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
    return total;
  } finally {
    if (handle !== file) {
      handle.close().catch(() => {
        // nothing to do: the file was only read
      });
    }
  }
}
