/**
 * Handles: a callback scheduled on a loop, as returned by `callSoon` (a {@link Handle}) and
 * `callLater`/`callAt` (a {@link TimerHandle}). Each runs in the Context it was scheduled with;
 * an error it throws goes to the loop's exception handler, never to the host.
 *
 * @module
 */
import { brandedHasInstance, HANDLE_BRAND, INSPECT, TASK_BRAND, TIMER_HANDLE_BRAND, hasBrand } from './brand.js';
import { _enterContext, _exitContext, copyContext, type Context } from './context.js';
import { captureStack, describe } from './debug.js';
import type { ExceptionContext } from './exception-context.js';

/** @internal What a handle needs from its loop (kept structural to avoid an import cycle). */
export interface HandleOwner {
  getDebug(): boolean;
  callExceptionHandler(context: ExceptionContext): void;
  _timerHandleCancelled(handle: TimerHandle): void;
}

/**
 * @internal What the ready queue holds: a Handle, or any object that runs itself (a Task's step,
 * which spares a Handle per step). `_run()` must never throw.
 */
export interface Runnable {
  readonly _cancelled: boolean;
  _run(): void;
}

/** @internal A callback as stored by a handle. */
export type Callback = (...args: unknown[]) => unknown;

const NO_ARGS: readonly unknown[] = [];

/**
 * A callback scheduled with `loop.callSoon()`: call {@link cancel} to stop it from running.
 *
 * Same as asyncio's `asyncio.Handle`.
 *
 * @example
 * ```ts
 * const handle = loop.callSoon(() => console.log('never'));
 * handle.cancel();
 * ```
 */
export class Handle {
  /** @internal */
  _callback: Callback | null;
  /** @internal arguments when there are more than two (else null, and `_a0`/`_a1` hold them) */
  _args: readonly unknown[] | null;
  /** @internal */
  _a0: unknown;
  /** @internal */
  _a1: unknown;
  /** @internal how many arguments the callback gets */
  _argc: number;
  /** @internal */
  readonly _context: Context;
  /** @internal */
  readonly _loop: HandleOwner;
  /** @internal */
  _cancelled = false;
  /** @internal creation stack, in debug mode */
  _sourceTraceback: string | null;
  /** @internal description kept when cancelled in debug mode */
  _repr: string | null = null;

  /**
   * Prefer `loop.callSoon()`, which also schedules the handle.
   *
   * @param callback what to call
   * @param args its arguments
   * @param loop the loop that will run it
   * @param context the Context to run it in (default: a copy of the current one)
   */
  constructor(callback: (...args: never) => unknown, args: readonly unknown[], loop: HandleOwner, context?: Context | null) {
    this._callback = callback as Callback;
    this._loop = loop;
    this._context = context ?? copyContext();
    const count = args.length;
    this._argc = count;
    if (count <= 2) {
      this._args = null;
      this._a0 = count > 0 ? args[0] : undefined;
      this._a1 = count > 1 ? args[1] : undefined;
    } else {
      this._args = args;
      this._a0 = undefined;
      this._a1 = undefined;
    }
    this._sourceTraceback = loop.getDebug() ? captureStack(2) : null;
  }

  /** @internal A handle calling `callback(a0, a1)` without an argument array (the hot path). */
  static _of(callback: Callback, a0: unknown, a1: unknown, loop: HandleOwner, context: Context): Handle {
    const handle = new Handle(callback, NO_ARGS, loop, context);
    handle._argc = 2;
    handle._a0 = a0;
    handle._a1 = a1;
    return handle;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [HANDLE_BRAND](): true {
    return true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, Handle, HANDLE_BRAND, value);
  }

  /** The Context the callback runs in. */
  getContext(): Context {
    return this._context;
  }

  /** Stop the callback from running. A no-op if it already ran or was cancelled. */
  cancel(): void {
    if (!this._cancelled) {
      this._cancelled = true;
      if (this._loop.getDebug()) this._repr = this.toString();
      this._callback = null;
      this._args = null;
      this._a0 = undefined;
      this._a1 = undefined;
    }
  }

