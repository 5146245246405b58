/**
 * Lazy binding of a primitive to the loop that first makes a task wait on it — asyncio's
 * `mixins._LoopBoundMixin`.
 *
 * A Lock, Event, Condition, Semaphore, Barrier or Queue takes no loop argument: it can be created
 * anywhere (at module level, before any loop exists). The first time one of its operations has to
 * wait, it creates its waiter future on the running loop and remembers that loop; from then on,
 * waiting from another loop is a RuntimeError. Operations that do not wait (an uncontended
 * `acquire()`, `putNowait()`, `set()`) never look at the loop, as in asyncio.
 *
 * @module
 */
import { _getRunningLoop, RuntimeError, type EventLoop } from '@tsyncio/loop';

/**
 * Base class of every primitive: the loop binding. Same as asyncio's `_LoopBoundMixin`.
 *
 * @internal
 */
export class LoopBound {
  /** @internal the loop this object is bound to: null until a task first waits on it */
  _loop: EventLoop | null = null;

  /**
   * @internal The running loop, binding this object to it on first use.
   *
   * @throws RuntimeError("no running event loop") outside a running loop.
   * @throws RuntimeError("<Lock [locked]> is bound to a different event loop") when this object
   * was bound to another loop.
   */
  _getLoop(): EventLoop {
    const loop = _getRunningLoop();
    if (loop === null) throw new RuntimeError('no running event loop');
    const bound = this._loop;
    if (bound === null) this._loop = loop;
    else if (bound !== loop) throw new RuntimeError(`${String(this)} is bound to a different event loop`);
    return loop;
  }

  /** `<ClassName>`; every primitive shows its state instead. */
  toString(): string {
    return `<${this.constructor.name}>`;
  }
}
