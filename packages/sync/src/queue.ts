/**
 * `Queue`: a FIFO queue for producer and consumer tasks — asyncio's `queues.Queue` (3.13, with
 * `shutdown()`), plus its errors.
 *
 * ## Not a strict handoff
 *
 * `putNowait()` stores the item and wakes the first waiting getter; the item is only taken when
 * that getter runs. Meanwhile any task may take it with `getNowait()`; the woken getter then
 * finds the queue empty and waits again, at the back of the line. Putters work the same way for
 * free slots. That is asyncio's design, kept as is.
 *
 * ## No item or slot is lost to cancellation
 *
 * A getter woken and cancelled at once leaves without taking its item, and wakes the next getter
 * if items remain (putters: if free slots remain). See `internal/waiters.ts`.
 *
 * ## Shutdown (3.13)
 *
 * ```
 *   alive ──shutdown()──────────────→ shut down: put* raise QueueShutDown; get* drain the
 *     │                                          items, then raise QueueShutDown
 *     └────shutdown(immediate=true)─→ shut down and emptied: every removed item counts as
 *                                     taskDone(); get* raise QueueShutDown at once
 * ```
 *
 * Either way every blocked getter and putter is woken to re-check (and raise).
 *
 * @module
 */
import type { Coroutine } from '@tsyncio/futures';
import {
  brandedHasInstance,
  Deque,
  describe,
  INSPECT,
  QUEUE_EMPTY_BRAND,
  QUEUE_FULL_BRAND,
  QUEUE_SHUT_DOWN_BRAND,
} from '@tsyncio/loop';
import { Event } from './event.js';
import { LoopBound } from './internal/loop-bound.js';
import { finished, Op } from './internal/op.js';
import { WaiterList, type Waiter } from './internal/waiters.js';

/**
 * Raised by `getNowait()` when the queue is empty.
 *
 * Same as asyncio's `asyncio.QueueEmpty`.
 *
 * @example
 * ```ts
 * try {
 *   queue.getNowait();
 * } catch (e) {
 *   if (!(e instanceof QueueEmpty)) throw e;
 * }
 * ```
 */
export class QueueEmpty extends Error {
  override name = 'QueueEmpty';

  /** @internal brand for cross-copy `instanceof` */
  get [QUEUE_EMPTY_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, QueueEmpty, QUEUE_EMPTY_BRAND, value);
  }
}

/**
 * Raised by `putNowait()` when the queue is full.
 *
 * Same as asyncio's `asyncio.QueueFull`.
 *
 * @example
 * ```ts
 * try {
 *   queue.putNowait(item);
 * } catch (e) {
 *   if (e instanceof QueueFull) dropped++;
 *   else throw e;
 * }
 * ```
 */
export class QueueFull extends Error {
  override name = 'QueueFull';

  /** @internal brand for cross-copy `instanceof` */
  get [QUEUE_FULL_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, QueueFull, QUEUE_FULL_BRAND, value);
  }
}

/**
 * Raised by `put()`/`putNowait()` on a queue that was shut down, and by `get()`/`getNowait()`
 * once such a queue is empty (at once after `shutdown(true)`).
 *
 * Same as asyncio's `asyncio.QueueShutDown` (3.13).
 *
 * @example
 * ```ts
 * function* consumer(queue: Queue<Job>): Coroutine<void> {
 *   try {
 *     for (;;) yield* run(yield* queue.get());
 *   } catch (e) {
 *     if (!(e instanceof QueueShutDown)) throw e; // the producer is done
 *   }
 * }
 * ```
 */
export class QueueShutDown extends Error {
  override name = 'QueueShutDown';

  /** @internal brand for cross-copy `instanceof` */
  get [QUEUE_SHUT_DOWN_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, QueueShutDown, QUEUE_SHUT_DOWN_BRAND, value);
  }
}

/** @internal how many items `toString()` lists before it abbreviates */
const REPR_ITEMS = 20;

/** @internal validate a `maxsize` argument */
export function checkMaxsize(maxsize: unknown, what: string): number {
  if (typeof maxsize !== 'number') throw new TypeError(`${what} maxsize must be a number, got ${describe(maxsize)}`);
  if (Number.isNaN(maxsize)) throw new RangeError(`${what} maxsize must not be NaN`);
  return maxsize;
}

