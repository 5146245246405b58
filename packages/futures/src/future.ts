/**
 * Future: the result of an operation that is not done yet, bound to an event loop.
 *
 * ## States
 *
 * ```
 *   PENDING ──setResult()────→ FINISHED (result)
 *      │    ──setException()─→ FINISHED (exception)
 *      └────cancel()─────────→ CANCELLED
 * ```
 *
 * A future leaves PENDING exactly once. Done callbacks are never called synchronously: when the
 * future is done (or if it already is) each one is scheduled with `callSoon`, in the Context it
 * was added with, and receives the future.
 *
 * ## Waiting on a future
 *
 * `yield* future` (inside a coroutine) yields the future itself once — the Task driving the
 * coroutine sees it and waits — then returns its result or throws its exception. `await future`
 * (plain async code) works too: a Future is a thenable that settles through the loop.
 *
 * A future is its own iterator (`[Symbol.iterator]()` returns the future; `next()` yields it while
 * pending and returns its result once done), so waiting allocates no generator. The only state is
 * asyncio's `_asyncio_future_blocking` flag, which the waiting Task clears at once, which is why
 * several tasks can wait on one future. A coroutine resumed while the future it waits on is still
 * pending (driven by something other than a Task) gets RuntimeError("await wasn't used with
 * future"), as in asyncio.
 *
 * @module
 */
import {
  _enterContext,
  _exitContext,
  brandedHasInstance,
  captureStack,
  copyContext,
  describe,
  FUTURE_BRAND,
  getEventLoop,
  hasBrand,
  INSPECT,
  RuntimeError,
  type Context,
  type EventLoop,
} from '@tsyncio/loop';
import type { Awaitable } from './coroutine.js';
import { CancelledError, InvalidStateError } from './errors.js';
import { reportUnretrieved, retrieved } from './internal/unretrieved.js';

/** @internal `_flags` bit: an exception is set that nobody retrieved yet. */
export const LOG_TRACEBACK = 1;
/** @internal `_flags` bit (Task): the next step must throw CancelledError. */
export const MUST_CANCEL = 2;
/**
 * @internal `_flags` bit: asyncio's `_asyncio_future_blocking`, set when the future yields itself
 * from `yield*`, so a Task can tell `yield* future` from a bare `yield future`.
 */
export const BLOCKING = 4;
/** @internal `_flags` bit (Task): a step is in the ready queue (else a queued done task runs its callbacks). */
export const STEP_SCHEDULED = 8;

/** @internal The rarely used state of a future, kept out of the future itself (see `_extra`). */
export class FutureExtra {
  cancelMessage: unknown = undefined;
  cancelledExc: CancelledError | null = null;
  sourceTraceback: string | null = null;
  /** Task: created on first use of `signal` */
  abort: AbortController | null = null;
  /** Task: wakeup callback for futures of another installed copy */
  wakeupBound: ((future: unknown) => void) | null = null;
  /** Task, debug mode: cancel count when a CancelledError was last thrown into the coroutine */
  cancelDelivered = 0;
  /** Task: cancel() calls minus uncancel() calls */
  cancelsRequested = 0;
  /** done callbacks after the first, as [callback, context] pairs */
  callbacks: unknown[] | null = null;
}

/** @internal Future states (asyncio's `_PENDING`, `_CANCELLED`, `_FINISHED`, split by outcome). */
export const PENDING = 0;
/** @internal */
export const CANCELLED = 1;
/** @internal finished with a result */
export const RESULT = 2;
/** @internal finished with an exception */
export const ERROR = 3;

/** A done callback: receives the future. */
export type DoneCallback<T> = (future: Future<T>) => void;

/** Options for {@link Future}. */
export interface FutureOptions {
  /** The loop the future belongs to (default: `getEventLoop()`). */
  loop?: EventLoop;
}

/** Options for {@link Future.addDoneCallback}. */
export interface AddDoneCallbackOptions {
  /** The Context the callback runs in (default: a copy of the current one). */
  context?: Context;
}

/** @internal What a Task looks like to the futures of its own copy that it waits on. */
export interface TaskWaiter {
  readonly _context: Context;
  /** the future is done: schedule the task's next step */
  _wakeupLater(future: Future<unknown>): void;
  /** the future is done and its callbacks are running: step the task now (asyncio's `__wakeup`) */
  _wakeupNow(future: Future<unknown>): void;
}

type StoredCallback = (a0: unknown, a1: unknown) => void;

