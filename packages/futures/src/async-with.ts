/**
 * `asyncWith`: asyncio's `async with`, for coroutines.
 *
 * @module
 */
import type { Coroutine } from './coroutine.js';
import { finished, HandCoroutine } from './hand-coroutine.js';

/**
 * An asynchronous context manager: what `asyncWith` enters and exits. Locks, semaphores,
 * `timeout()`, `TaskGroup` and servers implement it.
 *
 * Same as asyncio's `__aenter__`/`__aexit__`, with one argument for the error (undefined when the
 * body finished normally) instead of Python's three.
 */
export interface AsyncContextManager<V> {
  /** Enter: acquire the resource and return the value the body receives. */
  aenter(): Coroutine<V>;
  /**
   * Exit: release the resource. `error` is what the body threw (undefined when it returned).
   * Return `true` to swallow the error; anything else lets it propagate.
   */
  // `void` lets an aexit() that returns nothing (a generator with no return) fit the interface
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  aexit(error: unknown): Coroutine<boolean | void>;
}

/**
 * Run `body(value)` inside `cm`: `yield* cm.aenter()`, then the body, then `yield* cm.aexit(error)`
 * — also when the body throws or its task is cancelled. If `aexit` returns `true` the body's
 * error is swallowed and `asyncWith` returns undefined.
 *
 * Same as asyncio's `async with cm as value: body`.
 *
 * @example
 * ```ts
 * yield* asyncWith(lock, function* () {
 *   yield* writeRecord(record); // only one task at a time
 * });
 * ```
 */
export function asyncWith<V, R>(cm: AsyncContextManager<V>, body: (value: V) => Coroutine<R>): Coroutine<R> {
  return new AsyncWith(cm, body);
}

const FRESH = 0;
const ENTERING = 1;
const IN_BODY = 2;
/** in `aexit(undefined)` after the body returned */
const EXITING = 3;
/** in `aexit(error)` after the body threw */
const EXITING_ERROR = 4;
const DONE = 5;


type Inner = Iterator<unknown, unknown, unknown>;

/**
 * The coroutine `asyncWith()` returns, written by hand: it behaves exactly like the generator
 *
 * ```ts
 * function* asyncWith(cm, body) {
 *   const value = yield* cm.aenter();
 *   let result;
 *   try {
 *     result = yield* body(value);
 *   } catch (error) {
 *     if ((yield* cm.aexit(error)) === true) return undefined;
 *     throw error;
 *   }
 *   yield* cm.aexit(undefined);
 *   return result;
 * }
 * ```
 *
 * — including `yield*`'s forwarding of `next`/`throw`/`return` to the coroutine it delegates to —
 * without being a generator: every `async with` sits between its body and the Task on each step,
 * and a generator level costs far more to resume than a method call.
 */
class AsyncWith<V, R> extends HandCoroutine<R> {
  declare _cm: AsyncContextManager<V>;
  declare _body: (value: V) => Coroutine<R>;
  declare _phase: number;
  declare _inner: Inner | null;
  /** the body's result, or its error while in EXITING_ERROR */
  declare _outcome: unknown;
  /** return() was called: complete when the delegate does */
  declare _returning: boolean;

  constructor(cm: AsyncContextManager<V>, body: (value: V) => Coroutine<R>) {
    super();
    this._cm = cm;
    this._body = body;
    this._phase = FRESH;
    this._inner = null;
    this._outcome = undefined;
    this._returning = false;
  }

  next(sent?: unknown): IteratorResult<unknown, R> {
    if (this._phase === FRESH) return this._start();
    if (this._phase === DONE) return finished(undefined as R);
    let step: IteratorResult<unknown, unknown>;
    try {
      step = (this._inner as Inner).next(sent);
    } catch (error) {
      return this._innerThrew(error);
    }
    return this._advance(step);
  }

  throw(error: unknown): IteratorResult<unknown, R> {
    const inner = this._inner;
    if (this._phase === FRESH || this._phase === DONE || inner === null) {
      this._phase = DONE;
      throw error;
    }
    let step: IteratorResult<unknown, unknown>;
    try {
      if (typeof inner.throw !== 'function') {
        // yield* closes a delegate that cannot be thrown into, then fails with a TypeError
        inner.return?.();
        throw new TypeError('The iterator does not provide a throw method');
      }
      step = inner.throw(error);
    } catch (thrown) {
      return this._innerThrew(thrown);
    }
    return this._advance(step);
  }

  return(value: R): IteratorResult<unknown, R> {
    const inner = this._inner;
    if (this._phase === FRESH || this._phase === DONE || inner === null || typeof inner.return !== 'function') {
      this._phase = DONE;
      return { value, done: true };
    }
    this._returning = true;
    let step: IteratorResult<unknown, unknown>;
    try {
      step = inner.return(value);
    } catch (error) {
      this._phase = DONE;
      throw error;
    }
    if (step.done === true) {
      this._phase = DONE;
      return { value: step.value as R, done: true };
    }
    return step;
  }

  private _start(): IteratorResult<unknown, R> {
    this._phase = DONE;
    const cm = this._cm;
    if (typeof cm?.aenter !== 'function' || typeof cm.aexit !== 'function') {
      throw new TypeError('asyncWith() expects an asynchronous context manager (an object with aenter() and aexit())');
    }
    this._inner = cm.aenter()[Symbol.iterator]();
    this._phase = ENTERING;
    return this.next(undefined);
  }

  /** The delegate yielded or finished: pass a yield through, or move to the next phase. */
  private _advance(step: IteratorResult<unknown, unknown>): IteratorResult<unknown, R> {
    for (;;) {
      if (step.done !== true) return step;
      const value = step.value;
      if (this._returning) {
        this._phase = DONE;
        this._inner = null;
        return { value: value as R, done: true };
      }
      let inner: Inner;
      switch (this._phase) {
        case ENTERING:
          this._phase = IN_BODY;
          try {
            inner = this._body(value as V)[Symbol.iterator]();
          } catch (error) {
            return this._innerThrew(error);
          }
          break;
        case IN_BODY:
          this._outcome = value;
          this._phase = EXITING;
          inner = this._cm.aexit(undefined)[Symbol.iterator]();
          break;
        case EXITING: {
          this._phase = DONE;
          this._inner = null;
          const result = this._outcome as R;
          this._outcome = undefined;
          return finished(result);
        }
        default: {
          // EXITING_ERROR: aexit() decided
          this._phase = DONE;
          this._inner = null;
          const error = this._outcome;
          this._outcome = undefined;
          if (value === true) return finished(undefined as R);
          throw error;
        }
      }
      this._inner = inner;
      try {
        step = inner.next(undefined);
      } catch (error) {
        return this._innerThrew(error);
      }
    }
  }

  /** The delegate threw: the body's error goes to aexit(); anything else ends the coroutine. */
  private _innerThrew(error: unknown): IteratorResult<unknown, R> {
    if (this._phase !== IN_BODY || this._returning) {
      this._phase = DONE;
      this._inner = null;
      throw error;
    }
    this._phase = EXITING_ERROR;
    this._outcome = error;
    let step: IteratorResult<unknown, unknown>;
    try {
      const inner = this._cm.aexit(error)[Symbol.iterator]();
      this._inner = inner;
      step = inner.next(undefined);
    } catch (thrown) {
      this._phase = DONE;
      this._inner = null;
      throw thrown;
    }
    return this._advance(step);
  }
}
