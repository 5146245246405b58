/**
 * `Event`: a flag tasks can wait for — asyncio's `locks.Event`.
 *
 * ## States
 *
 * ```
 *   unset ──set()───→ set      every waiting task is woken
 *   set   ──clear()─→ unset    tasks that wait from now on block again
 * ```
 *
 * `set()` resolves the waiters' futures at once, so `set(); clear()` in the same loop iteration
 * still wakes the tasks that were waiting: they were woken by `set()`, and `clear()` cannot take
 * that back.
 *
 * @module
 */
import type { Coroutine } from '@tsyncio/futures';
import { INSPECT } from '@tsyncio/loop';
import { LoopBound } from './internal/loop-bound.js';
import { finished, Op } from './internal/op.js';
import { WaiterList, type Waiter } from './internal/waiters.js';

/**
 * An event flag: `wait()` blocks until another task calls `set()`. The flag starts unset;
 * `clear()` unsets it again.
 *
 * Same as asyncio's `asyncio.Event`: `set()` wakes every task waiting at that moment, even if
 * the flag is cleared again before they run.
 *
 * Differs from asyncio: `wait()` is used with `yield*`.
 *
 * @example
 * ```ts
 * const ready = new Event();
 *
 * function* worker(): Coroutine<void> {
 *   yield* ready.wait(); // blocks until main() calls set()
 *   console.log('go');
 * }
 *
 * function* main(): Coroutine<void> {
 *   const task = createTask(worker());
 *   yield* sleep(1);
 *   ready.set();
 *   yield* task;
 * }
 * ```
 */
export class Event extends LoopBound {
  /** @internal */
  _value = false;
  /** @internal tasks waiting for the flag */
  readonly _waiters: WaiterList<true> = new WaiterList<true>();

  /** Whether the flag is set. Same as asyncio's `Event.is_set()`. */
  isSet(): boolean {
    return this._value;
  }

  /**
   * Set the flag and wake every task waiting for it. Tasks that call `wait()` while the flag is
   * set return at once. Setting a set event does nothing.
   *
   * Same as asyncio's `Event.set()`.
   *
   * @example
   * ```ts
   * event.set();
   * event.isSet(); // true
   * ```
   */
  set(): void {
    if (this._value) return;
    this._value = true;
    this._waiters.wakeUpTo(Infinity, true);
  }

  /**
   * Unset the flag: tasks that call `wait()` from now on block until `set()` is called again.
   * Tasks already woken by `set()` stay woken.
   *
   * Same as asyncio's `Event.clear()`.
   *
   * @example
   * ```ts
   * event.set();
   * event.clear();
   * event.isSet(); // false
   * ```
   */
  clear(): void {
    this._value = false;
  }

  /**
   * Wait until the flag is set; returns `true` (at once if it is set already).
   *
   * Same as asyncio's `Event.wait()`.
   *
   * @throws RuntimeError when the event is bound to a different event loop.
   *
   * @example
   * ```ts
   * yield* event.wait();
   * ```
   */
  wait(): Coroutine<true> {
    return new EventWait(this);
  }

  /** `<Event [set]>`, `<Event [unset, waiters:2]>`, like asyncio's repr. */
  override toString(): string {
    const waiters = this._waiters.length;
    return `<${this.constructor.name} [${this._value ? 'set' : 'unset'}${waiters > 0 ? `, waiters:${waiters}` : ''}]>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * `Event.wait()` as a hand-written coroutine (see `internal/op.ts`); the generator it stands for:
 *
 * ```ts
 * if (event._value) return true;
 * const waiter = waiters.add(event._getLoop());
 * try { yield* waiter; return true; } finally { waiters.remove(waiter); }
 * ```
 */
class EventWait extends Op<true> {
  /** @internal */
  declare readonly _event: Event;

  constructor(event: Event) {
    super();
    this._event = event;
  }

  _start(): IteratorResult<unknown, true> {
    const event = this._event;
    if (event._value) return finished(true as const);
    return this._wait(event._waiters.add(event._getLoop()));
  }

  _resume(): IteratorResult<unknown, true> {
    this._event._waiters.remove(this._waiter as Waiter<true>);
    return finished(true as const);
  }

  _fail(error: unknown): never {
    this._event._waiters.remove(this._waiter as Waiter<true>);
    throw error;
  }

  _close(): void {
    this._event._waiters.remove(this._waiter as Waiter<true>);
  }
}
