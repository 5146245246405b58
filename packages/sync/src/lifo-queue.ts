/**
 * `LifoQueue`: a last-in, first-out queue — asyncio's `queues.LifoQueue`.
 *
 * @module
 */
import { Queue } from './queue.js';

/**
 * A queue that returns the most recently added item first (a stack). Everything else — `maxsize`,
 * waiting, `taskDone()`/`join()`, `shutdown()` — works as in {@link Queue}.
 *
 * Same as asyncio's `asyncio.LifoQueue`.
 *
 * Differs from asyncio: as {@link Queue}.
 *
 * @example
 * ```ts
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1);
 * stack.putNowait(2);
 * stack.getNowait(); // 2
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  /** @internal take from the back (the deque works as a stack) */
  override _get(): T {
    return this._queue.pop() as T;
  }
}
