/**
 * `gather`: run awaitables concurrently and collect their results in order.
 *
 * The outer future counts finished children in one done callback shared by all the children of
 * one `gather()` call (no closure per child), and builds the result list from the children, in
 * argument order, only once all of them are done — asyncio's `_GatheringFuture` design.
 *
 * @module
 */
import { copyContext, getEventLoop, _getRunningLoop, type Context, type EventLoop } from '@tsyncio/loop';
import type { Awaitable } from './coroutine.js';
import { ensureFuture } from './ensure-future.js';
import { CancelledError } from './errors.js';
import { Future, futureSetException, futureSetResult, isFuture, isLocalFuture, PENDING } from './future.js';

/** Options for {@link gather} (its optional last argument). */
export interface GatherOptions {
  /**
   * Put errors (and the CancelledError of a cancelled child) into the result list, in their
   * child's place, instead of failing with the first one. Default false.
   */
  returnExceptions?: boolean;
}

/** The results of a tuple of awaitables, where any one may be an error instead. */
type ResultsOrErrors<T extends unknown[]> = { [K in keyof T]: T[K] | Error };

/**
 * The outer future of a `gather()`: cancelling it cancels the children, like `Task.cancel()`
 * (it is not marked cancelled at once; it fails with CancelledError when the children are done).
 */
class GatheringFuture extends Future<unknown[]> {
  /** @internal the children in argument order (a duplicate argument repeats its future) */
  _children: Future<unknown>[] = [];
  /** @internal cancel() reached at least one child: fail with CancelledError in any mode */
  _cancelRequested = false;

  /**
   * Cancel every child that is not done yet.
   *
   * @returns true when at least one child accepted the cancellation; false when the gather is
   *   already done (then nothing is cancelled) or no child could be cancelled.
   */
  override cancel(msg?: unknown): boolean {
    if (this.done()) return false;
    let cancelled = false;
    for (const child of this._children) {
      if (child.cancel(msg)) cancelled = true;
    }
    // asyncio bpo-32684: propagate the cancellation even with returnExceptions
    if (cancelled) this._cancelRequested = true;
    return cancelled;
  }
}

/** Whether `future` (pending) already has `callback` among its done callbacks. */
function hasCallback(future: Future<unknown>, callback: unknown): boolean {
  return future._cb0 === callback || (future._callbacks !== null && future._callbacks.includes(callback));
}

/** Whether the last argument of `gather()` is its options object rather than an awaitable. */
function isOptions(value: unknown): value is GatherOptions {
  return (
    typeof value === 'object' &&
    value !== null &&
    !isFuture(value) &&
    typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function' &&
    typeof (value as { then?: unknown }).then !== 'function'
  );
}

/** The CancelledError a cancelled child stands for (asyncio's `_make_cancelled_error()`). */
function cancelledErrorOf(future: Future<unknown>): unknown {
  const local: unknown = future;
  if (isLocalFuture(local)) return local._makeCancelledError();
  try {
    future.result();
  } catch (error) {
    return error;
  }
  return new CancelledError();
}

/** A cancelled child's place in a `returnExceptions` result list: a fresh CancelledError(msg). */
function cancelledResultOf(future: Future<unknown>): unknown {
  const local: unknown = future;
  if (isLocalFuture(local)) return new CancelledError(local._cancelMessage);
  try {
    future.result();
  } catch (error) {
    return error;
  }
  return new CancelledError();
}

/**
 * Run the awaitables concurrently and return a Future of their results, in argument order:
 * `yield* gather(a, b)` has type `[A, B]`. Coroutines are wrapped in Tasks (`ensureFuture`); an
 * argument given twice is wrapped once and its result repeated. With no arguments, the result is
 * an already-done Future of `[]`.
 *
 * Errors:
 *
 * - By default the first child to fail (or to be cancelled) fails the gather **at once** with
 *   its error (a `CancelledError` for a cancelled child; the gather itself is not cancelled). The
 *   other children keep running and are not cancelled; their later errors are marked as
 *   retrieved (never reported as unhandled).
 * - With `{ returnExceptions: true }` as the last argument, errors and the `CancelledError`s of
 *   cancelled children are placed in the result list instead: type `[A | Error, B | Error]`.
 *
 * Cancellation: cancelling the returned future (or the task waiting on it) cancels every child
 * not done yet; the gather then fails with `CancelledError` — even with `returnExceptions`. Once
 * the gather is done, `cancel()` cancels nothing and returns false. A child cancelled by someone
 * else counts as a child that raised `CancelledError` (see above).
 *
 * Same as asyncio's `asyncio.gather(*aws, return_exceptions=False)`.
 *
 * Differs from asyncio: the result is an array typed as a tuple (asyncio: a list). The
 * awaitables are arguments, so their number is bounded by the engine's limit on spread arguments:
 * V8 throws `RangeError: Maximum call stack size exceeded` at about 120,000. For more, gather in
 * batches (a gather of gathers), or use `wait()`, which takes an iterable.
 *
 * @throws TypeError when an argument is not awaitable. RangeError when the futures belong to
 *   different loops.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   const [user, posts] = yield* gather(fetchUser(id), fetchPosts(id)); // [User, Post[]]
 *   const outcomes = yield* gather(ping(a), ping(b), { returnExceptions: true });
 *   for (const outcome of outcomes) if (outcome instanceof Error) console.warn(outcome);
 * }
 * ```
 */