  /** Whether {@link cancel} was called. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /**
   * @internal Run the callback in its context. An error goes to the loop's exception handler
   * (after leaving the context, as asyncio does).
   */
  _run(): void {
    const context = this._context;
    try {
      const previous = _enterContext(context);
      try {
        const callback = this._callback as Callback;
        switch (this._argc) {
          case 0:
            callback();
            break;
          case 1:
            callback(this._a0);
            break;
          case 2:
            callback(this._a0, this._a1);
            break;
          default:
            callback(...(this._args as unknown[]));
        }
      } finally {
        _exitContext(context, previous);
      }
    } catch (exception) {
      const errorContext: ExceptionContext = {
        message: `Exception in callback ${this._describeCallback()}`,
        exception,
        handle: this,
      };
      if (this._sourceTraceback !== null) errorContext.sourceTraceback = this._sourceTraceback;
      this._loop.callExceptionHandler(errorContext);
    }
  }

  /** @internal */
  _describeCallback(): string {
    const callback = this._callback;
    if (callback === null) return '<cancelled>';
    if (hasBrand(this._a0, TASK_BRAND)) return `${callback.name === '' ? 'step' : callback.name}(${String(this._a0)})`;
    const args = this._args ?? (this._argc === 0 ? NO_ARGS : this._argc === 1 ? [this._a0] : [this._a0, this._a1]);
    const name = callback.name === '' ? '<anonymous>' : callback.name;
    return `${name}(${args.map(describe).join(', ')})`;
  }

  /** asyncio-style description: `<Handle tick(1, 2)>`, `<Handle cancelled>`. */
  toString(): string {
    const parts = [this.constructor.name];
    if (this._cancelled) parts.push('cancelled');
    if (this._callback !== null) parts.push(this._describeCallback());
    this._describeExtra(parts);
    return `<${parts.join(' ')}>`;
  }

  /** @internal */
  _describeExtra(_parts: string[]): void {
    // TimerHandle adds its deadline
  }

  [INSPECT](): string {
    return this._repr ?? this.toString();
  }
}

/**
 * A callback scheduled at a time with `loop.callLater()` / `loop.callAt()`.
 *
 * Same as asyncio's `asyncio.TimerHandle`. Cancelling it tells the loop, which purges cancelled
 * timers lazily (see `EventLoop`).
 */
export class TimerHandle extends Handle {
  /** @internal deadline in loop time (seconds) */
  _when: number;
  /** @internal FIFO tie-breaker among equal deadlines */
  _seq: number;
  /** @internal whether it is in the loop's timer heap */
  _scheduled = false;

  /**
   * Prefer `loop.callLater()` / `loop.callAt()`, which also schedule the timer.
   */
  constructor(
    when: number,
    callback: (...args: never) => unknown,
    args: readonly unknown[],
    loop: HandleOwner,
    context?: Context | null,
    seq = 0,
  ) {
    super(callback, args, loop, context);
    this._when = when;
    this._seq = seq;
  }

  /** @internal A timer calling `callback(a0, a1)` without an argument array (the hot path). */
  static _ofTimer(
    when: number,
    callback: Callback,
    a0: unknown,
    a1: unknown,
    loop: HandleOwner,
    context: Context,
    seq: number,
  ): TimerHandle {
    const timer = new TimerHandle(when, callback, NO_ARGS, loop, context, seq);
    timer._argc = 2;
    timer._a0 = a0;
    timer._a1 = a1;
    return timer;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [TIMER_HANDLE_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, TimerHandle, TIMER_HANDLE_BRAND, value);
  }

  /** The time (in the loop's clock, seconds) the callback is scheduled for. */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (this._cancelled) return;
    super.cancel();
    this._loop._timerHandleCancelled(this);
  }

  /** @internal */
  override _describeExtra(parts: string[]): void {
    parts.push(`when=${this._when}`);
  }
}
