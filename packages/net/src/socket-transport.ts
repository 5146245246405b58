/**
 * The stream transport over a Node socket (`node:net` TCP or Unix, `node:tls` on top of either):
 * asyncio's `_SelectorSocketTransport` (and, for TLS, the transport side of `sslproto.py`).
 *
 * ## How bytes travel
 *
 * ```
 *   Node 'data' (outside the loop) ──▶ _chunks.push(chunk); schedule the transport once
 *   loop turn: _run() ──▶ protocol.dataReceived(chunk) for every queued chunk (or
 *                         getBuffer()/bufferUpdated() for a BufferedProtocol)
 *   Node 'end'  ──▶ _eofPending; after the last chunk: protocol.eofReceived()
 *   write(data) ──▶ socket.write(data, _onWriteDone)  (Node sends at once when it can)
 * ```
 *
 * - **Nothing of the protocol runs inside a Node event handler.** Handlers only record what
 *   happened and put the transport itself in the loop's ready queue (it is a `Runnable`: one
 *   queue entry per loop turn, however many chunks arrived, and no Handle per chunk). Protocol
 *   callbacks run in the Context captured when the transport was made, as asyncio's reader
 *   callbacks do.
 * - **The write buffer is Node's**: `getWriteBufferSize()` is `socket.writableLength`. `write()`
 *   calls `protocol.pauseWriting()` when it rises above the high-water mark; each write's
 *   completion callback (one shared function, no closure per write) notices when it falls to
 *   the low-water mark and schedules `resumeWriting()` on the loop.
 * - **Reading is paused with the socket** (`socket.pause()`), so the peer feels TCP
 *   back-pressure; chunks already received wait in the transport until `resumeReading()`.
 * - **Half-close**: sockets are made with `allowHalfOpen: true`; `writeEof()` is `socket.end()`
 *   (after the buffered data). Peer EOF calls `eofReceived()`; a truthy result keeps the
 *   transport open for writing, anything else closes it. TLS has no half-close (asyncio's rule).
 * - **close()** stops reading, lets Node flush the buffer, then calls `connectionLost(null)` on
 *   the loop and destroys the socket. **abort()** destroys the socket at once (the buffer is
 *   discarded) and calls `connectionLost(null)` soon.
 * - **Errors**: a socket error closes the transport with that error (`connectionLost(exc)`).
 *   System errors (the OSError family) are not reported to the exception handler, as in asyncio
 *   (debug mode logs them); anything else — a protocol callback that throws — is, with asyncio's
 *   message ("Fatal error: protocol.dataReceived() call failed.", …), and closes the transport.
 *
 * @module
 */
import type { Socket as NetSocket } from 'node:net';
import type { TLSSocket, TlsOptions } from 'node:tls';
import {
  _enterContext,
  _exitContext,
  copyContext,
  describe,
  getLogger,
  RuntimeError,
  type Context,
  type EventLoop,
  type Runnable,
  type TimerHandle,
} from '@tsyncio/loop';
import { isCancelledError, type Coroutine, type Future } from '@tsyncio/futures';
import {
  FlowControlTransport,
  isBufferedProtocol,
  type Address,
  type BaseProtocol,
  type BufferedProtocol,
  type Protocol,
  type Transport,
} from '@tsyncio/streams';
import { fromNodeError, isOSError } from './errors.js';
import { serverTls, tlsHandshake, type ClientSslOption } from './internal/tls-handshake.js';

/** Ignored writes on a lost connection before a warning is logged (asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES). */
const CONNLOST_WRITES_WARNING = 5;

/** @internal What a transport tells the Server that accepted its connection. */
export interface ServerLink {
  _attach(transport: SocketTransport): void;
  _detach(transport: SocketTransport): void;
}

/** Options of {@link SocketTransport._startTls} (what `StreamWriter.startTls` passes). */
export interface StartTlsHookOptions {
  serverSide?: boolean;
  serverHostname?: string | null;
  sslHandshakeTimeout?: number | null;
}

