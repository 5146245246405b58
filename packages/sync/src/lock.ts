/**
 * `Lock`: a fair mutual-exclusion lock for tasks — asyncio's `locks.Lock`.
 *
 * ## States
 *
 * ```
 *   unlocked ──acquire() (no active waiter)──→ locked
 *   locked   ──release()──→ unlocked, front waiter woken (it re-locks when it runs)
 * ```
 *
 * `release()` does not hand the lock to the woken task: it unlocks and wakes the front waiter,
 * which sets `locked` when it runs. In between, no other task can take the lock, because a woken
 * waiter still counts as an active waiter (see `internal/waiters.ts`). If the woken task is
 * cancelled before it runs, it wakes the next waiter instead.
 *
 * @module
 */
import { CancelledError, type Coroutine } from '@tsyncio/futures';
import { INSPECT, RuntimeError } from '@tsyncio/loop';
import { LockContext } from './internal/lock-context.js';
import { finished, Op } from './internal/op.js';
import { WaiterList, type Waiter } from './internal/waiters.js';

/**
 * A primitive lock: a task that holds it (between `acquire()` and `release()`) excludes every
 * other task until it releases it. Not owned by a task: any task may release it. Use it with
 * `asyncWith(lock, body)`, which releases it however the body ends.
 *
 * **Fair**: tasks acquire the lock in the order they started waiting, and a task that calls
 * `acquire()` while others wait queues behind them, even if the lock is momentarily free. A task
 * cancelled while it waits leaves the queue without disturbing it; a task cancelled just as the
 * lock was released to it passes the turn to the next waiter.
 *
 * Same as asyncio's `asyncio.Lock`, including its fairness and cancellation repairs.
 *
 * Differs from asyncio: `acquire()` is used with `yield*`, and `async with lock:` is
 * `yield* asyncWith(lock, function* () { … })`.
 *
 * @example
 * ```ts
 * const lock = new Lock();
 *
 * function* append(record: string): Coroutine<void> {
 *   yield* asyncWith(lock, function* () {
 *     yield* writeRecord(record); // one task at a time
 *   });
 * }
 * ```
 */
export class Lock extends LockContext {
  /** @internal */
  _locked = false;
  /** @internal tasks waiting to acquire, oldest first */
  readonly _waiters: WaiterList<true> = new WaiterList<true>();

  /** Whether the lock is held. */
  locked(): boolean {
    return this._locked;
  }

  /**
   * Acquire the lock: at once if it is free and nobody is waiting for it; otherwise wait for
   * your turn (first come, first served). Returns `true`.
   *
   * If the waiting task is cancelled, the CancelledError propagates and the lock is not
   * acquired; if the lock had just been released to it, the next waiter is woken instead.
   *
   * Same as asyncio's `Lock.acquire()`.
   *
   * @throws RuntimeError when the lock is bound to a different event loop.
   *
   * @example
   * ```ts
   * yield* lock.acquire();
   * try {
   *   yield* critical();
   * } finally {
   *   lock.release();
   * }
   * ```
   */
  acquire(): Coroutine<true> {
    return new LockAcquire(this, true as const);
  }

  /** `asyncWith` entry: {@link acquire}; the body receives nothing. Same as asyncio's `__aenter__`. */
  override aenter(): Coroutine<void> {
    return new LockAcquire(this, undefined);
  }

  /**
   * Release the lock and wake the first waiting task, if any. Any task may release the lock.
   *
   * Same as asyncio's `Lock.release()`.
   *
   * @throws RuntimeError("Lock is not acquired.") when the lock is not held.
   *
   * @example
   * ```ts
   * yield* lock.acquire();
   * lock.release();
   * lock.locked(); // false
   * ```
   */
  release(): void {
    if (!this._locked) throw new RuntimeError('Lock is not acquired.');
    this._locked = false;
    this._waiters.wakeFirst(true);
  }

  /** `<Lock [locked, waiters:1]>`, like asyncio's repr. */
  override toString(): string {
    const waiters = this._waiters.length;
    return `<${this.constructor.name} [${this._locked ? 'locked' : 'unlocked'}${waiters > 0 ? `, waiters:${waiters}` : ''}]>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * `Lock.acquire()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands for:
 *
 * ```ts
 * if (!lock._locked && !waiters.hasActive()) { lock._locked = true; return value; }
 * const waiter = waiters.add(lock._getLoop());
 * try {
 *   try { yield* waiter; } finally { waiters.remove(waiter); }
 * } catch (error) {
 *   if (error instanceof CancelledError && !lock._locked) waiters.wakeFirst(true);
 *   throw error;
 * }
 * lock._locked = true;
 * return value;
 * ```
 */
class LockAcquire<V> extends Op<V> {
  /** @internal */
  declare readonly _lock: Lock;
  /** @internal */
  declare readonly _value: V;

  constructor(lock: Lock, value: V) {
    super();
    this._lock = lock;
    this._value = value;
  }

  _start(): IteratorResult<unknown, V> {
    const lock = this._lock;
    const waiters = lock._waiters;
    if (!lock._locked && !waiters.hasActive()) {
      lock._locked = true;
      return finished(this._value);
    }
    return this._wait(waiters.add(lock._getLoop()));
  }

  _resume(): IteratorResult<unknown, V> {
    const lock = this._lock;
    lock._waiters.remove(this._waiter as Waiter<true>);
    lock._locked = true;
    return finished(this._value);
  }

  _fail(error: unknown): never {
    const lock = this._lock;
    lock._waiters.remove(this._waiter as Waiter<true>);
    // Woken and cancelled at once: if nobody holds the lock, the turn goes to the next waiter.
    if (error instanceof CancelledError && !lock._locked) lock._waiters.wakeFirst(true);
    throw error;
  }

  _close(): void {
    this._lock._waiters.remove(this._waiter as Waiter<true>);
  }
}
