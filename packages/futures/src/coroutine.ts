/**
 * Coroutines are generators (DESIGN §3): `function* f(): Coroutine<T>` is asyncio's
 * `async def f() -> T`, and `yield* aw` is `await aw`.
 *
 * @module
 */

/**
 * A coroutine: the generator object returned by calling a `function*`. `yield*` it to run it
 * inline and get its result; wrap it in a Task with `createTask()` to run it concurrently.
 *
 * Same as asyncio's coroutine object (`async def` result).
 */
export type Coroutine<T> = Generator<unknown, T, unknown>;

/**
 * Anything `yield*` can wait for: a Future, a Task, a coroutine, or any object whose
 * `[Symbol.iterator]()` returns a generator. `yield* aw` has type `T`. (Arrays are not awaitable.)
 *
 * Same as asyncio's awaitable.
 */
export interface Awaitable<T> {
  [Symbol.iterator](): Generator<unknown, T, unknown>;
}

/**
 * Whether `value` is a coroutine (a generator object).
 *
 * Same as asyncio's `iscoroutine()`.
 */
export function isCoroutine(value: unknown): value is Coroutine<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'Generator' &&
    typeof (value as { throw?: unknown }).throw === 'function'
  );
}

/** @internal whether `value` is a generator *function* (a common mistake: `createTask(main)`) */
export function isCoroutineFunction(value: unknown): boolean {
  return typeof value === 'function' && Object.prototype.toString.call(value) === '[object GeneratorFunction]';
}
