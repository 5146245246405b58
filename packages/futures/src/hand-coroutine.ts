/**
 * Hand-written coroutines: small objects that *are* coroutines — they implement the generator
 * protocol (`next`/`throw`/`return`, `[Symbol.iterator]`, toStringTag "Generator") — for the hot
 * paths where a V8 generator costs more than the work: `sleep()`, `asyncWith()`, and the sync
 * primitives' `acquire()`/`wait()`/`put()`/`get()`. `yield*`, `createTask()` and `isCoroutine()`
 * treat them exactly like the generator object of the `function*` they replace.
 *
 * Like a waiting Future, they answer with a shared result object that `yield*` and the Task read
 * at once and never keep ({@link finished}).
 *
 * @module
 */
import type { Coroutine } from './coroutine.js';

/** The one completion result hand-written coroutines return (read at once, never kept). */
const FINISHED: { value: unknown; done: boolean } = { value: undefined, done: true };

/**
 * A finished iterator result carrying `value`, for a hand-written coroutine's `next()`. The object
 * is shared: the caller (`yield*`, a Task) must read it before the next call.
 */
export function finished<T>(value: T): IteratorResult<unknown, T> {
  FINISHED.value = value;
  FINISHED.done = true;
  return FINISHED as IteratorResult<unknown, T>;
}

/**
 * The base of hand-written coroutines: the parts of the generator protocol every one shares.
 * Subclasses implement `next`, `throw` and `return` with the semantics of the generator they
 * replace (write that generator in the class's documentation).
 *
 * tsyncio only: asyncio's C accelerator plays this role for its own futures and tasks.
 */
export abstract class HandCoroutine<T> implements Coroutine<T> {
  abstract next(...args: [] | [unknown]): IteratorResult<unknown, T>;
  abstract throw(error: unknown): IteratorResult<unknown, T>;
  abstract return(value: T): IteratorResult<unknown, T>;

  [Symbol.iterator](): this {
    return this;
  }

  /** Like a generator's: `return()`. */
  [Symbol.dispose](): void {
    this.return(undefined as T);
  }

  get [Symbol.toStringTag](): string {
    return 'Generator';
  }
}
