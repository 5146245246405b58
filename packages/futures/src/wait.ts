/**
 * `wait`: wait for a set of futures until some or all of them are done, or a timeout passes.
 *
 * @module
 */
import { copyContext, describe, getRunningLoop, type EventLoop, type TimerHandle } from '@tsyncio/loop';
import { isCoroutine, type Coroutine } from './coroutine.js';
import { Future, isFuture, setResultUnlessCancelled } from './future.js';

/** {@link wait} returns when any future finishes or is cancelled. Same as asyncio's `FIRST_COMPLETED`. */
export const FIRST_COMPLETED = 'FIRST_COMPLETED';
/**
 * {@link wait} returns when any future finishes by raising an exception (a cancelled future does
 * not count), or when all are done. Same as asyncio's `FIRST_EXCEPTION`.
 */
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
/** {@link wait} returns when every future is done (the default). Same as asyncio's `ALL_COMPLETED`. */
export const ALL_COMPLETED = 'ALL_COMPLETED';

/** When {@link wait} returns: {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION} or {@link ALL_COMPLETED}. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options for {@link wait}. */
export interface WaitOptions {
  /** Seconds to wait at most (null or absent: no limit). On timeout `wait` just returns. */
  timeout?: number | null;
  /** When to return (default {@link ALL_COMPLETED}). */
  returnWhen?: ReturnWhen;
}

/**
 * Wait until the futures and tasks in `aws` are done — all of them, the first one, or the first
 * one that fails, per `returnWhen` — or until `timeout` seconds pass, and return `[done,
 * pending]`: two Sets that split the (deduplicated) input.
 *
 * `wait` never raises `TimeoutError` and never cancels anything: on timeout the unfinished futures
 * are simply in `pending`. A future may be done but still in `pending` if it finished in the very
 * iteration `wait` returned. Cancelling the task that waits leaves the futures running.
 *
 * Same as asyncio's `asyncio.wait(aws, *, timeout=None, return_when=ALL_COMPLETED)` (3.11+:
 * coroutines are refused; wrap them with `createTask`). The Sets keep the input order.
 *
 * @throws TypeError (when the coroutine runs) when `aws` is a single Future or coroutine rather
 *   than an iterable of them, or holds a coroutine or anything but a Future/Task.
 * @throws RangeError when `aws` is empty or `returnWhen` is not one of the three constants; when
 *   `timeout` is NaN.
 *
 * @example
 * ```ts
 * function* firstResponse(urls: string[]): Coroutine<string> {
 *   const tasks = urls.map((url) => createTask(download(url)));
 *   const [done, pending] = yield* wait(tasks, { returnWhen: FIRST_COMPLETED, timeout: 10 });
 *   for (const task of pending) task.cancel();
 *   const [first] = done;
 *   if (first === undefined) throw new TimeoutError();
 *   return first.result();
 * }
 * ```
 */
export function* wait<T>(
  aws: Iterable<Future<T>>,
  options: WaitOptions = {},
): Coroutine<[Set<Future<T>>, Set<Future<T>>]> {
  if (isFuture(aws) || isCoroutine(aws)) {
    throw new TypeError(`wait() expects an iterable of futures, not ${describe(aws)}`);
  }
  if (typeof (aws as Partial<Iterable<Future<T>>> | null)?.[Symbol.iterator] !== 'function') {
    throw new TypeError(`wait() expects an iterable of futures, got ${describe(aws)}`);
  }
  const futures = new Set(aws);
  if (futures.size === 0) throw new RangeError('Set of Tasks/Futures is empty.');
  const returnWhen = options.returnWhen ?? ALL_COMPLETED;
  if (returnWhen !== FIRST_COMPLETED && returnWhen !== FIRST_EXCEPTION && returnWhen !== ALL_COMPLETED) {
    throw new RangeError(`Invalid returnWhen value: ${describe(returnWhen)}`);
  }
  for (const future of futures) {
    if (isCoroutine(future)) throw new TypeError('Passing coroutines is forbidden, use tasks explicitly.');
    if (!isFuture(future)) throw new TypeError(`wait() expects futures or tasks, got ${describe(future)}`);
  }
  const timeout = options.timeout ?? null;
  if (timeout !== null && typeof timeout !== 'number') {
    throw new TypeError(`wait() timeout must be a number of seconds or null, got ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError('wait() timeout must not be NaN');
  const loop = getRunningLoop();
  return yield* waitInternal(futures, timeout, returnWhen, loop);
}

/** asyncio's `_wait`: `futures` is a non-empty Set of futures of `loop`. */
function* waitInternal<T>(
  futures: Set<Future<T>>,
  timeout: number | null,
  returnWhen: ReturnWhen,
  loop: EventLoop,
): Coroutine<[Set<Future<T>>, Set<Future<T>>]> {
  const waiter = new Future<undefined>({ loop });
  const context = copyContext();
  let timer: TimerHandle | null = null;
  if (timeout !== null) timer = loop._callLaterFast(timeout, setResultUnlessCancelled, waiter, undefined, context);
  let counter = futures.size;
  // one callback per call to wait(), shared by all the futures
  const onCompletion = (future: Future<T>): void => {
    counter--;
    if (
      counter <= 0 ||
      returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !future.cancelled() && future.exception() !== null)
    ) {
      if (timer !== null) timer.cancel();
      setResultUnlessCancelled(waiter, undefined);
    }
  };
  const callbackOptions = { context };
  for (const future of futures) future.addDoneCallback(onCompletion, callbackOptions);
  try {
    yield* waiter;
  } finally {
    if (timer !== null) timer.cancel();
    for (const future of futures) future.removeDoneCallback(onCompletion);
  }
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const future of futures) (future.done() ? done : pending).add(future);
  return [done, pending];
}
