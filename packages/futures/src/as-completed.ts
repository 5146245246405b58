/**
 * `asCompleted`: the results (or the futures) of several awaitables, in the order they finish.
 *
 * ## The three ways to iterate (asyncio 3.13's `_AsCompletedIterator`)
 *
 * asyncio's object is both a plain iterator (yielding coroutines that return the next result)
 * and an async iterator (yielding the original futures). A `function*` coroutine cannot use
 * `for await`, so the async form gets a coroutine-friendly spelling:
 *
 * | asyncio | tsyncio, in a coroutine | tsyncio, in plain async code |
 * |---|---|---|
 * | `for c in as_completed(aws): r = await c` | `for (const c of asCompleted(aws)) { const r = yield* c; }` | — |
 * | `async for f in as_completed(aws):` | `while ((f = yield* it.nextFuture()) !== undefined)` | `for await (const f of asCompleted(aws))` |
 *
 * `nextFuture()` is a coroutine returning the next future to finish (one of the futures or tasks
 * given, or the task that wraps a given coroutine), or `undefined` once every one was returned —
 * the coroutine spelling of `__anext__` / `StopAsyncIteration`. `[Symbol.asyncIterator]` runs the
 * same coroutine as a task on the iterator's loop, so `for await` works from plain async code
 * (the loop must be running, as the default self-running loop always is).
 *
 * ## Internals
 *
 * Every input future gets one shared done callback, which moves it from the to-do set to a FIFO
 * of finished futures; waiting coroutines take from that FIFO in order. At the deadline every
 * future still to do is replaced by a timeout marker, so each remaining wait raises
 * `TimeoutError`. The deadline timer is cancelled as soon as everything finished.
 *
 * @module
 */
import { _getRunningLoop, copyContext, Deque, describe, getEventLoop, type EventLoop, type TimerHandle } from '@tsyncio/loop';
import { isCoroutine, type Awaitable, type Coroutine } from './coroutine.js';
import { ensureFuture } from './ensure-future.js';
import { TimeoutError } from './errors.js';
import { Future, isFuture, setResultUnlessCancelled } from './future.js';
import { createTask } from './task.js';

/** Options for {@link asCompleted}. */
export interface AsCompletedOptions {
  /**
   * Seconds after which every wait not yet satisfied raises `TimeoutError` (null or absent: no
   * limit). The awaitables themselves are not cancelled.
   */
  timeout?: number | null;
}

/** Marker in the FIFO of finished futures: the deadline passed. */
const TIMED_OUT = null;

/**
 * What {@link asCompleted} returns: an iterator of coroutines that each return (or raise) the next
 * result to arrive, which also hands out the finished futures themselves — with
 * {@link AsCompletedIterator.nextFuture} in coroutines, with `for await` in plain async code.
 *
 * Same as asyncio 3.13's `_AsCompletedIterator` (plain and async iteration). Create it with
 * {@link asCompleted}.
 *
 * Differs from asyncio: inside coroutines the async iteration is spelled `nextFuture()`, since a
 * `function*` cannot use `for await`.
 *
 * @example
 * ```ts
 * // plain async code (an Express handler, a script): the tasks themselves, as they finish
 * const tasks = mirrors.map((url) => createTask(download(url)));
 * for await (const task of asCompleted(tasks)) {
 *   console.log(tasks.indexOf(task), 'finished first');
 *   break;
 * }
 * ```
 */
export class AsCompletedIterator<T> implements Iterator<Coroutine<T>, undefined>, AsyncIterable<Future<T>> {
  /** @internal */
  readonly _loop: EventLoop;
  /** @internal the futures not finished yet */
  readonly _todo: Set<Future<T>>;
  /** @internal how many waits can still be handed out */
  _todoLeft: number;
  /** @internal the finished futures, and TIMED_OUT markers, in order */
  readonly _done = new Deque<Future<T> | typeof TIMED_OUT>();
  /** @internal the coroutines waiting for `_done` to fill, in order */
  readonly _getters = new Deque<Future<undefined>>();
  /** @internal the deadline */
  _timer: TimerHandle | null = null;
  /** @internal the done callback shared by every input future */
  readonly _onCompletion: (future: Future<T>) => void;

