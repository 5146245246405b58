/** Typed access to the timer globals every JavaScript platform has, without DOM or Node typings. */

export interface TimerGlobals {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
  setImmediate?: (callback: () => void) => unknown;
}

/** The platform's timer functions. */
export const timerGlobals = globalThis as unknown as TimerGlobals;

/** setTimeout's largest delay (2^31 - 1 ms); larger ones fire at once on most platforms. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Seconds to a setTimeout delay: rounded up (never early), clamped to what platforms accept. */
export function delayToMs(delay: number): number {
  if (!(delay > 0)) return 0;
  const ms = Math.ceil(delay * 1000);
  return ms > MAX_TIMEOUT_MS ? MAX_TIMEOUT_MS : ms;
}