export function gather<T extends unknown[]>(...aws: { [K in keyof T]: Awaitable<T[K]> }): Future<T>;
export function gather<T extends unknown[]>(
  ...args: [...aws: { [K in keyof T]: Awaitable<T[K]> }, options: GatherOptions & { returnExceptions: true }]
): Future<ResultsOrErrors<T>>;
export function gather<T extends unknown[]>(
  ...args: [...aws: { [K in keyof T]: Awaitable<T[K]> }, options: GatherOptions & { returnExceptions?: false }]
): Future<T>;
export function gather<T extends unknown[]>(
  ...args: [...aws: { [K in keyof T]: Awaitable<T[K]> }, options: GatherOptions]
): Future<ResultsOrErrors<T>>;
export function gather(...args: unknown[]): Future<unknown[]> {
  let count = args.length;
  let returnExceptions = false;
  if (count > 0 && isOptions(args[count - 1])) {
    returnExceptions = (args[count - 1] as GatherOptions).returnExceptions === true;
    count--;
  }
  if (count === 0) {
    const empty = new Future<unknown[]>({ loop: _getRunningLoop() ?? getEventLoop() });
    empty.setResult([]);
    return empty;
  }

  let outer: GatheringFuture | null = null; // asyncio bpo-46672: children may finish before it exists
  let nfuts = 0;
  let nfinished = 0;
  let children: Future<unknown>[] = [];

  // one done callback for every child of this gather
  const onChildDone = (child: Future<unknown>): void => {
    nfinished++;
    if (outer === null || outer._state !== PENDING) {
      // the gather is over (or was never built): just mark the child's exception retrieved
      if (!child.cancelled()) child.exception();
      return;
    }
    if (!returnExceptions) {
      if (child.cancelled()) {
        futureSetException(outer, cancelledErrorOf(child));
        return;
      }
      const error = child.exception();
      if (error !== null) {
        futureSetException(outer, error);
        return;
      }
    }
    if (nfinished !== nfuts) return;
    // every child is done: the results, in argument order
    const results: unknown[] = new Array<unknown>(children.length);
    let last: Future<unknown> = child;
    for (let i = 0; i < children.length; i++) {
      const future = children[i] as Future<unknown>;
      last = future;
      if (future.cancelled()) {
        results[i] = cancelledResultOf(future);
      } else {
        const error = future.exception();
        results[i] = error === null ? future.result() : error;
      }
    }
    if (outer._cancelRequested) {
      // the gather was cancelled: fail with CancelledError regardless of returnExceptions
      futureSetException(outer, cancelledErrorOf(last));
    } else {
      futureSetResult(outer, results);
    }
  };

  // Duplicates are wrapped once. A Future argument is its own future: it is a duplicate when it
  // already carries this gather's callback (or is in the set of done ones), so the common case —
  // distinct tasks — needs no map; other awaitables go through `argToFuture`.
  let argToFuture: Map<unknown, Future<unknown>> | null = null;
  let doneFutures: Future<unknown>[] | null = null;
  let doneSet: Set<Future<unknown>> | null = null;
  let loop: EventLoop | null = null;
  let ensureOptions: { loop: EventLoop } | undefined;
  let context: Context | null = null;
  children = new Array<Future<unknown>>(count);
  for (let i = 0; i < count; i++) {
    const arg = args[i];
    let future: Future<unknown> | undefined;
    if (isLocalFuture(arg)) {
      future = arg;
      if (loop !== null && future._loop !== loop) {
        throw new RangeError('The future belongs to a different loop than the one specified as the loop argument');
      }
      if (future._state === PENDING ? hasCallback(future, onChildDone) : doneSet?.has(future) === true) {
        children[i] = future;
        continue;
      }
    } else {
      future = argToFuture?.get(arg);
      if (future !== undefined) {
        children[i] = future;
        continue;
      }
      future = ensureFuture(arg as Awaitable<unknown>, ensureOptions);
      (argToFuture ??= new Map()).set(arg, future);
    }
    if (loop === null) {
      loop = future.getLoop();
      ensureOptions = { loop };
      context = copyContext();
    }
    nfuts++;
    if (future.done()) {
      (doneFutures ??= []).push(future);
      if (future === arg) (doneSet ??= new Set()).add(future);
    } else {
      const local: unknown = future;
      if (isLocalFuture(local)) local._pushCallback(onChildDone as (a0: unknown, a1: unknown) => void, context);
      else future.addDoneCallback(onChildDone, { context: context as Context });
    }
    children[i] = future;
  }

  const gathering = new GatheringFuture({ loop: loop as EventLoop });
  gathering._children = children;
  outer = gathering;
  // children already done are accounted for now, synchronously: if all of them are, the gather
  // is done before it is returned
  if (doneFutures !== null) for (const future of doneFutures) onChildDone(future);
  return gathering;
}
