/**
 * Helpers for the @tsyncio/futures core suite (platform-neutral: no `node:` imports, these files
 * also run in headless Chromium). The role of CPython's `test_asyncio/utils.py`: a test loop on
 * virtual time, `run_briefly`, and a logger that records what tsyncio reports.
 */
import { onTestFinished } from 'vitest';
import {
  EventLoop,
  setEventLoop,
  setLogger,
  VirtualClock,
  type ExceptionContext,
  type Logger,
} from '@tsyncio/loop';
import { createTask, type Coroutine } from '../src/index.js';

/** A loop on an autojump VirtualClock whose exception handler collects the contexts it gets. */
export interface TestLoop {
  loop: EventLoop;
  clock: VirtualClock;
  /** Every context passed to the loop's exception handler, in order. */
  errors: ExceptionContext[];
}

/**
 * A fresh loop on `new VirtualClock({ autojump: true })` whose exception handler records contexts
 * into `errors` instead of logging them. It is also made the loop `getEventLoop()` returns outside
 * a running loop (so `new Future()` in test code binds to it), and closed when the test finishes.
 */
export function virtualLoop(options: { debug?: boolean; autojump?: boolean } = {}): TestLoop {
  const clock = new VirtualClock({ autojump: options.autojump ?? true });
  const loop = new EventLoop({ clock, ...(options.debug === undefined ? {} : { debug: options.debug }) });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  setEventLoop(loop);
  onTestFinished(() => {
    setEventLoop(null);
    if (loop.isRunning()) return;
    loop.setDebug(false);
    loop.close();
  });
  return { loop, clock, errors };
}

/**
 * Run exactly `count` iterations of `loop` (asyncio's `test_utils.run_briefly` is one): each
 * iteration runs the callbacks that were ready when it started, and nothing they schedule.
 */
export async function iterate(loop: EventLoop, count = 1): Promise<void> {
  for (let i = 0; i < count; i++) {
    loop.callSoon(() => {
      loop.stop();
    });
    await loop.runForever();
  }
}

/** Run `coro` as a task on `loop` until it is done; its result or exception settles the promise. */
export function runTask<T>(loop: EventLoop, coro: Coroutine<T>): Promise<T> {
  return loop.runUntilComplete(createTask(coro, { loop }));
}

/** What a promise settled with: `{ value }` or `{ error }`. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Wait for `promise` and describe how it settled (never rejects). */
export async function outcome<T>(promise: PromiseLike<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The error `promise` rejects with (fails the test if it fulfils). */
export async function rejection(promise: PromiseLike<unknown>): Promise<unknown> {
  const result = await outcome(promise);
  if (result.ok) throw new Error(`expected a rejection, got ${String(result.value)}`);
  return result.error;
}

/** The error `fn()` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}

/** One entry a {@link captureLogger} logger recorded. */
export interface LogEntry {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  details: unknown[];
}

/** Route tsyncio's logger into an array for the rest of the test (restored to console afterwards). */
export function captureLogger(): LogEntry[] {
  const entries: LogEntry[] = [];
  const logger: Logger = {
    error: (message, ...details) => entries.push({ level: 'error', message, details }),
    warn: (message, ...details) => entries.push({ level: 'warn', message, details }),
    info: (message, ...details) => entries.push({ level: 'info', message, details }),
    debug: (message, ...details) => entries.push({ level: 'debug', message, details }),
  };
  setLogger(logger);
  onTestFinished(() => {
    setLogger(null);
  });
  return entries;
}

/** A coroutine that returns `value` without suspending. */
export function* returns<T>(value: T): Coroutine<T> {
  return value;
}

/** A coroutine that throws `error` without suspending. */
export function* raises(error: unknown): Coroutine<never> {
  throw error;
}
