/**
 * In-memory transports: two connected {@link Transport}s with real flow control, half-close,
 * close/abort semantics, and a fault-injection kit for testing protocol code without sockets.
 *
 * ## Model
 *
 * Each end has an outgoing *link* to the other end: a queue of the arrays written to it, not yet
 * delivered to the peer's protocol. That queue **is** the end's write buffer:
 *
 * ```
 *   A.write(x) ──▶ [ A's queue ] ──(delivery, on the loop)──▶ B.protocol.dataReceived(x…)
 *                  getWriteBufferSize() = bytes in the queue
 * ```
 *
 * - **Delivery** happens on the loop (a `callSoon` after the write, or a timer with latency),
 *   never inside `write()`. Without chunking options each write is delivered as one
 *   `dataReceived` call (the same bytes, no copy).
 * - **Flow control is real.** Data waits in the queue while the peer's reading is paused (for
 *   example by a StreamReader whose buffer is full), so the writer's buffer grows past its
 *   high-water mark and its protocol gets `pauseWriting()`; `resumeWriting()` follows when the
 *   queue drains to the low-water mark.
 * - **Half-close.** `writeEof()` queues end-of-file: the peer's `eofReceived()` runs after the
 *   last byte. If it returns true the peer stays open and can still write back.
 * - **close()** stops reading, delivers what is queued, then the peer gets `eofReceived()` and
 *   this end `connectionLost(null)` (on the loop, once its queue is empty). Data that arrives
 *   for an end that is closed is discarded, and if the writing end is still open it is reset
 *   (`connectionLost(ConnectionResetError)`), as TCP answers such data with RST — so a
 *   `write()` + `drain()` loop notices that the peer went away.
 * - **abort()** discards the queue, closes at once (`connectionLost(null)` soon), and the peer
 *   sees end-of-file.
 *
 * ## Fault injection (all deterministic; time is the loop's, so a VirtualClock drives it)
 *
 * | option | effect |
 * |---|---|
 * | `chunking: [3, 5]` | re-segment the byte stream into `dataReceived` pieces of 3, 5, 3, 5, … bytes, across write boundaries (as TCP does) |
 * | `chunking: 'random'`, `seed`, `maxChunkSize` | random piece sizes from a seeded PRNG: half of them 1–8 bytes, the rest 1–`maxChunkSize` (default 1024) |
 * | `slowReader: { bytesPerTick, tick }` | deliver at most `bytesPerTick` bytes per loop iteration (`tick: 0`, the default) or per `tick` seconds |
 * | `latency` | each write (and end-of-file) becomes deliverable `latency` seconds after it was written |
 * | `failAfter`, `failWith` | after `failAfter` bytes have been delivered in that direction, both ends lose the connection with `failWith` (default: an Error saying so) |
 * | `resetAt` | at `resetAt` seconds after creation, both ends are reset: `connectionLost(ConnectionResetError)` |
 *
 * Link options given at the top level apply to both directions; `aToB` / `bToA` override them
 * for one direction. {@link PipeTransport.reset} resets a pipe on demand.
 *
 * @module
 */
import {
  copyContext,
  Deque,
  describe,
  getEventLoop,
  getLogger,
  RuntimeError,
  type Context,
  type EventLoop,
  type TimerHandle,
} from '@tsyncio/loop';
import { ConnectionResetError } from './errors.js';
import { FlowControlTransport } from './flow-control.js';
import { Prng } from './internal/prng.js';
import { isBufferedProtocol, type BaseProtocol, type Protocol } from './protocol.js';
import { StreamReader } from './stream-reader.js';
import { StreamReaderProtocol } from './stream-reader-protocol.js';
import { StreamWriter } from './stream-writer.js';
import type { Transport } from './transport.js';

/**
 * Options for one direction of a pipe (what one end writes and the other receives). tsyncio only.
 *
 * @example
 * ```ts
 * const slowLink: PipeLinkOptions = { latency: 0.2, slowReader: { bytesPerTick: 1500, tick: 0.001 } };
 * createPipe({ aToB: slowLink }); // only A → B is slow
 * ```
 */
