/**
 * The process-wide slot shared by every installed copy of `@tsyncio/loop` (DESIGN §6): the running
 * loop, the loop set by `setEventLoop`, the default self-running loop and the current Context.
 * Created on first use, never at import, so importing the package has no side effects.
 *
 * Field meanings are part of the cross-copy protocol named by `GLOBAL_SLOT_KEY`.
 */
import { GLOBAL_SLOT_KEY } from '../brand.js';

/** What the slot holds. Loops and contexts are typed structurally to keep this file at the bottom. */
export interface GlobalSlot {
  /** The loop whose callbacks are running right now (set only inside a batch of iterations). */
  runningLoop: object | null;
  /** The loop set by `setEventLoop()`. */
  eventLoop: object | null;
  /** The default loop that runs itself, created by `getEventLoop()` on first use. */
  defaultLoop: object | null;
  /** The Context that code runs in now (null until first used: the empty base context). */
  context: object | null;
  /** Counter behind the default task names ("Task-<n>"), shared so names stay unique. */
  taskCounter: number;
}

let cached: GlobalSlot | undefined;

/** The shared slot, created on first call. */
export function globalSlot(): GlobalSlot {
  if (cached !== undefined) return cached;
  const g = globalThis as unknown as Record<symbol, GlobalSlot | undefined>;
  let slot = g[GLOBAL_SLOT_KEY];
  if (slot === undefined) {
    slot = { runningLoop: null, eventLoop: null, defaultLoop: null, context: null, taskCounter: 0 };
    Object.defineProperty(g, GLOBAL_SLOT_KEY, { value: slot, configurable: true, writable: false, enumerable: false });
  }
  cached = slot;
  return slot;
}

/**
 * The next number for a default task name ("Task-<n>"), shared by every installed copy so names
 * stay unique. Same as asyncio's `_task_name_counter`.
 */
export function nextTaskNumber(): number {
  return ++globalSlot().taskCounter;
}