  /** @internal use {@link asCompleted} */
  constructor(aws: Iterable<Awaitable<T>>, timeout: number | null) {
    const loop = _getRunningLoop() ?? getEventLoop();
    this._loop = loop;
    const todo = new Set<Future<T>>();
    for (const aw of new Set(aws)) todo.add(ensureFuture(aw, { loop }));
    this._todo = todo;
    this._todoLeft = todo.size;
    this._onCompletion = (future: Future<T>): void => {
      this._handleCompletion(future);
    };
    const options = { context: copyContext() };
    for (const future of todo) future.addDoneCallback(this._onCompletion, options);
    if (todo.size > 0 && timeout !== null) {
      this._timer = loop.callLater(timeout, () => {
        this._handleTimeout();
      });
    }
  }

  /** The iterator itself (`for (const next of asCompleted(aws))`). */
  [Symbol.iterator](): this {
    return this;
  }

  /**
   * The next coroutine: `yield*` it to get the next result to arrive (or its error, or
   * `TimeoutError` once the deadline passed). There are as many as there are (distinct)
   * awaitables. The coroutines may be awaited in any order, even concurrently: each takes the
   * next result available when it runs.
   */
  next(): IteratorResult<Coroutine<T>, undefined> {
    if (this._todoLeft === 0) return { done: true, value: undefined };
    this._todoLeft--;
    return { done: false, value: this._waitForResult() };
  }

  /**
   * Wait for the next awaitable to finish and return its future (the Future or Task given, or the
   * Task created for a coroutine), without retrieving its result; `undefined` when every future
   * was already returned. The coroutine form of asyncio's `async for f in as_completed(aws)`.
   *
   * @throws TimeoutError when the deadline passed before the next future finished.
   *
   * @example
   * ```ts
   * const completed = asCompleted([ipv4Connect, ipv6Connect]);
   * let first: Future<Connection> | undefined;
   * while ((first = yield* completed.nextFuture()) !== undefined) {
   *   if (first === ipv6Connect) console.log('IPv6 won');
   * }
   * ```
   */
  *nextFuture(): Coroutine<Future<T> | undefined> {
    if (this._todoLeft === 0) return undefined;
    this._todoLeft--;
    return yield* this._waitForOne();
  }

  /**
   * `for await (const future of asCompleted(aws))` from plain async code: the futures as they
   * finish (see {@link nextFuture}). Each step runs on the iterator's loop, as a task.
   */
  [Symbol.asyncIterator](): AsyncIterator<Future<T>, undefined> {
    return {
      // the task returns an iterator result, not the future itself: `await` would unwrap a future
      next: (): Promise<IteratorResult<Future<T>, undefined>> =>
        Promise.resolve(createTask(this._nextIteratorResult(), { loop: this._loop })),
    };
  }

  /** @internal one step of the async iteration */
  *_nextIteratorResult(): Coroutine<IteratorResult<Future<T>, undefined>> {
    const future = yield* this.nextFuture();
    return future === undefined ? { done: true, value: undefined } : { done: false, value: future };
  }

  /** @internal a future finished (asyncio's `_handle_completion`) */
  _handleCompletion(future: Future<T>): void {
    if (this._todo.size === 0) return; // the deadline came first
    this._todo.delete(future);
    this._put(future);
    if (this._todo.size === 0 && this._timer !== null) {
      this._timer.cancel();
      this._timer = null;
    }
  }

  /** @internal the deadline passed: every wait still to come raises TimeoutError */
  _handleTimeout(): void {
    this._timer = null;
    for (const future of this._todo) {
      future.removeDoneCallback(this._onCompletion);
      this._put(TIMED_OUT);
    }
    this._todo.clear();
  }

