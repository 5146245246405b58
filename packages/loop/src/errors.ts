import { brandedHasInstance, RUNTIME_ERROR_BRAND } from './brand.js';

/**
 * Raised when an operation is used in a state that does not allow it: running a loop that is
 * already running, scheduling on a closed loop, calling `getRunningLoop()` outside the loop.
 *
 * Same as Python's built-in `RuntimeError`, with asyncio's messages. Recognised across installed
 * copies of tsyncio (`instanceof` checks a `Symbol.for` brand).
 *
 * @example
 * ```ts
 * try {
 *   getRunningLoop();
 * } catch (e) {
 *   if (e instanceof RuntimeError) console.log(e.message); // "no running event loop"
 * }
 * ```
 */
export class RuntimeError extends Error {
  override name = 'RuntimeError';

  /** @internal brand for cross-copy `instanceof` */
  get [RUNTIME_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, RuntimeError, RUNTIME_ERROR_BRAND, value);
  }
}
