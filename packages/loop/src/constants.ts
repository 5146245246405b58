/**
 * Tuning constants of the loop. Same values as asyncio's `base_events.py` / `constants.py`
 * where asyncio has them.
 *
 * @module
 */

/**
 * The timer heap is rebuilt without its cancelled timers when it holds more than this many
 * timers and more than {@link MIN_CANCELLED_TIMER_HANDLES_FRACTION} of them are cancelled.
 * Same as asyncio's `_MIN_SCHEDULED_TIMER_HANDLES`.
 */
export const MIN_SCHEDULED_TIMER_HANDLES = 100;

/** See {@link MIN_SCHEDULED_TIMER_HANDLES}. Same as asyncio's `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`. */
export const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

/** Default `EventLoop.slowCallbackDuration`, in seconds. Same as asyncio. */
export const SLOW_CALLBACK_DURATION = 0.1;

/**
 * How long, in milliseconds of real time, the loop may run iterations back to back before it
 * gives the host a turn (so platform I/O and timers are never starved). tsyncio only: asyncio
 * polls its selector on every iteration instead.
 */
export const HOST_SLICE_MS = 4;