/** @internal Marker entry: "wake this task" (the context slot holds the task). */
function wakeTask(task: unknown, future: unknown): void {
  (task as TaskWaiter)._wakeupLater(future as Future<unknown>);
}

/** Schedule the done callback `callback(future)` (with one argument, as asyncio calls it). */
function scheduleCallback(loop: EventLoop, callback: StoredCallback, future: unknown, context: Context): void {
  loop._callSoonFast(callback, future, undefined, context)._argc = 1;
}

/**
 * The one iterator-result object futures return from `next()`: `yield*` reads it at once and
 * passes it straight to the Task, so it never needs to be a fresh object per wait.
 */
const ITER_RESULT: { value: unknown; done: boolean } = { value: undefined, done: false };

/** Same-copy marker: a Future of this very copy (so internal fields can be used directly). */
const LOCAL = Symbol('tsyncio.Future.local');

/**
 * The result of an asynchronous operation, bound to an event loop. Usually created by library
 * code (a Task is a Future); application code mostly waits on futures with `yield*` or `await`.
 *
 * Same as asyncio's `asyncio.Future`: the same states, errors and callback rules.
 *
 * Differs from asyncio: futures are thenables (`await future` in plain async code), `yield*`
 * replaces `await` inside coroutines, and an exception nobody retrieved is reported when the
 * future is garbage-collected (through a `FinalizationRegistry`), not in `__del__`.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<number> {
 *   const loop = getRunningLoop();
 *   const future = new Future<number>({ loop });
 *   loop.callLater(1, () => future.setResult(42));
 *   return yield* future; // 42, one second later
 * }
 * ```
 */
export class Future<T> implements PromiseLike<T>, Awaitable<T> {
  /** @internal */
  _state: number = PENDING;
  /**
   * @internal the result or the exception; while a Task is pending, what its scheduled step
   * throws into the coroutine (see STEP_SCHEDULED)
   */
  _value: unknown = undefined;
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal first done callback (most futures have one: the waiting task) */
  _cb0: StoredCallback | null = null;
  /** @internal its context (or the task, for a task waiter) */
  _ctx0: unknown = null;
  /** @internal Runnable: never cancelled (a constant on the prototype) */
  declare readonly _cancelled: false;
  /** @internal bit flags: LOG_TRACEBACK, BLOCKING, and for a Task MUST_CANCEL and STEP_SCHEDULED */
  _flags = 0;
  /**
   * @internal What few futures need (cancel message, saved CancelledError, debug traceback, a
   * task's AbortController…), in one object made on first use: keeps every future small.
   */
  _extra: FutureExtra | null = null;

  /**
   * @throws TypeError when `options.loop` is not an EventLoop.
   */
  constructor(options?: FutureOptions) {
    const loop = options?.loop ?? getEventLoop();
    if (typeof (loop as Partial<EventLoop> | null)?.getDebug !== 'function') {
      throw new TypeError(`Future loop option must be an EventLoop, got ${describe(loop)}`);
    }
    this._loop = loop;
    if (loop.getDebug()) this._x().sourceTraceback = captureStack(1);
  }

  /** @internal the extra fields, made on first use */
  _x(): FutureExtra {
    return (this._extra ??= new FutureExtra());
  }

  /**
   * @internal asyncio's `_asyncio_future_blocking` (the one field other installed copies read and
   * write: see BLOCKING).
   */
  get _asyncioFutureBlocking(): boolean {
    return (this._flags & BLOCKING) !== 0;
  }

  set _asyncioFutureBlocking(value: boolean) {
    this._flags = value ? this._flags | BLOCKING : this._flags & ~BLOCKING;
  }

  /** @internal done callbacks after the first, as [callback, context] pairs */
  get _callbacks(): unknown[] | null {
    return this._extra?.callbacks ?? null;
  }

  set _callbacks(value: unknown[] | null) {
    if (value !== null || this._extra !== null) this._x().callbacks = value;
  }

  /** @internal whether an exception is set that nobody retrieved yet */
  get _logTraceback(): boolean {
    return (this._flags & LOG_TRACEBACK) !== 0;
  }

  set _logTraceback(value: boolean) {
    this._flags = value ? this._flags | LOG_TRACEBACK : this._flags & ~LOG_TRACEBACK;
  }

  /** @internal the message of the cancel() that cancelled it */
  get _cancelMessage(): unknown {
    return this._extra?.cancelMessage;
  }

  set _cancelMessage(value: unknown) {
    if (value !== undefined || this._extra !== null) this._x().cancelMessage = value;
  }

