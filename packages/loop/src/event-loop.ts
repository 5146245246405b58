/**
 * The event loop: a FIFO ready queue of Handles, a heap of TimerHandles, and one `runOnce` that
 * moves due timers to the ready queue and runs the handles that were ready when it started —
 * asyncio's `BaseEventLoop` scheduler, on top of the platform's own event loop.
 *
 * ## How the loop runs on the host
 *
 * The loop never blocks. While it runs (between `runForever()` and `stop()`, or always for a
 * self-running loop) it asks its {@link Host} for turns:
 *
 * - when it has ready handles: one "soon" turn (after pending I/O), in which it runs iterations
 *   back to back for up to {@link HOST_SLICE_MS} of real time, then gives the host a turn again;
 * - when it has only timers: one host timer for the earliest live timer;
 * - when it has nothing: nothing at all, so it holds no host handle.
 *
 * Scheduling from outside a turn (a host callback, plain async code) wakes an idle loop. A host
 * I/O event (`_scheduleRunnableFromHost`, used by socket transports) that finds the loop idle runs
 * a batch at once, at most once between two host turns.
 *
 * ## Iteration rules (asyncio's `_run_once`, observable by tests)
 *
 * 1. Cancelled timers are purged lazily: the heap is rebuilt when it holds more than
 *    {@link MIN_SCHEDULED_TIMER_HANDLES} timers of which more than half are cancelled; otherwise
 *    cancelled timers are popped when they reach the top.
 * 2. Every timer due before `time() + clock resolution` moves to the ready queue, in `(when,
 *    scheduling order)` order.
 * 3. Only the handles that were ready when the iteration started run; a callback scheduled during
 *    the iteration runs in the next one.
 *
 * @module
 */
import { brandedHasInstance, EVENT_LOOP_BRAND, INSPECT, TASK_BRAND, hasBrand } from './brand.js';
import { monotonicClock, VirtualClock, type Clock } from './clock.js';
import {
  HOST_SLICE_MS,
  MIN_CANCELLED_TIMER_HANDLES_FRACTION,
  MIN_SCHEDULED_TIMER_HANDLES,
  SLOW_CALLBACK_DURATION,
} from './constants.js';
import type { Context } from './context.js';
import { Deque } from './deque.js';
import { describe } from './debug.js';
import { RuntimeError } from './errors.js';
import { formatExceptionContext, type ExceptionContext, type ExceptionHandler } from './exception-context.js';
import { Handle, TimerHandle, type Callback, type Runnable } from './handle.js';
import { defaultHost, type Host, type HostTimer } from './host.js';
import { globalSlot } from './internal/global-slot.js';
import { TimerHeap } from './internal/timer-heap.js';
import { getLogger } from './log.js';
import { VirtualHost } from './virtual-host.js';

/**
 * Anything the loop can wait for in {@link EventLoop.runUntilComplete}: a Future or Task of any
 * installed copy of `@tsyncio/futures`, or your own future-like object.
 */
export interface FutureLike<T> {
  done(): boolean;
  result(): T;
  cancel(msg?: unknown): boolean;
  addDoneCallback(callback: (future: FutureLike<T>) => void): void;
}

/** Options a task factory receives (asyncio's `create_task` keyword arguments). */
export interface TaskFactoryOptions {
  name?: string;
  context?: Context;
  eagerStart?: boolean;
}

/**
 * What `loop.setTaskFactory()` takes: called by `createTask()` as `factory(loop, coro, options)`
 * and must return a Task-like future. Same as asyncio's task factory (3.13 signature).
 */
export type TaskFactory = (
  loop: EventLoop,
  coro: Generator<unknown, unknown, unknown>,
  options: TaskFactoryOptions,
) => FutureLike<unknown>;

/** @internal A node of the loop's list of pending tasks (a Task). */
export interface TaskListNode {
  _prevTask: TaskListNode | null;
  _nextTask: TaskListNode | null;
}

/** Options for {@link EventLoop}. */
export interface EventLoopOptions {
  /** Where time comes from (default: the real monotonic clock). A {@link VirtualClock} gives test time. */
  clock?: Clock;
  /** How the loop is scheduled on the platform (default: the platform's host; a VirtualHost for a VirtualClock). */
  host?: Host;
  /** Start in debug mode (see {@link EventLoop.setDebug}). */
  debug?: boolean;
  /**
   * A loop that runs itself on the host whenever it has work, without `runForever()` — what
   * `getEventLoop()` returns outside a running loop. Default false.
   */
  selfRunning?: boolean;
}

