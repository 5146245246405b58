/**
 * Hand-written coroutines for the hot paths: `Lock.acquire()`, `Semaphore.acquire()`,
 * `Event.wait()`, `Queue.put()`/`get()`, `Condition.wait()`, and the `aenter`/`aexit` of
 * `asyncWith(lock, …)`.
 *
 * Each of these returns a {@link HandCoroutine} (most of them an {@link Op}, which waits on one
 * waiter future): a small object that *is* a coroutine — it implements the
 * generator protocol (`next`/`throw`/`return`, `[Symbol.iterator]`, toStringTag "Generator"), so
 * `yield*`, `createTask()` and `isCoroutine()` treat it exactly like the generator object a
 * `function*` would return. It exists only because V8 generators are expensive on these paths:
 * creating and resuming a generator costs about 2.5× a plain object and a method call, and an
 * uncontended `acquire()`/`put()`/`get()` is nothing but that overhead.
 *
 * ## The state machine (what the equivalent `function*` would do)
 *
 * ```
 *   FRESH ──next()──→ run the operation ─┬─→ DONE      finished at once: the fast path
 *     │                                  └─→ WAITING   a waiter future is yielded to the Task
 *     ├──throw(e)/return(v)──→ DONE (nothing ran: e is thrown / v returned, as for a generator)
 *   WAITING ──next()──→ the waiter's outcome: resumed (_resume) or failed (_fail, the `catch`)
 *     ├──throw(e)──→ _fail(e): the `catch`/`finally` of the generator, then e propagates
 *     └──return(v)──→ _close(): the `finally` (and asyncio's bare `except:` clean-up), then DONE
 *   DONE ──next()──→ { value: undefined, done: true }
 * ```
 *
 * Like the waiting Future, an op answers `next()` with a shared result object that `yield*` and
 * the Task read at once; it is never kept.
 *
 * @module
 */
import { finished, HandCoroutine } from '@tsyncio/futures';
import type { Waiter } from './waiters.js';

// the generator-protocol base and the shared result object live in @tsyncio/futures
export { finished, HandCoroutine };

/** @internal */
export const FRESH = 0;
/** @internal */
export const WAITING = 1;
/** @internal */
export const DONE = 2;

/** A Future is its own iterator: `next()` yields it while pending, returns its result once done. */
interface FutureIterator {
  next(): IteratorResult<unknown, unknown>;
}

/** @internal the next step of a Future used as its own iterator (yields it while pending) */
export function futureNext(future: unknown): IteratorResult<unknown, unknown> {
  return (future as FutureIterator).next();
}

/**
 * Base class of the hand-written coroutines that wait on one waiter future (see the module notes).
 *
 * @internal
 */
export abstract class Op<T> extends HandCoroutine<T> {
  // Fields are assigned in constructors, not declared with initializers: V8 builds objects with
  // class-field initializers (define semantics) about twice as slowly, and ops are built per call.
  /** @internal FRESH, WAITING or DONE */
  declare _state: number;
  /** @internal the future the op waits on while WAITING */
  declare _waiter: Waiter<unknown> | null;

  constructor() {
    super();
    this._state = FRESH;
    this._waiter = null;
  }

  /** @internal run the operation from the start: finish (return finished(x)) or wait (this._wait) */
  abstract _start(): IteratorResult<unknown, T>;
  /** @internal the waiter finished normally: go on (finish, or wait again) */
  abstract _resume(): IteratorResult<unknown, T>;
  /** @internal an error arrived while waiting: clean up as the generator's catch/finally, then throw it */
  abstract _fail(error: unknown): never;
  /** @internal the coroutine is closed while waiting: run the clean-up of its `finally` */
  abstract _close(): void;

  /** @internal wait on `waiter`: yield it to the Task (through the future's own `next()`) */
  _wait(waiter: Waiter<unknown>): IteratorResult<unknown, T> {
    this._waiter = waiter;
    this._state = WAITING;
    return futureNext(waiter) as IteratorResult<unknown, T>;
  }

  next(): IteratorResult<unknown, T> {
    const state = this._state;
    if (state === WAITING) {
      const waiter = this._waiter as Waiter<unknown>;
      let step: IteratorResult<unknown, unknown>;
      try {
        step = futureNext(waiter);
      } catch (error) {
        return this._throwIn(error);
      }
      if (step.done !== true) return step; // still pending: wait on
      this._state = DONE; // until _resume() waits again
      return this._resume();
    }
    if (state === FRESH) {
      this._state = DONE; // until _wait() says otherwise; an exception ends the op
      return this._start();
    }
    return finished(undefined as T);
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    if (this._state === WAITING) return this._throwIn(error);
    this._state = DONE;
    throw error;
  }

  return(value: T): IteratorResult<unknown, T> {
    if (this._state === WAITING) {
      this._state = DONE;
      this._close();
    }
    this._state = DONE;
    return { value, done: true };
  }

  private _throwIn(error: unknown): never {
    this._state = DONE;
    return this._fail(error);
  }
}

/**
 * `aexit()` of a lock-like primitive: releases it when iterated. It has no per-call state, so
 * one per primitive serves every `asyncWith`.
 *
 * @internal
 */
export class ReleaseOp extends HandCoroutine<void> {
  /** @internal */
  declare readonly _target: { release(): void };

  constructor(target: { release(): void }) {
    super();
    this._target = target;
  }

  next(): IteratorResult<unknown, void> {
    this._target.release();
    return finished(undefined);
  }

  throw(error: unknown): IteratorResult<unknown, void> {
    throw error;
  }

  return(value?: undefined): IteratorResult<unknown, void> {
    return { value, done: true };
  }
}