export interface PipeLinkOptions {
  /** High-water mark of the writing end's buffer in bytes (default 64 KiB). */
  highWater?: number;
  /** Low-water mark (default `highWater / 4`). */
  lowWater?: number;
  /**
   * Re-segment the byte stream into `dataReceived` pieces: a list of sizes used in turn, or
   * `'random'` (seeded by {@link seed}). Pieces may span writes. Default: one piece per write.
   */
  chunking?: 'random' | readonly number[];
  /** Largest random piece for `chunking: 'random'` (default 1024). */
  maxChunkSize?: number;
  /** Seed of the random chunking (default 1). */
  seed?: number;
  /** Deliver at most `bytesPerTick` bytes per `tick` seconds (`tick` 0 or absent: per loop iteration). */
  slowReader?: { bytesPerTick: number; tick?: number };
  /** Seconds between a write and the moment its bytes can be delivered (default 0). */
  latency?: number;
  /** Fail the connection (both ends) once this many bytes have been delivered in this direction. */
  failAfter?: number;
  /** The error both ends get with {@link failAfter} (default: an Error naming the byte count). */
  failWith?: Error;
}

/**
 * Options for {@link createPipe} and {@link connectPipe}. tsyncio only.
 *
 * @example
 * ```ts
 * const options: PipeOptions = { chunking: 'random', seed: 3, resetAt: 10, bToA: { failAfter: 4096 } };
 * ```
 */
export interface PipeOptions extends PipeLinkOptions {
  /** The loop the transports run on (default: `getEventLoop()`, the running loop inside one). */
  loop?: EventLoop;
  /** Overrides for the direction from end A to end B. */
  aToB?: PipeLinkOptions;
  /** Overrides for the direction from end B to end A. */
  bToA?: PipeLinkOptions;
  /** Reset both ends this many seconds after creation (`connectionLost(ConnectionResetError)`). */
  resetAt?: number;
  /** Extra information returned by `getExtraInfo()` on each end (e.g. `{ a: { peername: ['10.0.0.1', 4000] } }`). */
  extra?: { a?: Record<string, unknown>; b?: Record<string, unknown> };
}

/**
 * Options for {@link openPipe}: the pipe's options plus the readers' `limit` (asyncio's
 * `open_connection(limit=)`).
 *
 * @example
 * ```ts
 * const [[reader, writer]] = openPipe({ limit: 1024, chunking: [1] });
 * ```
 */
export interface OpenPipeOptions extends PipeOptions {
  /** The StreamReaders' limit (default 64 KiB). */
  limit?: number;
}

/**
 * One end's stream pair: what {@link openPipe} returns for each end — asyncio's
 * `(reader, writer)` tuple from `open_connection()`.
 *
 * @example
 * ```ts
 * const [client, server]: [StreamPair, StreamPair] = openPipe();
 * const [reader, writer] = client;
 * ```
 */
export type StreamPair = [reader: StreamReader, writer: StreamWriter];

/** The protocol of an end that has none yet (every callback is optional). */
const UNSET: BaseProtocol = /* @__PURE__ */ Object.freeze({});

/** Ignored writes on a lost connection before a warning is logged (asyncio's LOG_THRESHOLD_FOR_CONNLOST_WRITES). */
const CONNLOST_WRITES_WARNING = 5;

interface ResolvedLink {
  chunking: 'random' | readonly number[] | null;
  maxChunkSize: number;
  seed: number;
  bytesPerTick: number;
  tick: number;
  latency: number;
  failAfter: number;
  failWith: Error | null;
}

function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`createPipe() ${name} must be a number >= 0, got ${describe(value)}`);
  }
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`createPipe() ${name} must be an integer >= 1, got ${describe(value)}`);
  }
  return value;
}

