/**
 * `ensureFuture`: turn any awaitable into a Future.
 *
 * @module
 */
import { describe, type EventLoop } from '@tsyncio/loop';
import { isCoroutine, type Awaitable, type Coroutine } from './coroutine.js';
import { isFuture, type Future } from './future.js';
import { fromPromise } from './promise-interop.js';
import { createTask } from './task.js';

/** Options for {@link ensureFuture}. */
export interface EnsureFutureOptions {
  /** The loop for a new Task or Future (default: the running loop, else `getEventLoop()`). */
  loop?: EventLoop;
}

/** Built-in iterables that are data, not awaitables (their iterators are no coroutines). */
function isCollection(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    Array.isArray(value) ||
    value instanceof Set ||
    value instanceof Map ||
    ArrayBuffer.isView(value)
  );
}

function* awaitAwaitable<T>(awaitable: Awaitable<T>): Coroutine<T> {
  return yield* awaitable;
}

/**
 * A Future for `aw`: a Future or Task is returned as is; a coroutine is wrapped in a Task; a
 * promise (any thenable) in a Future settled by it (see `fromPromise`); any other awaitable (an
 * object whose `[Symbol.iterator]()` returns a generator) in a Task that waits on it. Strings,
 * arrays, Sets, Maps and typed arrays are iterable but not awaitable.
 *
 * Same as asyncio's `ensure_future()`, with promises in the role of concurrent futures.
 *
 * @throws TypeError when `aw` is none of these.
 * @throws RangeError when `aw` is a Future of another loop than `options.loop`.
 */
export function ensureFuture<T>(aw: Awaitable<T> | PromiseLike<T>, options: EnsureFutureOptions = {}): Future<T> {
  if (isFuture(aw)) {
    const future = aw as unknown as Future<T>;
    if (options.loop !== undefined && options.loop !== future.getLoop()) {
      throw new RangeError('The future belongs to a different loop than the one specified as the loop argument');
    }
    return future;
  }
  if (isCoroutine(aw)) return createTask(aw as Coroutine<T>, options.loop === undefined ? {} : { loop: options.loop });
  if (typeof (aw as PromiseLike<T> | null)?.then === 'function') return fromPromise(aw as PromiseLike<T>, options);
  if (typeof (aw as Awaitable<T> | null)?.[Symbol.iterator] === 'function' && !isCollection(aw)) {
    return createTask(awaitAwaitable(aw as Awaitable<T>), options.loop === undefined ? {} : { loop: options.loop });
  }
  throw new TypeError(`A Future, a coroutine, a promise or an awaitable is required, got ${describe(aw)}`);
}
