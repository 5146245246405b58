/**
 * Write-side flow control, both halves:
 *
 * - {@link FlowControlTransport}: the transport's bookkeeping (asyncio's
 *   `transports._FlowControlMixin`). A transport that buffers writes extends it, reports its
 *   buffer size, and calls `_maybePauseProtocol()` after buffering and `_maybeResumeProtocol()`
 *   after sending. The pipe transport uses it, and so does `@tsyncio/net`'s socket transport.
 * - {@link FlowControlProtocol}: the protocol's side that makes `StreamWriter.drain()` work
 *   (asyncio's `streams.FlowControlMixin`): it remembers whether the transport paused it, and
 *   parks drain waiters until `resumeWriting()` or `connectionLost()`.
 *
 * ## The water marks
 *
 * ```
 *   buffer size > high   ──▶ protocol.pauseWriting()    (once, then paused)
 *   buffer size <= low   ──▶ protocol.resumeWriting()   (once, when paused)
 * ```
 *
 * `high` defaults to 64 KiB and `low` to `high / 4`. Errors thrown by the protocol's
 * pauseWriting()/resumeWriting() go to the loop's exception handler, never to the writer.
 *
 * @module
 */
import { Deque, describe, getEventLoop, getLogger, INSPECT, RuntimeError, type EventLoop } from '@tsyncio/loop';
import { Future, type Coroutine } from '@tsyncio/futures';
import { ConnectionResetError } from './errors.js';
import type { BaseProtocol, Protocol } from './protocol.js';
import type { WriteBufferLimitsOptions } from './transport.js';

/**
 * The default high-water mark of a transport's write buffer: 64 KiB (the low-water mark defaults
 * to a quarter of it). Same as asyncio's default.
 *
 * @example
 * ```ts
 * transport.setWriteBufferLimits({ high: 4 * DEFAULT_HIGH_WATER });
 * ```
 */
export const DEFAULT_HIGH_WATER = 64 * 1024;

function checkMark(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') {
    throw new TypeError(`setWriteBufferLimits() ${name} must be a number of bytes, got ${describe(value)}`);
  }
  return value;
}

/**
 * The `[low, high]` water marks for `options`, as asyncio's `_set_write_buffer_limits` computes
 * them: `high` defaults to 64 KiB (or `4 × low` when only `low` is given), `low` to `high / 4`
 * rounded down.
 *
 * @throws RangeError unless `high >= low >= 0` ("high (1) must be >= low (2) must be >= 0").
 * @throws TypeError when a mark is not a number.
 *
 * @example
 * ```ts
 * writeBufferLimits({ high: 1000 }); // [250, 1000]
 * writeBufferLimits({ low: 100 });   // [100, 400]
 * ```
 */
export function writeBufferLimits(options: WriteBufferLimitsOptions = {}): [low: number, high: number] {
  let high = checkMark(options.high, 'high');
  let low = checkMark(options.low, 'low');
  if (high === undefined) high = low === undefined ? DEFAULT_HIGH_WATER : 4 * low;
  if (low === undefined) low = Math.floor(high / 4);
  if (!(high >= low && low >= 0)) {
    throw new RangeError(`high (${high}) must be >= low (${low}) must be >= 0`);
  }
  return [low, high];
}

/**
 * Base class for transports that buffer writes: water marks, `pauseWriting()` /
 * `resumeWriting()` calls on the protocol, and the extra-info map. Subclasses implement the
 * transport itself and call {@link _maybePauseProtocol} after adding to their buffer and
 * {@link _maybeResumeProtocol} after taking from it.
 *
 * Same as asyncio's `transports._FlowControlMixin` (plus `BaseTransport`'s extra-info
 * dictionary), with the exception-handler messages in camelCase:
 * `'protocol.pauseWriting() failed'`, `'protocol.resumeWriting() failed'`.
 *
 * @example
 * ```ts
 * class MyTransport extends FlowControlTransport {
 *   private pending = 0;
 *   getWriteBufferSize() { return this.pending; }
 *   getProtocol() { return this.protocol; }
 *   write(data: Uint8Array) {
 *     this.pending += data.length;  // …queue it for sending…
 *     this._maybePauseProtocol();
 *   }
 *   private sent(n: number) {
 *     this.pending -= n;
 *     this._maybeResumeProtocol();
 *   }
 * }
 * ```
 */
