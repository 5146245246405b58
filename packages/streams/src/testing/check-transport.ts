/**
 * The transport conformance suite: one list of behavioural checks that every {@link Transport}
 * implementation must pass — the in-memory pipe here, TCP and Unix sockets in `@tsyncio/net`
 * (Trio's `check_two_way_stream`, uvloop's suites run against two loops).
 *
 * It does not import a test framework: {@link checkTransport} returns named cases with a
 * `run()` that returns a promise (rejected with an Error saying what went wrong), so any runner
 * can register them:
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * import { connectPipe } from '@tsyncio/streams';
 * import { checkTransport } from '@tsyncio/streams/testing';
 *
 * describe('pipe transport conformance', () => {
 *   for (const c of checkTransport({ makePair: (a, b) => connectPipe(a, b) })) it(c.name, c.run);
 * });
 * ```
 *
 * Each case runs on a fresh loop (`newLoop`, default: an autojump VirtualClock), inside a task,
 * with a deadline in loop time; it fails if the loop's exception handler is called, if a
 * protocol callback breaks the call-order contract, or if it does not finish in time.
 *
 * @module
 */
import { EventLoop, formatExceptionContext, RuntimeError, VirtualClock, type ExceptionContext } from '@tsyncio/loop';
import { createTask, isCoroutine, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { Prng } from '../internal/prng.js';
import type { BaseProtocol } from '../protocol.js';
import type { Transport } from '../transport.js';
import { RecordingBufferedProtocol, RecordingProtocol } from './recording-protocol.js';

/**
 * Makes a connected pair of transports, A and B, with `protocolA` on A and `protocolB` on B —
 * plainly or as a coroutine (a server and a client connecting over loopback). It runs inside a
 * task on the case's loop. Both protocols must get `connectionMade` (the suite waits for it).
 * tsyncio only.
 *
 * @example
 * ```ts
 * const makePair: MakeTransportPair = (a, b) => connectPipe(a, b, { chunking: [3] });
 * ```
 */
export type MakeTransportPair = (
  protocolA: BaseProtocol,
  protocolB: BaseProtocol,
) => readonly [Transport, Transport] | Coroutine<readonly [Transport, Transport]>;

/**
 * Options for {@link checkTransport}. tsyncio only.
 *
 * @example
 * ```ts
 * checkTransport({ makePair, newLoop: () => new EventLoop(), timeout: 10, halfClose: false });
 * ```
 */
export interface CheckTransportOptions {
  /** Creates the connected pair under test. */
  makePair: MakeTransportPair;
  /**
   * A fresh loop per case (closed at the end of the case). Default: an EventLoop on
   * `new VirtualClock({ autojump: true })`. Real sockets want a real clock: `() => new EventLoop()`.
   */
  newLoop?: () => EventLoop;
  /** Deadline per case, in seconds of loop time (default 60). */
  timeout?: number;
  /** Size of the bulk writes (default 1 MiB). */
  bulkBytes?: number;
  /** The most a case writes while waiting for pauseWriting() (default 64 MiB). */
  maxFillBytes?: number;
  /** Run the half-close cases (default true; the transports must then support writeEof()). */
  halfClose?: boolean;
  /** Run the BufferedProtocol case (default true). */
  bufferedProtocol?: boolean;
}

/**
 * One named check. `run()` rejects with an Error describing the failure. tsyncio only.
 *
 * @example
 * ```ts
 * for (const c of checkTransport({ makePair })) it(c.name, c.run);
 * ```
 */
export interface TransportCase {
  readonly name: string;
  run(): Promise<void>;
}

interface Ends {
  a: RecordingProtocol;
  b: RecordingProtocol;
  ta: Transport;
  tb: Transport;
}

interface Settings {
  makePair: MakeTransportPair;
  newLoop: () => EventLoop;
  timeout: number;
  bulk: number;
  maxFill: number;
}

// ---------------------------------------------------------------- small assertion helpers

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function checkBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (actual.length !== expected.length) {
    throw new Error(`${what}: expected ${expected.length} bytes, got ${actual.length}${firstDifference(actual, expected)}`);
  }
  const diff = firstDifference(actual, expected);
  if (diff !== '') throw new Error(`${what}: the bytes differ${diff}`);
}

