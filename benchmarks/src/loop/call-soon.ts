/**
 * callSoon throughput: a chain of N callbacks, each scheduling the next — on a tsyncio loop
 * (`loop.callSoon`) and with Node's own `queueMicrotask` and `setImmediate`. The time runs from
 * scheduling the first callback until the last one runs (in milliseconds).
 *
 * @module
 */
import { copyContext, newEventLoop } from '@tsyncio/loop';
import { now } from '../common.js';

/** tsyncio: `loop.callSoon(step)` from inside `step`, on a fresh loop run with `runForever()`. */
export async function chainCallSoon(n: number): Promise<number> {
  const loop = newEventLoop();
  let left = n;
  let end = 0;
  const step = (): void => {
    if (--left > 0) loop.callSoon(step);
    else {
      end = now();
      loop.stop();
    }
  };
  const t0 = now();
  loop.callSoon(step);
  await loop.runForever();
  loop.close();
  return end - t0;
}

/**
 * tsyncio's internal hot path (`loop._callSoonFast`, what @tsyncio/futures uses to step tasks):
 * no argument array, no argument checks, the Context given.
 */
export async function chainCallSoonFast(n: number): Promise<number> {
  const loop = newEventLoop();
  const context = copyContext();
  let left = n;
  let end = 0;
  const step = (): void => {
    if (--left > 0) loop._callSoonFast(step, undefined, undefined, context);
    else {
      end = now();
      loop.stop();
    }
  };
  const t0 = now();
  loop._callSoonFast(step, undefined, undefined, context);
  await loop.runForever();
  loop.close();
  return end - t0;
}

/** Node: a `queueMicrotask` chain (never leaves the microtask queue). */
export function chainQueueMicrotask(n: number): Promise<number> {
  return new Promise((resolve) => {
    let left = n;
    const step = (): void => {
      if (--left > 0) queueMicrotask(step);
      else resolve(now() - t0);
    };
    const t0 = now();
    queueMicrotask(step);
  });
}

/** Node: a `setImmediate` chain (one trip round the event loop per callback). */
export function chainSetImmediate(n: number): Promise<number> {
  return new Promise((resolve) => {
    let left = n;
    const step = (): void => {
      if (--left > 0) setImmediate(step);
      else resolve(now() - t0);
    };
    const t0 = now();
    setImmediate(step);
  });
}
