/**
 * Promise and AbortSignal interop: wait on a promise from a coroutine, and stop promise-based work
 * when a task or future is cancelled.
 *
 * @module
 */
import { _getRunningLoop, getEventLoop, type EventLoop } from '@tsyncio/loop';
import { CancelledError } from './errors.js';
import { CANCELLED, ERROR, Future, isLocalFuture, PENDING } from './future.js';
import { Task } from './task.js';

/** Options for {@link fromPromise}. */
export interface FromPromiseOptions {
  /** The loop the Future belongs to (default: the running loop, else `getEventLoop()`). */
  loop?: EventLoop;
}

/** A Future settled by a promise; cancelling it aborts the promise's signal at once. */
class PromiseFuture<T> extends Future<T> {
  /** @internal the controller of the signal given to the promise function (until done) */
  _controller: AbortController | null = null;

  /** @internal done: abort the signal if cancelled (however cancel() was reached), then drop it */
  override _finish(): void {
    const controller = this._controller;
    if (controller !== null) {
      this._controller = null;
      if (this._state === CANCELLED) controller.abort(new CancelledError(this._cancelMessage));
    }
    super._finish();
  }
}

/**
 * A Future settled by a promise, so a coroutine can wait on it: `yield* fromPromise(p)`.
 *
 * Pass a function `(signal) => promise` to make the work cancellable: cancelling the Future (or
 * the task waiting on it) aborts `signal` — so `fetch(url, { signal })` stops — and the Future is
 * cancelled at once, without waiting for the promise. A promise that settles after the Future is
 * done is ignored (its rejection is handled).
 *
 * Differs from asyncio: asyncio's `wrap_future()` bridges `concurrent.futures`; promises play that
 * role in JavaScript.
 *
 * @throws TypeError when `promise` is neither a thenable nor a function.
 *
 * @example
 * ```ts
 * function* download(url: string): Coroutine<string> {
 *   const response = yield* fromPromise((signal) => fetch(url, { signal }));
 *   return yield* fromPromise(response.text());
 * }
 * ```
 */
export function fromPromise<T>(
  promise: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>),
  options: FromPromiseOptions = {},
): Future<T> {
  const loop = options.loop ?? _getRunningLoop() ?? getEventLoop();
  const future = new PromiseFuture<T>({ loop });
  let thenable: PromiseLike<T>;
  if (typeof promise === 'function') {
    const controller = new AbortController();
    future._controller = controller;
    try {
      thenable = promise(controller.signal);
    } catch (error) {
      future.setException(error);
      return future;
    }
    if (typeof (thenable as PromiseLike<T> | null)?.then !== 'function') {
      future.setException(new TypeError('fromPromise() function must return a promise'));
      return future;
    }
  } else if (typeof (promise as PromiseLike<T> | null)?.then === 'function') {
    thenable = promise;
  } else {
    throw new TypeError(`fromPromise() expects a promise or a function returning one, got ${typeof promise}`);
  }
  thenable.then(
    (value) => {
      if (future._state === PENDING && !loop.isClosed()) future.setResult(value);
    },
    (error: unknown) => {
      if (future._state === PENDING && !loop.isClosed()) future.setException(error);
    },
  );
  return future;
}

function abortReason(future: Future<unknown>): unknown {
  if (isLocalFuture(future)) {
    if (future._state === CANCELLED) return new CancelledError(future._cancelMessage);
    if (future._state === ERROR) return future._value;
    return new CancelledError('the future is done');
  }
  if ((future as Future<unknown>).cancelled()) return new CancelledError();
  return new CancelledError('the future is done');
}

/**
 * An AbortSignal aborted when `future` is done — cancelled (reason: a CancelledError), failed
 * (reason: its exception) or finished — and, for a Task, as soon as its cancellation is requested.
 * Use it to stop promise-based work that belongs to a future. Retrieving nothing, it never marks
 * the future's exception as retrieved.
 *
 * tsyncio only (no asyncio equivalent).
 */
export function toAbortSignal(future: Future<unknown>): AbortSignal {
  if (future.done()) return AbortSignal.abort(abortReason(future));
  const controller = new AbortController();
  future.addDoneCallback((done) => {
    if (!controller.signal.aborted) controller.abort(abortReason(done));
  });
  if (future instanceof Task) {
    const taskSignal = future.signal;
    if (taskSignal.aborted) {
      controller.abort(taskSignal.reason);
    } else {
      taskSignal.addEventListener(
        'abort',
        () => {
          if (!controller.signal.aborted) controller.abort(taskSignal.reason);
        },
        { once: true },
      );
    }
  }
  return controller.signal;
}