  /** @internal the CancelledError to raise from result(), if one was saved */
  get _cancelledExc(): CancelledError | null {
    return this._extra?.cancelledExc ?? null;
  }

  set _cancelledExc(value: CancelledError | null) {
    if (value !== null || this._extra !== null) this._x().cancelledExc = value;
  }

  /** @internal where it was created (debug mode), else null */
  get _sourceTraceback(): string | null {
    return this._extra?.sourceTraceback ?? null;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [FUTURE_BRAND](): true {
    return true;
  }

  /** @internal */
  get [LOCAL](): true {
    return true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, Future, FUTURE_BRAND, value);
  }

  /** The loop the future is bound to. */
  getLoop(): EventLoop {
    return this._loop;
  }

  /** Whether the future is done: it has a result or an exception, or was cancelled. */
  done(): boolean {
    return this._state !== PENDING;
  }

  /** Whether the future was cancelled. */
  cancelled(): boolean {
    return this._state === CANCELLED;
  }

  /**
   * The future's result.
   *
   * @throws the future's exception, if it has one.
   * @throws CancelledError (with the cancel message) when the future was cancelled.
   * @throws InvalidStateError("Result is not ready.") when it is still pending.
   */
  result(): T {
    const state = this._state;
    if (state === RESULT) return this._value as T;
    if (state === ERROR) {
      if ((this._flags & LOG_TRACEBACK) !== 0) this._markRetrieved();
      throw this._value;
    }
    if (state === CANCELLED) throw this._makeCancelledError();
    throw new InvalidStateError('Result is not ready.');
  }

  /**
   * The future's exception, or null when it finished with a result.
   *
   * @throws CancelledError when the future was cancelled.
   * @throws InvalidStateError("Exception is not set.") when it is still pending.
   */
  exception(): unknown {
    const state = this._state;
    if (state === RESULT) return null;
    if (state === ERROR) {
      if ((this._flags & LOG_TRACEBACK) !== 0) this._markRetrieved();
      return this._value;
    }
    if (state === CANCELLED) throw this._makeCancelledError();
    throw new InvalidStateError('Exception is not set.');
  }

  /**
   * Mark the future done with `result` and schedule its callbacks.
   *
   * @throws InvalidStateError when it is already done.
   */
  setResult(result: T): void {
    if (this._state !== PENDING) throw new InvalidStateError(`${stateName(this._state)}: ${String(this)}`);
    this._value = result;
    this._state = RESULT;
    this._finish();
  }

  /**
   * Mark the future done with `exception` and schedule its callbacks. An Error class (rather than
   * an instance) is instantiated, as asyncio does. If nobody ever retrieves the exception
   * (`result()`, `exception()`, `yield*`, `await`), it is reported to the loop's exception
   * handler when the future is garbage-collected.
   *
   * @throws InvalidStateError when it is already done.
   */
  setException(exception: unknown): void {
    if (this._state !== PENDING) throw new InvalidStateError(`${stateName(this._state)}: ${String(this)}`);
    futureSetException(this, instantiate(exception));
  }

  /**
   * Cancel the future: mark it cancelled and schedule its callbacks.
   *
   * @param msg a message carried by the CancelledError that `result()` raises.
   * @returns false when the future was already done, else true.
   */
  cancel(msg?: unknown): boolean {
    return futureCancel(this, msg);
  }

  /**
   * Call `callback(future)` when the future is done (soon, if it already is). Callbacks run with
   * `loop.callSoon`, never synchronously, in the order they were added, each in `context` (default:
   * a copy of the current Context).
   */
  addDoneCallback(callback: DoneCallback<T>, options?: AddDoneCallbackOptions): void {
    if (typeof callback !== 'function') {
      throw new TypeError(`addDoneCallback() callback must be a function, got ${typeof callback}`);
    }
    const context = options?.context ?? copyContext();
    if (this._state !== PENDING) {
      // the callbacks of the completion are already scheduled: this one goes to the back
      scheduleCallback(this._loop, callback as StoredCallback, this, context);
      return;
    }
    this._pushCallback(callback as StoredCallback, context);
  }

