/**
 * `Condition`: a condition variable for tasks — asyncio's `locks.Condition`.
 *
 * ## How `wait()` keeps the lock invariant
 *
 * `wait()` must be called with the lock held. It releases the lock, waits to be notified, then
 * re-acquires the lock **always** — also when the task is cancelled while it waits or while it
 * re-acquires (it retries `acquire()`, remembers the latest CancelledError and re-raises it once
 * the lock is held again). The caller therefore holds the lock whenever `wait()` returns or
 * throws, so `asyncWith(cond, …)` can always release it.
 *
 * If anything is raised after the task may have been notified, `wait()` notifies one other
 * waiter before re-raising, so a notification is never lost to a cancellation (a spurious wakeup
 * is allowed; callers re-check their predicate, which is what `waitFor` does).
 *
 * @module
 */
import { CancelledError, type Coroutine } from '@tsyncio/futures';
import { describe, INSPECT, RuntimeError } from '@tsyncio/loop';
import { LockContext } from './internal/lock-context.js';
import { finished, futureNext, HandCoroutine } from './internal/op.js';
import { Waiter, WaiterList } from './internal/waiters.js';
import { Lock } from './lock.js';

/** What `wait()` holds while no error was raised by the wait itself. */
const NO_FAILURE: unique symbol = Symbol('tsyncio.noFailure');

/**
 * A condition variable: tasks wait (holding its lock) until another task notifies them. Its lock
 * is a new {@link Lock}, or the one given, so several conditions can share one lock.
 *
 * Same as asyncio's `asyncio.Condition`, including the guarantee that `wait()` holds the lock
 * again when it returns or throws (even on cancellation) and passes on a notification it cannot
 * use.
 *
 * Differs from asyncio: methods that wait are used with `yield*`; `async with cond:` is
 * `yield* asyncWith(cond, function* () { … })`.
 *
 * @example
 * ```ts
 * const cond = new Condition();
 * const items: string[] = [];
 *
 * function* consumer(): Coroutine<string> {
 *   return yield* asyncWith(cond, function* () {
 *     yield* cond.waitFor(() => items.length > 0);
 *     return items.shift()!;
 *   });
 * }
 *
 * function* producer(item: string): Coroutine<void> {
 *   yield* asyncWith(cond, function* () {
 *     items.push(item);
 *     cond.notify();
 *   });
 * }
 * ```
 */
export class Condition extends LockContext {
  /** @internal */
  readonly _lock: Lock;
  /** @internal tasks waiting to be notified */
  readonly _waiters: WaiterList<boolean> = new WaiterList<boolean>();

  /**
   * @param lock the lock to use (default: a new Lock).
   * @throws TypeError when `lock` is given and is not a Lock.
   */
  constructor(lock?: Lock | null) {
    super();
    if (lock === undefined || lock === null) {
      this._lock = new Lock();
    } else if (
      typeof lock !== 'object' ||
      typeof lock.acquire !== 'function' ||
      typeof lock.release !== 'function' ||
      typeof lock.locked !== 'function'
    ) {
      throw new TypeError(`Condition() lock must be a Lock, got ${describe(lock)}`);
    } else {
      this._lock = lock;
    }
  }

  /** Whether the underlying lock is held. Same as asyncio's `Condition.locked()`. */
  locked(): boolean {
    return this._lock.locked();
  }

  /**
   * Acquire the underlying lock (see {@link Lock.acquire}). Returns `true`.
   *
   * Same as asyncio's `Condition.acquire()`.
   *
   * @example
   * ```ts
   * yield* cond.acquire();
   * try {
   *   cond.notifyAll();
   * } finally {
   *   cond.release();
   * }
   * ```
   */
  acquire(): Coroutine<true> {
    return this._lock.acquire();
  }

  /** `asyncWith` entry: acquire the underlying lock; the body receives nothing. Same as asyncio's `__aenter__`. */
  override aenter(): Coroutine<void> {
    const lock = this._lock;
    return lock instanceof Lock ? lock.aenter() : super.aenter();
  }

  /**
   * Release the underlying lock (see {@link Lock.release}).
   *
   * Same as asyncio's `Condition.release()`.
   *
   * @throws RuntimeError("Lock is not acquired.") when the lock is not held.
   *
   * @example
   * ```ts
   * yield* cond.acquire();
   * cond.release();
   * ```
   */
  release(): void {
    this._lock.release();
  }