function resolveLink(base: PipeLinkOptions, over: PipeLinkOptions | undefined, name: string): ResolvedLink {
  const o: PipeLinkOptions = { ...base, ...over };
  let chunking: 'random' | readonly number[] | null = null;
  if (o.chunking !== undefined) {
    if (o.chunking === 'random') chunking = 'random';
    else if (Array.isArray(o.chunking) && o.chunking.length > 0) {
      chunking = o.chunking.map((size, i) => positiveInteger(size, `${name}chunking[${i}]`));
    } else {
      throw new RangeError(`createPipe() ${name}chunking must be 'random' or a non-empty array of sizes, got ${describe(o.chunking)}`);
    }
  }
  let bytesPerTick = Infinity;
  let tick = 0;
  if (o.slowReader !== undefined) {
    bytesPerTick = positiveInteger(o.slowReader.bytesPerTick, `${name}slowReader.bytesPerTick`);
    tick = o.slowReader.tick === undefined ? 0 : nonNegative(o.slowReader.tick, `${name}slowReader.tick`);
  }
  return {
    chunking,
    maxChunkSize: o.maxChunkSize === undefined ? 1024 : positiveInteger(o.maxChunkSize, `${name}maxChunkSize`),
    seed: o.seed === undefined ? 1 : nonNegative(o.seed, `${name}seed`),
    bytesPerTick,
    tick,
    latency: o.latency === undefined ? 0 : nonNegative(o.latency, `${name}latency`),
    failAfter: o.failAfter === undefined ? Infinity : nonNegative(o.failAfter, `${name}failAfter`),
    failWith: o.failWith ?? null,
  };
}

// Loop callbacks scheduled with the loop's allocation-free `_callSoonFast(callback, a0, a1, context)`.
function flushSoon(transport: unknown): void {
  const t = transport as PipeTransport;
  t._flushScheduled = false;
  t._deliver();
}

function connectionMadeSoon(transport: unknown): void {
  (transport as PipeTransport)._connectionMade();
}

function connectionLostSoon(transport: unknown, exc: unknown): void {
  (transport as PipeTransport)._callConnectionLost(exc as Error | null);
}

/**
 * One end of an in-memory pipe: a full {@link Transport} (with flow control, half-close, close
 * and abort), plus {@link reset} to simulate a connection reset. Made by {@link createPipe}.
 *
 * The end's protocol is attached with `setProtocol()`: the first call schedules
 * `connectionMade(this)`, and nothing is delivered to the end before that has run (data written
 * to it waits). Later calls switch protocols, as in asyncio.
 *
 * Differs from asyncio: asyncio has no in-memory transport (Trio's `memory_stream_pair` is the
 * closest relative).
 *
 * @example
 * ```ts
 * const [a, b] = createPipe({ highWater: 1024 });
 * a.setProtocol(clientProtocol);
 * b.setProtocol(serverProtocol);
 * a.write(new TextEncoder().encode('hello'));
 * ```
 */
export class PipeTransport extends FlowControlTransport implements Transport {
  /** @internal 'a' or 'b' */
  readonly _end: 'a' | 'b';
  /** @internal */
  _peer!: PipeTransport;
  /** @internal */
  _protocol: BaseProtocol = UNSET;
  /** @internal setProtocol() was called */
  _attached = false;
  /** @internal connectionMade() ran */
  _connected = false;
  /** @internal close() or abort() was called, or the connection failed */
  _closing = false;
  /** @internal writeEof() was called */
  _eofWritten = false;
  /** @internal end-of-file to send once the queue is empty */
  _eofPending = false;
  /** @internal when the pending end-of-file may be delivered (latency) */
  _eofAt = 0;
  /** @internal the peer was told end-of-file */
  _eofSent = false;
  /** @internal reading paused by pauseReading() */
  _readPaused = false;
  /** @internal asyncio's `_conn_lost`: connectionLost is scheduled */
  _connLost = 0;
  /** @internal connectionLost was called */
  _lostCalled = false;
  /** @internal connectionLost is due but connectionMade has not run yet */
  _pendingLost: { exc: Error | null } | null = null;
  /** @internal writes ignored after the connection was lost */
  _lostWrites = 0;

