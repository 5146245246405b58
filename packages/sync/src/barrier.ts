/**
 * `Barrier`: a meeting point for a fixed number of tasks — asyncio's `locks.Barrier`.
 *
 * ## States
 *
 * ```
 *   FILLING ──last party arrives──→ DRAINING ──last party leaves──→ FILLING
 *      │                               │
 *      └──reset() with parties inside──┴──→ RESETTING ──last party leaves──→ FILLING
 *   any ──abort()──→ BROKEN (for good, until reset())
 * ```
 *
 * Parties arriving while the barrier drains or resets wait for it to fill again, so a fast task
 * cannot lap the others. Everything runs under one Condition: the state changes with the lock
 * held and every change is announced with `notifyAll()`.
 *
 * A cancelled waiter simply leaves (the count goes down); unlike `threading.Barrier`, it does not
 * break the barrier. A party that leaves while its round is still filling gives its index back:
 * the parties that arrived after it move down one index, so the indices of a round stay unique
 * (asyncio 3.13 hands the freed index to the next arrival while another party still holds it —
 * CPython gh-155233).
 *
 * @module
 */
import type { AsyncContextManager, Coroutine } from '@tsyncio/futures';
import { BROKEN_BARRIER_ERROR_BRAND, brandedHasInstance, describe, INSPECT, RuntimeError } from '@tsyncio/loop';
import { Condition } from './condition.js';

/**
 * Raised by `Barrier.wait()` when the barrier is broken by `abort()`, or reset by `reset()` while
 * the task waited.
 *
 * Same as asyncio's `asyncio.BrokenBarrierError` (a RuntimeError, as in Python).
 *
 * @example
 * ```ts
 * try {
 *   yield* barrier.wait();
 * } catch (e) {
 *   if (e instanceof BrokenBarrierError) console.log('barrier broken');
 *   else throw e;
 * }
 * ```
 */
export class BrokenBarrierError extends RuntimeError {
  override name = 'BrokenBarrierError';

  /** @internal brand for cross-copy `instanceof` */
  get [BROKEN_BARRIER_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, BrokenBarrierError, BROKEN_BARRIER_ERROR_BRAND, value);
  }
}

type BarrierState = 'filling' | 'draining' | 'resetting' | 'broken';

/**
 * A barrier for `parties` tasks: each task calling `wait()` blocks until `parties` tasks are
 * waiting, then all of them are released together and each gets a distinct index from 0 to
 * `parties - 1`. The barrier can then be used again.
 *
 * Same as asyncio's `asyncio.Barrier`: `reset()`, `abort()`, `parties`, `nWaiting`, `broken`, and
 * `asyncWith(barrier, (index) => …)` waits on entry and gives the body the index.
 *
 * Differs from asyncio: methods that wait are used with `yield*`; `n_waiting` is `nWaiting`;
 * `parties` must be an integer; when a waiter is cancelled while the barrier fills, the parties
 * behind it move down one index, so the indices of a round stay unique (asyncio 3.13 can give two
 * tasks the same index then: CPython gh-155233).
 *
 * @example
 * ```ts
 * const barrier = new Barrier(3);
 *
 * function* worker(id: number): Coroutine<void> {
 *   yield* prepare(id);
 *   const index = yield* barrier.wait(); // all three continue together
 *   if (index === 0) console.log('everyone is ready');
 * }
 * ```
 */
export class Barrier implements AsyncContextManager<number> {
  /** @internal every state change is announced on it */
  readonly _cond: Condition = new Condition();
  /** @internal */
  readonly _parties: number;
  /** @internal */
  _state: BarrierState = 'filling';
  /** @internal tasks inside `wait()` (past the entry block) */
  _count = 0;
  /**
   * @internal the index slots of the parties that arrived in the round that is filling, in
   * arrival order (a party leaving before the round trips gives its index back)
   */
  _slots: { index: number }[] = [];
  /** @internal predicate: not draining or resetting */
  private readonly _mayEnter = (): boolean => this._state !== 'draining' && this._state !== 'resetting';
  /** @internal predicate: no longer filling */
  private readonly _filled = (): boolean => this._state !== 'filling';