function firstDifference(actual: Uint8Array, expected: Uint8Array): string {
  const n = Math.min(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) return ` (first difference at byte ${i}: ${actual[i]} instead of ${expected[i]})`;
  }
  return '';
}

function checkRaises(fn: () => void, errorClass: abstract new (...args: never[]) => Error, what: string): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof errorClass) return;
    throw new Error(`${what}: expected ${errorClass.name}, got ${String(error)}`, { cause: error });
  }
  throw new Error(`${what}: expected ${errorClass.name}, nothing was thrown`);
}

/** Deterministic pseudo-random bytes. */
function pattern(length: number, seed: number): Uint8Array {
  const prng = new Prng(seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i += 4) {
    let word = prng.nextUint32();
    for (let k = 0; k < 4 && i + k < length; k++) {
      out[i + k] = word & 0xff;
      word >>>= 8;
    }
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `made data×312 eof lost`: the events with runs collapsed. */
function summarize(events: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < events.length; ) {
    let j = i;
    while (j < events.length && events[j] === events[i]) j++;
    out.push(j - i > 1 ? `${events[i]}×${j - i}` : (events[i] as string));
    i = j;
  }
  return out.join(' ');
}

function checkContract(ends: Ends): void {
  const violations = [...ends.a.violations, ...ends.b.violations];
  if (violations.length > 0) throw new Error(`the call-order contract was broken:\n  ${violations.join('\n  ')}`);
}

// ---------------------------------------------------------------- running one case

function* connect(settings: Settings, a: RecordingProtocol, b: RecordingProtocol): Coroutine<Ends> {
  const made = settings.makePair(a, b);
  const pair = isCoroutine(made) ? yield* made : made;
  check(Array.isArray(pair) && pair.length === 2, 'makePair() must return (or produce) [transportA, transportB]');
  const [ta, tb] = pair;
  const ma = yield* a.untilMade();
  const mb = yield* b.untilMade();
  check(ma === ta, 'connectionMade() of protocol A did not receive transport A');
  check(mb === tb, 'connectionMade() of protocol B did not receive transport B');
  return { a, b, ta, tb };
}

/** Let the loop run a little (a few iterations, and a few milliseconds of loop time). */
function* settle(): Coroutine<void> {
  for (let i = 0; i < 3; i++) yield* sleep(0);
  yield* sleep(0.02);
}

async function runCase(
  settings: Settings,
  name: string,
  body: (ends: Ends) => Coroutine<void>,
  protocols?: () => [RecordingProtocol, RecordingProtocol],
): Promise<void> {
  const loop = settings.newLoop();
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  let ends: Ends | null = null;
  function* main(): Coroutine<void> {
    const [a, b] = protocols?.() ?? [new RecordingProtocol({ name: 'A' }), new RecordingProtocol({ name: 'B' })];
    try {
      ends = yield* connect(settings, a, b);
      yield* body(ends);
      checkContract(ends);
    } catch (error) {
      // a broken call-order contract explains most other failures: report it first
      if (a.violations.length > 0 || b.violations.length > 0) {
        const violations = [...a.violations, ...b.violations];
        throw new Error(`the call-order contract was broken:\n  ${violations.join('\n  ')}`, { cause: error });
      }
      throw error;
    } finally {
      // never leave a connection open behind a failed case: abort, and give the transports up to
      // a second of loop time to report connectionLost before the loop is closed
      const found = ends;
      if (found !== null) {
        if (!found.a.lost) found.ta.abort();
        if (!found.b.lost) found.tb.abort();
        const deadline = found.a._loop.time() + 1;
        while ((!found.a.lost || !found.b.lost) && found.a._loop.time() < deadline) yield* sleep(0.01);
      }
      yield* sleep(0);
    }
  }
  const task: Task<void> = createTask(main(), { loop, name: `checkTransport: ${name}` });
  let timedOut = false;
  const watchdog = loop.callLater(settings.timeout, () => {
    timedOut = true;
    task.cancel('checkTransport deadline');
  });
  try {
    await loop.runUntilComplete(task);
  } catch (error) {
    if (timedOut) {
      const found = ends as Ends | null;
      const state =
        found === null
          ? 'the pair never connected'
          : `events A: ${summarize(found.a.events)}; events B: ${summarize(found.b.events)}`;
      throw new Error(`${name}: did not finish within ${settings.timeout} s of loop time (${state})`, { cause: error });
    }
    throw error;
  } finally {
    watchdog.cancel();
    if (!loop.isRunning() && !loop.isClosed()) loop.close();
  }
  if (errors.length > 0) {
    throw new Error(`${name}: the loop's exception handler was called:\n${errors.map(formatExceptionContext).join('\n')}`);
  }
}

// ---------------------------------------------------------------- helpers inside cases

/** Write `chunk` on `ends.ta` until A's protocol is paused; returns the bytes written. */
function* fillUntilPaused(settings: Settings, ends: Ends, chunk: Uint8Array, written: Uint8Array[]): Coroutine<number> {
  let total = 0;
  let writes = 0;
  while (!ends.a._paused) {
    check(
      total < settings.maxFill,
      `pauseWriting() was not called after ${total} bytes were written to a transport whose peer does not read ` +
        `(write buffer ${ends.ta.getWriteBufferSize()} bytes, limits ${ends.ta.getWriteBufferLimits().join('/')})`,
    );
    ends.ta.write(chunk);
    written.push(chunk);
    total += chunk.length;
    // let a platform transport hand bytes to the system between bursts
    if (++writes % 16 === 0) yield* sleep(0);
  }
  return total;
}

// ---------------------------------------------------------------- the cases

function cases(settings: Settings, options: CheckTransportOptions): [string, (ends: Ends) => Coroutine<void>, (() => [RecordingProtocol, RecordingProtocol])?][] {
  const halfClose = options.halfClose ?? true;
  const list: [string, (ends: Ends) => Coroutine<void>, (() => [RecordingProtocol, RecordingProtocol])?][] = [];
  const add = (
    name: string,
    body: (ends: Ends) => Coroutine<void>,
    protocols?: () => [RecordingProtocol, RecordingProtocol],
  ): void => {
    list.push(protocols === undefined ? [name, body] : [name, body, protocols]);
  };

  add('calls connectionMade, dataReceived, eofReceived, then connectionLost once, in that order', function* (ends) {
    const data = pattern(100, 1);
    ends.ta.write(data);
    ends.ta.close();
    check(ends.ta.isClosing(), 'isClosing() is false right after close()');
    check(!ends.a.lost, 'connectionLost() was called inside close() (it must come later, on the loop)');
    const lostB = yield* ends.b.untilLost();
    const lostA = yield* ends.a.untilLost();
    yield* settle();
    checkBytes(ends.b.bytes(), data, 'bytes received by B');
    check(lostA === null && lostB === null, `a clean close must give connectionLost(null), got A: ${String(lostA)}, B: ${String(lostB)}`);
    const b = ends.b.events.filter((e) => e !== 'pause' && e !== 'resume').join(' ');
    check(/^made( data)+ eof lost$/.test(b), `B's callbacks were: ${b}; expected made, data…, eof, lost`);
    const a = ends.a.events.filter((e) => e !== 'pause' && e !== 'resume').join(' ');
    check(a === 'made lost', `A's callbacks were: ${a}; expected made, lost`);
  });

  add('carries many small writes intact in both directions at once', function* (ends) {
    const prng = new Prng(2);
    const sentA: Uint8Array[] = [];
    const sentB: Uint8Array[] = [];
    for (let i = 0; i < 2000; i++) {
      const pa = pattern(prng.between(1, 64), 1000 + i);
      const pb = pattern(prng.between(1, 64), 5000 + i);
      ends.ta.write(pa);
      ends.tb.write(pb);
      sentA.push(pa);
      sentB.push(pb);
      if (i % 100 === 99) yield* sleep(0);
    }
    const toB = concat(sentA);
    const toA = concat(sentB);
    yield* ends.b.untilBytes(toB.length);
    yield* ends.a.untilBytes(toA.length);
    checkBytes(ends.b.bytes(), toB, 'bytes A sent to B');
    checkBytes(ends.a.bytes(), toA, 'bytes B sent to A');
    ends.ta.close();
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  add('carries large writes intact (one bulk write, then writelines of unequal pieces)', function* (ends) {
    const bulk = pattern(settings.bulk, 3);
    const pieces = [pattern(1, 4), pattern(settings.bulk >> 3, 5), pattern(3, 6), pattern(settings.bulk >> 1, 7)];
    ends.ta.write(bulk);
    ends.ta.writelines(pieces);
    ends.ta.close();
    yield* ends.b.untilEof();
    checkBytes(ends.b.bytes(), concat([bulk, ...pieces]), 'bytes received by B');
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  add('calls pauseWriting() above the high-water mark and resumeWriting() at the low-water mark; drain waits between', function* (ends) {
    const [low, high] = ends.ta.getWriteBufferLimits();
    let sizeAtPause = -1;
    let sizeAtResume = -1;
    ends.a.onPause = () => {
      sizeAtPause = ends.ta.getWriteBufferSize();
    };
    ends.a.onResume = () => {
      sizeAtResume = ends.ta.getWriteBufferSize();
    };
    ends.tb.pauseReading();
    const written: Uint8Array[] = [];
    yield* fillUntilPaused(settings, ends, pattern(16 * 1024, 8), written);
    check(sizeAtPause > high, `pauseWriting() came with ${sizeAtPause} bytes buffered; the high-water mark is ${high}`);
    const drain = createTask(ends.a._drainHelper());
    yield* settle();
    check(!drain.done(), 'drain finished while the peer was not reading and writing was paused');
    ends.tb.resumeReading();
    yield* drain;
    check(ends.a.resumes === 1, `resumeWriting() was called ${ends.a.resumes} times, expected once`);
    check(sizeAtResume <= low, `resumeWriting() came with ${sizeAtResume} bytes buffered; the low-water mark is ${low}`);
    ends.ta.close();
    yield* ends.b.untilEof();
    checkBytes(ends.b.bytes(), concat(written), 'bytes received by B');
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  add('setWriteBufferLimits() validates the marks and getWriteBufferLimits() reports them', function* (ends) {
    const t = ends.ta;
    t.setWriteBufferLimits({ high: 1000 });
    check(t.getWriteBufferLimits().join() === '250,1000', `{ high: 1000 } gave ${t.getWriteBufferLimits().join('/')}, expected 250/1000`);
    t.setWriteBufferLimits({ high: 100, low: 10 });
    check(t.getWriteBufferLimits().join() === '10,100', `{ high: 100, low: 10 } gave ${t.getWriteBufferLimits().join('/')}`);
    t.setWriteBufferLimits({ low: 100 });
    check(t.getWriteBufferLimits().join() === '100,400', `{ low: 100 } gave ${t.getWriteBufferLimits().join('/')}, expected 100/400`);
    checkRaises(() => {
      t.setWriteBufferLimits({ high: 1, low: 2 });
    }, RangeError, 'setWriteBufferLimits({ high: 1, low: 2 })');
    checkRaises(() => {
      t.setWriteBufferLimits({ high: 10, low: -1 });
    }, RangeError, 'setWriteBufferLimits({ high: 10, low: -1 })');
    t.setWriteBufferLimits();
    check(t.getWriteBufferLimits().join() === '16384,65536', `the defaults are ${t.getWriteBufferLimits().join('/')}, expected 16384/65536`);
    ends.ta.close();
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  if (halfClose) {
    add('writeEof() half-closes: the peer gets eofReceived() and can still write back', function* (ends) {
      ends.b.keepOpen = true;
      check(ends.ta.canWriteEof(), 'canWriteEof() is false (pass { halfClose: false } for such transports)');
      const request = pattern(5000, 9);
      ends.ta.write(request);
      ends.ta.writeEof();
      checkRaises(() => {
        ends.ta.write(pattern(1, 10));
      }, RuntimeError, 'write() after writeEof()');
      yield* ends.b.untilEof();
      checkBytes(ends.b.bytes(), request, 'bytes received by B before end-of-file');
      check(!ends.b.lost && !ends.tb.isClosing(), 'B closed although eofReceived() returned true');
      const reply = pattern(7000, 11);
      ends.tb.write(reply);
      yield* ends.a.untilBytes(reply.length);
      checkBytes(ends.a.bytes(), reply, 'bytes B sent back after the half-close');
      ends.tb.close();
      yield* ends.a.untilEof();
      yield* ends.a.untilLost();
      yield* ends.b.untilLost();
    });

    add('eofReceived() returning false makes the transport close itself', function* (ends) {
      ends.ta.writeEof();
      yield* ends.b.untilLost();
      check(ends.tb.isClosing(), 'B is not closing after eofReceived() returned false');
      check(ends.b.lostError === null, `B lost the connection with ${String(ends.b.lostError)}, expected null`);
      yield* ends.a.untilEof();
      yield* ends.a.untilLost();
    });
  }

  add('close() delivers the buffered data before connectionLost()', function* (ends) {
    let bufferedAtLost = -1;
    ends.a.onLost = () => {
      bufferedAtLost = ends.ta.getWriteBufferSize();
    };
    ends.tb.pauseReading();
    const data = pattern(settings.bulk, 12);
    ends.ta.write(data);
    ends.ta.close();
    check(ends.ta.isClosing(), 'isClosing() is false right after close()');
    yield* settle();
    ends.tb.resumeReading();
    yield* ends.b.untilEof();
    checkBytes(ends.b.bytes(), data, 'bytes received by B after close()');
    const lost = yield* ends.a.untilLost();
    check(lost === null, `A lost the connection with ${String(lost)}, expected null`);
    check(bufferedAtLost === 0, `A's write buffer held ${bufferedAtLost} bytes at connectionLost()`);
    yield* ends.b.untilLost();
  });

  add('abort() discards the buffered data and closes at once', function* (ends) {
    ends.tb.pauseReading();
    const written: Uint8Array[] = [];
    const total = yield* fillUntilPaused(settings, ends, pattern(16 * 1024, 13), written);
    const buffered = ends.ta.getWriteBufferSize();
    check(buffered > 0, 'nothing was buffered before abort()');
    ends.ta.abort();
    check(ends.ta.isClosing(), 'isClosing() is false right after abort()');
    check(ends.ta.getWriteBufferSize() === 0, `the write buffer holds ${ends.ta.getWriteBufferSize()} bytes after abort()`);
    check(!ends.a.lost, 'connectionLost() was called inside abort() (it must come later, on the loop)');
    const lost = yield* ends.a.untilLost();
    check(lost === null, `A lost the connection with ${String(lost)}, expected null`);
    ends.tb.resumeReading();
    yield* ends.b.untilLost();
    check(
      ends.b.receivedBytes <= total - buffered,
      `B received ${ends.b.receivedBytes} bytes: more than the ${total - buffered} that were not discarded`,
    );
    checkBytes(ends.b.bytes(), concat(written).subarray(0, ends.b.receivedBytes), 'bytes received by B before the abort');
  });

  add('close() twice, then abort(), still calls connectionLost() once on each end', function* (ends) {
    ends.ta.close();
    ends.ta.close();
    ends.ta.abort();
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
    yield* settle();
    check(ends.a.events.filter((e) => e === 'lost').length === 1, 'A got connectionLost() more than once');
  });

  add('closing both ends at the same time calls connectionLost() once on each', function* (ends) {
    ends.ta.write(pattern(10, 14));
    ends.tb.write(pattern(10, 15));
    ends.ta.close();
    ends.tb.close();
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
    yield* settle();
  });

  add('pauseReading() and resumeReading() are idempotent, and isReading() follows them', function* (ends) {
    check(ends.tb.isReading(), 'isReading() is false on a fresh transport');
    ends.tb.pauseReading();
    ends.tb.pauseReading();
    check(!ends.tb.isReading(), 'isReading() is true after pauseReading()');
    const data = pattern(3000, 16);
    ends.ta.write(data);
    yield* settle();
    check(ends.b.receivedBytes === 0, `B received ${ends.b.receivedBytes} bytes while its reading was paused`);
    ends.tb.resumeReading();
    ends.tb.resumeReading();
    check(ends.tb.isReading(), 'isReading() is false after resumeReading()');
    yield* ends.b.untilBytes(data.length);
    checkBytes(ends.b.bytes(), data, 'bytes received by B after resumeReading()');
    ends.ta.close();
    check(!ends.ta.isReading(), 'isReading() is true after close()');
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  add('getExtraInfo() returns the default for a key it does not have', function* (ends) {
    check(ends.ta.getExtraInfo('tsyncio-no-such-key') === undefined, 'getExtraInfo(unknown) is not undefined');
    check(ends.ta.getExtraInfo('tsyncio-no-such-key', 'fallback') === 'fallback', 'getExtraInfo(unknown, default) ignores the default');
    check(ends.ta.getProtocol() === ends.a, 'getProtocol() is not the protocol of the connection');
    ends.ta.close();
    yield* ends.a.untilLost();
    yield* ends.b.untilLost();
  });

  add('write() after the connection is lost is ignored', function* (ends) {
    ends.ta.close();
    yield* ends.a.untilLost();
    ends.ta.write(pattern(10, 17));
    yield* ends.b.untilLost();
    check(ends.b.receivedBytes === 0, `B received ${ends.b.receivedBytes} bytes written after A's connection was lost`);
  });

  if (options.bufferedProtocol ?? true) {
    add(
      'a BufferedProtocol receives the same bytes through getBuffer() and bufferUpdated()',
      function* (ends) {
        const data = pattern(settings.bulk >> 2, 18);
        for (let at = 0; at < data.length; at += 4096) ends.ta.write(data.subarray(at, at + 4096));
        ends.ta.close();
        yield* ends.b.untilEof();
        checkBytes(ends.b.bytes(), data, 'bytes received through getBuffer()');
        check(ends.b instanceof RecordingBufferedProtocol && ends.b.getBufferCalls > 0, 'getBuffer() was never called');
        yield* ends.b.untilLost();
        yield* ends.a.untilLost();
      },
      () => [new RecordingProtocol({ name: 'A' }), new RecordingBufferedProtocol({ name: 'B', bufferSize: 1000 })],
    );
  }
  return list;
}

/**
 * The transport conformance suite: returns one case per rule of the transport contract — the
 * call order (connectionMade → dataReceived* → eofReceived? → connectionLost once), data
 * integrity in both directions with small and large writes, write flow control
 * (pauseWriting/resumeWriting at the water marks, drain in between), setWriteBufferLimits
 * validation, half-close, close flushing before connectionLost, abort discarding, idempotent
 * close and pause/resume, getExtraInfo, writes after loss, BufferedProtocol delivery.
 *
 * Register the cases with your test runner (`it(c.name, c.run)`); each `run()` rejects with a
 * descriptive Error on failure. Time is the case loop's: a VirtualClock (the default) makes the
 * suite instant and deterministic.
 *
 * tsyncio only: the role of Trio's `check_two_way_stream`.
 *
 * @example
 * ```ts
 * for (const c of checkTransport({ makePair: (a, b) => connectPipe(a, b, { chunking: 'random' }) })) {
 *   it(c.name, c.run);
 * }
 * ```
 */
export function checkTransport(options: CheckTransportOptions): TransportCase[] {
  if (typeof options?.makePair !== 'function') throw new TypeError('checkTransport() needs a makePair function');
  const settings: Settings = {
    makePair: options.makePair,
    newLoop: options.newLoop ?? (() => new EventLoop({ clock: new VirtualClock({ autojump: true }) })),
    timeout: options.timeout ?? 60,
    bulk: options.bulkBytes ?? 1024 * 1024,
    maxFill: options.maxFillBytes ?? 64 * 1024 * 1024,
  };
  return cases(settings, options).map(([name, body, protocols]) => ({
    name,
    run: () => runCase(settings, name, body, protocols),
  }));
}
