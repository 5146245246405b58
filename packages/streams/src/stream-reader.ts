/**
 * StreamReader: a buffer of received bytes with coroutines to read lines, exact sizes and
 * delimited records, plus the two errors only it raises.
 *
 * ## State
 *
 * ```
 *   buffer (ByteBuffer) ── feedData() appends; read*() consume from the front
 *   eof                 ── feedEof() was called: no more data will come
 *   exception           ── setException(e): every later read raises e
 *   waiter              ── the one Future a read waits on while the buffer lacks what it needs
 *   paused              ── we asked the transport to pauseReading() (buffer > 2 × limit)
 * ```
 *
 * ## Rules (asyncio's, kept exactly)
 *
 * - **Flow control with hysteresis.** `feedData` pauses the transport when the buffer exceeds
 *   `2 × limit`; reads resume it once the buffer is back to `limit` or less. A read that must
 *   wait resumes it first, so `readExactly(n)` with `n > 2 × limit` cannot deadlock.
 * - **One reader at a time.** A second read that would wait while one is waiting raises
 *   RuntimeError("… called while another coroutine is already waiting for incoming data").
 * - **Atomic under cancellation.** Every read consumes only after it has everything it needs and
 *   returns without waiting again: a read cancelled while waiting leaves the buffer untouched.
 *   (Differs from asyncio for `read(-1)`: asyncio gathers `limit`-sized blocks as it goes and a
 *   cancellation loses them; here `read(-1)` waits for end-of-file and then takes everything.)
 *
 * @module
 */
import {
  brandedHasInstance,
  describe,
  getEventLoop,
  INCOMPLETE_READ_ERROR_BRAND,
  INSPECT,
  LIMIT_OVERRUN_ERROR_BRAND,
  RuntimeError,
  type EventLoop,
} from '@tsyncio/loop';
import { createTask, Future, type Coroutine } from '@tsyncio/futures';
import { ByteBuffer } from './internal/byte-buffer.js';
import { utf8 } from './internal/utf8.js';
import type { ReadTransport } from './transport.js';

/**
 * The default `limit` of a StreamReader: 64 KiB. Same as asyncio's `_DEFAULT_LIMIT`.
 *
 * @example
 * ```ts
 * const reader = new StreamReader({ limit: 4 * DEFAULT_LIMIT }); // allow 256 KiB lines
 * ```
 */
export const DEFAULT_LIMIT = 2 ** 16;

const NEWLINE = 10;
const EMPTY = /* @__PURE__ */ new Uint8Array(0);
const NEWLINE_SEPARATOR = [/* @__PURE__ */ new Uint8Array([NEWLINE])] as const;


/**
 * End-of-file came before a read had what it needed. `partial` holds the bytes that were read
 * (and removed from the buffer); `expected` is how many `readExactly` wanted, or null for
 * `readUntil`. The message reads "18 bytes read on a total of 36 expected bytes".
 *
 * Same as asyncio's `IncompleteReadError` (an `EOFError` in Python).
 *
 * @example
 * ```ts
 * try {
 *   const header = yield* reader.readExactly(8);
 * } catch (e) {
 *   if (e instanceof IncompleteReadError) console.log('truncated after', e.partial.length, 'bytes');
 *   else throw e;
 * }
 * ```
 */
export class IncompleteReadError extends Error {
  override name = 'IncompleteReadError';
  /** The bytes read before end-of-file. */
  readonly partial: Uint8Array;
  /** How many bytes were expected (null when unknown, as for `readUntil`). */
  readonly expected: number | null;

