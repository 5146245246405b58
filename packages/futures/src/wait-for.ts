/**
 * `waitFor`: wait for one awaitable, with a timeout (asyncio 3.12+ semantics).
 *
 * @module
 */
import { describe, getRunningLoop } from '@tsyncio/loop';
import type { Awaitable, Coroutine } from './coroutine.js';
import { ensureFuture } from './ensure-future.js';
import { CancelledError, TimeoutError } from './errors.js';
import { Future, setResultUnlessCancelled } from './future.js';
import { Timeout } from './timeout.js';

/**
 * Wait for `aw` to finish and return its result, giving up after `timeout` seconds: then the
 * awaited work is cancelled, `waitFor` **waits for it to finish cancelling**, and raises
 * `TimeoutError` (its `cause`: the CancelledError). With a `timeout` of null it waits forever.
 *
 * How it runs (asyncio 3.12+, where `wait_for` became `async with timeout(t): return await aw`):
 *
 * - `timeout > 0` or null: `aw` is awaited **inline, in the calling task**, inside a
 *   {@link timeout} block. A coroutine is *not* wrapped in a Task (despite asyncio's
 *   docstring): it runs as part of the caller, sees the caller's context variables, and
 *   `currentTask()` inside it is the caller. A Future or Task is waited on directly.
 * - `timeout <= 0`: `aw` is wrapped with `ensureFuture` (a coroutine becomes a Task that never
 *   gets to run); if that is already done its result is returned, otherwise it is cancelled and
 *   awaited, then `TimeoutError` is raised.
 * - If the awaited work catches the cancellation and returns a value anyway, that value is
 *   returned instead of raising `TimeoutError`. If it fails with another error while cancelling,
 *   that error propagates.
 * - Cancelling the task that waits (from outside) cancels the awaited work too, and raises
 *   `CancelledError`, not `TimeoutError`. Protect work from both with `shield()`.
 * - The total time can exceed `timeout`: cancellation is waited for.
 *
 * Same as asyncio's `asyncio.wait_for(aw, timeout)` (3.12+).
 *
 * @throws TimeoutError when the deadline passes (raised by the coroutine, when it is waited on).
 * @throws TypeError when `aw` is not awaitable (wrap a promise with `fromPromise()`) or `timeout`
 *   is neither a number nor null; RangeError when `timeout` is NaN.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   try {
 *     const page = yield* waitFor(download(url), 5);
 *     console.log(page.length);
 *   } catch (e) {
 *     if (!(e instanceof TimeoutError)) throw e;
 *     console.log('download took longer than 5 s and was cancelled');
 *   }
 * }
 * ```
 */
export function* waitFor<T>(aw: Awaitable<T>, timeout: number | null): Coroutine<T> {
  if (timeout !== null && timeout !== undefined && typeof timeout !== 'number') {
    throw new TypeError(`waitFor() timeout must be a number of seconds or null, got ${describe(timeout)}`);
  }
  if (typeof (aw as Partial<Awaitable<T>> | null)?.[Symbol.iterator] !== 'function' || Array.isArray(aw) || typeof aw === 'string') {
    const hint = typeof (aw as Partial<PromiseLike<T>> | null)?.then === 'function' ? ': wrap a promise with fromPromise()' : '';
    throw new TypeError(`waitFor() expects a Future, a Task or a coroutine, got ${describe(aw)}${hint}`);
  }
  if (typeof timeout === 'number' && timeout <= 0) {
    const future = ensureFuture(aw);
    if (future.done()) return future.result();
    yield* cancelAndWait(future);
    try {
      return future.result();
    } catch (error) {
      if (error instanceof CancelledError) throw new TimeoutError(undefined, { cause: error });
      throw error;
    }
  }
  // `yield* timeout(t) { return yield* aw }`, spelled out without the asyncWith machinery
  const cm = new Timeout(timeout === null || timeout === undefined ? null : getRunningLoop().time() + timeout);
  cm._enter();
  let result: T;
  try {
    result = yield* aw;
  } catch (error) {
    cm._exit(error);
    throw error;
  }
  cm._exit(undefined);
  return result;
}

/**
 * Cancel `future` and wait until it is done, through a separate waiter so that this wait itself
 * stays cancellable (asyncio's `_cancel_and_wait`). A coroutine given to `waitFor(coro, 0)` is a
 * Task that never started: it ends at its first step without running.
 */
function* cancelAndWait(future: Future<unknown>): Coroutine<void> {
  const waiter = new Future<undefined>({ loop: future.getLoop() });
  const release = (): void => {
    setResultUnlessCancelled(waiter, undefined);
  };
  future.addDoneCallback(release);
  try {
    future.cancel();
    yield* waiter;
  } finally {
    future.removeDoneCallback(release);
  }
}

