/**
 * The Node host: `setImmediate` for "soon" (it runs after pending I/O callbacks, so sockets are
 * never starved) and one `setTimeout` for the loop's earliest timer. Uses globals only, no `node:`
 * imports, so it also works under Bun and Deno.
 *
 * @module
 */
import type { Host, HostTimer } from './host.js';
import { delayToMs, timerGlobals } from './internal/timers.js';

/** The host for Node (and other platforms with `setImmediate`). */
export const nodeHost: Host = {
  name: 'node',
  soon(callback: () => void): void {
    (timerGlobals.setImmediate as (cb: () => void) => unknown)(callback);
  },
  later(delay: number, callback: () => void): HostTimer {
    return timerGlobals.setTimeout(callback, delayToMs(delay));
  },
  cancel(timer: HostTimer): void {
    timerGlobals.clearTimeout(timer);
  },
};
