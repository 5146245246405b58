/**
 * Helpers for the @tsyncio/loop suite (platform-neutral: no `node:` imports, these files also run
 * in headless Chromium). The role of CPython's `test_asyncio/utils.py`: a test loop on virtual
 * time, a future-like stand-in (the futures package sits above this one), a host whose turns the
 * test runs by hand, and a logger that records what the loop reports.
 */
import { onTestFinished } from 'vitest';
import {
  EventLoop,
  setLogger,
  VirtualClock,
  VirtualHost,
  type ExceptionContext,
  type FutureLike,
  type Host,
  type HostTimer,
  type Logger,
} from '../src/index.js';

/** A loop on an autojump VirtualClock whose exception handler collects the contexts it gets. */
export interface TestLoop {
  loop: EventLoop;
  clock: VirtualClock;
  /** Every context passed to the loop's exception handler, in order. */
  errors: ExceptionContext[];
}

/**
 * A fresh loop on `new VirtualClock({ autojump: true })` (unless `autojump: false`), whose
 * exception handler records contexts into `errors` instead of logging them. The loop is closed
 * when the test finishes (if it is not running).
 */
export function virtualLoop(options: { autojump?: boolean; debug?: boolean; host?: Host } = {}): TestLoop {
  const clock = new VirtualClock({ autojump: options.autojump ?? true });
  const loop = new EventLoop({
    clock,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.debug !== undefined ? { debug: options.debug } : {}),
  });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  onTestFinished(() => {
    closeQuietly(loop);
  });
  return { loop, clock, errors };
}

/** Close `loop` at the end of a test unless it still runs (debug off, so closing logs nothing). */
function closeQuietly(loop: EventLoop): void {
  if (loop.isRunning()) return;
  loop.setDebug(false);
  loop.close();
}

/**
 * A platform host whose "soon" turns queue up until the test runs them, so a test can step a
 * loop turn by turn. It has no timers: a VirtualHost (which only asks its platform for "soon"
 * turns) is meant to sit on top of it.
 */
export class ManualHost implements Host {
  readonly name = 'manual';
  readonly queue: (() => void)[] = [];

  soon(callback: () => void): void {
    this.queue.push(callback);
  }

  later(_delay: number, _callback: () => void): HostTimer {
    throw new Error('ManualHost has no timers; put a VirtualHost on top of it');
  }

  cancel(_timer: HostTimer): void {
    throw new Error('ManualHost has no timers');
  }

  /** Run the oldest queued turn; false when none is queued. */
  runNext(): boolean {
    const callback = this.queue.shift();
    if (callback === undefined) return false;
    callback();
    return true;
  }

  /** Run turns (including the ones they queue) until none is left; returns how many ran. */
  runAll(limit = 100_000): number {
    let count = 0;
    while (this.runNext()) {
      if (++count >= limit) throw new Error(`ManualHost.runAll(): still busy after ${limit} turns`);
    }
    return count;
  }
}

/** A loop on a VirtualClock whose platform turns are run by hand through `platform`. */
export function manualLoop(options: { autojump?: boolean } = {}): TestLoop & { platform: ManualHost } {
  const clock = new VirtualClock({ autojump: options.autojump ?? false });
  const platform = new ManualHost();
  const loop = new EventLoop({ clock, host: new VirtualHost(clock, platform) });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  onTestFinished(() => {
    closeQuietly(loop);
  });
  return { loop, clock, errors, platform };
}

/**
 * The smallest future the loop accepts in `runUntilComplete` (the futures package does not exist
 * at this layer): done callbacks are scheduled with `callSoon` when it completes, as asyncio's.
 */
export class MiniFuture<T> implements FutureLike<T> {
  private _state: 'pending' | 'result' | 'exception' | 'cancelled' = 'pending';
  private _value: unknown = undefined;
  callbacks: ((future: FutureLike<T>) => void)[] = [];

  constructor(readonly loop: EventLoop) {}

  done(): boolean {
    return this._state !== 'pending';
  }

  result(): T {
    if (this._state === 'result') return this._value as T;
    if (this._state === 'exception') throw this._value;
    if (this._state === 'cancelled') throw new Error('MiniFuture was cancelled');
    throw new Error('MiniFuture result is not set');
  }

  setResult(value: T): void {
    this._settle('result', value);
  }

  setException(error: unknown): void {
    this._settle('exception', error);
  }

  cancel(): boolean {
    if (this._state !== 'pending') return false;
    this._settle('cancelled', undefined);
    return true;
  }

  addDoneCallback(callback: (future: FutureLike<T>) => void): void {
    if (this.done()) this.loop.callSoon(callback, this);
    else this.callbacks.push(callback);
  }

  removeDoneCallback(callback: (future: FutureLike<T>) => void): number {
    const before = this.callbacks.length;
    this.callbacks = this.callbacks.filter((cb) => cb !== callback);
    return before - this.callbacks.length;
  }

  private _settle(state: 'result' | 'exception' | 'cancelled', value: unknown): void {
    if (this._state !== 'pending') throw new Error('MiniFuture is already done');
    this._state = state;
    this._value = value;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const callback of callbacks) this.loop.callSoon(callback, this);
  }
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

/** Whether `items` (a TimerHeap's array) is a heap: no timer orders before its parent by `(when, seq)`. */
export function isHeap(items: readonly { _when: number; _seq: number }[]): boolean {
  for (let i = 1; i < items.length; i++) {
    const child = items[i]!;
    const parent = items[(i - 1) >> 1]!;
    if (child._when < parent._when || (child._when === parent._when && child._seq < parent._seq)) return false;
  }
  return true;
}

/** Let the platform run `count` macrotasks (so host turns and timers of 0 ms get their chance). */
export async function macrotasks(count = 5): Promise<void> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