  /**
   * Remove every registration of `callback`.
   *
   * @returns how many were removed.
   */
  removeDoneCallback(callback: DoneCallback<T>): number {
    // once done, the callbacks are scheduled and can no longer be removed (asyncio: the list is empty)
    if (this._state !== PENDING) return 0;
    let removed = 0;
    const rest = this._callbacks;
    if (rest !== null) {
      let kept = 0;
      for (let i = 0; i < rest.length; i += 2) {
        if (rest[i] === callback) {
          removed++;
        } else {
          rest[kept++] = rest[i];
          rest[kept++] = rest[i + 1];
        }
      }
      rest.length = kept;
    }
    if (this._cb0 === (callback as unknown)) {
      removed++;
      this._cb0 = null;
      this._ctx0 = null;
    }
    if (this._cb0 === null && rest !== null && rest.length > 0) {
      this._cb0 = rest[0] as StoredCallback;
      this._ctx0 = rest[1];
      rest.splice(0, 2);
    }
    if (rest !== null && rest.length === 0) this._callbacks = null;
    return removed;
  }

  /**
   * `yield* future` waits for the future and returns its result (or throws its exception).
   * The future is its own iterator: see the module notes.
   */
  [Symbol.iterator](): Generator<Future<T>, T, unknown> {
    return this as unknown as Generator<Future<T>, T, unknown>;
  }

