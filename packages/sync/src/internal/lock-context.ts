/**
 * `asyncWith(lock, body)` for everything with `acquire()` / `release()` — asyncio's
 * `locks._ContextManagerMixin` (`__aenter__` acquires and gives the body nothing, `__aexit__`
 * releases whatever happened in the body).
 *
 * @module
 */
import type { AsyncContextManager, Coroutine } from '@tsyncio/futures';
import { LoopBound } from './loop-bound.js';
import { ReleaseOp } from './op.js';

/**
 * Base class of Lock, Condition and Semaphore: the loop binding plus `aenter`/`aexit`.
 *
 * @internal
 */
export abstract class LockContext extends LoopBound implements AsyncContextManager<void> {
  /** @internal the `aexit()` coroutine, shared by every `asyncWith` (it holds no state) */
  _releaser: ReleaseOp | null = null;

  abstract acquire(): Coroutine<true>;
  abstract release(): void;

  /**
   * `asyncWith` entry: `yield* acquire()`; the body receives nothing. Same as asyncio's
   * `__aenter__` (which returns None).
   */
  *aenter(): Coroutine<void> {
    yield* this.acquire();
  }

  /**
   * `asyncWith` exit: `release()`, whether the body returned or threw; never swallows the body's
   * error. Same as asyncio's `__aexit__`.
   */
  aexit(_error: unknown): Coroutine<void> {
    return (this._releaser ??= new ReleaseOp(this));
  }
}
