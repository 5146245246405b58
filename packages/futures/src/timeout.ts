/**
 * `timeout()` / `timeoutAt()`: cancel the work of a block when a deadline passes, and turn that
 * cancellation into a `TimeoutError`.
 *
 * ## States (asyncio's `timeouts._State`)
 *
 * ```
 *   CREATED ──aenter()──→ ENTERED ──aexit()──────────────────────────→ EXITED
 *                            │
 *                            └─deadline: task.cancel()─→ EXPIRING ──aexit()──→ EXPIRED
 * ```
 *
 * - `reschedule()` works only while ENTERED; `expired()` is true in EXPIRING and EXPIRED.
 * - On expiry the timeout cancels the task that entered it. When the block exits with the
 *   resulting CancelledError, the timeout withdraws its request (`task.uncancel()`); if no other
 *   request is left beyond those pending at entry (`uncancel() <= cancellingAtEntry`), the
 *   cancellation was its own and it raises `TimeoutError` (cause: the CancelledError). Otherwise
 *   the CancelledError propagates — so of nested timeouts, only the ones whose deadline fired
 *   convert, and an outer `task.cancel()` is never mistaken for a timeout.
 *
 * @module
 */
import {
  currentContext,
  describe,
  EXCEPTION_GROUP_BRAND,
  getRunningLoop,
  hasBrand,
  INSPECT,
  RuntimeError,
  type Handle,
  type TimerHandle,
} from '@tsyncio/loop';
import type { AsyncContextManager } from './async-with.js';
import type { Coroutine } from './coroutine.js';
import { currentTask } from './current-task.js';
import { CancelledError, TimeoutError } from './errors.js';
import type { Task } from './task.js';

const CREATED = 0;
const ENTERED = 1;
const EXPIRING = 2;
const EXPIRED = 3;
const EXITED = 4;

/** asyncio's state names, as `Timeout.toString()` and the error messages show them. */
const STATE_NAMES = ['created', 'active', 'expiring', 'expired', 'finished'] as const;

/**
 * An asynchronous context manager that cancels the task running its block when a deadline (a
 * loop time, see `loop.time()`) passes, and then raises `TimeoutError` out of the block. Create
 * one with {@link timeout} or {@link timeoutAt}; enter it with `asyncWith`.
 *
 * - The deadline can move while the block runs: {@link reschedule}.
 * - Only the cancellation the timeout itself requested becomes a `TimeoutError`; a cancellation
 *   from elsewhere (another `task.cancel()`, an outer timeout) propagates as `CancelledError`.
 * - If the block catches the cancellation and finishes normally, nothing is raised (but
 *   {@link expired} is true).
 * - If the block fails with another error after the deadline, that error propagates and a
 *   `TimeoutError` is linked into its `cause` chain (asyncio 3.13's `__context__` splice; see
 *   `aexit`).
 *
 * Same as asyncio's `asyncio.Timeout` (3.13), with `aenter`/`aexit` for `async with`.
 *
 * Differs from asyncio: Python links the TimeoutError through the implicit `__context__` chain;
 * JavaScript errors have only the explicit `cause`, so that is what is used.
 *
 * @example
 * ```ts
 * function* fetchOrGiveUp(): Coroutine<string | null> {
 *   try {
 *     return yield* asyncWith(timeout(5), function* (t) {
 *       const head = yield* readHeader();
 *       t.reschedule(getRunningLoop().time() + 30); // the header arrived: allow 30 s for the body
 *       return yield* readBody(head);
 *     });
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return null;
 *     throw e;
 *   }
 * }
 * ```
 */
export class Timeout implements AsyncContextManager<Timeout> {
  /** @internal */
  _state: number = CREATED;
  /** @internal the deadline (loop time), null: none */
  _when: number | null;
  /** @internal the scheduled expiry, if any */
  _handle: Handle | TimerHandle | null = null;
  /** @internal the task that entered the block */
  _task: Task<unknown> | null = null;
  /** @internal `task.cancelling()` at entry */
  _cancelling = 0;

  /**
   * Prefer {@link timeout} and {@link timeoutAt}.
   *
   * @param when the deadline in loop time (`loop.time()` seconds), or null for none. A deadline
   *   already past expires on the next loop iteration after entry.
   * @throws TypeError when `when` is neither a number nor null. RangeError when it is NaN.
   */
  constructor(when: number | null) {
    this._when = checkDeadline(when, 'Timeout', 'when');
  }