  // ---- the outgoing link (this end → peer)
  /** @internal arrays written and not yet delivered */
  readonly _queue = new Deque<Uint8Array>();
  /** @internal when each queued array becomes deliverable (only with latency) */
  readonly _readyAt: Deque<number> | null;
  /** @internal bytes of the queue's first array already delivered */
  _headOffset = 0;
  /** @internal bytes in the queue not yet delivered: the write buffer size */
  _queued = 0;
  /** @internal bytes delivered so far in this direction */
  _delivered = 0;
  /** @internal */
  _flushScheduled = false;
  /** @internal timer for latency / slow reader ticks */
  _timer: TimerHandle | null = null;
  /** @internal slow reader with ticks: no delivery before this time */
  _nextAllowed = 0;
  /** @internal */
  readonly _link: ResolvedLink;
  /** @internal */
  readonly _prng: Prng | null;
  /** @internal next index into fixed chunk sizes */
  _chunkIndex = 0;
  /** @internal the reset timer shared by both ends */
  _resetTimer: TimerHandle | null = null;

  /** @internal the Context the transport's callbacks run in (copied at creation, as asyncio's handles) */
  readonly _context: Context = copyContext();

  private readonly _onTimer = (): void => {
    this._timer = null;
    this._deliver();
  };

  /** @internal use {@link createPipe} */
  constructor(loop: EventLoop, end: 'a' | 'b', link: ResolvedLink, limits: { high?: number; low?: number }, extra: Record<string, unknown>) {
    super(loop, limits, extra);
    this._end = end;
    this._link = link;
    this._readyAt = link.latency > 0 ? new Deque<number>() : null;
    this._prng = link.chunking === 'random' ? new Prng(link.seed) : null;
  }

  // ---------------------------------------------------------------- BaseTransport

  /** The current protocol (an empty placeholder until {@link setProtocol} is called). */
  getProtocol(): BaseProtocol {
    return this._protocol;
  }

  /**
   * Set the protocol. The first call attaches the end: `connectionMade(this)` runs soon, and
   * delivery to this end starts after it.
   *
   * @throws TypeError when `protocol` is not an object.
   */
  setProtocol(protocol: BaseProtocol): void {
    if (typeof protocol !== 'object' || protocol === null) {
      throw new TypeError(`setProtocol() protocol must be an object, got ${describe(protocol)}`);
    }
    this._protocol = protocol;
    if (!this._attached) {
      this._attached = true;
      this._loop._callSoonFast(connectionMadeSoon, this, undefined, this._context);
    }
  }

  /** @internal runs on the loop after the first setProtocol() */
  _connectionMade(): void {
    this._connected = true;
    try {
      this._protocol.connectionMade?.(this);
    } finally {
      const pending = this._pendingLost;
      if (pending !== null) {
        this._pendingLost = null;
        this._loop._callSoonFast(connectionLostSoon, this, pending.exc, this._context);
      } else {
        // what the peer wrote before we were connected can be delivered now
        this._peer._scheduleFlush();
      }
    }
  }

  /** Whether close() or abort() was called, or the connection failed. */
  isClosing(): boolean {
    return this._closing;
  }

  /**
   * Stop reading, deliver the queued data, then send end-of-file to the peer and call
   * `connectionLost(null)` (soon, once the queue is empty). Idempotent.
   */
  close(): void {
    if (this._closing) return;
    this._closing = true;
    // what the peer sends us from now on is discarded: let its link notice
    this._peer._scheduleFlush();
    this._requestEof();
    if (this._queued === 0 && this._connLost === 0) {
      this._connLost = 1;
      this._loop._callSoonFast(connectionLostSoon, this, null, this._context);
    }
  }

  // ---------------------------------------------------------------- ReadTransport

  /** Whether data is being delivered to this end (not paused, not closing). */
  isReading(): boolean {
    return !this._readPaused && !this._closing;
  }

  /** Stop delivering to this end's protocol; the peer's data waits in the peer's buffer. Idempotent. */
  pauseReading(): void {
    if (!this.isReading()) return;
    this._readPaused = true;
  }

  /** Resume delivering (what waited arrives on the loop soon). Idempotent. */
  resumeReading(): void {
    if (this._closing || !this._readPaused) return;
    this._readPaused = false;
    this._peer._scheduleFlush();
  }