/**
 * A first-in, first-out queue for coordinating producer and consumer tasks. With `maxsize > 0`,
 * `put()` waits while the queue holds `maxsize` items; with `maxsize <= 0` (the default) the
 * queue is unbounded. `qsize()` is exact: nothing runs between it and your next operation.
 *
 * Track work with `taskDone()` and `join()`; stop producers and consumers with `shutdown()`.
 * Both ends are O(1) (a ring buffer), however many items pile up.
 *
 * Same as asyncio's `asyncio.Queue` (3.13), including its wakeup order (not a strict handoff: see
 * the module notes), its cancellation repairs and `shutdown(immediate)`.
 *
 * Differs from asyncio: methods that wait are used with `yield*`; `put_nowait` / `get_nowait` /
 * `task_done` are `putNowait` / `getNowait` / `taskDone`; `maxsize` must be a number.
 *
 * @example
 * ```ts
 * const queue = new Queue<string>(10);
 *
 * function* worker(): Coroutine<void> {
 *   for (;;) {
 *     const url = yield* queue.get();
 *     try {
 *       yield* fetchAndStore(url);
 *     } finally {
 *       queue.taskDone();
 *     }
 *   }
 * }
 *
 * function* main(urls: string[]): Coroutine<void> {
 *   const workers = [1, 2, 3].map(() => createTask(worker()));
 *   for (const url of urls) yield* queue.put(url);
 *   yield* queue.join(); // every url processed
 *   for (const w of workers) w.cancel();
 * }
 * ```
 */
export class Queue<T> extends LoopBound {
  /** @internal */
  readonly _maxsize: number;
  /** @internal tasks waiting for an item */
  readonly _getters: WaiterList<undefined> = new WaiterList<undefined>();
  /** @internal tasks waiting for a free slot */
  readonly _putters: WaiterList<undefined> = new WaiterList<undefined>();
  /** @internal items put and not yet marked done with taskDone() */
  _unfinishedTasks = 0;
  /** @internal set while no task is unfinished: what join() waits for */
  readonly _finished: Event = new Event();
  /** @internal */
  _isShutdown = false;
  /** @internal the items (Queue and LifoQueue; PriorityQueue keeps a heap instead) */
  declare _queue: Deque<T>;

  /**
   * @param maxsize the most items the queue holds; `<= 0` (the default): unbounded.
   * @throws TypeError when `maxsize` is not a number; RangeError when it is NaN.
   */
  constructor(maxsize = 0) {
    super();
    this._maxsize = checkMaxsize(maxsize, new.target.name || 'Queue');
    this._finished.set();
    this._init(maxsize);
  }

  // These four are overridden by the subclasses (asyncio's `_init`, `_get`, `_put`, plus the
  // size and the items for `toString()`).

  /** @internal create the storage */
  _init(_maxsize: number): void {
    this._queue = new Deque<T>();
  }

  /** @internal remove and return the next item (the queue is not empty) */
  _get(): T {
    return this._queue.shift() as T;
  }

  /** @internal store an item */
  _put(item: T): void {
    this._queue.push(item);
  }

  /** @internal the items in storage order, for toString() */
  _items(limit: number): T[] {
    const out: T[] = [];
    for (const item of this._queue) {
      if (out.length === limit) break;
      out.push(item);
    }
    return out;
  }

  /** The number of items allowed in the queue (`<= 0`: unbounded). Same as asyncio's `Queue.maxsize`. */
  get maxsize(): number {
    return this._maxsize;
  }

  /** The number of items in the queue. Same as asyncio's `Queue.qsize()`. */
  qsize(): number {
    return this._queue.length;
  }

  /** Whether the queue is empty. Same as asyncio's `Queue.empty()`. */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /**
   * Whether the queue holds `maxsize` items (never true for an unbounded queue). Same as
   * asyncio's `Queue.full()`.
   */
  full(): boolean {
    const maxsize = this._maxsize;
    return maxsize > 0 && this.qsize() >= maxsize;
  }