  /**
   * `await future` from plain async code. The promise settles through the loop (a done callback),
   * never synchronously — or at once if the future is done and its loop already closed; it marks
   * an exception as retrieved.
   */
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return new Promise<T>((resolve, reject) => {
      const settle = (future: Future<T>): void => {
        try {
          resolve(future.result());
        } catch (error) {
          reject(error);
        }
      };
      // a closed loop runs no more callbacks, but a done future still has its outcome
      if (this._state !== PENDING && this._loop.isClosed()) settle(this);
      else this.addDoneCallback(settle);
    }).then(onFulfilled, onRejected);
  }

  /** asyncio-style description: `<Future pending>`, `<Future finished result=1>`, `<Future cancelled>`. */
  toString(): string {
    return `<${this.constructor.name} ${this._describe()}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** @internal */
  _describe(): string {
    switch (this._state) {
      case PENDING: {
        const count = (this._cb0 === null ? 0 : 1) + (this._callbacks === null ? 0 : this._callbacks.length / 2);
        return count === 0 ? 'pending' : `pending callbacks=${count}`;
      }
      case CANCELLED:
        return 'cancelled';
      case RESULT:
        return `finished result=${describe(this._value)}`;
      default:
        return `finished exception=${describe(this._value)}`;
    }
  }

  /** @internal the CancelledError result() raises: the saved one once, then fresh ones */
  _makeCancelledError(): CancelledError {
    const extra = this._extra;
    if (extra === null) return new CancelledError();
    const saved = extra.cancelledExc;
    if (saved !== null) {
      extra.cancelledExc = null;
      return saved;
    }
    return new CancelledError(extra.cancelMessage);
  }

  /** @internal wake `task` when done (no closure, no handle: the task's step is queued itself) */
  _addTaskWaiter(task: TaskWaiter): void {
    if (this._state !== PENDING) {
      task._wakeupLater(this);
      return;
    }
    this._pushCallback(wakeTask, task);
  }

  /** @internal */
  _pushCallback(callback: StoredCallback, context: unknown): void {
    if (this._cb0 === null) {
      this._cb0 = callback;
      this._ctx0 = context;
    } else {
      const extra = this._x();
      if (extra.callbacks === null) extra.callbacks = [callback, context];
      else extra.callbacks.push(callback, context);
    }
  }

  /**
   * @internal The future just became done: schedule its callbacks. asyncio schedules one Handle
   * per callback; they are always consecutive in the ready queue, so the future puts *itself* in
   * the ready queue once and runs them in order from there ({@link _run}) — no Handle per callback.
   * A lone waiting task is queued directly instead.
   */
  _finish(): void {
    const callback = this._cb0;
    if (callback === null) return;
    if (callback === wakeTask && (this._extra === null || this._extra.callbacks === null)) {
      const task = this._ctx0 as TaskWaiter;
      this._cb0 = null;
      this._ctx0 = null;
      task._wakeupLater(this);
      return;
    }
    this._loop._scheduleRunnable(this);
  }

  /**
   * @internal Runnable: a done future in the ready queue runs its done callbacks, in the order
   * they were added, each in its own context; an error in one goes to the exception handler and
   * the next still runs (as with one Handle each).
   */
  _run(): void {
    const callback = this._cb0;
    const context = this._ctx0;
    const extra = this._extra;
    const rest = extra === null ? null : extra.callbacks;
    this._cb0 = null;
    this._ctx0 = null;
    if (rest !== null) (extra as FutureExtra).callbacks = null;
    if (callback !== null) runCallback(this, callback, context);
    if (rest !== null) {
      for (let i = 0; i < rest.length; i += 2) runCallback(this, rest[i] as StoredCallback, rest[i + 1]);
    }
  }

  /** @internal */
  _markRetrieved(): void {
    this._flags &= ~LOG_TRACEBACK;
    retrieved(this);
  }
}

// The iterator protocol lives on the prototype, outside the typed class surface: `yield* future`
// calls next() (and throw()/return() when the coroutine is thrown into or closed).
Object.defineProperties(Future.prototype, {
  next: {
    value(this: Future<unknown>): IteratorResult<Future<unknown>, unknown> {
      const result = ITER_RESULT;
      if (this._state === PENDING) {
        const flags = this._flags;
        if ((flags & BLOCKING) !== 0) {
          // yielded before and no Task took it: the coroutine was resumed while the future is
          // still pending (asyncio's check in Future.__await__; also stops `[...coro()]` looping)
          this._flags = flags & ~BLOCKING;
          throw new RuntimeError("await wasn't used with future");
        }
        this._flags = flags | BLOCKING;
        result.value = this;
        result.done = false;
      } else {
        result.value = this.result();
        result.done = true;
      }
      return result as IteratorResult<Future<unknown>, unknown>;
    },
    writable: true,
    configurable: true,
  },
  throw: {
    value(error: unknown): never {
      throw error;
    },
    writable: true,
    configurable: true,
  },
  return: {
    value(value: unknown): IteratorResult<never, unknown> {
      return { value, done: true };
    },
    writable: true,
    configurable: true,
  },
});

/** A Runnable is never cancelled: constant on the prototype, so it costs no field. */
Object.defineProperty(Future.prototype, '_cancelled', { value: false, writable: false, configurable: true });

/** Run one done callback of `future` (see `Future._run`). */
function runCallback(future: Future<unknown>, callback: StoredCallback, context: unknown): void {
  if (callback === wakeTask) {
    (context as TaskWaiter)._wakeupNow(future);
    return;
  }
  try {
    const previous = _enterContext(context as Context);
    try {
      (callback as (future: unknown) => void)(future);
    } finally {
      _exitContext(context as Context, previous);
    }
  } catch (exception) {
    future._loop.callExceptionHandler({ message: `Exception in callback ${describe(callback)}`, exception, future });
  }
}

function stateName(state: number): string {
  return state === CANCELLED ? 'CANCELLED' : state === PENDING ? 'PENDING' : 'FINISHED';
}

function instantiate(exception: unknown): unknown {
  if (
    typeof exception === 'function' &&
    (exception === Error || (exception as { prototype?: unknown }).prototype instanceof Error)
  ) {
    return new (exception as new () => Error)();
  }
  return exception;
}

/** @internal Future.cancel, usable on a Task (whose cancel() is different). */
export function futureCancel(future: Future<unknown>, msg?: unknown): boolean {
  if ((future._flags & LOG_TRACEBACK) !== 0) future._markRetrieved();
  if (future._state !== PENDING) return false;
  future._state = CANCELLED;
  future._cancelMessage = msg;
  future._finish();
  return true;
}

/** @internal Future.setResult without the Task override. */
export function futureSetResult(future: Future<unknown>, result: unknown): void {
  future._value = result;
  future._state = RESULT;
  future._finish();
}

/** @internal Future.setException without the Task override (and without instantiating classes). */
export function futureSetException(future: Future<unknown>, exception: unknown): void {
  future._value = exception;
  future._state = ERROR;
  future._flags |= LOG_TRACEBACK;
  reportUnretrieved(future, exception);
  future._finish();
}

/** @internal whether `value` is a Future of this very copy of the package */
export function isLocalFuture(value: unknown): value is Future<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[LOCAL] === true;
}

/**
 * Whether `value` is a Future (or Task) of any installed copy of `@tsyncio/futures`.
 *
 * Same as asyncio's `isfuture()` (which duck-types on `_asyncio_future_blocking`).
 */
export function isFuture(value: unknown): value is Future<unknown> {
  return hasBrand(value, FUTURE_BRAND);
}

/** @internal asyncio's `_set_result_unless_cancelled`: for timers that complete a future. */
export function setResultUnlessCancelled(future: unknown, result: unknown): void {
  const f = future as Future<unknown>;
  if (f._state === PENDING) futureSetResult(f, result);
}