  /** The current deadline in loop time, or null when there is none. */
  when(): number | null {
    return this._when;
  }

  /**
   * Move the deadline to `when` (loop time), or remove it with null. A deadline that is already
   * past expires on the next loop iteration.
   *
   * @throws RuntimeError("Timeout has not been entered") before entry; RuntimeError("Cannot change
   *   state of <expiring|expired|finished> Timeout") after expiry or exit.
   * @throws TypeError when `when` is neither a number nor null. RangeError when it is NaN.
   */
  reschedule(when: number | null): void {
    const state = this._state;
    if (state !== ENTERED) {
      if (state === CREATED) throw new RuntimeError('Timeout has not been entered');
      throw new RuntimeError(`Cannot change state of ${STATE_NAMES[state] ?? '?'} Timeout`);
    }
    const deadline = checkDeadline(when, 'reschedule', 'when');
    this._when = deadline;
    const handle = this._handle;
    if (handle !== null) {
      handle.cancel();
      this._handle = null;
    }
    if (deadline === null) return;
    const loop = getRunningLoop();
    this._handle =
      deadline <= loop.time()
        ? loop._callSoonFast(onTimeout, this, undefined, currentContext())
        : loop.callAtInContext(currentContext(), deadline, onTimeout, this);
  }

  /** Whether the deadline passed while the block ran (the timeout cancelled its task). */
  expired(): boolean {
    return this._state === EXPIRING || this._state === EXPIRED;
  }

  /**
   * Enter the block: remember the current task and its `cancelling()` count, and schedule the
   * deadline.
   *
   * @throws RuntimeError("Timeout has already been entered") when entered twice;
   *   RuntimeError("Timeout should be used inside a task") outside a task.
   */
  *aenter(): Coroutine<Timeout> {
    return this._enter();
  }