/** @internal Options of the {@link SocketTransport} constructor. */
export interface SocketTransportOptions {
  /** Completed once `connectionMade()` has been called (createConnection waits on it). */
  waiter?: Future<void> | null;
  /** Extra information (peername, sockname for Unix sockets, TLS keys…). */
  extra?: Record<string, unknown>;
  /** The Server that accepted the connection. */
  server?: ServerLink | null;
  /** Whether the socket is a TLSSocket (no half-close; TLS extra info). */
  tls?: boolean;
  /** The TLS configuration given by the user (the `sslcontext` extra info). */
  sslContext?: unknown;
  /** Whether it is a Unix socket (no TCP_NODELAY, address extra info given in `extra`). */
  unix?: boolean;
  /** Skip `connectionMade()` (a TLS upgrade: the protocol is already connected). */
  connected?: boolean;
  /** The Context protocol callbacks run in (default: a copy of the current one). */
  context?: Context;
}

/** The Node internals the write buffer size is read from (stable since Node 12). */
interface NodeSocketInternals {
  readonly writableLength: number;
  _writableState?: { writelen?: number };
  _handle?: { writeQueueSize?: number; _parent?: { writeQueueSize?: number } } | null;
}

/** asyncio's `constants.SSL_SHUTDOWN_TIMEOUT`: how long a TLS close waits for the peer before aborting. */
const SSL_SHUTDOWN_TIMEOUT = 30;

/** Python's `(host, port)` / `(host, port, flowinfo, scope_id)` for a Node address. */
function nodeAddress(address: string | undefined, port: number | undefined, family: string | undefined): Address | null {
  if (address === undefined || port === undefined) return null;
  return family === 'IPv6' ? [address, port, 0, 0] : [address, port];
}

// Loop callbacks, written once (no closure per call): `(transport, argument)`.
function callConnectionMade(transport: unknown): void {
  (transport as SocketTransport)._connectionMade();
}
function callStartReading(transport: unknown): void {
  (transport as SocketTransport)._startReading();
}
function callConnectionLost(transport: unknown, exc: unknown): void {
  (transport as SocketTransport)._callConnectionLost(exc as Error | null);
}
function callSocketError(transport: unknown, exc: unknown): void {
  (transport as SocketTransport)._onSocketErrorOnLoop(exc);
}
function callResumeProtocol(transport: unknown): void {
  (transport as SocketTransport)._resumeOnLoop();
}
function callShutdownTimeout(transport: unknown): void {
  const t = transport as SocketTransport;
  t._shutdownTimer = null;
  if (t._connLost === 0) t._forceClose(null);
}
function callClosed(transport: unknown): void {
  (transport as SocketTransport)._closedByNode();
}
function setWaiterResult(waiter: unknown): void {
  const future = waiter as Future<void>;
  if (!future.done()) future.setResult(undefined);
}

/**
 * A {@link Transport} over a Node socket: TCP, Unix or TLS. Made by `createConnection()`,
 * `createServer()`, their Unix variants and `startTls()`; not constructed directly.
 *
 * Same as asyncio's socket transport (`_SelectorSocketTransport`) and its TLS transport: the
 * same call order, flow control, half-close, close and abort rules. Extra information:
 * `'peername'`, `'sockname'`, `'socket'` (the Node socket), and over TLS `'sslcontext'`,
 * `'sslObject'` (also `'ssl_object'`: the TLSSocket), `'peercert'`, `'cipher'`, `'compression'`.
 *
 * Differs from asyncio: `'socket'` is the Node `net.Socket`/`tls.TLSSocket`; `'peercert'` and
 * `'cipher'` are Node's objects (`getPeerCertificate()`, `getCipher()`); the write buffer is
 * Node's (`writableLength`). `dataReceived()` receives Node `Buffer`s (Uint8Arrays, not copied).
 *
 * @example
 * ```ts
 * const [transport, protocol] = yield* createConnection(() => new MyProtocol(), '127.0.0.1', port);
 * transport.write(new TextEncoder().encode('hello'));
 * transport.getExtraInfo('peername'); // ['127.0.0.1', port]
 * transport.close();
 * ```
 */