  /**
   * Release the lock, wait until notified, re-acquire the lock and return `true`. May return
   * spuriously: re-check your condition (or use {@link waitFor}).
   *
   * The lock is held again whenever `wait()` returns or throws — also when the task is cancelled
   * (the lock is re-acquired first, then the CancelledError is re-raised).
   *
   * Same as asyncio's `Condition.wait()`.
   *
   * @throws RuntimeError("cannot wait on un-acquired lock") when the lock is not held.
   * @throws RuntimeError when the condition is bound to a different event loop.
   *
   * @example
   * ```ts
   * yield* asyncWith(cond, function* () {
   *   while (!ready) yield* cond.wait();
   * });
   * ```
   */
  wait(): Coroutine<true> {
    return new ConditionWait(this);
  }

  /**
   * Wait until `predicate()` is truthy and return its value. The predicate is called with the
   * lock held: first at once, then after each wakeup.
   *
   * Same as asyncio's `Condition.wait_for()`: the final predicate value is the result.
   *
   * @throws RuntimeError("cannot wait on un-acquired lock") when the predicate is falsy and the
   * lock is not held.
   *
   * @example
   * ```ts
   * const item = yield* asyncWith(cond, function* () {
   *   return yield* cond.waitFor(() => queue.pop());
   * });
   * ```
   */
  *waitFor<T>(predicate: () => T): Coroutine<T> {
    if (typeof predicate !== 'function') {
      throw new TypeError(`waitFor() predicate must be a function, got ${describe(predicate)}`);
    }
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wake up to `n` tasks waiting on this condition (default 1). Woken tasks return from `wait()`
   * only once they re-acquire the lock, so call `release()` (or leave `asyncWith`) after.
   *
   * Same as asyncio's `Condition.notify(n=1)`.
   *
   * @throws RuntimeError("cannot notify on un-acquired lock") when the lock is not held.
   * @throws TypeError / RangeError when `n` is not a number / is NaN.
   *
   * @example
   * ```ts
   * yield* asyncWith(cond, function* () {
   *   items.push(item);
   *   cond.notify();
   * });
   * ```
   */
  notify(n = 1): void {
    if (typeof n !== 'number') throw new TypeError(`notify() n must be a number, got ${describe(n)}`);
    if (Number.isNaN(n)) throw new RangeError('notify() n must not be NaN');
    if (!this.locked()) throw new RuntimeError('cannot notify on un-acquired lock');
    this._notify(n);
  }

  /**
   * Wake every task waiting on this condition.
   *
   * Same as asyncio's `Condition.notify_all()`.
   *
   * @throws RuntimeError("cannot notify on un-acquired lock") when the lock is not held.
   *
   * @example
   * ```ts
   * yield* asyncWith(cond, function* () {
   *   done = true;
   *   cond.notifyAll();
   * });
   * ```
   */
  notifyAll(): void {
    this.notify(this._waiters.length);
  }

  /** @internal wake up to `n` waiters that are not done yet (asyncio's `_notify`) */
  _notify(n: number): void {
    this._waiters.wakeUpTo(n, false);
  }

  /** `<Condition [locked, waiters:1]>`, like asyncio's repr. */
  override toString(): string {
    const waiters = this._waiters.length;
    return `<${this.constructor.name} [${this.locked() ? 'locked' : 'unlocked'}${waiters > 0 ? `, waiters:${waiters}` : ''}]>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/** ConditionWait phases. */
const FRESH = 0;
const NOTIFY = 1; // waiting to be notified
const REACQUIRE = 2; // waiting for the lock again
const DONE = 3;

/**
 * `Condition.wait()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands
 * for (asyncio's `Condition.wait`):
 *
 * ```ts
 * if (!cond.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
 * const waiter = new Waiter(cond._getLoop());
 * cond.release();
 * try {
 *   let failure = NO_FAILURE;
 *   waiters.append(waiter);
 *   try { yield* waiter; } catch (error) { failure = error; } finally { waiters.remove(waiter); }
 *   let cancelled = null;           // re-acquire the lock even when cancelled
 *   for (;;) {
 *     try { yield* cond._lock.acquire(); break; }
 *     catch (error) { if (!(error instanceof CancelledError)) throw error; cancelled = error; }
 *   }
 *   if (cancelled !== null) throw cancelled;
 *   if (failure !== NO_FAILURE) throw failure;
 *   return true;
 * } catch (error) {
 *   cond._notify(1);                // we may have been notified: pass it on
 *   throw error;
 * }
 * ```
 *
 * Closing it with `return()` while it waits (only possible when it is driven by hand, not by a
 * Task) leaves the waiter list and passes a notification on, but does not re-acquire the lock: a
 * closed coroutine cannot wait.
 */
class ConditionWait extends HandCoroutine<true> {
  /** @internal */
  declare readonly _cond: Condition;
  /** @internal FRESH, NOTIFY, REACQUIRE or DONE */
  declare _phase: number;
  /** @internal */
  declare _waiter: Waiter<boolean> | null;
  /** @internal the lock's acquire() while REACQUIRE */
  declare _acquire: Coroutine<true> | null;
  /** @internal what the wait for the notification raised */
  declare _failure: unknown;
  /** @internal the latest CancelledError of the re-acquire loop */
  declare _cancelled: CancelledError | null;

  constructor(cond: Condition) {
    super();
    this._cond = cond;
    this._phase = FRESH;
    this._waiter = null;
    this._acquire = null;
    this._failure = NO_FAILURE;
    this._cancelled = null;
  }

  next(): IteratorResult<unknown, true> {
    switch (this._phase) {
      case FRESH:
        return this._begin();
      case NOTIFY: {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = futureNext(this._waiter);
        } catch (error) {
          return this._notified(error);
        }
        if (step.done !== true) return step;
        return this._notified(NO_FAILURE);
      }
      case REACQUIRE: {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = (this._acquire as Coroutine<true>).next();
        } catch (error) {
          return this._acquireFailed(error);
        }
        if (step.done !== true) return step;
        return this._finish();
      }
      default:
        return finished(undefined as unknown as true);
    }
  }

  throw(error: unknown): IteratorResult<unknown, true> {
    switch (this._phase) {
      case NOTIFY:
        return this._notified(error);
      case REACQUIRE: {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = (this._acquire as Coroutine<true>).throw(error);
        } catch (raised) {
          return this._acquireFailed(raised);
        }
        if (step.done !== true) return step;
        return this._finish();
      }
      default:
        this._phase = DONE;
        throw error;
    }
  }

  return(value: true): IteratorResult<unknown, true> {
    const phase = this._phase;
    this._phase = DONE;
    if (phase === NOTIFY) {
      this._cond._waiters.remove(this._waiter as Waiter<boolean>);
      this._cond._notify(1);
    } else if (phase === REACQUIRE) {
      (this._acquire as Coroutine<true>).return(true);
      this._cond._notify(1);
    }
    return { value, done: true };
  }

  private _begin(): IteratorResult<unknown, true> {
    this._phase = DONE;
    const cond = this._cond;
    if (!cond.locked()) throw new RuntimeError('cannot wait on un-acquired lock');
    const waiter = new Waiter<boolean>(cond._getLoop());
    cond.release();
    cond._waiters.append(waiter);
    this._waiter = waiter;
    this._phase = NOTIFY;
    return futureNext(waiter) as IteratorResult<unknown, true>;
  }

  /** The wait for the notification ended (`failure`: what it raised): re-acquire the lock. */
  private _notified(failure: unknown): IteratorResult<unknown, true> {
    this._phase = DONE;
    this._cond._waiters.remove(this._waiter as Waiter<boolean>);
    this._failure = failure;
    return this._reacquire();
  }

  private _reacquire(): IteratorResult<unknown, true> {
    const lock = this._cond._lock;
    if (lock instanceof Lock && !lock._locked && !lock._waiters.hasActive()) {
      // Lock.acquire()'s fast path, without building its coroutine
      lock._locked = true;
      return this._finish();
    }
    for (;;) {
      const acquire = lock.acquire();
      let step: IteratorResult<unknown, unknown>;
      try {
        step = acquire.next();
      } catch (error) {
        if (!(error instanceof CancelledError)) return this._raise(error);
        this._cancelled = error;
        continue;
      }
      if (step.done === true) return this._finish();
      this._acquire = acquire;
      this._phase = REACQUIRE;
      return step;
    }
  }

  /** The lock's acquire() raised while we waited for it. */
  private _acquireFailed(error: unknown): IteratorResult<unknown, true> {
    this._phase = DONE;
    this._acquire = null;
    if (!(error instanceof CancelledError)) return this._raise(error);
    this._cancelled = error;
    return this._reacquire();
  }

  /** The lock is held again. */
  private _finish(): IteratorResult<unknown, true> {
    this._phase = DONE;
    this._acquire = null;
    if (this._cancelled !== null) return this._raise(this._cancelled);
    if (this._failure !== NO_FAILURE) return this._raise(this._failure);
    return finished(true as const);
  }

  /** asyncio's `except BaseException: self._notify(1); raise`. */
  private _raise(error: unknown): never {
    this._phase = DONE;
    this._cond._notify(1);
    throw error;
  }
}
