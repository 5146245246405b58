/**
 * `sleep`: suspend the current task for a while.
 *
 * @module
 */
import { currentContext, getRunningLoop, type TimerHandle } from '@tsyncio/loop';
import type { Coroutine } from './coroutine.js';
import { Future, setResultUnlessCancelled } from './future.js';
import { finished, HandCoroutine } from './hand-coroutine.js';

const FRESH = 0;
/** suspended at the bare `yield` of `sleep(0)` */
const YIELDED = 1;
/** suspended on the future a timer will complete */
const WAITING = 2;
const DONE = 3;

/** The shared result of the bare `yield` (read at once by `yield*` and the Task, never kept). */
const YIELD_NOTHING: { value: undefined; done: false } = { value: undefined, done: false };

/**
 * The coroutine `sleep()` returns, written by hand: it behaves exactly like the generator
 *
 * ```ts
 * function* sleep(delay, result) {
 *   if (delay <= 0) { yield; return result; }
 *   const future = new Future({ loop });
 *   const timer = loop.callLater(delay, setResultUnlessCancelled, future, result);
 *   try { return yield* future; } finally { timer.cancel(); }
 * }
 * ```
 *
 * (validation included, on the first `next()`), but costs one small object instead of a
 * generator: sleeps are the most common wait of all (`yield* sleep(0)` is asyncio's way to yield).
 */
class Sleep<T> extends HandCoroutine<T> {
  declare _delay: number;
  declare _result: T;
  declare _state: number;
  declare _future: Future<T> | null;
  declare _timer: TimerHandle | null;

  constructor(delay: number, result: T) {
    super();
    this._delay = delay;
    this._result = result;
    this._state = FRESH;
    this._future = null;
    this._timer = null;
  }

  next(): IteratorResult<unknown, T> {
    switch (this._state) {
      case FRESH:
        return this._start();
      case YIELDED:
        this._state = DONE;
        return finished(this._result);
      case WAITING: {
        let step: IteratorResult<unknown, unknown>;
        try {
          step = (this._future as unknown as Iterator<unknown, T>).next();
        } catch (error) {
          this._end();
          throw error;
        }
        if (step.done !== true) return step;
        this._end();
        return step as IteratorResult<unknown, T>;
      }
      default:
        return finished(undefined as T);
    }
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    if (this._state === WAITING) this._end();
    this._state = DONE;
    throw error;
  }

  return(value: T): IteratorResult<unknown, T> {
    if (this._state === WAITING) this._end();
    this._state = DONE;
    return { value, done: true };
  }

  private _start(): IteratorResult<unknown, T> {
    this._state = DONE;
    const delay = this._delay;
    if (typeof delay !== 'number') throw new TypeError(`sleep() delay must be a number of seconds, got ${typeof delay}`);
    if (Number.isNaN(delay)) throw new RangeError('Invalid delay: NaN (not a number)');
    if (delay <= 0) {
      this._state = YIELDED;
      return YIELD_NOTHING;
    }
    const loop = getRunningLoop();
    const future = new Future<T>({ loop });
    this._timer = loop._callLaterFast(delay, setResultUnlessCancelled, future, this._result, currentContext());
    this._future = future;
    this._state = WAITING;
    return (future as unknown as Iterator<unknown, T>).next();
  }

  /** the `finally` of the equivalent generator */
  private _end(): void {
    this._state = DONE;
    const timer = this._timer;
    this._timer = null;
    this._future = null;
    if (timer !== null) timer.cancel();
  }
}

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
export function sleep<T>(delay: number, result?: T): Coroutine<T | undefined> {
  return new Sleep<T | undefined>(delay, result);
}
