/**
 * Helpers for the combinator and timeout suites (gather, wait, waitFor, asCompleted, shield,
 * timeout). Platform-neutral: no `node:` imports, these files also run in headless Chromium.
 *
 * Every test runs on a fresh loop on `new VirtualClock({ autojump: true })`: `sleep(60)` and
 * `timeout(60)` complete at once in real time, while `loop.time()` moves exactly as far as the
 * timers say — so tests assert loop times, never real ones.
 */
import { onTestFinished } from 'vitest';
import { EventLoop, setEventLoop, VirtualClock, type ExceptionContext } from '@tsyncio/loop';
import { createTask, Future, type Awaitable, type Coroutine } from '../src/index.js';

/** A test loop and what its exception handler received. */
export interface CombinatorLoop {
  loop: EventLoop;
  /** The loop's clock (`advance()` stands in for a busy loop). */
  clock: VirtualClock;
  /** Contexts passed to the loop's exception handler, in order. */
  errors: ExceptionContext[];
}

/**
 * A fresh loop on an autojump VirtualClock, set as the loop `getEventLoop()` returns outside a
 * running loop, with an exception handler that records instead of logging; closed (and unset)
 * when the test finishes.
 */
export function newLoop(): CombinatorLoop {
  const clock = new VirtualClock({ autojump: true });
  const loop = new EventLoop({ clock });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  setEventLoop(loop);
  onTestFinished(() => {
    setEventLoop(null);
    if (!loop.isRunning() && !loop.isClosed()) loop.close();
  });
  return { loop, clock, errors };
}

/**
 * A coroutine, or a function making an awaitable (called inside the task, so it may use the
 * running loop).
 */
export type Main<T> = Coroutine<T> | (() => Awaitable<T>);

function* callInside<T>(make: () => Awaitable<T>): Coroutine<T> {
  return yield* make();
}

/** Run `main` as a task on `loop` until it is done (asyncio's `loop.run_until_complete`). */
export function run<T>(loop: EventLoop, main: Main<T>): Promise<T> {
  const coro = typeof main === 'function' ? callInside(main) : main;
  return loop.runUntilComplete(createTask(coro, { loop }));
}

/**
 * Run `main` as a task and report how it ended, without rejecting: `{ value }`, or `{ error }`
 * (for a cancelled task, its CancelledError).
 */
export async function settle<T>(
  loop: EventLoop,
  main: Main<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await run(loop, main) };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The error `main` ends with (throws if it returns normally). */
export async function failure(loop: EventLoop, main: Main<unknown>): Promise<unknown> {
  const outcome = await settle(loop, main);
  if (outcome.ok) throw new Error(`expected an error, got ${String(outcome.value)}`);
  return outcome.error;
}

/**
 * Run exactly `count` loop iterations (asyncio's `test_utils.run_briefly` is one): each runs the
 * callbacks ready when it started, not those they schedule.
 */
export async function runBriefly(loop: EventLoop, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) {
    loop.callSoon(() => {
      loop.stop();
    });
    await loop.runForever();
  }
}

/** A pending future of `loop`. */
export function future<T>(loop: EventLoop): Future<T> {
  return new Future<T>({ loop });
}

/** A coroutine that sleeps for nothing: it just returns `value`. */
export function* immediate<T>(value: T): Coroutine<T> {
  return value;
}

/** A coroutine that throws `error` at once. */
export function* failing(error: unknown): Coroutine<never> {
  throw error;
}

/** A coroutine that waits for `f` and returns its result. */
export function* awaiting<T>(f: Future<T>): Coroutine<T> {
  return yield* f;
}

/** The error `fn()` throws synchronously (throws if it returns). */
export function syncError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}