const realNow = (): number => performance.now();

/** How many handles, or iterations, the loop runs between two looks at the real clock (see `_runBatch`). */
const CLOCK_CHECK_HANDLES = 64;
const CLOCK_CHECK_ITERATIONS = 8;

let generatorFunction: unknown;
function isGeneratorFunction(fn: unknown): boolean {
  generatorFunction ??= (
    Object.getPrototypeOf(function* () {
      /* probe */
    }) as { constructor: unknown }
  ).constructor;
  return typeof fn === 'function' && (fn as { constructor: unknown }).constructor === generatorFunction;
}

function checkCallback(callback: unknown, method: string): void {
  if (typeof callback !== 'function') {
    throw new TypeError(`a callable object was expected by ${method}(), got ${typeof callback}`);
  }
  if (isGeneratorFunction(callback)) {
    throw new TypeError(`coroutines cannot be used with ${method}(): wrap the call in createTask()`);
  }
}

function checkTime(value: unknown, method: string, argument: string): void {
  if (typeof value !== 'number') {
    throw new TypeError(`${method}() ${argument} must be a number of seconds, got ${typeof value}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${method}() ${argument} must not be NaN`);
}

/**
 * An event loop: schedules callbacks and timers and runs them, one iteration at a time, on top of
 * the platform's own event loop. Tasks, futures and everything above are built on it.
 *
 * Create one with `newEventLoop()` (or `new EventLoop(options)`) and drive it with
 * {@link runForever} / {@link runUntilComplete}; most programs never do this themselves and use
 * `run(main)` from `@tsyncio/futures`. Time is in seconds.
 *
 * Differs from asyncio: `runForever()` and `runUntilComplete()` return promises (the loop runs on
 * the host in the meantime instead of blocking the thread); there is no selector, no executor and
 * no signal handling (I/O arrives from the platform as host callbacks); the loop keeps strong
 * references to pending tasks.
 *
 * @example
 * ```ts
 * const loop = newEventLoop();
 * loop.callLater(0.1, () => { console.log('later'); loop.stop(); });
 * loop.callSoon(() => console.log('soon'));
 * await loop.runForever(); // prints "soon", then "later"
 * loop.close();
 * ```
 */
export class EventLoop {
  /** In debug mode, a callback running longer than this many seconds is logged. Default 0.1. */
  slowCallbackDuration: number = SLOW_CALLBACK_DURATION;

  /** @internal the ready queue */
  readonly _ready: Deque<Runnable> = new Deque<Runnable>(64);
  /** @internal the timer heap */
  readonly _scheduled: TimerHeap<TimerHandle> = new TimerHeap<TimerHandle>();
  /** @internal how many timers in the heap are cancelled */
  _timerCancelledCount = 0;
  /** @internal used by @tsyncio/futures: the task whose step is running */
  _currentTask: object | null = null;
  /**
   * @internal used by @tsyncio/futures: the pending tasks, a doubly linked list through the tasks'
   * `_prevTask`/`_nextTask` fields (the loop holds strong references to pending tasks).
   */
  _firstTask: TaskListNode | null = null;

  private readonly _clock: Clock;
  private readonly _host: Host;
  private readonly _clockResolution: number;
  private readonly _selfRunning: boolean;
  private _debug: boolean;
  private _timerSeq = 0;
  private _closed = false;
  private _running = false;
  private _stopping = false;
  /** true while a host turn is queued or a batch is running (so scheduling need not wake us) */
  private _wakePending = false;
  private _hostTimer: HostTimer = null;
  private _hostTimerWhen = Infinity;
  private _exceptionHandler: ExceptionHandler | null = null;
  private _taskFactory: TaskFactory | null = null;
  private _settleRun: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  private readonly _onHostTurn = (): void => {
    this._wakePending = false;
    this._runBatch();
  };
  /** an inline batch ran since the last host turn (see `_scheduleRunnableFromHost`) */
  private _inlineBatchUsed = false;
  private readonly _onInlineReset = (): void => {
    this._inlineBatchUsed = false;
  };
  private readonly _onHostTimer = (): void => {
    this._hostTimer = null;
    this._hostTimerWhen = Infinity;
    if (!this._wakePending) this._runBatch();
  };

  /**
   * @throws TypeError when an option has the wrong type.
   */
  constructor(options: EventLoopOptions = {}) {
    const { clock, host, debug, selfRunning } = options;
    if (clock !== undefined && (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')) {
      throw new TypeError('EventLoop clock must be an object with a now() method');
    }
    if (
      host !== undefined &&
      (typeof host !== 'object' || host === null || typeof host.soon !== 'function' || typeof host.later !== 'function')
    ) {
      throw new TypeError('EventLoop host must be an object with soon(), later() and cancel() methods');
    }
    this._clock = clock ?? monotonicClock;
    this._clockResolution = this._clock.resolution ?? 1e-9;
    this._host = host ?? (this._clock instanceof VirtualClock ? new VirtualHost(this._clock) : defaultHost());
    this._debug = debug === true;
    this._selfRunning = selfRunning === true;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [EVENT_LOOP_BRAND](): true {
    return true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, EventLoop, EVENT_LOOP_BRAND, value);
  }

  /** The loop's current time in seconds, from its clock (monotonic; not `Date.now()`). */
  time(): number {
    return this._clock.now();
  }

  /** The loop's clock. */
  getClock(): Clock {
    return this._clock;
  }

  /** The loop's host. */
  getHost(): Host {
    return this._host;
  }

  // ---------------------------------------------------------------- scheduling

  /**
   * Schedule `callback(...args)` to run on the next iteration, after the callbacks already
   * scheduled (FIFO), in a copy of the current Context.
   *
   * @returns a Handle that can cancel the call.
   * @throws RuntimeError when the loop is closed.
   * @throws TypeError when `callback` is not a function, or is a generator function.
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => void, ...args: A): Handle {
    this._checkClosed();
    checkCallback(callback, 'callSoon');
    const handle = new Handle(callback, args, this);
    this._enqueue(handle);
    return handle;
  }

  /**
   * Like {@link callSoon}, but runs `callback` in `context` itself (not a copy): asyncio's
   * `call_soon(callback, *args, context=context)`.
   */
  callSoonInContext<A extends unknown[]>(context: Context, callback: (...args: A) => void, ...args: A): Handle {
    this._checkClosed();
    checkCallback(callback, 'callSoonInContext');
    const handle = new Handle(callback, args, this, context);
    this._enqueue(handle);
    return handle;
  }

  /**
   * Schedule `callback(...args)` from outside the loop's own callbacks — a host event, a promise
   * continuation — and wake the loop if it is idle.
   *
   * Differs from asyncio: JavaScript has one thread, so this is {@link callSoon} (which already
   * wakes an idle loop); it exists for asyncio parity and to mark where host events enter.
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => void, ...args: A): Handle {
    this._checkClosed();
    checkCallback(callback, 'callSoonThreadsafe');
    const handle = new Handle(callback, args, this);
    this._enqueue(handle);
    return handle;
  }

  /**
   * Schedule `callback(...args)` to run `delay` seconds from now. A delay of 0 or less runs it on
   * the next iteration that processes timers; callbacks due at the same time run in the order
   * they were scheduled.
   *
   * @returns a TimerHandle that can cancel the call.
   * @throws TypeError when `delay` is not a number. RangeError when it is NaN.
   * @throws RuntimeError when the loop is closed.
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => void, ...args: A): TimerHandle {
    checkTime(delay, 'callLater', 'delay');
    return this._callAt(this._clock.now() + delay, 'callLater', callback, args, null);
  }

  /**
   * Schedule `callback(...args)` to run at loop time `when` (see {@link time}).
   *
   * @throws TypeError when `when` is not a number. RangeError when it is NaN.
   * @throws RuntimeError when the loop is closed.
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => void, ...args: A): TimerHandle {
    checkTime(when, 'callAt', 'when');
    return this._callAt(when, 'callAt', callback, args, null);
  }

  /** Like {@link callLater}, running `callback` in `context` itself (asyncio's `context=` argument). */
  callLaterInContext<A extends unknown[]>(
    context: Context,
    delay: number,
    callback: (...args: A) => void,
    ...args: A
  ): TimerHandle {
    checkTime(delay, 'callLaterInContext', 'delay');
    return this._callAt(this._clock.now() + delay, 'callLaterInContext', callback, args, context);
  }

  /** Like {@link callAt}, running `callback` in `context` itself (asyncio's `context=` argument). */
  callAtInContext<A extends unknown[]>(
    context: Context,
    when: number,
    callback: (...args: A) => void,
    ...args: A
  ): TimerHandle {
    checkTime(when, 'callAtInContext', 'when');
    return this._callAt(when, 'callAtInContext', callback, args, context);
  }

  private _callAt(
    when: number,
    method: string,
    callback: (...args: never) => unknown,
    args: readonly unknown[],
    context: Context | null,
  ): TimerHandle {
    this._checkClosed();
    checkCallback(callback, method);
    const timer = new TimerHandle(when, callback, args, this, context, this._timerSeq++);
    this._scheduled.push(timer);
    timer._scheduled = true;
    if (!this._wakePending) this._armHost();
    return timer;
  }

  /**
   * @internal The hot path for other tsyncio layers: schedule `callback(a0, a1)` in `context`
   * without argument arrays or checks.
   */
  _callSoonFast(callback: Callback, a0: unknown, a1: unknown, context: Context): Handle {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    const handle = Handle._of(callback, a0, a1, this, context);
    this._ready.push(handle);
    if (!this._wakePending) this._wake();
    return handle;
  }

  /**
   * @internal The hot path for other tsyncio layers: call `callback(a0, a1)` in `context` at
   * `delay` seconds from now, without argument arrays or checks.
   */
  _callLaterFast(delay: number, callback: Callback, a0: unknown, a1: unknown, context: Context): TimerHandle {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    const timer = TimerHandle._ofTimer(this._clock.now() + delay, callback, a0, a1, this, context, this._timerSeq++);
    this._scheduled.push(timer);
    timer._scheduled = true;
    if (!this._wakePending) this._armHost();
    return timer;
  }

  /**
   * @internal Put `runnable` at the back of the ready queue (a Task step: no Handle allocated).
   */
  _scheduleRunnable(runnable: Runnable): void {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    this._ready.push(runnable);
    if (!this._wakePending) this._wake();
  }

  /**
   * @internal Like {@link _scheduleRunnable}, for host I/O events (a socket's data). When the loop
   * is idle — no batch running, no host turn queued — and has not run such a batch since its last
   * host turn, it runs a batch right away, inside the host's callback, instead of waiting one
   * "soon" turn: a request's response is then written in the same I/O callback, as raw Node does.
   * Later events before the next host turn queue as usual, so a burst still shares one batch.
   */
  _scheduleRunnableFromHost(runnable: Runnable): void {
    if (this._closed) throw new RuntimeError('Event loop is closed');
    this._ready.push(runnable);
    if (this._wakePending) return;
    if (!this._inlineBatchUsed && (this._running || this._selfRunning) && globalSlot().runningLoop === null) {
      this._inlineBatchUsed = true;
      this._host.soon(this._onInlineReset);
      this._runBatch();
      return;
    }
    this._wake();
  }

  /** @internal */
  _timerHandleCancelled(handle: TimerHandle): void {
    if (handle._scheduled) {
      this._timerCancelledCount++;
      // an idle loop must not keep a host timer for a timer that will never run
      if (!this._wakePending && this._hostTimer !== null) this._armHost();
    }
  }

  private _enqueue(handle: Handle): void {
    this._ready.push(handle);
    if (!this._wakePending) this._wake();
  }

  // ---------------------------------------------------------------- running

  /**
   * Run until {@link stop} is called. Returns a promise that settles when the loop has stopped
   * (the platform keeps running meanwhile). If `stop()` was called before, runs one iteration.
   *
   * @throws RuntimeError when the loop is closed, already running, or another loop's callbacks
   * are running right now.
   */
  runForever(): Promise<void> {
    this._checkClosed();
    this._checkRunning();
    this._running = true;
    return new Promise<void>((resolve, reject) => {
      this._settleRun = { resolve, reject };
      if (!this._wakePending) {
        this._wakePending = true;
        this._host.soon(this._onHostTurn);
      }
    });
  }

  /**
   * Run until `future` is done and return its result (or throw its exception). `future` may be a
   * Task or Future of any installed copy of `@tsyncio/futures`; wrap a coroutine with
   * `createTask()` first. On a self-running loop, just waits for `future`.
   *
   * @throws RuntimeError as {@link runForever}, and "Event loop stopped before Future completed."
   * when `stop()` ends the run first.
   * @throws TypeError (through the promise) when the result is itself a thenable: a promise
   * would adopt it instead of returning it.
   * @throws TypeError when `future` is not future-like.
   */
  runUntilComplete<T>(future: FutureLike<T>): Promise<T> {
    if (
      typeof future !== 'object' ||
      future === null ||
      typeof future.done !== 'function' ||
      typeof future.addDoneCallback !== 'function'
    ) {
      throw new TypeError(
        'runUntilComplete() expects a Future or Task; wrap a coroutine with createTask() or use run()',
      );
    }
    this._checkClosed();
    if (this._selfRunning) {
      return new Promise<T>((resolve, reject) => {
        const settle = (): void => {
          try {
            resolve(settledValue(future.result()));
          } catch (error) {
            reject(error);
          }
        };
        if (future.done()) settle();
        else future.addDoneCallback(settle);
      });
    }
    this._checkRunning();
    const stopWhenDone = (): void => {
      this.stop();
    };
    future.addDoneCallback(stopWhenDone);
    return this.runForever().then(() => {
      const removable = future as { removeDoneCallback?: (cb: () => void) => number };
      if (typeof removable.removeDoneCallback === 'function') removable.removeDoneCallback(stopWhenDone);
      if (!future.done()) throw new RuntimeError('Event loop stopped before Future completed.');
      return settledValue(future.result());
    });
  }

  /**
   * Stop the loop after the current iteration: `runForever()` settles once the callbacks of this
   * iteration have run. If the loop is not running, the next `runForever()` runs one iteration.
   * Has no effect on a self-running loop.
   */
  stop(): void {
    if (this._selfRunning) return;
    this._stopping = true;
    if (this._running && !this._wakePending) this._wake();
  }

  /** Whether the loop is running: between `runForever()` and its end; always for an open self-running loop. */
  isRunning(): boolean {
    return this._running || (this._selfRunning && !this._closed);
  }

  /** Whether {@link close} was called. */
  isClosed(): boolean {
    return this._closed;
  }

  /**
   * Close the loop: drop every scheduled callback and timer and release the host. Idempotent.
   * A closed loop cannot be run or scheduled on.
   *
   * @throws RuntimeError when the loop is running (a self-running loop may be closed except from
   * its own callbacks).
   */
  close(): void {
    if (this._running || (this._selfRunning && globalSlot().runningLoop === this)) {
      throw new RuntimeError('Cannot close a running event loop');
    }
    if (this._closed) return;
    if (this._debug) getLogger().debug(`Close ${String(this)}`);
    this._closed = true;
    this._ready.clear();
    for (const timer of this._scheduled.drain()) timer._scheduled = false;
    this._timerCancelledCount = 0;
    this._cancelHostTimer();
    const slot = globalSlot();
    if (slot.defaultLoop === this) slot.defaultLoop = null;
  }

  private _checkClosed(): void {
    if (this._closed) throw new RuntimeError('Event loop is closed');
  }

  private _checkRunning(): void {
    if (this.isRunning()) throw new RuntimeError('This event loop is already running');
    if (globalSlot().runningLoop !== null) {
      throw new RuntimeError('Cannot run the event loop while another loop is running');
    }
  }

  private _wake(): void {
    if ((this._running || this._selfRunning) && !this._closed) {
      this._wakePending = true;
      this._host.soon(this._onHostTurn);
    }
  }

  /** Run iterations back to back for one host turn. */
  private _runBatch(): void {
    if (this._closed || !(this._running || this._selfRunning)) return;
    this._wakePending = true;
    const slot = globalSlot();
    const previous = slot.runningLoop;
    slot.runningLoop = this;
    const sliceEnd = realNow() + HOST_SLICE_MS;
    let failure: { error: unknown } | null = null;
    // reading the clock costs as much as a small callback: look at it every CLOCK_CHECK_HANDLES
    // handles or CLOCK_CHECK_ITERATIONS iterations, whichever comes first
    let handles = 0;
    let iterations = 0;
    try {
      for (;;) {
        handles += this._runOnce();
        if (this._stopping || this._closed) break;
        if (this._ready.length === 0 && !this._timerDue()) break;
        if (handles >= CLOCK_CHECK_HANDLES || ++iterations >= CLOCK_CHECK_ITERATIONS) {
          if (realNow() >= sliceEnd) break;
          handles = 0;
          iterations = 0;
        }
      }
    } catch (error) {
      // only a bug in the loop itself gets here: callbacks' errors go to the exception handler
      failure = { error };
    } finally {
      slot.runningLoop = previous;
      this._wakePending = false;
    }
    if (this._stopping) {
      this._stopping = false;
      if (this._running) {
        this._finishRun(failure);
        return;
      }
    }
    if (failure !== null) {
      if (this._running) {
        this._finishRun(failure);
        return;
      }
      this.callExceptionHandler({ message: 'Internal error in self-running event loop', exception: failure.error });
    }
    this._armHost();
  }

  private _finishRun(failure: { error: unknown } | null): void {
    this._running = false;
    this._cancelHostTimer();
    const settle = this._settleRun;
    this._settleRun = null;
    if (settle === null) return;
    if (failure === null) settle.resolve();
    else settle.reject(failure.error);
  }

  /** Ask the host for the next turn: soon if work is ready, else a timer for the earliest live timer. */
  private _armHost(): void {
    if (this._closed || !(this._running || this._selfRunning)) return;
    if (this._ready.length > 0 || this._stopping) {
      if (!this._wakePending) {
        this._wakePending = true;
        this._host.soon(this._onHostTurn);
      }
      return;
    }
    const top = this._peekLiveTimer();
    if (top === undefined || top._when === Infinity) {
      this._cancelHostTimer();
      return;
    }
    const when = top._when;
    if (this._hostTimer !== null) {
      if (this._hostTimerWhen === when) return;
      this._host.cancel(this._hostTimer);
    }
    this._hostTimerWhen = when;
    this._hostTimer = this._host.later(Math.max(0, when - this._clock.now()), this._onHostTimer);
  }

  private _cancelHostTimer(): void {
    if (this._hostTimer !== null) {
      this._host.cancel(this._hostTimer);
      this._hostTimer = null;
      this._hostTimerWhen = Infinity;
    }
  }

  private _peekLiveTimer(): TimerHandle | undefined {
    const heap = this._scheduled;
    let top = heap.peek();
    while (top !== undefined && top._cancelled) {
      heap.pop();
      top._scheduled = false;
      this._timerCancelledCount--;
      top = heap.peek();
    }
    return top;
  }

  private _timerDue(): boolean {
    const when = this._scheduled.peekWhen();
    return when !== Infinity && when < this._clock.now() + this._clockResolution;
  }

  /**
   * @internal One iteration: purge cancelled timers, move due timers to the ready queue, run the
   * handles that were ready when the iteration started. Returns how many handles it ran.
   */
  _runOnce(): number {
    const heap = this._scheduled;
    const count = heap.size;
    if (
      count > MIN_SCHEDULED_TIMER_HANDLES &&
      this._timerCancelledCount / count > MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ) {
      heap.retain(keepLiveTimer);
      this._timerCancelledCount = 0;
    } else {
      this._peekLiveTimer();
    }

    const ready = this._ready;
    if (heap.size > 0) {
      const end = this._clock.now() + this._clockResolution;
      while (heap.peekWhen() < end) {
        const top = heap.pop() as TimerHandle;
        top._scheduled = false;
        if (top._cancelled) this._timerCancelledCount--;
        else ready.push(top);
      }
    }

    const ran = ready.length;
    let todo = ran;
    if (this._debug) {
      while (todo-- > 0) {
        const handle = ready.shift() as Runnable;
        if (!handle._cancelled) this._runDebug(handle);
      }
    } else {
      while (todo-- > 0) {
        const handle = ready.shift() as Runnable;
        if (!handle._cancelled) handle._run();
      }
    }
    return ran;
  }

  private _runDebug(handle: Runnable): void {
    const start = realNow();
    handle._run();
    const seconds = (realNow() - start) / 1000;
    if (seconds >= this.slowCallbackDuration) {
      const a0 = (handle as Partial<Handle>)._a0;
      const what = hasBrand(a0, TASK_BRAND) ? describe(a0) : describe(handle);
      getLogger().warn(`Executing ${what} took ${seconds.toFixed(3)} seconds`);
    }
  }

  // ---------------------------------------------------------------- errors

  /**
   * Use `handler(loop, context)` for errors nobody can catch (failing callbacks, task exceptions
   * never retrieved); `null` restores the default handler.
   *
   * @throws TypeError when `handler` is neither a function nor null.
   */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== 'function') {
      throw new TypeError(`A callable object or null is expected, got ${typeof handler}`);
    }
    this._exceptionHandler = handler;
  }

  /** The handler set with {@link setExceptionHandler}, or null. */
  getExceptionHandler(): ExceptionHandler | null {
    return this._exceptionHandler;
  }

  /**
   * The default exception handler: logs the context's message, its other keys and the exception
   * (with its stack) through the tsyncio logger (`console.error` by default).
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    const text = formatExceptionContext(context);
    if (context.exception === undefined) getLogger().error(text);
    else getLogger().error(text, context.exception);
  }

  /**
   * Report `context` to the loop's exception handler (the default one if none is set). A custom
   * handler runs in the Context of the context's task, future or handle, as asyncio 3.13; if it
   * throws, the default handler reports that error instead. Never throws.
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this._exceptionHandler;
    if (handler === null) {
      try {
        this.defaultExceptionHandler(context);
      } catch (error) {
        try {
          getLogger().error('Exception in default exception handler', error);
        } catch {
          // nothing left to report to
        }
      }
      return;
    }
    try {
      const owner = (context.task ?? context.future ?? context.handle) as { getContext?: () => unknown } | undefined;
      const ownerContext = typeof owner?.getContext === 'function' ? (owner.getContext() as Context | null) : null;
      if (ownerContext !== null && typeof ownerContext.run === 'function' && !ownerContext._entered) {
        ownerContext.run(handler, this, context);
      } else {
        handler(this, context);
      }
    } catch (error) {
      try {
        this.defaultExceptionHandler({ message: 'Unhandled error in exception handler', exception: error, context });
      } catch (error2) {
        try {
          getLogger().error(
            'Exception in default exception handler while handling an unexpected error in custom exception handler',
            error2,
          );
        } catch {
          // nothing left to report to
        }
      }
    }
  }

  // ---------------------------------------------------------------- debug, task factory

  /**
   * Turn debug mode on or off. In debug mode handles and futures record where they were created,
   * callbacks slower than {@link slowCallbackDuration} are logged, and tasks that swallow a
   * cancellation are reported.
   */
  setDebug(enabled: boolean): void {
    this._debug = enabled;
  }

  /** Whether debug mode is on. */
  getDebug(): boolean {
    return this._debug;
  }

  /**
   * Use `factory(loop, coro, options)` to create tasks for this loop (`createTask()` calls it);
   * `null` restores the default Task.
   *
   * @throws TypeError when `factory` is neither a function nor null.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== 'function') {
      throw new TypeError(`task factory must be a callable or null, got ${typeof factory}`);
    }
    this._taskFactory = factory;
  }

  /** The factory set with {@link setTaskFactory}, or null. */
  getTaskFactory(): TaskFactory | null {
    return this._taskFactory;
  }

  /** asyncio-style description: `<EventLoop running=false closed=false debug=false>`. */
  toString(): string {
    return `<${this.constructor.name} running=${this.isRunning()} closed=${this._closed} debug=${this._debug}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * A promise cannot settle with a thenable (it would adopt it), and a Future's result may be a
 * Future: refuse instead of hanging on a future whose loop has stopped.
 */
function settledValue<T>(value: T): T {
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError(
      'runUntilComplete(): the future\'s result is itself a future or promise, which a promise cannot carry; ' +
        'return a plain value (or wrap it in an object)',
    );
  }
  return value;
}

function keepLiveTimer(timer: TimerHandle): boolean {
  if (timer._cancelled) {
    timer._scheduled = false;
    return false;
  }
  return true;
}
