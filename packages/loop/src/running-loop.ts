/**
 * Which loop code runs on: the running loop (set only while a loop runs its callbacks), the loop
 * set with `setEventLoop`, and the default loop that runs itself, so plain `async` code can use
 * tsyncio without `run()`. All three live in the `globalThis` slot shared by every installed copy.
 *
 * @module
 */
import { EVENT_LOOP_BRAND, hasBrand } from './brand.js';
import { RuntimeError } from './errors.js';
import { EventLoop, type EventLoopOptions } from './event-loop.js';
import { globalSlot } from './internal/global-slot.js';

/**
 * The loop whose callbacks are running now: inside a task, a callback, a done callback.
 *
 * Same as asyncio's `get_running_loop()`.
 *
 * @throws RuntimeError("no running event loop") outside the loop's callbacks (for example in
 * plain `async` code after an `await`).
 */
export function getRunningLoop(): EventLoop {
  const loop = globalSlot().runningLoop;
  if (loop === null) throw new RuntimeError('no running event loop');
  return loop as EventLoop;
}

/**
 * The running loop, or null. Same as asyncio's `_get_running_loop()` (for libraries and
 * third-party loops).
 */
export function _getRunningLoop(): EventLoop | null {
  return globalSlot().runningLoop as EventLoop | null;
}

/**
 * Make `loop` the running loop (null: none). For third-party loops only; a tsyncio loop does it
 * itself around each turn. Same as asyncio's `_set_running_loop()`.
 */
export function _setRunningLoop(loop: EventLoop | null): void {
  globalSlot().runningLoop = loop;
}

/**
 * The running loop; else the loop set with {@link setEventLoop}; else the **default loop**, a loop
 * that runs itself on the host whenever it has work (created on first use). The default loop is
 * what lets plain `async` code write `await createTask(work())` without `run()`.
 *
 * Differs from asyncio: 3.14's `get_event_loop()` raises RuntimeError when no loop is set, and
 * 3.13's creates a loop that nobody runs. tsyncio's default loop runs itself.
 */
export function getEventLoop(): EventLoop {
  const slot = globalSlot();
  const loop = slot.runningLoop ?? slot.eventLoop;
  if (loop !== null) return loop as EventLoop;
  let fallback = slot.defaultLoop as EventLoop | null;
  if (fallback === null || fallback.isClosed()) {
    fallback = new EventLoop({ selfRunning: true });
    slot.defaultLoop = fallback;
  }
  return fallback;
}

/**
 * Make `loop` the loop {@link getEventLoop} returns outside a running loop (null: back to the
 * default self-running loop). Same as asyncio's `set_event_loop()`.
 *
 * @throws TypeError when `loop` is neither an EventLoop nor null.
 */
export function setEventLoop(loop: EventLoop | null): void {
  if (loop !== null && !hasBrand(loop, EVENT_LOOP_BRAND)) {
    throw new TypeError(`setEventLoop() expects an EventLoop or null, got ${typeof loop}`);
  }
  globalSlot().eventLoop = loop;
}

/**
 * A new event loop. Same as asyncio's `new_event_loop()`; the `tsyncio` umbrella's version (under
 * the `node` export condition) returns a `NodeEventLoop` with the networking methods.
 */
export function newEventLoop(options?: Omit<EventLoopOptions, 'selfRunning'>): EventLoop {
  return new EventLoop(options);
}