export class SocketTransport extends FlowControlTransport implements Transport, Runnable {
  /** @internal a Runnable in the loop's ready queue is never cancelled */
  readonly _cancelled = false;
  /** @internal */
  _socket: NetSocket;
  /** @internal */
  _protocol: BaseProtocol;
  /** @internal the protocol is a BufferedProtocol */
  _bufferedProtocol: boolean;
  /** @internal the Context protocol callbacks run in */
  readonly _context: Context;
  /** @internal */
  _server: ServerLink | null;
  /** @internal a TLS socket */
  readonly _tls: boolean;
  /** @internal a Unix socket */
  readonly _unix: boolean;
  /** @internal received chunks not delivered yet, from `_chunkHead` on */
  _chunks: Buffer[] = [];
  /** @internal */
  _chunkHead = 0;
  /** @internal the peer's end-of-file arrived and is not delivered yet */
  _eofPending = false;
  /** @internal the transport is in the loop's ready queue */
  _scheduled = false;
  /** @internal connectionMade() ran (reading may start) */
  _reading = false;
  /** @internal pauseReading() */
  _readPaused = false;
  /** @internal close()/abort() was called or the connection failed */
  _closing = false;
  /** @internal writeEof() was called */
  _eof = false;
  /** @internal asyncio's `_conn_lost`: connectionLost is scheduled (then counts ignored writes) */
  _connLost = 0;
  /** @internal the socket is destroyed or failed: nothing more can be written */
  _dead = false;
  /** @internal close() waits for Node to flush the write buffer */
  _closeWhenFlushed = false;
  /** @internal a resumeWriting() is scheduled */
  _resumeScheduled = false;
  /** @internal handed over to a TLS transport by startTls(): silent from now on */
  _retired = false;
  /** @internal the TLS transport that replaced this one (reading control and close go to it) */
  _successor: SocketTransport | null = null;

  /** @internal the write completion callback (one per transport) */
  readonly _onWriteDone = (error?: Error | null): void => {
    if (error != null || this._connLost !== 0) return;
    if (this._protocolPaused) {
      if (!this._resumeScheduled && this.getWriteBufferSize() <= this._lowWater) {
        this._resumeScheduled = true;
        this._schedule(callResumeProtocol, undefined);
      }
    }
    if (this._closeWhenFlushed && this._socket.writableLength === 0) {
      this._closeWhenFlushed = false;
      this._connLost++;
      this._schedule(callConnectionLost, null);
    }
  };

  /** @internal TLS close: Node flushed and sent close_notify */
  readonly _onTlsFinish = (): void => {
    if (this._connLost !== 0) return;
    this._connLost++;
    this._schedule(callConnectionLost, null);
  };

  /** @internal close() called socket.end() (TLS): nothing more can be written */
  _ended = false;

  /** @internal the TLS close timer */
  _shutdownTimer: TimerHandle | null = null;

  /** @internal Node 'data' */
  readonly _onData = (chunk: Buffer): void => {
    if (this._connLost !== 0 || this._closing) return;
    this._chunks.push(chunk);
    if (!this._scheduled) this._scheduleRun(true);
  };

  /** @internal Node 'end': the peer sent end-of-file */
  readonly _onEnd = (): void => {
    if (this._connLost !== 0 || this._closing) return;
    this._eofPending = true;
    if (!this._scheduled) this._scheduleRun(true);
  };

  /** @internal Node 'error' */
  readonly _onError = (error: Error): void => {
    this._dead = true;
    if (this._connLost !== 0 || this._retired) return;
    this._schedule(callSocketError, fromNodeError(error));
  };

  /** @internal Node 'close' */
  readonly _onClose = (hadError: boolean): void => {
    this._dead = true;
    if (hadError || this._connLost !== 0 || this._retired) return;
    this._schedule(callClosed, undefined);
  };