  /**
   * Put an item into the queue, waiting while it is full.
   *
   * Same as asyncio's `Queue.put()`.
   *
   * @throws QueueShutDown when the queue is shut down (also while waiting).
   * @throws RuntimeError when the queue is bound to a different event loop.
   *
   * @example
   * ```ts
   * yield* queue.put(job);
   * ```
   */
  put(item: T): Coroutine<void> {
    return new QueuePut(this, item);
  }

  /**
   * Put an item into the queue without waiting.
   *
   * Same as asyncio's `Queue.put_nowait()`.
   *
   * @throws QueueFull when the queue is full.
   * @throws QueueShutDown when the queue is shut down.
   *
   * @example
   * ```ts
   * queue.putNowait(job);
   * ```
   */
  putNowait(item: T): void {
    if (this._isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this._put(item);
    this._unfinishedTasks++;
    this._finished.clear();
    if (this._getters.length !== 0) this._getters.shiftNext(undefined);
  }

  /**
   * Remove and return an item, waiting while the queue is empty.
   *
   * Same as asyncio's `Queue.get()`.
   *
   * @throws QueueShutDown when the queue is shut down and empty (at once after `shutdown(true)`).
   * @throws RuntimeError when the queue is bound to a different event loop.
   *
   * @example
   * ```ts
   * const job = yield* queue.get();
   * ```
   */
  get(): Coroutine<T> {
    return new QueueGet(this);
  }

  /**
   * Remove and return an item without waiting.
   *
   * Same as asyncio's `Queue.get_nowait()`.
   *
   * @throws QueueEmpty when the queue is empty.
   * @throws QueueShutDown when the queue is shut down and empty.
   *
   * @example
   * ```ts
   * const job = queue.getNowait();
   * ```
   */
  getNowait(): T {
    if (this.empty()) {
      if (this._isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this._get();
    if (this._putters.length !== 0) this._putters.shiftNext(undefined);
    return item;
  }

  /**
   * Mark one item taken with `get()` as processed. When every item put into the queue has been
   * marked, `join()` returns.
   *
   * Same as asyncio's `Queue.task_done()`.
   *
   * @throws RangeError("taskDone() called too many times") when called more times than items
   * were put.
   *
   * @example
   * ```ts
   * const job = yield* queue.get();
   * try {
   *   yield* process(job);
   * } finally {
   *   queue.taskDone();
   * }
   * ```
   */
  taskDone(): void {
    if (this._unfinishedTasks <= 0) throw new RangeError('taskDone() called too many times');
    this._unfinishedTasks--;
    if (this._unfinishedTasks === 0) this._finished.set();
  }

  /**
   * Wait until every item put into the queue has been marked done with `taskDone()`.
   *
   * Same as asyncio's `Queue.join()`.
   *
   * @example
   * ```ts
   * for (const job of jobs) queue.putNowait(job);
   * yield* queue.join(); // all processed
   * ```
   */
  *join(): Coroutine<void> {
    if (this._unfinishedTasks > 0) yield* this._finished.wait();
  }

  /**
   * Shut the queue down: `put()`/`putNowait()` raise QueueShutDown from now on, and
   * `get()`/`getNowait()` raise it once the queue is empty. Every blocked `put()` and `get()` is
   * woken to re-check.
   *
   * With `immediate`, the queue is also emptied at once, each removed item counting as one
   * `taskDone()` (which may release `join()`), so `get()` raises at once.
   *
   * Same as asyncio's `Queue.shutdown(immediate=False)` (3.13).
   *
   * @example
   * ```ts
   * queue.shutdown(); // consumers drain what is left, then get QueueShutDown
   * ```
   */
  shutdown(immediate = false): void {
    this._isShutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this._get();
        if (this._unfinishedTasks > 0) this._unfinishedTasks--;
      }
      if (this._unfinishedTasks === 0) this._finished.set();
    }
    // every getter re-checks "empty and shut down" and raises
    this._getters.shiftAll(undefined);
    this._putters.shiftAll(undefined);
  }

  /** `<Queue maxsize=0 _queue=[1, 2] tasks=2>`, like asyncio's str(). */
  override toString(): string {
    let result = `maxsize=${this._maxsize}`;
    const size = this.qsize();
    if (size > 0) {
      const items = this._items(REPR_ITEMS).map(describe);
      if (size > REPR_ITEMS) items.push(`... ${size - REPR_ITEMS} more`);
      result += ` _queue=[${items.join(', ')}]`;
    }
    if (this._getters.length > 0) result += ` _getters[${this._getters.length}]`;
    if (this._putters.length > 0) result += ` _putters[${this._putters.length}]`;
    if (this._unfinishedTasks > 0) result += ` tasks=${this._unfinishedTasks}`;
    if (this._isShutdown) result += ' shutdown';
    return `<${this.constructor.name} ${result}>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * `Queue.put()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands for:
 *
 * ```ts
 * while (queue.full()) {
 *   if (queue._isShutdown) throw new QueueShutDown();
 *   const putter = putters.add(queue._getLoop());
 *   try {
 *     yield* putter;
 *   } catch (error) {            // asyncio's bare `except:`, so also when the coroutine is closed
 *     putter.cancel();           // in case it is not done yet
 *     putters.remove(putter);    // unless a getNowait() or shutdown() popped it already
 *     // woken by getNowait() but cannot take the slot: wake the next putter in line
 *     if (!queue.full() && !putter.cancelled()) putters.shiftNext(undefined);
 *     throw error;
 *   }
 * }
 * queue.putNowait(item);
 * ```
 */
class QueuePut<T> extends Op<void> {
  /** @internal */
  declare readonly _queue: Queue<T>;
  /** @internal */
  declare readonly _item: T;

  constructor(queue: Queue<T>, item: T) {
    super();
    this._queue = queue;
    this._item = item;
  }

  _start(): IteratorResult<unknown, void> {
    const queue = this._queue;
    if (queue.full()) {
      if (queue._isShutdown) throw new QueueShutDown();
      return this._wait(queue._putters.add(queue._getLoop()));
    }
    queue.putNowait(this._item);
    return finished(undefined);
  }

  _resume(): IteratorResult<unknown, void> {
    return this._start();
  }

  _fail(error: unknown): never {
    this._close();
    throw error;
  }

  _close(): void {
    const queue = this._queue;
    const putter = this._waiter as Waiter<undefined>;
    putter.cancel();
    queue._putters.remove(putter);
    if (!queue.full() && !putter.cancelled()) queue._putters.shiftNext(undefined);
  }
}

/**
 * `Queue.get()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands for:
 *
 * ```ts
 * while (queue.empty()) {
 *   if (queue._isShutdown) throw new QueueShutDown();
 *   const getter = getters.add(queue._getLoop());
 *   try {
 *     yield* getter;
 *   } catch (error) {            // asyncio's bare `except:`, so also when the coroutine is closed
 *     getter.cancel();           // in case it is not done yet
 *     getters.remove(getter);    // unless a putNowait() or shutdown() popped it already
 *     // woken by putNowait() but cannot take the item: wake the next getter in line
 *     if (!queue.empty() && !getter.cancelled()) getters.shiftNext(undefined);
 *     throw error;
 *   }
 * }
 * return queue.getNowait();
 * ```
 */
class QueueGet<T> extends Op<T> {
  /** @internal */
  declare readonly _queue: Queue<T>;

  constructor(queue: Queue<T>) {
    super();
    this._queue = queue;
  }

  _start(): IteratorResult<unknown, T> {
    const queue = this._queue;
    if (queue.empty()) {
      if (queue._isShutdown) throw new QueueShutDown();
      return this._wait(queue._getters.add(queue._getLoop()));
    }
    return finished(queue.getNowait());
  }

  _resume(): IteratorResult<unknown, T> {
    return this._start();
  }

  _fail(error: unknown): never {
    this._close();
    throw error;
  }

  _close(): void {
    const queue = this._queue;
    const getter = this._waiter as Waiter<undefined>;
    getter.cancel();
    queue._getters.remove(getter);
    if (!queue.empty() && !getter.cancelled()) queue._getters.shiftNext(undefined);
  }
}