  /**
   * Leave the block. `error` is what the block threw (undefined when it finished normally).
   *
   * - Not expired: nothing happens; `error` propagates unchanged.
   * - Expired, and the timeout's cancellation is the only one left (`task.uncancel() <=
   *   cancellingAtEntry`):
   *   - a CancelledError becomes `TimeoutError` with the CancelledError as `cause`;
   *   - any other error propagates, with a `TimeoutError` linked into its `cause` chain: spliced
   *     in front of the first CancelledError found along `error.cause`, `.cause.cause`, … (the
   *     TimeoutError's own cause is then that CancelledError), or, when the chain holds none and
   *     `error` has no cause yet, set as `error.cause` (that TimeoutError has no cause: JavaScript
   *     keeps no record of the CancelledError the error was raised over). An error that already
   *     has an unrelated cause is left as it is. The members of an ExceptionGroup are linked the
   *     same way. This is asyncio 3.13's `__context__` splice, expressed with `cause`, which is
   *     the only chain JavaScript errors have.
   * - Expired, but another cancellation is pending: `error` propagates unchanged.
   *
   * Never swallows an error.
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  *aexit(error: unknown): Coroutine<boolean | void> {
    this._exit(error);
    return false;
  }

  /** asyncio-style description: `<Timeout [active] when=12.5>`, `<Timeout [expired]>`. */
  toString(): string {
    if (this._state === ENTERED) {
      const when = this._when === null ? 'None' : String(Math.round(this._when * 1000) / 1000);
      return `<Timeout [active] when=${when}>`;
    }
    return `<Timeout [${STATE_NAMES[this._state] ?? '?'}]>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** @internal aenter without the coroutine (waitFor's fast path) */
  _enter(): this {
    if (this._state !== CREATED) throw new RuntimeError('Timeout has already been entered');
    const task = currentTask();
    if (task === null) throw new RuntimeError('Timeout should be used inside a task');
    this._state = ENTERED;
    this._task = task;
    this._cancelling = task.cancelling();
    this.reschedule(this._when);
    return this;
  }

  /** @internal aexit without the coroutine: throws the TimeoutError to raise, if any */
  _exit(error: unknown): void {
    const state = this._state;
    if (state !== ENTERED && state !== EXPIRING) {
      throw new RuntimeError(
        state === CREATED ? 'Timeout has not been entered' : `Cannot exit ${STATE_NAMES[state] ?? '?'} Timeout`,
      );
    }
    const handle = this._handle;
    if (handle !== null) {
      handle.cancel();
      this._handle = null;
    }
    const task = this._task as Task<unknown>;
    this._task = null;
    if (state === ENTERED) {
      this._state = EXITED;
      return;
    }
    this._state = EXPIRED;
    if (task.uncancel() <= this._cancelling && error !== undefined) {
      // no cancellation request left but the ones pending at entry: ours is what ended the block
      if (error instanceof CancelledError) throw new TimeoutError(undefined, { cause: error });
      linkTimeoutError(error);
      if (hasBrand(error, EXCEPTION_GROUP_BRAND)) {
        const members = (error as { exceptions?: unknown }).exceptions;
        if (Array.isArray(members)) for (const member of members) linkTimeoutError(member);
      }
    }
  }
}

/** The deadline fired: cancel the task that entered the block (asyncio's `_on_timeout`). */
function onTimeout(timeoutArg: unknown): void {
  const self = timeoutArg as Timeout;
  if (self._state !== ENTERED) return;
  self._handle = null;
  self._state = EXPIRING;
  (self._task as Task<unknown>).cancel();
}

/** Validate a deadline or delay: a number (not NaN) or null (undefined is taken as null). */
function checkDeadline(value: number | null | undefined, fn: string, arg: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}() ${arg} must be a number of seconds or null, got ${describe(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${fn}() ${arg} must not be NaN`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Give `error` a `cause`, as the Error constructor would (an own, non-enumerable property). */
function setCause(error: object, cause: unknown): void {
  try {
    Object.defineProperty(error, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
  } catch {
    // a frozen or exotic error: leave it as it is
  }
}

/**
 * asyncio 3.13's `_insert_timeout_error`, on the `cause` chain: put a TimeoutError in front of the
 * first CancelledError along it; failing that, make a TimeoutError the cause of an error that has
 * none.
 */
function linkTimeoutError(error: unknown): void {
  if (!isObject(error)) return;
  const seen = new Set<unknown>();
  let current: Record<string, unknown> = error;
  for (;;) {
    seen.add(current);
    const cause = current.cause;
    if (cause instanceof CancelledError) {
      setCause(current, new TimeoutError(undefined, { cause }));
      return;
    }
    if (!isObject(cause) || seen.has(cause)) break;
    current = cause;
  }
  if (error.cause === undefined) setCause(error, new TimeoutError());
}

/**
 * A {@link Timeout} whose deadline is `delay` seconds from now (loop time), or none when `delay`
 * is null. Enter it with `asyncWith`: when the deadline passes, the block's task is cancelled and
 * the block raises `TimeoutError`. A delay of 0 or less expires on the first loop iteration after
 * entry.
 *
 * Same as asyncio's `asyncio.timeout(delay)`.
 *
 * @throws RuntimeError when no loop is running (the deadline is computed from the running loop's
 *   clock, as in asyncio).
 * @throws TypeError when `delay` is neither a number nor null. RangeError when it is NaN.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   try {
 *     yield* asyncWith(timeout(10), function* () {
 *       yield* longRunningTask();
 *     });
 *   } catch (e) {
 *     if (!(e instanceof TimeoutError)) throw e;
 *     console.log('gave up after 10 s');
 *   }
 * }
 * ```
 */
export function timeout(delay: number | null): Timeout {
  const checked = checkDeadline(delay, 'timeout', 'delay');
  const loop = getRunningLoop();
  return new Timeout(checked === null ? null : loop.time() + checked);
}

/**
 * A {@link Timeout} whose deadline is the loop time `when` (`getRunningLoop().time()` seconds,
 * not wall-clock time), or none when `when` is null. Like {@link timeout}, with an absolute
 * deadline.
 *
 * Same as asyncio's `asyncio.timeout_at(when)`.
 *
 * @throws TypeError when `when` is neither a number nor null. RangeError when it is NaN.
 *
 * @example
 * ```ts
 * const deadline = getRunningLoop().time() + 10;
 * yield* asyncWith(timeoutAt(deadline), function* () {
 *   yield* stepOne(); // stepOne and stepTwo share the 10 seconds
 *   yield* stepTwo();
 * });
 * ```
 */
export function timeoutAt(when: number | null): Timeout {
  return new Timeout(checkDeadline(when, 'timeoutAt', 'when'));
}
