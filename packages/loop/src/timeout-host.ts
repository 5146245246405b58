/**
 * The fallback host for platforms with neither `setImmediate` nor `MessageChannel`:
 * `setTimeout(0)` for "soon".
 *
 * @module
 */
import type { Host, HostTimer } from './host.js';
import { delayToMs, timerGlobals } from './internal/timers.js';

/** A host that uses nothing but `setTimeout`. Slower "soon" turns (often clamped to 1-4 ms). */
export const timeoutHost: Host = {
  name: 'timeout',
  soon(callback: () => void): void {
    timerGlobals.setTimeout(callback, 0);
  },
  later(delay: number, callback: () => void): HostTimer {
    return timerGlobals.setTimeout(callback, delayToMs(delay));
  },
  cancel(timer: HostTimer): void {
    timerGlobals.clearTimeout(timer);
  },
};