  /**
   * @internal Use `createConnection()`, `createServer()` or `startTls()`.
   *
   * @param loop the loop the transport runs on
   * @param socket a connected Node socket (made with `allowHalfOpen: true`)
   * @param protocol the protocol to drive
   */
  constructor(loop: EventLoop, socket: NetSocket, protocol: BaseProtocol, options: SocketTransportOptions = {}) {
    super(loop, {}, options.extra ?? {});
    this._socket = socket;
    this._protocol = protocol;
    this._bufferedProtocol = isBufferedProtocol(protocol);
    this._context = options.context ?? copyContext();
    this._server = options.server ?? null;
    this._tls = options.tls === true;
    this._unix = options.unix === true;
    const extra = this._extra;
    extra['socket'] = socket;
    if (!this._unix) {
      if (!('peername' in extra)) extra['peername'] = nodeAddress(socket.remoteAddress, socket.remotePort, socket.remoteFamily);
      if (!('sockname' in extra)) {
        const local = socket.address() as { address?: string; port?: number; family?: string };
        extra['sockname'] = nodeAddress(local.address, local.port, local.family);
      }
      // asyncio disables Nagle's algorithm on every TCP transport
      socket.setNoDelay(true);
    }
    if (this._tls) {
      const tlsSocket = socket as unknown as TLSSocket;
      extra['sslcontext'] = options.sslContext ?? null;
      extra['sslObject'] = tlsSocket;
      extra['ssl_object'] = tlsSocket;
      extra['peercert'] = tlsSocket.getPeerCertificate();
      extra['cipher'] = tlsSocket.getCipher();
      extra['compression'] = null;
    }
    socket.pause();
    socket.on('end', this._onEnd);
    socket.on('error', this._onError);
    socket.on('close', this._onClose);
    if (this._server !== null) this._server._attach(this);
    if (options.connected === true) {
      this._schedule(callStartReading, undefined);
    } else {
      this._schedule(callConnectionMade, undefined);
      // only start reading once connectionMade() has been called
      this._schedule(callStartReading, undefined);
    }
    const waiter = options.waiter;
    // only wake up the waiter once connectionMade() has been called
    if (waiter != null) loop._callSoonFast(setWaiterResult, waiter, undefined, this._context);
  }

  // ---------------------------------------------------------------- scheduling

  /** @internal schedule `callback(this, argument)` on the loop (in the transport's Context) */
  _schedule(callback: (transport: unknown, argument: unknown) => void, argument: unknown): void {
    const loop = this._loop;
    if (loop.isClosed()) {
      // nobody is left to tell: drop the connection
      this._dead = true;
      this._socket.destroy();
      return;
    }
    loop._callSoonFast(callback, this, argument, this._context);
  }

  /**
   * @internal put the transport in the loop's ready queue to deliver what arrived; `fromHost`: we
   * are in a Node event handler, where an idle loop may run at once
   */
  _scheduleRun(fromHost = false): void {
    const loop = this._loop;
    if (loop.isClosed()) {
      this._dead = true;
      this._socket.destroy();
      return;
    }
    this._scheduled = true;
    // from a Node event: an idle loop runs at once, in this I/O callback (see the loop's notes)
    if (fromHost) loop._scheduleRunnableFromHost(this);
    else loop._scheduleRunnable(this);
  }

  /** @internal connectionMade(), from the loop */
  _connectionMade(): void {
    this._protocol.connectionMade?.(this);
  }

  /** @internal start delivering data (after connectionMade), from the loop */
  _startReading(): void {
    if (this._connLost !== 0 || this._retired) return;
    this._reading = true;
    const socket = this._socket;
    socket.on('data', this._onData);
    if (!this._readPaused && !this._closing && !this._dead) socket.resume();
    // the peer's end-of-file may have been seen before we listened (during a TLS handshake)
    if (socket.readableEnded) this._onEnd();
  }

  /**
   * @internal The loop runs the transport (a Runnable): deliver the queued chunks, then a pending
   * end-of-file. Never throws.
   */
  _run(): void {
    this._scheduled = false;
    if (this._connLost !== 0 || this._closing) {
      this._dropChunks();
      return;
    }
    const context = this._context;
    let previous: object | null;
    try {
      previous = _enterContext(context);
    } catch (error) {
      this._loop.callExceptionHandler({ message: 'Cannot deliver data to the protocol', exception: error, transport: this });
      return;
    }
    try {
      this._deliver();
    } finally {
      _exitContext(context, previous);
    }
  }

