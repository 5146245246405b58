/**
 * `asyncWith`: asyncio's `async with`, for coroutines.
 *
 * @module
 */
import type { Coroutine } from './coroutine.js';

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
export function* asyncWith<V, R>(cm: AsyncContextManager<V>, body: (value: V) => Coroutine<R>): Coroutine<R> {
  if (typeof cm?.aenter !== 'function' || typeof cm.aexit !== 'function') {
    throw new TypeError('asyncWith() expects an asynchronous context manager (an object with aenter() and aexit())');
  }
  const value = yield* cm.aenter();
  let result: R;
  try {
    result = yield* body(value);
  } catch (error) {
    const swallow = yield* cm.aexit(error);
    if (swallow === true) return undefined as R;
    throw error;
  }
  yield* cm.aexit(undefined);
  return result;
}
