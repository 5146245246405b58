/**
 * `sleep`: suspend the current task for a while.
 *
 * @module
 */
import { currentContext, getRunningLoop } from '@tsyncio/loop';
import type { Coroutine } from './coroutine.js';
import { Future, setResultUnlessCancelled } from './future.js';

/**
 * Suspend the calling task for `delay` seconds, then return `result`. A delay of 0 (or less)
 * gives up the loop for exactly one iteration and sets no timer. The timer is cancelled if the
 * sleep is cancelled.
 *
 * Same as asyncio's `sleep(delay, result=None)`, including `delay <= 0` being a bare yield.
 *
 * @throws TypeError when `delay` is not a number. RangeError when it is NaN.
 * @throws RuntimeError when called outside a running loop (and delay > 0).
 *
 * @example
 * ```ts
 * function* tick(): Coroutine<void> {
 *   for (let i = 0; i < 3; i++) {
 *     console.log(i);
 *     yield* sleep(1);
 *   }
 * }
 * ```
 */
export function sleep(delay: number): Coroutine<void>;
export function sleep<T>(delay: number, result: T): Coroutine<T>;
export function* sleep<T>(delay: number, result?: T): Coroutine<T | undefined> {
  if (typeof delay !== 'number') throw new TypeError(`sleep() delay must be a number of seconds, got ${typeof delay}`);
  if (Number.isNaN(delay)) throw new RangeError('Invalid delay: NaN (not a number)');
  if (delay <= 0) {
    yield;
    return result;
  }
  const loop = getRunningLoop();
  const future = new Future<T | undefined>({ loop });
  const timer = loop._callLaterFast(delay, setResultUnlessCancelled, future, result, currentContext());
  try {
    return yield* future;
  } finally {
    timer.cancel();
  }
}