  private _deliver(): void {
    const chunks = this._chunks;
    let i = this._chunkHead;
    const end = chunks.length;
    if (this._bufferedProtocol) {
      while (i < end && !this._readPaused && !this._closing) {
        const chunk = chunks[i] as Buffer;
        const rest = this._deliverBuffered(chunk);
        if (rest === null) {
          i++;
        } else {
          // the protocol paused or closed mid-chunk: keep the rest for later
          chunks[i] = rest;
          break;
        }
      }
    } else {
      while (i < end && !this._readPaused && !this._closing) {
        const chunk = chunks[i] as Buffer;
        i++;
        try {
          (this._protocol as Protocol).dataReceived?.(chunk);
        } catch (error) {
          this._fatalError(error, 'Fatal error: protocol.dataReceived() call failed.');
          return;
        }
      }
    }
    if (this._closing) {
      this._dropChunks();
      return;
    }
    if (i >= chunks.length) {
      chunks.length = 0;
      this._chunkHead = 0;
      if (this._eofPending && !this._readPaused) {
        this._eofPending = false;
        this._eofReceived();
      }
    } else {
      this._chunkHead = i;
    }
  }

  /** Copy `chunk` into the protocol's buffers; returns what is left when the protocol stopped reading midway, else null. */
  private _deliverBuffered(chunk: Buffer): Buffer | null {
    const protocol = this._protocol as BufferedProtocol;
    let offset = 0;
    const length = chunk.length;
    while (offset < length) {
      let buffer: Uint8Array;
      try {
        buffer = protocol.getBuffer(length - offset);
        if (!(buffer instanceof Uint8Array) || buffer.length === 0) {
          throw new RuntimeError(`getBuffer() returned an empty buffer: ${describe(buffer)}`);
        }
      } catch (error) {
        this._fatalError(error, 'Fatal error: protocol.getBuffer() call failed.');
        return null;
      }
      const n = Math.min(buffer.length, length - offset);
      buffer.set(n === length && offset === 0 ? chunk : chunk.subarray(offset, offset + n));
      offset += n;
      try {
        protocol.bufferUpdated(n);
      } catch (error) {
        this._fatalError(error, 'Fatal error: protocol.bufferUpdated() call failed.');
        return null;
      }
      if (offset < length && (this._readPaused || this._closing)) return chunk.subarray(offset);
    }
    return null;
  }

  private _eofReceived(): void {
    const loop = this._loop;
    if (loop.getDebug()) getLogger().debug(`${String(this)} received EOF`);
    let keepOpen: unknown;
    try {
      keepOpen = (this._protocol as Protocol).eofReceived?.();
    } catch (error) {
      this._fatalError(error, 'Fatal error: protocol.eofReceived() call failed.');
      return;
    }
    if (this._tls) {
      if (keepOpen) getLogger().warn('returning true from eofReceived() has no effect when using ssl');
      this.close();
    } else if (!keepOpen) {
      this.close();
    }
  }

  private _dropChunks(): void {
    this._chunks.length = 0;
    this._chunkHead = 0;
    this._eofPending = false;
  }

  /** @internal a socket error, now on the loop */
  _onSocketErrorOnLoop(exc: unknown): void {
    if (this._connLost !== 0 || this._retired) return;
    const syscall = (exc as { syscall?: unknown }).syscall;
    const message =
      syscall === 'read'
        ? 'Fatal read error on socket transport'
        : syscall === 'write' || syscall === 'writev' || syscall === 'shutdown'
          ? 'Fatal write error on socket transport'
          : 'Fatal error on transport';
    this._fatalError(exc, message);
  }

  /** @internal the socket was closed underneath us (not by close()/abort()/an error), now on the loop */
  _closedByNode(): void {
    if (this._connLost !== 0 || this._retired) return;
    const socket = this._socket;
    // both halves shut down normally (peer EOF, our writeEof): like asyncio, the transport stays
    // open until the protocol closes it
    if (socket.readableEnded && this._eof) return;
    this._forceClose(null);
  }