  constructor(partial: Uint8Array, expected: number | null) {
    super(`${partial.length} bytes read on a total of ${expected === null ? 'undefined' : expected} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [INCOMPLETE_READ_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, IncompleteReadError, INCOMPLETE_READ_ERROR_BRAND, value);
  }
}

/**
 * `readUntil` would have to return more than `limit` bytes. The data **stays in the buffer**;
 * `consumed` says how many bytes to discard (e.g. with `readExactly(consumed)`) to make progress.
 *
 * Same as asyncio's `LimitOverrunError`, with the same messages ("Separator is not found, and
 * chunk exceed the limit", "Separator is found, but chunk is longer than limit").
 *
 * @example
 * ```ts
 * try {
 *   return yield* reader.readUntil('\r\n');
 * } catch (e) {
 *   if (!(e instanceof LimitOverrunError)) throw e;
 *   yield* reader.readExactly(e.consumed); // skip the oversized record's start
 *   throw new RangeError('header line too long');
 * }
 * ```
 */
export class LimitOverrunError extends Error {
  override name = 'LimitOverrunError';
  /** The number of bytes to consume to get past the offending data. */
  readonly consumed: number;

  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [LIMIT_OVERRUN_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, LimitOverrunError, LIMIT_OVERRUN_ERROR_BRAND, value);
  }
}

/**
 * Options for {@link StreamReader}: asyncio's `limit=` and `loop=` arguments.
 *
 * @example
 * ```ts
 * const reader = new StreamReader({ limit: 1 << 20, loop });
 * ```
 */
export interface StreamReaderOptions {
  /**
   * The longest line or record `readline`/`readUntil` return, in bytes, and half the buffer size
   * above which reading is paused. Default 64 KiB ({@link DEFAULT_LIMIT}).
   */
  limit?: number;
  /** The loop the reader's futures belong to (default: `getEventLoop()`). */
  loop?: EventLoop;
}

/**
 * A readUntil() separator: bytes, a string (UTF-8), or several of them (the shortest match wins).
 * Same as asyncio's `bytes | tuple[bytes, ...]`, plus strings.
 *
 * @example
 * ```ts
 * const separators: Separator = ['\r\n', '\n'];
 * const line = yield* reader.readUntil(separators);
 * ```
 */
export type Separator = Uint8Array | string | readonly (Uint8Array | string)[];

/** The error a transport's pauseReading() throws to say it cannot pause (Python's NotImplementedError). */
function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && error.name === 'NotImplementedError';
}

function checkCount(n: unknown, method: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`${method}() n must be an integer, got ${describe(n)}`);
  }
  return n;
}

let lastText: string | null = null;
let lastBytes: Uint8Array = EMPTY;

function separatorBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    if (value !== lastText) {
      lastBytes = utf8(value);
      lastText = value;
    }
    return lastBytes;
  }
  throw new TypeError(`readUntil() separator must be a Uint8Array, a string or an array of them, got ${describe(value)}`);
}

/** The separators sorted by length (stable), as asyncio does so that the shortest match wins ties. */
function normalizeSeparators(separator: unknown): readonly Uint8Array[] {
  if (Array.isArray(separator)) {
    const list = (separator as unknown[]).map(separatorBytes);
    if (list.length === 0) throw new RangeError('Separator should contain at least one element');
    if (list.length > 1) list.sort((a, b) => a.length - b.length);
    if ((list[0] as Uint8Array).length === 0) throw new RangeError('Separator should be at least one-byte string');
    return list;
  }
  const bytes = separatorBytes(separator);
  if (bytes.length === 0) throw new RangeError('Separator should be at least one-byte string');
  return [bytes];
}

/**
 * A buffer of bytes received from a transport (fed by its protocol, usually a
 * {@link StreamReaderProtocol}), read with coroutines: {@link read}, {@link readline},
 * {@link readExactly}, {@link readUntil}. `openConnection()` (in `@tsyncio/net`) and
 * {@link openPipe} give you one.
 *
 * Same as asyncio's `StreamReader`: the same limits, errors, pause/resume hysteresis and
 * one-reader rule (see the module notes).
 *
 * Differs from asyncio: `feedData` keeps the array it is given instead of copying it (do not
 * modify it afterwards), and results may be views into those arrays (they never overlap each
 * other); `read(-1)` is atomic under cancellation; a transport signals that it cannot pause by
 * throwing an error named `'NotImplementedError'`; async iteration (`for await`) runs each
 * `readline()` as a task on the reader's loop.
 *
 * @example
 * ```ts
 * function* handle(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
 *   const request = yield* reader.readline();          // "GET / HTTP/1.0\r\n"
 *   const length = yield* reader.readExactly(4);       // exactly four bytes
 *   const body = yield* reader.readUntil(['\r\n', '\n']); // whichever ends first
 *   const rest = yield* reader.read();                 // everything up to end-of-file
 * }
 * ```
 */
export class StreamReader {
  /** @internal */
  readonly _limit: number;
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal */
  readonly _buffer = new ByteBuffer();
  /** @internal */
  _eof = false;
  /** @internal the future a read waits on (at most one) */
  _waiter: Future<void> | null = null;
  /** @internal */
  _exception: unknown = null;
  /** @internal */
  _transport: ReadTransport | null = null;
  /** @internal we paused the transport */
  _paused = false;

  /**
   * @throws RangeError when `limit` is not a positive number ("Limit cannot be <= 0").
   */
  constructor(options: StreamReaderOptions = {}) {
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (typeof limit !== 'number') throw new TypeError(`StreamReader limit must be a number, got ${describe(limit)}`);
    if (!(limit > 0)) throw new RangeError('Limit cannot be <= 0');
    this._limit = limit;
    this._loop = options.loop ?? getEventLoop();
  }

  /** The reader's `limit` in bytes. */
  get limit(): number {
    return this._limit;
  }

  /** The exception given to {@link setException}, or null. */
  exception(): unknown {
    return this._exception;
  }

  /**
   * Make every later read raise `exc`; a read waiting now raises it at once. Called by the
   * protocol when the connection fails.
   */
  setException(exc: unknown): void {
    this._exception = exc;
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setException(exc);
    }
  }

  /** Wake the read waiting for data or EOF, if any. */
  private _wakeupWaiter(): void {
    const waiter = this._waiter;
    if (waiter !== null) {
      this._waiter = null;
      if (!waiter.cancelled()) waiter.setResult(undefined);
    }
  }

  /**
   * The transport to pause and resume for flow control (set by the protocol on connection).
   *
   * @throws RuntimeError when a transport is already set.
   */
  setTransport(transport: ReadTransport): void {
    if (this._transport !== null) throw new RuntimeError('Transport already set');
    this._transport = transport;
  }

  /** @internal resume the transport once the buffer is back to `limit` or less */
  _maybeResumeTransport(): void {
    if (this._paused && this._buffer.length <= this._limit) {
      this._paused = false;
      (this._transport as ReadTransport).resumeReading();
    }
  }

  /** Mark end-of-file: no more data will come. Waiting reads wake up. */
  feedEof(): void {
    this._eof = true;
    this._wakeupWaiter();
  }

  /** Whether end-of-file was fed and the buffer is empty (a read would return empty). */
  atEof(): boolean {
    return this._eof && this._buffer.length === 0;
  }

  /**
   * Append received bytes. The reader keeps `data` itself (no copy): do not modify it
   * afterwards. Pauses the transport when the buffer exceeds `2 × limit`.
   *
   * @throws TypeError when `data` is not a Uint8Array. RuntimeError after {@link feedEof}.
   */
  feedData(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`feedData() data must be a Uint8Array, got ${describe(data)}`);
    }
    if (this._eof) throw new RuntimeError('feedData() called after feedEof()');
    if (data.length === 0) return;
    this._buffer.push(data);
    this._wakeupWaiter();
    const transport = this._transport;
    if (transport !== null && !this._paused && this._buffer.length > 2 * this._limit) {
      try {
        transport.pauseReading();
        this._paused = true;
      } catch (error) {
        if (!isNotImplemented(error)) throw error;
        // the transport cannot pause: buffer without limit, and stop asking
        this._transport = null;
      }
    }
  }

  /**
   * Wait until feedData() or feedEof() (or setException()) is called; resume a paused transport
   * first (waiting while paused would deadlock).
   */
  private *_waitForData(method: string): Coroutine<void> {
    if (this._waiter !== null) {
      throw new RuntimeError(`${method}() called while another coroutine is already waiting for incoming data`);
    }
    if (this._eof) throw new RuntimeError(`_waitForData() after EOF in ${method}()`);
    if (this._paused) {
      this._paused = false;
      (this._transport as ReadTransport).resumeReading();
    }
    const waiter = new Future<void>({ loop: this._loop });
    this._waiter = waiter;
    try {
      yield* waiter;
    } finally {
      if (this._waiter === waiter) this._waiter = null;
    }
  }

  /**
   * Read one line: up to and including `\n`. At end-of-file returns the partial last line (no
   * `\n`), then empty arrays.
   *
   * Same as asyncio's `readline()`.
   *
   * @throws RangeError when the line is longer than `limit` (not counting the `\n`); the line
   * (if its end arrived) or else the whole buffer is discarded first.
   * @throws RuntimeError when another read is waiting. The reader's exception, if set.
   *
   * @example
   * ```ts
   * for (;;) {
   *   const line = yield* reader.readline();
   *   if (line.length === 0) break; // end-of-file
   *   handle(line);
   * }
   * ```
   */
  *readline(): Coroutine<Uint8Array> {
    if (this._exception !== null) throw this._exception as Error;
    // fast path: a whole line in the first buffered chunk (most calls when parsing a busy stream)
    const buffer = this._buffer;
    const line = buffer.takeThrough(NEWLINE, this._limit);
    if (line !== null) {
      if (this._paused) this._maybeResumeTransport();
      return line;
    }
    try {
      return yield* this._readUntil(NEWLINE_SEPARATOR, 1, 1, 'readline');
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial;
      if (error instanceof LimitOverrunError) {
        if (buffer.startsWith(NEWLINE_SEPARATOR[0], error.consumed)) buffer.discard(error.consumed + 1);
        else buffer.clear();
        this._maybeResumeTransport();
        throw new RangeError(error.message, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Read up to and including `separator` (default `'\n'`). With several separators, the result
   * is the shortest one that ends with any of them (ties: the shortest separator). Strings are
   * encoded as UTF-8.
   *
   * Same as asyncio's `readuntil()` (3.13, tuples of separators included).
   *
   * @throws IncompleteReadError at end-of-file before a separator: its `partial` is the whole
   * buffer, which is cleared, and `expected` is null.
   * @throws LimitOverrunError when the result would be longer than `limit` (separator not
   * counted); the data stays in the buffer.
   * @throws RangeError for an empty separator or an empty list. TypeError for other values.
   * @throws RuntimeError when another read is waiting. The reader's exception, if set.
   *
   * @example
   * ```ts
   * const header = yield* reader.readUntil('\r\n\r\n');
   * const line = yield* reader.readUntil(['\r\n', '\n', '\r']);
   * ```
   */
  *readUntil(separator: Separator = '\n'): Coroutine<Uint8Array> {
    const separators = normalizeSeparators(separator);
    const min = (separators[0] as Uint8Array).length;
    const max = (separators[separators.length - 1] as Uint8Array).length;
    return yield* this._readUntil(separators, min, max, 'readUntil');
  }

  /** readUntil's loop: `separators` sorted by length, lengths `min` … `max`. */
  private *_readUntil(separators: readonly Uint8Array[], min: number, max: number, method: string): Coroutine<Uint8Array> {
    if (this._exception !== null) throw this._exception as Error;
    const buffer = this._buffer;
    const limit = this._limit;
    // `offset`: bytes at the front known to hold no separator start (rescans begin there)
    let offset = 0;
    let matchStart = -1;
    let matchEnd = -1;
    for (;;) {
      const length = buffer.length;
      if (length - offset >= min) {
        for (const sep of separators) {
          // only a match that ends strictly before the best one so far can win
          const maxStart = matchEnd === -1 ? length - sep.length : matchEnd - sep.length - 1;
          const at = buffer.indexOf(sep, offset, maxStart);
          if (at !== -1) {
            matchStart = at;
            matchEnd = at + sep.length;
          }
        }
        if (matchEnd !== -1) break;
        offset = Math.max(0, length + 1 - max);
        if (offset > limit) {
          throw new LimitOverrunError('Separator is not found, and chunk exceed the limit', offset);
        }
      }
      // a last chunk may have completed the separator, so EOF is checked after searching
      if (this._eof) {
        throw new IncompleteReadError(buffer.takeAll(), null);
      }
      yield* this._waitForData(method);
    }
    if (matchStart > limit) {
      throw new LimitOverrunError('Separator is found, but chunk is longer than limit', matchStart);
    }
    const chunk = buffer.take(matchEnd);
    this._maybeResumeTransport();
    return chunk;
  }

  /**
   * Read up to `n` bytes. `n = -1` (the default) reads until end-of-file. `n = 0` returns an
   * empty array at once. `n > 0` returns as soon as at least one byte is available. An empty
   * result means end-of-file. Not bounded by `limit`.
   *
   * Same as asyncio's `read(n=-1)`, except that `read(-1)` consumes nothing if cancelled.
   *
   * @throws TypeError when `n` is not an integer. RuntimeError when another read is waiting.
   * The reader's exception, if set.
   *
   * @example
   * ```ts
   * const chunk = yield* reader.read(65536); // whatever has arrived, up to 64 KiB
   * const all = yield* reader.read();        // everything until end-of-file
   * ```
   */
  *read(n = -1): Coroutine<Uint8Array> {
    checkCount(n, 'read');
    if (this._exception !== null) throw this._exception as Error;
    if (n === 0) return EMPTY;
    const buffer = this._buffer;
    if (n < 0) {
      // wait for end-of-file without consuming (each wait resumes a paused transport), then take all
      while (!this._eof) yield* this._waitForData('read');
      const all = buffer.takeAll();
      this._maybeResumeTransport();
      return all;
    }
    if (buffer.length === 0 && !this._eof) yield* this._waitForData('read');
    const length = buffer.length;
    const data = buffer.take(n < length ? n : length);
    if (this._paused) this._maybeResumeTransport();
    return data;
  }

  /**
   * Read exactly `n` bytes. Not bounded by `limit` (a paused transport is resumed while waiting).
   *
   * Same as asyncio's `readexactly()`.
   *
   * @throws IncompleteReadError at end-of-file before `n` bytes: `partial` holds what was read
   * (the buffer is cleared) and `expected` is `n`.
   * @throws RangeError when `n` is negative. TypeError when it is not an integer.
   * @throws RuntimeError when another read is waiting. The reader's exception, if set.
   *
   * @example
   * ```ts
   * const header = yield* reader.readExactly(4);
   * const size = new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
   * const payload = yield* reader.readExactly(size);
   * ```
   */
  *readExactly(n: number): Coroutine<Uint8Array> {
    checkCount(n, 'readExactly');
    if (n < 0) throw new RangeError('readExactly size can not be less than zero');
    if (this._exception !== null) throw this._exception as Error;
    if (n === 0) return EMPTY;
    const buffer = this._buffer;
    while (buffer.length < n) {
      if (this._eof) throw new IncompleteReadError(buffer.takeAll(), n);
      yield* this._waitForData('readExactly');
    }
    const data = buffer.take(n);
    if (this._paused) this._maybeResumeTransport();
    return data;
  }

  /**
   * Iterate over lines from plain async code (`for await (const line of reader)`), until
   * end-of-file. Each step runs `readline()` as a task on the reader's loop and awaits it.
   *
   * Same as asyncio's `async for line in reader`.
   *
   * @example
   * ```ts
   * for await (const line of reader) console.log(new TextDecoder().decode(line));
   * ```
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    const next = async (): Promise<IteratorResult<Uint8Array, undefined>> => {
      const line = await createTask(this.readline(), { loop: this._loop });
      return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
    };
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** `<StreamReader 4 bytes eof limit=123 waiter=… exception=… transport=… paused>` (asyncio's repr). */
  toString(): string {
    const info = ['StreamReader'];
    if (this._buffer.length > 0) info.push(`${this._buffer.length} bytes`);
    if (this._eof) info.push('eof');
    if (this._limit !== DEFAULT_LIMIT) info.push(`limit=${this._limit}`);
    if (this._waiter !== null) info.push(`waiter=${String(this._waiter)}`);
    if (this._exception !== null) info.push(`exception=${describe(this._exception)}`);
    if (this._transport !== null) info.push(`transport=${describe(this._transport)}`);
    if (this._paused) info.push('paused');
    return `<${info.join(' ')}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