  /**
   * @param parties how many tasks must wait before they are all released.
   * @throws RangeError when `parties` is not an integer >= 1; TypeError when it is not a number.
   */
  constructor(parties: number) {
    if (typeof parties !== 'number') throw new TypeError(`Barrier parties must be a number, got ${describe(parties)}`);
    if (!Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`Barrier parties must be an integer >= 1, got ${parties}`);
    }
    this._parties = parties;
  }

  /** The number of tasks needed to trip the barrier. Same as asyncio's `Barrier.parties`. */
  get parties(): number {
    return this._parties;
  }

  /**
   * The number of tasks waiting at the barrier while it fills (0 while it drains or resets).
   * Same as asyncio's `Barrier.n_waiting`.
   */
  get nWaiting(): number {
    return this._state === 'filling' ? this._count : 0;
  }

  /** Whether the barrier is broken (by `abort()`). Same as asyncio's `Barrier.broken`. */
  get broken(): boolean {
    return this._state === 'broken';
  }

  /**
   * Wait until `parties` tasks are waiting, then return this task's index (0 to `parties - 1`,
   * distinct for each released task). A task arriving while the barrier is releasing the previous
   * round waits for the next round.
   *
   * A cancelled task leaves the barrier without breaking it, and gives its index back.
   *
   * Same as asyncio's `Barrier.wait()`, except that indices stay unique in a round where a
   * waiter was cancelled (see the class notes).
   *
   * @throws BrokenBarrierError when the barrier is broken, or is reset or aborted while the task
   * waits.
   *
   * @example
   * ```ts
   * const index = yield* barrier.wait();
   * ```
   */
  *wait(): Coroutine<number> {
    const cond = this._cond;
    yield* cond.acquire();
    try {
      yield* this._block();
      const slot = { index: this._count++ };
      let passed = false;
      try {
        if (slot.index + 1 === this._parties) {
          this._release();
        } else {
          this._slots.push(slot);
          yield* this._wait();
        }
        passed = true;
        return slot.index;
      } finally {
        this._count--;
        if (!passed && this._state === 'filling') this._giveBack(slot);
        this._exit();
      }
    } finally {
      cond.release();
    }
  }

  /**
   * Put the barrier back in its initial (filling) state. Tasks waiting in it get
   * BrokenBarrierError; a broken barrier works again.
   *
   * Same as asyncio's `Barrier.reset()`.
   *
   * @example
   * ```ts
   * yield* barrier.reset();
   * ```
   */
  *reset(): Coroutine<void> {
    const cond = this._cond;
    yield* cond.acquire();
    try {
      if (this._count > 0) {
        if (this._state !== 'resetting') this._state = 'resetting';
      } else {
        this._state = 'filling';
      }
      this._slots = [];
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }

  /**
   * Break the barrier: tasks waiting in it and every later `wait()` get BrokenBarrierError,
   * until `reset()`. Useful when one party fails and the others must not wait for it forever.
   *
   * Same as asyncio's `Barrier.abort()`.
   *
   * @example
   * ```ts
   * yield* barrier.abort();
   * barrier.broken; // true
   * ```
   */
  *abort(): Coroutine<void> {
    const cond = this._cond;
    yield* cond.acquire();
    try {
      this._state = 'broken';
      this._slots = [];
      cond.notifyAll();
    } finally {
      cond.release();
    }
  }

  /** `asyncWith` entry: {@link wait}; the body receives the index. Same as asyncio's `__aenter__`. */
  aenter(): Coroutine<number> {
    return this.wait();
  }

  /** `asyncWith` exit: nothing to do. Same as asyncio's `__aexit__`. */
  *aexit(_error: unknown): Coroutine<void> {
    // nothing: leaving the block does not involve the barrier
  }

  /** Block while the barrier drains or resets; raise if it is broken (asyncio's `_block`). */
  private *_block(): Coroutine<void> {
    yield* this._cond.waitFor(this._mayEnter);
    if (this._state === 'broken') throw new BrokenBarrierError('Barrier aborted');
  }

  /** The last party arrived: release everyone (asyncio's `_release`). */
  private _release(): void {
    this._state = 'draining';
    this._slots = [];
    this._cond.notifyAll();
  }

  /**
   * A party leaves before its round trips (cancelled): the parties that arrived after it move
   * down one index, as if it had never come, so the round's indices stay unique.
   */
  private _giveBack(slot: { index: number }): void {
    const slots = this._slots;
    const at = slots.indexOf(slot);
    if (at < 0) return;
    slots.splice(at, 1);
    for (let i = at; i < slots.length; i++) (slots[i] as { index: number }).index--;
  }

  /** Wait until the barrier is filled; raise if it was reset or broken (asyncio's `_wait`). */
  private *_wait(): Coroutine<void> {
    yield* this._cond.waitFor(this._filled);
    const state = this._state;
    if (state === 'broken' || state === 'resetting') throw new BrokenBarrierError('Abort or reset of barrier');
  }

  /** The last task out lets the next round in (asyncio's `_exit`). */
  private _exit(): void {
    if (this._count === 0) {
      if (this._state === 'resetting' || this._state === 'draining') this._state = 'filling';
      this._cond.notifyAll();
    }
  }

  /** `<Barrier [filling, waiters:2/5]>`, `<Barrier [broken]>`, like asyncio's repr. */
  toString(): string {
    const extra = this.broken ? '' : `, waiters:${this.nWaiting}/${this._parties}`;
    return `<${this.constructor.name} [${this._state}${extra}]>`;
  }

  /** Node's `util.inspect` shows the same as {@link toString}. */
  [INSPECT](): string {
    return this.toString();
  }
}
