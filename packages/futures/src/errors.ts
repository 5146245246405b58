/**
 * The errors of the futures layer. Same as asyncio's `exceptions.py` (futures part).
 *
 * @module
 */
import {
  brandedHasInstance,
  describe,
  CANCELLED_ERROR_BRAND,
  INVALID_STATE_ERROR_BRAND,
  TIMEOUT_ERROR_BRAND,
} from '@tsyncio/loop';

/**
 * Thrown into a task's coroutine, at the `yield*` where it waits, when the task is cancelled; and
 * raised by `result()` of a cancelled future. Carries the message given to `cancel(msg)`.
 *
 * Differs from asyncio: in Python `CancelledError` is a `BaseException`, so `except Exception`
 * does not catch it. In JavaScript every `catch` catches it: a catch-all block in a coroutine must
 * call {@link rethrowIfCancelled} first (debug mode reports tasks that swallow a cancellation).
 *
 * @example
 * ```ts
 * function* worker(): Coroutine<void> {
 *   try {
 *     yield* sleep(10);
 *   } catch (e) {
 *     rethrowIfCancelled(e); // never swallow a cancellation by accident
 *     console.error('sleep failed', e);
 *   }
 * }
 * ```
 */
export class CancelledError extends Error {
  override name = 'CancelledError';

  /** @param message the message given to `cancel(msg)`, if any */
  constructor(message?: unknown) {
    super(message === undefined || message === null ? '' : typeof message === 'string' ? message : describe(message));
  }

  /** @internal brand for cross-copy `instanceof` */
  get [CANCELLED_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, CancelledError, CANCELLED_ERROR_BRAND, value);
  }
}

/**
 * Raised when a future is used in a state that does not allow it: `result()` of a pending future,
 * `setResult()` of a done one. Same as asyncio's `InvalidStateError`.
 */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';

  /** @internal brand for cross-copy `instanceof` */
  get [INVALID_STATE_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, InvalidStateError, INVALID_STATE_ERROR_BRAND, value);
  }
}

/**
 * Raised when a deadline passes: by `timeout()`/`timeoutAt()` blocks, `waitFor()` and
 * `asCompleted()`. When it replaces the cancellation that enforced the deadline, that
 * `CancelledError` is its `cause`.
 *
 * Same as asyncio's `TimeoutError` (Python's built-in). Also recognised: a `DOMException` named
 * "TimeoutError" (what `AbortSignal.timeout()` produces) is *not* an instance of this class.
 */
export class TimeoutError extends Error {
  override name = 'TimeoutError';

  /** @internal brand for cross-copy `instanceof` */
  get [TIMEOUT_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, TimeoutError, TIMEOUT_ERROR_BRAND, value);
  }
}

/**
 * Re-throw `error` if it is a {@link CancelledError}; otherwise return. Call it first in every
 * catch-all block inside a coroutine, so a cancellation is never swallowed by accident.
 *
 * tsyncio only: Python needs no such helper because `except Exception` does not catch
 * `CancelledError`.
 */
export function rethrowIfCancelled(error: unknown): void {
  if (error instanceof CancelledError) throw error;
}

/** Whether `error` is a {@link CancelledError} (of any installed copy). */
export function isCancelledError(error: unknown): error is CancelledError {
  return error instanceof CancelledError;
}