  // ---------------------------------------------------------------- WriteTransport

  /**
   * Queue `data` for the peer (the array itself: do not modify it afterwards). Calls
   * `pauseWriting()` when the buffer goes above the high-water mark. Ignored once the
   * connection is lost.
   *
   * @throws TypeError when `data` is not a Uint8Array. RuntimeError after {@link writeEof}.
   */
  write(data: Uint8Array): void {
    this._enqueue(data);
    this._maybePauseProtocol();
  }

  /** Queue every array of `list`, then check the high-water mark once. */
  writelines(list: Iterable<Uint8Array>): void {
    for (const data of list) this._enqueue(data);
    this._maybePauseProtocol();
  }

  private _enqueue(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a Uint8Array, not ${describe(data)}`);
    }
    if (this._eofWritten) throw new RuntimeError('Cannot call write() after writeEof()');
    if (data.length === 0) return;
    if (this._connLost > 0) {
      if (++this._lostWrites === CONNLOST_WRITES_WARNING) {
        getLogger().warn(`${String(this)}: write() after the connection was lost; the data is discarded`);
      }
      return;
    }
    this._queue.push(data);
    if (this._readyAt !== null) this._readyAt.push(this._loop.time() + this._link.latency);
    this._queued += data.length;
    this._scheduleFlush();
  }

  /** Half-close: deliver the queued data, then end-of-file to the peer. Reading goes on. */
  writeEof(): void {
    if (this._closing || this._eofWritten) return;
    this._eofWritten = true;
    this._requestEof();
  }

  /** Always true: pipes support half-close. */
  canWriteEof(): boolean {
    return true;
  }

  /** Close now: discard the queue, `connectionLost(null)` soon; the peer sees end-of-file. */
  abort(): void {
    if (this._connLost > 0) return;
    this._forceClose(null);
    this._requestEof();
  }

  /** Bytes written and not yet delivered to the peer. */
  getWriteBufferSize(): number {
    return this._queued;
  }

  // ---------------------------------------------------------------- fault injection

  /**
   * Simulate a connection reset: both ends close at once, discarding their buffers, and get
   * `connectionLost(error)` (default: a {@link ConnectionResetError}). No end-of-file is sent.
   */
  reset(error: Error = new ConnectionResetError('Connection reset by peer')): void {
    this._breakBoth(error);
  }

  /** @internal both ends lose the connection with `error` (reset, failAfter) */
  _breakBoth(error: Error): void {
    for (const end of [this, this._peer]) {
      end._eofPending = false;
      end._forceClose(error);
    }
  }

  // ---------------------------------------------------------------- internals

  /** Queue end-of-file (delivered after the queued data). */
  private _requestEof(): void {
    if (this._eofPending || this._eofSent) return;
    this._eofPending = true;
    this._eofAt = this._loop.time() + this._link.latency;
    this._scheduleFlush();
  }

  /** @internal asyncio's `_force_close`: discard the buffer, close, connectionLost(exc) soon. */
  _forceClose(exc: Error | null): void {
    if (this._connLost > 0) return;
    if (this._queued > 0) {
      this._queue.clear();
      this._readyAt?.clear();
      this._headOffset = 0;
      this._queued = 0;
    }
    this._closing = true;
    this._connLost = 1;
    this._loop._callSoonFast(connectionLostSoon, this, exc, this._context);
    this._peer._scheduleFlush();
  }

  /** A protocol callback failed: report it, close with that error; the peer sees end-of-file. */
  private _fatalError(exc: unknown, message: string): void {
    this._loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this._protocol });
    if (this._connLost > 0) return;
    this._forceClose(exc instanceof Error ? exc : new Error(String(exc)));
    this._requestEof();
  }

  /** @internal runs on the loop: call the protocol's connectionLost once (after connectionMade) */
  _callConnectionLost(exc: Error | null): void {
    if (this._lostCalled) return;
    if (!this._connected) {
      this._pendingLost = { exc };
      return;
    }
    this._lostCalled = true;
    if (this._peer._lostCalled) {
      this._resetTimer?.cancel();
      this._resetTimer = null;
      this._peer._resetTimer = null;
    }
    this._protocol.connectionLost?.(exc);
  }

  /** @internal deliver this end's queue to the peer on the next iteration */
  _scheduleFlush(): void {
    if (this._flushScheduled) return;
    this._flushScheduled = true;
    this._loop._callSoonFast(flushSoon, this, undefined, this._context);
  }

  private _armTimer(when: number): void {
    const timer = this._timer;
    if (timer !== null) {
      if (timer.when() === when) return;
      timer.cancel();
    }
    this._timer = this._loop.callAtInContext(this._context, when, this._onTimer);
  }

  /** The size of the next piece when re-segmenting. */
  private _nextChunkSize(): number {
    const link = this._link;
    const prng = this._prng;
    if (prng !== null) {
      return (prng.nextUint32() & 1) === 1 ? prng.between(1, 8) : prng.between(1, link.maxChunkSize);
    }
    const sizes = link.chunking as readonly number[];
    const size = sizes[this._chunkIndex] as number;
    this._chunkIndex = (this._chunkIndex + 1) % sizes.length;
    return size;
  }

  /** Whether the queue's first array may be delivered at `now` (latency). */
  private _headReady(now: number): boolean {
    return this._readyAt === null || (this._readyAt.peekFront() as number) <= now;
  }

  /** Remove and return the next piece of at most `max` bytes (the caller checked the head is ready). */
  private _takePiece(max: number, now: number): Uint8Array {
    const queue = this._queue;
    const head = queue.peekFront() as Uint8Array;
    const offset = this._headOffset;
    const available = head.length - offset;
    let size = this._link.chunking === null ? available : this._nextChunkSize();
    if (size > max) size = max;
    if (size <= available) {
      const piece =
        offset === 0 && size === head.length ? head : new Uint8Array(head.buffer, head.byteOffset + offset, size);
      this._consume(size, available);
      return piece;
    }
    // a piece that spans writes (chunking): gather the ready bytes, up to `size`
    let ready = 0;
    for (let i = 0; i < queue.length && ready < size; i++) {
      if (this._readyAt !== null && (this._readyAt.at(i) as number) > now) break;
      ready += (queue.at(i) as Uint8Array).length - (i === 0 ? offset : 0);
    }
    if (ready < size) size = ready;
    const piece = new Uint8Array(size);
    let filled = 0;
    while (filled < size) {
      const chunk = queue.peekFront() as Uint8Array;
      const start = this._headOffset;
      const n = Math.min(chunk.length - start, size - filled);
      piece.set(start === 0 && n === chunk.length ? chunk : chunk.subarray(start, start + n), filled);
      filled += n;
      this._consume(n, chunk.length - start);
    }
    return piece;
  }

  /** Drop `n` bytes from the queue's first array, which has `available` undelivered bytes. */
  private _consume(n: number, available: number): void {
    this._queued -= n;
    if (n === available) {
      this._queue.shift();
      this._readyAt?.shift();
      this._headOffset = 0;
    } else {
      this._headOffset += n;
    }
  }

  /** failAfter reached: both ends lose the connection. */
  private _fail(): void {
    const link = this._link;
    this._breakBoth(link.failWith ?? new Error(`pipe failed after ${link.failAfter} bytes (createPipe failAfter)`));
  }

  /** @internal Deliver what can be delivered now from this end's queue to the peer. */
  _deliver(): void {
    const peer = this._peer;
    if (!peer._connected && !peer._closing) return; // delivery starts after the peer's connectionMade
    const link = this._link;
    const loop = this._loop;
    const now = loop.time();
    // slow reader with ticks: no data before the next tick (end-of-file is not rate-limited)
    let budget = link.tick > 0 && now < this._nextAllowed ? 0 : link.bytesPerTick;
    let sent = 0;
    while (this._queued > 0) {
      if (peer._closing) {
        // the peer is closed for reading: the data is discarded, and a writer that is still open
        // is reset, as TCP answers data sent to a closed socket with RST
        this._queue.clear();
        this._readyAt?.clear();
        this._headOffset = 0;
        this._queued = 0;
        if (!this._closing) {
          this._forceClose(new ConnectionResetError('Connection reset by peer'));
          return;
        }
        break;
      }
      if (peer._readPaused) break;
      if (!this._headReady(now)) {
        this._armTimer(this._readyAt?.peekFront() as number);
        break;
      }
      if (budget <= 0) break;
      if (this._delivered >= link.failAfter) {
        this._fail();
        return;
      }
      let max = budget;
      const left = link.failAfter - this._delivered;
      if (left < max) max = left;
      const piece = this._takePiece(max, now);
      budget -= piece.length;
      sent += piece.length;
      this._delivered += piece.length;
      peer._receiveData(piece);
      if (this._delivered >= link.failAfter) {
        this._fail();
        return;
      }
    }
    if (sent > 0 && link.tick > 0) this._nextAllowed = now + link.tick;
    if (this._queued > 0 && budget <= 0 && !peer._readPaused && !peer._closing) {
      // slow reader: the rest goes on the next tick
      if (link.tick > 0) this._armTimer(this._nextAllowed);
      else this._scheduleFlush();
    }
    if (this._queued === 0) {
      if (this._connLost === 0) this._maybeResumeProtocol();
      if (this._eofPending) {
        if (now < this._eofAt) {
          this._armTimer(this._eofAt);
        } else {
          this._eofPending = false;
          this._eofSent = true;
          peer._receiveEof();
        }
      }
      if (this._closing && this._connLost === 0) {
        this._connLost = 1;
        loop._callSoonFast(connectionLostSoon, this, null, this._context);
      }
    } else if (this._connLost === 0) {
      this._maybeResumeProtocol();
    }
  }

  /** @internal the peer delivers `data` to this end */
  _receiveData(data: Uint8Array): void {
    const protocol = this._protocol;
    if (!isBufferedProtocol(protocol)) {
      try {
        (protocol as Protocol).dataReceived?.(data);
      } catch (error) {
        this._fatalError(error, 'Fatal error: protocol.dataReceived() call failed.');
      }
      return;
    }
    let offset = 0;
    while (offset < data.length && !this._closing) {
      let buffer: Uint8Array;
      try {
        buffer = protocol.getBuffer(data.length - offset);
        if (!(buffer instanceof Uint8Array) || buffer.length === 0) {
          throw new RuntimeError('getBuffer() returned an empty buffer');
        }
      } catch (error) {
        this._fatalError(error, 'Fatal error: protocol.getBuffer() call failed.');
        return;
      }
      const n = Math.min(buffer.length, data.length - offset);
      buffer.set(offset === 0 && n === data.length ? data : data.subarray(offset, offset + n));
      offset += n;
      try {
        protocol.bufferUpdated(n);
      } catch (error) {
        this._fatalError(error, 'Fatal error: protocol.bufferUpdated() call failed.');
        return;
      }
    }
  }

  /** @internal the peer sent end-of-file */
  _receiveEof(): void {
    if (this._closing) return;
    let keepOpen: unknown;
    try {
      keepOpen = (this._protocol as Protocol).eofReceived?.();
    } catch (error) {
      this._fatalError(error, 'Fatal error: protocol.eofReceived() call failed.');
      return;
    }
    if (keepOpen !== true) this.close();
  }

  /** `<PipeTransport a closing paused buffer=12>` */
  override toString(): string {
    const info = ['PipeTransport', this._end];
    if (this._connLost > 0) info.push('closed');
    else if (this._closing) info.push('closing');
    if (this._readPaused) info.push('paused');
    if (this._queued > 0) info.push(`buffer=${this._queued}`);
    return `<${info.join(' ')}>`;
  }
}

/**
 * Create two connected in-memory transports, A and B, without protocols: attach them with
 * `setProtocol()` (each end's `connectionMade` runs soon after). Everything A writes is delivered
 * to B's protocol and the other way round, with real flow control, half-close, close and abort,
 * and the fault injection described in the module notes.
 *
 * tsyncio only: asyncio has no in-memory transport.
 *
 * @throws RangeError for invalid options (negative latency, empty chunk list, …). TypeError /
 * RangeError for invalid water marks.
 *
 * @example
 * ```ts
 * const [a, b] = createPipe({ chunking: 'random', seed: 7, latency: 0.05 });
 * a.setProtocol(myClient);
 * b.setProtocol(myServer);
 * ```
 */
export function createPipe(options: PipeOptions = {}): [PipeTransport, PipeTransport] {
  const loop = options.loop ?? getEventLoop();
  const linkAB = resolveLink(options, options.aToB, 'aToB.');
  const linkBA = resolveLink(options, options.bToA, 'bToA.');
  const limitsOf = (over: PipeLinkOptions | undefined): { high?: number; low?: number } => {
    const high = over?.highWater ?? options.highWater;
    const low = over?.lowWater ?? options.lowWater;
    return { ...(high === undefined ? {} : { high }), ...(low === undefined ? {} : { low }) };
  };
  const a = new PipeTransport(loop, 'a', linkAB, limitsOf(options.aToB), { pipeEnd: 'a', ...options.extra?.a });
  const b = new PipeTransport(loop, 'b', linkBA, limitsOf(options.bToA), { pipeEnd: 'b', ...options.extra?.b });
  a._peer = b;
  b._peer = a;
  if (options.resetAt !== undefined) {
    const delay = nonNegative(options.resetAt, 'resetAt');
    const timer = loop.callLater(delay, () => {
      a.reset();
    });
    a._resetTimer = timer;
    b._resetTimer = timer;
  }
  return [a, b];
}

/**
 * Create a pipe and attach `protocolA` to end A and `protocolB` to end B: both get
 * `connectionMade` on the loop soon. Returns the transports `[A, B]`.
 *
 * tsyncio only (asyncio has no in-memory transport).
 *
 * @example
 * ```ts
 * const client = new MyClientProtocol();
 * const server = new MyServerProtocol();
 * const [clientTransport, serverTransport] = connectPipe(client, server, { highWater: 4096 });
 * ```
 */
export function connectPipe(protocolA: BaseProtocol, protocolB: BaseProtocol, options: PipeOptions = {}): [PipeTransport, PipeTransport] {
  const pair = createPipe(options);
  pair[0].setProtocol(protocolA);
  pair[1].setProtocol(protocolB);
  return pair;
}

/**
 * Two connected stream pairs over an in-memory pipe: `[[readerA, writerA], [readerB, writerB]]`.
 * What A's writer writes, B's reader reads, and the other way round — `openConnection()` without
 * a network, for tests and for in-process producer/consumer pipelines. Accepts every
 * {@link createPipe} option, plus the readers' `limit`.
 *
 * tsyncio only (asyncio has no in-memory streams).
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   const [[clientReader, clientWriter], [serverReader, serverWriter]] = openPipe();
 *   clientWriter.write('ping\n');
 *   const line = yield* serverReader.readline(); // "ping\n"
 *   serverWriter.write(line);
 *   yield* serverWriter.drain();
 *   console.log(new TextDecoder().decode(yield* clientReader.readline())); // "ping\n"
 * }
 * ```
 */
export function openPipe(options: OpenPipeOptions = {}): [StreamPair, StreamPair] {
  const loop = options.loop ?? getEventLoop();
  const readerOptions = options.limit === undefined ? { loop } : { loop, limit: options.limit };
  const readerA = new StreamReader(readerOptions);
  const readerB = new StreamReader(readerOptions);
  const protocolA = new StreamReaderProtocol(readerA, null, { loop });
  const protocolB = new StreamReaderProtocol(readerB, null, { loop });
  const [a, b] = connectPipe(protocolA, protocolB, { ...options, loop });
  return [
    [readerA, new StreamWriter(a, protocolA, readerA, loop)],
    [readerB, new StreamWriter(b, protocolB, readerB, loop)],
  ];
}
