/**
 * `shield`: protect an awaitable from the cancellation of the task that waits for it.
 *
 * @module
 */
import type { Awaitable } from './coroutine.js';
import { ensureFuture } from './ensure-future.js';
import { Future } from './future.js';

/**
 * The inner futures of pending shields, referenced until they are done. The loop already holds
 * pending tasks strongly; this also covers a shielded future that is not a task.
 */
const shielded = new Set<Future<unknown>>();

function forget(inner: Future<unknown>): void {
  shielded.delete(inner);
}

/**
 * Wait for `aw` without letting a cancellation reach it: `yield* shield(task)` is `yield* task`,
 * except that cancelling the waiting task (or the returned future) does not cancel `task`.
 *
 * - `aw` is wrapped with `ensureFuture` (a coroutine becomes a Task). If that is already done, it
 *   is returned as it is.
 * - Otherwise a new outer Future is returned that settles like the inner one. Cancelling the outer
 *   leaves the inner running (the waiting task still gets `CancelledError`); if the inner is
 *   cancelled by other means, the outer is cancelled too.
 * - The inner future is kept referenced until it is done, so a shielded fire-and-forget task is
 *   never lost; its exception is then reported as unhandled if nobody retrieves it.
 *
 * To ignore cancellation completely (rarely right), catch the `CancelledError` around
 * `yield* shield(...)`.
 *
 * Same as asyncio's `asyncio.shield(aw)`.
 *
 * Differs from asyncio: the inner future is kept referenced until it is done. asyncio 3.13 keeps
 * no such reference (its loop holds tasks only weakly), and its docs ask callers to keep one.
 *
 * @throws TypeError when `aw` is not awaitable.
 *
 * @example
 * ```ts
 * function* handler(request: Request): Coroutine<void> {
 *   const save = createTask(saveToDatabase(request)); // must finish even if the handler is cancelled
 *   yield* shield(save);
 * }
 * ```
 */
export function shield<T>(aw: Awaitable<T>): Future<T> {
  const inner = ensureFuture(aw);
  if (inner.done()) return inner;
  const outer = new Future<T>({ loop: inner.getLoop() });
  shielded.add(inner);

  const onInnerDone = (done: Future<T>): void => {
    shielded.delete(done);
    if (outer.cancelled()) {
      // mark the inner's exception retrieved (the outer was cancelled after this was scheduled)
      if (!done.cancelled()) done.exception();
      return;
    }
    if (done.cancelled()) {
      outer.cancel();
      return;
    }
    const error = done.exception();
    if (error !== null) outer.setException(error);
    else outer.setResult(done.result());
  };
  const onOuterDone = (): void => {
    if (!inner.done()) {
      // the outer was cancelled: stop relaying, but keep the inner referenced until it is done
      inner.removeDoneCallback(onInnerDone);
      inner.addDoneCallback(forget);
    }
  };
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