  /** @internal add to the FIFO and wake the first waiting coroutine (asyncio's `Queue.put_nowait`) */
  _put(item: Future<T> | typeof TIMED_OUT): void {
    this._done.push(item);
    this._wakeUpNext();
  }

  /** @internal */
  _wakeUpNext(): void {
    const getters = this._getters;
    while (getters.length > 0) {
      const getter = getters.shift() as Future<undefined>;
      if (!getter.done()) {
        setResultUnlessCancelled(getter, undefined);
        return;
      }
    }
  }

  /** @internal take from the FIFO, waiting in line if it is empty (asyncio's `Queue.get`) */
  *_get(): Coroutine<Future<T> | typeof TIMED_OUT> {
    while (this._done.length === 0) {
      const getter = new Future<undefined>({ loop: this._loop });
      this._getters.push(getter);
      try {
        yield* getter;
      } catch (error) {
        getter.cancel();
        this._getters.remove(getter);
        // woken but cancelled: pass the wakeup on
        if (this._done.length > 0 && !getter.cancelled()) this._wakeUpNext();
        throw error;
      }
    }
    return this._done.shift() as Future<T> | typeof TIMED_OUT;
  }

  /** @internal the next finished future (asyncio's `_wait_for_one()`) */
  *_waitForOne(): Coroutine<Future<T>> {
    const future = yield* this._get();
    if (future === TIMED_OUT) throw new TimeoutError();
    return future;
  }

  /** @internal the next result (asyncio's `_wait_for_one(resolve=True)`) */
  *_waitForResult(): Coroutine<T> {
    const future = yield* this._waitForOne();
    return future.result();
  }
}

/**
 * Run the awaitables concurrently and iterate over their outcomes in the order they finish:
 * each coroutine handed out returns (or raises) the next result to arrive — or raises
 * `TimeoutError` once `timeout` seconds have passed (the awaitables are not cancelled). The input
 * is deduplicated; coroutines become Tasks, started in input order. The deadline timer is
 * cancelled as soon as everything finished.
 *
 * To get the finished futures themselves (to tell which one finished), use
 * `yield* it.nextFuture()` in coroutines, or `for await (const future of asCompleted(aws))` in
 * plain async code — asyncio 3.13's async iteration.
 *
 * Same as asyncio's `asyncio.as_completed(aws, *, timeout=None)` (3.13).
 *
 * Differs from asyncio: asyncio deduplicates through a `set`, so its start order is arbitrary;
 * here it is the input order. The async form is spelled `nextFuture()` inside coroutines (see
 * {@link AsCompletedIterator}).
 *
 * @throws TypeError when `aws` is a single Future or coroutine rather than an iterable of them, or
 *   holds something that is not awaitable. RangeError when `timeout` is NaN.
 *
 * @example
 * ```ts
 * function* fastestFirst(urls: string[]): Coroutine<void> {
 *   for (const next of asCompleted(urls.map(download), { timeout: 30 })) {
 *     const page = yield* next; // the earliest download still unreported
 *     console.log(page.length);
 *   }
 * }
 * ```
 */
export function asCompleted<T>(aws: Iterable<Awaitable<T>>, options: AsCompletedOptions = {}): AsCompletedIterator<T> {
  if (isFuture(aws) || isCoroutine(aws)) {
    throw new TypeError(`asCompleted() expects an iterable of awaitables, not ${describe(aws)}`);
  }
  if (typeof (aws as Partial<Iterable<Awaitable<T>>> | null)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`asCompleted() expects an iterable of awaitables, got ${describe(aws)}`);
  }
  const timeout = options.timeout ?? null;
  if (timeout !== null && typeof timeout !== 'number') {
    throw new TypeError(`asCompleted() timeout must be a number of seconds or null, got ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError('asCompleted() timeout must not be NaN');
  return new AsCompletedIterator(aws, timeout);
}
