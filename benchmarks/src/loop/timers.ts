/**
 * Timers on the real clock: N timers with the anchors' deterministic delays (0..100 ms), armed in
 * one go then left to fire — on a tsyncio loop (`loop.callLater`) and with Node's `setTimeout` —
 * and N timers armed then cancelled (`handle.cancel()` / `clearTimeout`).
 *
 * @module
 */
import { newEventLoop, type TimerHandle } from '@tsyncio/loop';
import { delayMs, now } from '../common.js';

/** What one arm + fire run measured, in milliseconds. */
export interface FireResult {
  /** from the first arm until the last timer is armed */
  armedMs: number;
  /** from the first arm until the last timer has fired */
  wallMs: number;
  /** per timer: actual − requested delay, measured from its own arm call (unsorted) */
  late: Float64Array;
}

/** tsyncio: arm N `loop.callLater(d/1000, fire, i)` from inside one loop callback, run until all fired. */
export async function fireCallLater(n: number): Promise<FireResult> {
  const loop = newEventLoop();
  const starts = new Float64Array(n);
  const late = new Float64Array(n);
  let fired = 0;
  let t0 = 0;
  let armed = 0;
  let end = 0;
  const fire = (i: number): void => {
    const t = now();
    late[i] = t - starts[i]! - delayMs(i);
    if (++fired === n) {
      end = t;
      loop.stop();
    }
  };
  loop.callSoon(() => {
    t0 = now();
    for (let i = 0; i < n; i++) {
      starts[i] = now();
      loop.callLater(delayMs(i) / 1000, fire, i);
    }
    armed = now();
  });
  await loop.runForever();
  loop.close();
  return { armedMs: armed - t0, wallMs: end - t0, late };
}

/** Node: arm N `setTimeout(fire, d, i)`, resolve when all fired. */
export function fireSetTimeout(n: number): Promise<FireResult> {
  return new Promise((resolve) => {
    const starts = new Float64Array(n);
    const late = new Float64Array(n);
    let fired = 0;
    let armed = 0;
    const fire = (i: number): void => {
      const t = now();
      late[i] = t - starts[i]! - delayMs(i);
      if (++fired === n) resolve({ armedMs: armed - t0, wallMs: t - t0, late });
    };
    const t0 = now();
    for (let i = 0; i < n; i++) {
      starts[i] = now();
      setTimeout(fire, delayMs(i), i);
    }
    armed = now();
  });
}

const noop = (): void => {};

/**
 * tsyncio: arm N `callLater` timers, cancel them all, and let the loop take one more iteration
 * (which purges the cancelled timers from its heap). Milliseconds from the first arm until a
 * callback scheduled after the last cancel runs.
 */
export async function cancelCallLater(n: number): Promise<number> {
  const loop = newEventLoop();
  const handles = new Array<TimerHandle>(n);
  let t0 = 0;
  let end = 0;
  loop.callSoon(() => {
    t0 = now();
    for (let i = 0; i < n; i++) handles[i] = loop.callLater(delayMs(i) / 1000, noop);
    for (let i = 0; i < n; i++) handles[i]!.cancel();
    loop.callSoon(() => {
      end = now();
      loop.stop();
    });
  });
  await loop.runForever();
  loop.close();
  return end - t0;
}

/** Node: arm N `setTimeout`, `clearTimeout` them all; milliseconds until a following `setImmediate` runs. */
export function cancelSetTimeout(n: number): Promise<number> {
  return new Promise((resolve) => {
    const timers = new Array<NodeJS.Timeout>(n);
    const t0 = now();
    for (let i = 0; i < n; i++) timers[i] = setTimeout(noop, delayMs(i));
    for (let i = 0; i < n; i++) clearTimeout(timers[i]);
    setImmediate(() => {
      resolve(now() - t0);
    });
  });
}