  /** @internal resumeWriting() after the buffer drained, now on the loop */
  _resumeOnLoop(): void {
    this._resumeScheduled = false;
    if (this._connLost !== 0) return;
    this._maybeResumeProtocol();
  }

  /** @internal report `exc` (unless it is an OSError, as asyncio) and close the transport with it */
  _fatalError(exc: unknown, message: string): void {
    const loop = this._loop;
    if (isOSError(exc)) {
      if (loop.getDebug()) getLogger().debug(`${String(this)}: ${message}`, exc);
    } else {
      loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this._protocol });
    }
    this._forceClose(exc instanceof Error ? exc : new Error(String(exc), { cause: exc }));
  }

  /** @internal close at once, discarding the buffer; connectionLost(exc) soon */
  _forceClose(exc: Error | null): void {
    if (this._connLost !== 0) return;
    this._closing = true;
    this._closeWhenFlushed = false;
    this._dropChunks();
    this._dead = true;
    this._socket.destroy();
    this._connLost++;
    this._schedule(callConnectionLost, exc);
  }

  /** @internal connectionLost(exc), then release the socket and leave the server */
  _callConnectionLost(exc: Error | null): void {
    if (this._shutdownTimer !== null) {
      this._shutdownTimer.cancel();
      this._shutdownTimer = null;
    }
    try {
      this._protocol.connectionLost?.(exc);
    } finally {
      this._dead = true;
      this._socket.destroy();
      this._dropChunks();
      const server = this._server;
      if (server !== null) {
        this._server = null;
        server._detach(this);
      }
    }
  }

  // ---------------------------------------------------------------- BaseTransport

  /** The current protocol. */
  getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /**
   * Switch to another protocol: the following callbacks go to it (no `connectionMade`).
   *
   * @throws TypeError when `protocol` is not an object.
   */
  setProtocol(protocol: BaseProtocol): void {
    if (typeof protocol !== 'object' || protocol === null) {
      throw new TypeError(`setProtocol() protocol must be an object, got ${describe(protocol)}`);
    }
    this._protocol = protocol;
    this._bufferedProtocol = isBufferedProtocol(protocol);
  }

  /** Whether close() or abort() was called, or the connection failed. */
  isClosing(): boolean {
    return this._closing;
  }

  /**
   * Close: stop reading, let the buffered data be sent, then call `connectionLost(null)` on the
   * loop and release the socket. Idempotent.
   */
  close(): void {
    if (this._successor !== null) {
      this._closing = true;
      this._successor.close();
      return;
    }
    if (this._closing) return;
    this._closing = true;
    this._dropChunks();
    const socket = this._socket;
    if (!this._dead) socket.pause();
    if (this._retired) return;
    if (this._tls && !this._dead) {
      // TLS: send close_notify after the buffered data (socket.end()), then connectionLost once
      // Node has flushed; a peer that never reads gets SSL_SHUTDOWN_TIMEOUT seconds (asyncio's)
      this._ended = true;
      socket.once('finish', this._onTlsFinish);
      socket.end();
      this._shutdownTimer = this._loop._callLaterFast(SSL_SHUTDOWN_TIMEOUT, callShutdownTimeout, this, undefined, this._context);
    } else if (this._dead || socket.writableLength === 0) {
      this._connLost++;
      this._schedule(callConnectionLost, null);
    } else {
      this._closeWhenFlushed = true;
    }
  }

  // ---------------------------------------------------------------- ReadTransport

  /** Whether data is being delivered (not paused, not closing). */
  isReading(): boolean {
    if (this._successor !== null) return this._successor.isReading();
    return !this._closing && !this._readPaused;
  }

  /** Stop calling `dataReceived()` until {@link resumeReading} (the socket stops reading too). Idempotent. */
  pauseReading(): void {
    if (this._successor !== null) {
      this._successor.pauseReading();
      return;
    }
    if (!this.isReading()) return;
    this._readPaused = true;
    if (this._reading && !this._dead) this._socket.pause();
    if (this._loop.getDebug()) getLogger().debug(`${String(this)} pauses reading`);
  }

  /** Resume delivering data (what arrived meanwhile comes first). Idempotent. */
  resumeReading(): void {
    if (this._successor !== null) {
      this._successor.resumeReading();
      return;
    }
    if (this._closing || !this._readPaused) return;
    this._readPaused = false;
    if (this._reading) {
      if (!this._dead) this._socket.resume();
      if ((this._chunkHead < this._chunks.length || this._eofPending) && !this._scheduled) this._scheduleRun();
    }
    if (this._loop.getDebug()) getLogger().debug(`${String(this)} resumes reading`);
  }

  // ---------------------------------------------------------------- WriteTransport

  /**
   * Send `data` (Node sends what it can at once and buffers the rest: do not modify the array
   * afterwards). Calls `pauseWriting()` when the buffer goes above the high-water mark. Ignored
   * once the connection is lost.
   *
   * @throws TypeError when `data` is not a Uint8Array. RuntimeError after {@link writeEof}.
   */
  write(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object (Uint8Array), not ${describe(data)}`);
    }
    if (this._eof) throw new RuntimeError('Cannot call write() after writeEof()');
    if (data.length === 0) return;
    if (this._connLost !== 0 || this._dead || this._retired || this._ended) {
      this._lostWrite();
      return;
    }
    const socket = this._socket;
    socket.write(data, this._onWriteDone);
    // writableLength is never below the exact size: a cheap test first
    if (socket.writableLength > this._highWater && !this._protocolPaused) this._maybePauseProtocol();
  }

  /** Write every array of `list` in order, in one system call when Node can (cork/uncork). */
  writelines(list: Iterable<Uint8Array>): void {
    if (this._eof) throw new RuntimeError('Cannot call writelines() after writeEof()');
    const items: Uint8Array[] = [];
    for (const data of list) {
      if (!(data instanceof Uint8Array)) {
        throw new TypeError(`writelines() items must be bytes-like objects (Uint8Array), not ${describe(data)}`);
      }
      if (data.length > 0) items.push(data);
    }
    if (items.length === 0) return;
    if (this._connLost !== 0 || this._dead || this._retired || this._ended) {
      this._lostWrite();
      return;
    }
    const socket = this._socket;
    socket.cork();
    for (const data of items) socket.write(data, this._onWriteDone);
    socket.uncork();
    if (socket.writableLength > this._highWater && !this._protocolPaused) this._maybePauseProtocol();
  }

  private _lostWrite(): void {
    if (this._connLost >= CONNLOST_WRITES_WARNING) getLogger().warn('socket.send() raised exception.');
    if (this._connLost !== 0) this._connLost++;
  }

  /**
   * Half-close: send the buffered data, then end-of-file. Reading goes on.
   *
   * @throws NotImplementedError over TLS (asyncio: "SSL doesn't support half-closes").
   */
  writeEof(): void {
    if (this._tls) throw notImplemented("SSL doesn't support half-closes");
    if (this._closing || this._eof) return;
    this._eof = true;
    if (!this._dead && !this._retired) this._socket.end();
  }

  /** True for TCP and Unix sockets, false over TLS. */
  canWriteEof(): boolean {
    return !this._tls;
  }

  /** Close at once: the buffered data is discarded; `connectionLost(null)` follows on the loop. */
  abort(): void {
    if (this._successor !== null) {
      this._closing = true;
      this._successor.abort();
      return;
    }
    if (this._retired) return;
    this._forceClose(null);
  }

  /**
   * Bytes written and not handed to the system yet: Node's buffer (`writableLength`) minus the
   * write in progress, plus what libuv still holds of that write (for TLS, of the encrypted
   * stream under it).
   */
  getWriteBufferSize(): number {
    if (this._dead || this._retired) return 0;
    const socket = this._socket as NodeSocketInternals;
    const length = socket.writableLength;
    if (length === 0) return 0;
    const handle = this._tls ? socket._handle?._parent : socket._handle;
    const queued = handle?.writeQueueSize;
    if (typeof queued !== 'number') return length;
    return length - (socket._writableState?.writelen ?? 0) + queued;
  }

  // ---------------------------------------------------------------- TLS upgrade hook

  /**
   * @internal Upgrade this connection to TLS (what `startTls()` and `StreamWriter.startTls()`
   * call): hand the socket to a TLS handshake, then return a new transport over the TLSSocket
   * for `protocol` (no second `connectionMade`). This transport must not be used any more. If
   * the handshake fails or is cancelled, the connection is closed and `protocol` gets
   * `connectionLost(error)` (`null` when cancelled).
   *
   * @throws TypeError over TLS already (asyncio: "transport … is not supported by start_tls()").
   * @throws RuntimeError when the transport is closing.
   */
  *_startTls(protocol: BaseProtocol, sslContext: unknown, options: StartTlsHookOptions = {}): Coroutine<Transport> {
    if (this._tls || this._retired) throw new TypeError(`transport ${String(this)} is not supported by startTls()`);
    if (this._closing || this._connLost !== 0) throw new RuntimeError(`startTls() on a closing transport ${String(this)}`);
    const serverSide = options.serverSide === true;
    const loop = this._loop;
    const ssl = serverSide ? serverTls(sslContext as TlsOptions) : (sslContext as ClientSslOption);
    const socket = this._retire();
    let tlsSocket: TLSSocket;
    try {
      tlsSocket = yield* tlsHandshake(loop, socket, ssl, {
        serverSide,
        serverHostname: options.serverHostname ?? null,
        timeout: options.sslHandshakeTimeout ?? null,
      });
    } catch (error) {
      this._failRetired(isCancelledError(error) ? null : error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    const extra: Record<string, unknown> = {};
    if (this._unix) {
      extra['peername'] = this._extra['peername'];
      extra['sockname'] = this._extra['sockname'];
    }
    const server = this._server;
    const transport = new SocketTransport(loop, tlsSocket, protocol, {
      tls: true,
      sslContext,
      connected: true,
      context: this._context,
      unix: this._unix,
      server,
      extra,
    });
    if (server !== null) {
      this._server = null;
      server._detach(this);
    }
    transport.setWriteBufferLimits({ high: this._highWater, low: this._lowWater });
    if (this._readPaused) transport.pauseReading();
    this._successor = transport;
    return transport;
  }

  /**
   * @internal Hand the socket over (startTls): stop reading, forget the socket's events, and put
   * the chunks received but not delivered back into the socket so the new owner reads them.
   * Returns the socket.
   */
  _retire(): NetSocket {
    this._retired = true;
    const socket = this._socket;
    socket.pause();
    socket.off('data', this._onData);
    socket.off('end', this._onEnd);
    socket.off('close', this._onClose);
    // the 'error' listener stays: an unhandled 'error' event would crash the process
    const chunks = this._chunks;
    for (let i = chunks.length - 1; i >= this._chunkHead; i--) socket.unshift(chunks[i]);
    this._dropChunks();
    return socket;
  }

  /** @internal the TLS upgrade failed: close with `exc` (the protocol gets connectionLost(exc)) */
  _failRetired(exc: Error | null): void {
    this._retired = false;
    this._forceClose(exc);
  }

  /** `<SocketTransport fd=12 read=polling write=<idle, bufsize=0>>`, as asyncio's repr. */
  override toString(): string {
    const info: string[] = [this.constructor.name];
    if (this._connLost !== 0 && this._dead) info.push('closed');
    else if (this._closing) info.push('closing');
    const fd = (this._socket as { _handle?: { fd?: number } | null })._handle?.fd;
    if (typeof fd === 'number' && fd >= 0) info.push(`fd=${fd}`);
    if (this._tls) info.push('tls');
    info.push(`read=${this.isReading() ? 'polling' : 'idle'}`);
    const size = this.getWriteBufferSize();
    info.push(`write=<${size > 0 ? 'polling' : 'idle'}, bufsize=${size}>`);
    return `<${info.join(' ')}>`;
  }
}

/** Python's NotImplementedError (recognised by name, as the streams layer does). */
function notImplemented(message: string): Error {
  const error = new Error(message);
  error.name = 'NotImplementedError';
  return error;
}
