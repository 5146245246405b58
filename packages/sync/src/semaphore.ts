/**
 * `Semaphore` and `BoundedSemaphore`: a counter of permits — asyncio's `locks.Semaphore` and
 * `locks.BoundedSemaphore`.
 *
 * ## Permits are handed over at wake-up
 *
 * `release()` adds a permit and, if a task waits, gives that permit to the first waiter right
 * away (the counter is decremented for it as it is woken). So a newcomer cannot take a permit
 * meant for a waiter, and `locked()` — "would `acquire()` block?" — is exact at any moment: true
 * when no permit is left or when some non-cancelled task is still waiting.
 *
 * A waiter cancelled after it was woken gives its permit back; and every task leaving
 * `acquire()` (normally or by cancellation) wakes further waiters while permits remain, so a
 * permit is never stranded.
 *
 * @module
 */
import { CancelledError, type Coroutine } from '@tsyncio/futures';
import { describe, INSPECT } from '@tsyncio/loop';
import { LockContext } from './internal/lock-context.js';
import { finished, Op } from './internal/op.js';
import { WaiterList, type Waiter } from './internal/waiters.js';

function checkInitialValue(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} initial value must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${what} initial value must be an integer, got ${value}`);
  if (value < 0) throw new RangeError(`${what} initial value must be >= 0, got ${value}`);
  return value;
}

/**
 * A semaphore: a counter of permits. `acquire()` takes a permit, waiting while none is left;
 * `release()` returns one. Use it to bound concurrency (`new Semaphore(10)`: at most ten tasks
 * inside `asyncWith(sem, …)` at once).
 *
 * **Fair**: waiting tasks get permits in the order they asked, and a task that calls `acquire()`
 * while others wait queues behind them. Cancellation never loses a permit: a task cancelled just
 * as it was given one gives it back.
 *
 * Same as asyncio's `asyncio.Semaphore`, including the permit handoff and cancellation repairs
 * of 3.13.
 *
 * Differs from asyncio: `acquire()` is used with `yield*`; `async with sem:` is
 * `yield* asyncWith(sem, function* () { … })`; the initial value must be an integer.
 *
 * @example
 * ```ts
 * const limit = new Semaphore(3);
 *
 * function* fetchOne(url: string): Coroutine<Uint8Array> {
 *   return yield* asyncWith(limit, function* () {
 *     return yield* download(url); // at most three downloads at a time
 *   });
 * }
 * ```
 */
export class Semaphore extends LockContext {
  /** @internal the permits left */
  _value: number;
  /** @internal tasks waiting for a permit */
  readonly _waiters: WaiterList<true> = new WaiterList<true>();

  /**
   * @param value the initial number of permits (default 1).
   * @throws RangeError("Semaphore initial value must be >= 0, got -1") when `value` is negative
   * (or not an integer); TypeError when it is not a number.
   */
  constructor(value = 1) {
    super();
    this._value = checkInitialValue(value, new.target.name || 'Semaphore');
  }

  /**
   * Whether `acquire()` would block: no permit is left, or some task is still waiting for one
   * (first come, first served).
   *
   * Same as asyncio's `Semaphore.locked()`.
   *
   * @example
   * ```ts
   * const sem = new Semaphore(1);
   * yield* sem.acquire();
   * sem.locked(); // true
   * ```
   */
  locked(): boolean {
    return this._value === 0 || this._waiters.hasActive();
  }

  /**
   * Take a permit: at once if one is free and nobody is waiting; otherwise wait for one (first
   * come, first served). Returns `true`.
   *
   * If the waiting task is cancelled, the CancelledError propagates and no permit is taken (a
   * permit given to it at that moment goes back, to the next waiter).
   *
   * Same as asyncio's `Semaphore.acquire()`.
   *
   * @throws RuntimeError when the semaphore is bound to a different event loop.
   *
   * @example
   * ```ts
   * yield* sem.acquire();
   * try {
   *   yield* work();
   * } finally {
   *   sem.release();
   * }
   * ```
   */
  acquire(): Coroutine<true> {
    return new SemaphoreAcquire(this, true as const);
  }

  /** `asyncWith` entry: {@link acquire}; the body receives nothing. Same as asyncio's `__aenter__`. */
  override aenter(): Coroutine<void> {
    return new SemaphoreAcquire(this, undefined);
  }

  /**
   * Return a permit, giving it to the first waiting task if there is one. Never blocks.
   *
   * Same as asyncio's `Semaphore.release()`.
   *
   * @example
   * ```ts
   * sem.release();
   * ```
   */
  release(): void {
    this._value++;
    this._wakeUpNext();
  }

  /** @internal waiters that queued behind a leaving acquirer: wake as many as permits allow */
  _wakeWhilePermits(): void {
    while (this._value > 0) {
      if (!this._wakeUpNext()) break;
    }
  }

  /** @internal give a permit to the first waiter not yet woken (asyncio's `_wake_up_next`) */
  _wakeUpNext(): boolean {
    const waiters = this._waiters;
    if (waiters.length === 0) return false;
    for (let waiter = waiters.first(); waiter !== null; waiter = waiter._next) {
      if (!waiter.done()) {
        this._value--;
        waiter.setResult(true);
        return true;
      }
    }
    return false;
  }

  /** `<Semaphore [unlocked, value:2]>`, `<Semaphore [locked, waiters:1]>`, like asyncio's repr. */
  override toString(): string {
    const waiters = this._waiters.length;
    const state = this.locked() ? 'locked' : `unlocked, value:${this._value}`;
    return `<${this.constructor.name} [${state}${waiters > 0 ? `, waiters:${waiters}` : ''}]>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * `Semaphore.acquire()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands
 * for:
 *
 * ```ts
 * if (!sem.locked()) { sem._value--; return value; }
 * const waiter = waiters.add(sem._getLoop());
 * try {
 *   try { yield* waiter; } finally { waiters.remove(waiter); }
 * } catch (error) {
 *   // given a permit and cancelled at once: give the permit back
 *   if (error instanceof CancelledError && waiter.done() && !waiter.cancelled()) sem._value++;
 *   throw error;
 * } finally {
 *   sem._wakeWhilePermits();
 * }
 * return value;
 * ```
 */
class SemaphoreAcquire<V> extends Op<V> {
  /** @internal */
  declare readonly _sem: Semaphore;
  /** @internal */
  declare readonly _value: V;

  constructor(sem: Semaphore, value: V) {
    super();
    this._sem = sem;
    this._value = value;
  }

  _start(): IteratorResult<unknown, V> {
    const sem = this._sem;
    if (!sem.locked()) {
      sem._value--;
      return finished(this._value);
    }
    return this._wait(sem._waiters.add(sem._getLoop()));
  }

  _resume(): IteratorResult<unknown, V> {
    const sem = this._sem;
    sem._waiters.remove(this._waiter as Waiter<true>);
    sem._wakeWhilePermits();
    return finished(this._value);
  }

  _fail(error: unknown): never {
    const sem = this._sem;
    const waiter = this._waiter as Waiter<true>;
    sem._waiters.remove(waiter);
    // Given a permit and cancelled at once: give the permit back.
    if (error instanceof CancelledError && waiter.done() && !waiter.cancelled()) sem._value++;
    sem._wakeWhilePermits();
    throw error;
  }

  _close(): void {
    const sem = this._sem;
    sem._waiters.remove(this._waiter as Waiter<true>);
    sem._wakeWhilePermits();
  }
}

/**
 * A semaphore that refuses to be released more often than it was acquired: `release()` above
 * the initial value is an error, which catches unbalanced acquire/release pairs.
 *
 * Same as asyncio's `asyncio.BoundedSemaphore`.
 *
 * Differs from asyncio: as {@link Semaphore}.
 *
 * @example
 * ```ts
 * const sem = new BoundedSemaphore(2);
 * sem.release(); // RangeError: BoundedSemaphore released too many times
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  /** @internal */
  readonly _boundValue: number;

  /**
   * @param value the initial (and greatest) number of permits (default 1).
   * @throws RangeError when `value` is negative or not an integer; TypeError when it is not a number.
   */
  constructor(value = 1) {
    super(value);
    this._boundValue = value;
  }

  /**
   * Return a permit (see {@link Semaphore.release}).
   *
   * Same as asyncio's `BoundedSemaphore.release()`.
   *
   * @throws RangeError("BoundedSemaphore released too many times") when every permit is already
   * back.
   *
   * @example
   * ```ts
   * yield* sem.acquire();
   * sem.release();
   * ```
   */
  override release(): void {
    if (this._value >= this._boundValue) throw new RangeError('BoundedSemaphore released too many times');
    super.release();
  }
}