export abstract class FlowControlTransport {
  /** @internal the loop whose exception handler hears about failing pause/resume calls */
  readonly _loop: EventLoop;
  /** @internal whether the protocol is paused (pauseWriting() was called last) */
  _protocolPaused = false;
  /** @internal */
  _highWater = DEFAULT_HIGH_WATER;
  /** @internal */
  _lowWater = DEFAULT_HIGH_WATER / 4;
  /** @internal extra information for getExtraInfo() */
  _extra: Record<string, unknown>;

  /**
   * @param loop the loop the transport runs on
   * @param options initial water marks (see {@link writeBufferLimits})
   * @param extra what {@link getExtraInfo} returns
   */
  constructor(loop: EventLoop, options: WriteBufferLimitsOptions = {}, extra: Record<string, unknown> = {}) {
    this._loop = loop;
    this._extra = extra;
    [this._lowWater, this._highWater] = writeBufferLimits(options);
  }

  /** Bytes buffered and not sent yet. */
  abstract getWriteBufferSize(): number;

  /** The protocol to pause and resume. */
  abstract getProtocol(): BaseProtocol;

  /** Extra information (`defaultValue` when the transport has none under `name`). */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return Object.prototype.hasOwnProperty.call(this._extra, name) ? this._extra[name] : defaultValue;
  }

  /** The current `[low, high]` water marks. */
  getWriteBufferLimits(): [low: number, high: number] {
    return [this._lowWater, this._highWater];
  }

  /**
   * Set the water marks (see {@link writeBufferLimits} for the defaults), then pause the
   * protocol if the buffer is already above the new high-water mark.
   *
   * @throws RangeError unless `high >= low >= 0`. TypeError when a mark is not a number.
   */
  setWriteBufferLimits(options: WriteBufferLimitsOptions = {}): void {
    [this._lowWater, this._highWater] = writeBufferLimits(options);
    this._maybePauseProtocol();
  }

  /** `<MyTransport buffer=12 paused>` */
  toString(): string {
    const size = this.getWriteBufferSize();
    return `<${this.constructor.name}${size > 0 ? ` buffer=${size}` : ''}${this._protocolPaused ? ' paused' : ''}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** Call `protocol.pauseWriting()` if the buffer is above the high-water mark and it is not paused yet. */
  protected _maybePauseProtocol(): void {
    if (this.getWriteBufferSize() <= this._highWater || this._protocolPaused) return;
    this._protocolPaused = true;
    const protocol = this.getProtocol();
    try {
      protocol.pauseWriting?.();
    } catch (error) {
      this._loop.callExceptionHandler({
        message: 'protocol.pauseWriting() failed',
        exception: error,
        transport: this,
        protocol,
      });
    }
  }

  /** Call `protocol.resumeWriting()` if it is paused and the buffer is at or below the low-water mark. */
  protected _maybeResumeProtocol(): void {
    if (!this._protocolPaused || this.getWriteBufferSize() > this._lowWater) return;
    this._protocolPaused = false;
    const protocol = this.getProtocol();
    try {
      protocol.resumeWriting?.();
    } catch (error) {
      this._loop.callExceptionHandler({
        message: 'protocol.resumeWriting() failed',
        exception: error,
        transport: this,
        protocol,
      });
    }
  }
}

/**
 * Options for {@link FlowControlProtocol} (asyncio's `loop=` argument).
 *
 * @example
 * ```ts
 * const protocol = new FlowControlProtocol({ loop });
 * ```
 */
export interface FlowControlProtocolOptions {
  /** The loop of the drain futures (default: `getEventLoop()`). */
  loop?: EventLoop;
}

/**
 * A protocol base class that tracks write-side pausing so that `StreamWriter.drain()` can wait:
 * {@link _drainHelper} returns at once unless the transport paused the protocol, and then waits
 * for `resumeWriting()` (or raises the error given to `connectionLost()`). Any number of
 * coroutines may drain at the same time. Subclasses that override `pauseWriting`,
 * `resumeWriting` or `connectionLost` must call the base method.
 *
 * Same as asyncio's `streams.FlowControlMixin`.
 *
 * Differs from asyncio: a pauseWriting() while paused (or resumeWriting() while not) throws
 * RuntimeError where asyncio asserts.
 *
 * @example
 * ```ts
 * class Sender extends FlowControlProtocol {
 *   transport: Transport | null = null;
 *   override connectionMade(transport: BaseTransport) { this.transport = transport as Transport; }
 *   *send(data: Uint8Array): Coroutine<void> {
 *     this.transport!.write(data);
 *     yield* this._drainHelper(); // waits only while the transport's buffer is too full
 *   }
 * }
 * ```
 */
export class FlowControlProtocol implements Protocol {
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal the transport paused us */
  _paused = false;
  /** @internal */
  readonly _drainWaiters = new Deque<Future<void>>();
  /** @internal */
  _connectionLost = false;

  constructor(options: FlowControlProtocolOptions = {}) {
    this._loop = options.loop ?? getEventLoop();
  }

  /** The transport's buffer went above its high-water mark: drains wait from now on. */
  pauseWriting(): void {
    if (this._paused) throw new RuntimeError('pauseWriting() called while writing is already paused');
    this._paused = true;
    if (this._loop.getDebug()) getLogger().debug(`${String(this)} pauses writing`);
  }

  /** The transport's buffer drained: wake every waiting drain. */
  resumeWriting(): void {
    if (!this._paused) throw new RuntimeError('resumeWriting() called while writing is not paused');
    this._paused = false;
    if (this._loop.getDebug()) getLogger().debug(`${String(this)} resumes writing`);
    for (const waiter of this._drainWaiters) {
      if (!waiter.done()) waiter.setResult(undefined);
    }
  }

  /** The connection is gone: later drains raise ConnectionResetError; waiting ones wake (with `exc`, if any). */
  connectionLost(exc: Error | null): void {
    this._connectionLost = true;
    if (!this._paused) return;
    for (const waiter of this._drainWaiters) {
      if (waiter.done()) continue;
      if (exc === null) waiter.setResult(undefined);
      else waiter.setException(exc);
    }
  }

  /**
   * Wait while writing is paused. What `StreamWriter.drain()` waits on.
   *
   * @throws ConnectionResetError("Connection lost") when the connection is already lost. The
   * error given to `connectionLost()` when it is lost while waiting.
   */
  *_drainHelper(): Coroutine<void> {
    if (this._connectionLost) throw new ConnectionResetError('Connection lost');
    if (!this._paused) return;
    const waiter = new Future<void>({ loop: this._loop });
    this._drainWaiters.push(waiter);
    try {
      yield* waiter;
    } finally {
      this._drainWaiters.remove(waiter);
    }
  }

  /**
   * The future `StreamWriter.waitClosed()` waits on. Subclasses that support it override this.
   *
   * @throws RuntimeError always, here.
   */
  _getCloseWaiter(_writer: unknown): Future<void> {
    throw new RuntimeError(`${this.constructor.name} does not support waitClosed()`);
  }

  /** `<FlowControlProtocol paused drainWaiters=2 lost>`. */
  toString(): string {
    const info = [this.constructor.name];
    if (this._paused) info.push('paused');
    if (this._drainWaiters.length > 0) info.push(`drainWaiters=${this._drainWaiters.length}`);
    if (this._connectionLost) info.push('lost');
    return `<${info.join(' ')}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
