/**
 * Clocks: where the loop's time comes from. Time is in seconds, monotonic, as `loop.time()` in
 * asyncio. The real clock reads `performance.now()`; the {@link VirtualClock} is test time that
 * only moves when told to (or, with `autojump`, jumps straight to the next timer whenever the loop
 * is idle), so a suite full of 60-second timeouts runs in milliseconds, deterministically.
 *
 * @module
 */

/**
 * A source of monotonic time in seconds.
 *
 * Differs from asyncio: asyncio's loop always reads `time.monotonic()`; tsyncio's loop takes its
 * clock as a constructor option.
 */
export interface Clock {
  /** The current time in seconds. Never decreases. */
  now(): number;
  /**
   * The smallest step this clock can tell apart, in seconds (asyncio's `_clock_resolution`).
   * Timers due within one resolution of `now()` are treated as due. Default 1e-9.
   */
  readonly resolution?: number;
}

/**
 * Real monotonic time: `performance.now()` in seconds. The default clock of every loop.
 *
 * Same as asyncio's `time.monotonic()`.
 */
export const monotonicClock: Clock = {
  now(): number {
    return performance.now() / 1000;
  },
  resolution: 1e-6,
};

/** Options for {@link VirtualClock}. */
export interface VirtualClockOptions {
  /** The time the clock starts at, in seconds. Default 0. */
  start?: number;
  /**
   * Whether the clock jumps straight to the next timer whenever a loop using it has nothing ready
   * to run (after pending microtasks and host callbacks). Default false: time moves only through
   * {@link VirtualClock.advance}.
   */
  autojump?: boolean;
}

/** @internal A wake-up a virtual host registered with the clock. */
export interface VirtualSleeper {
  readonly when: number;
  /** Called once when the clock reaches `when`; must not run loop code synchronously. */
  fire(): void;
  /** Called when autojump is switched on while the sleeper waits: jump to `when` once its loop is idle. */
  autojump?(): void;
}

/**
 * Deterministic test time for a loop. Create the loop with it:
 * `new EventLoop({ clock: new VirtualClock({ autojump: true }) })`; nothing global is patched, so
 * the same program runs on real or virtual time.
 *
 * - {@link advance} moves time forward and wakes the loops waiting for timers that became due.
 * - With `autojump`, a loop that is idle (nothing ready, only timers pending) jumps the clock to
 *   its next timer at once, so `yield* sleep(3600)` completes immediately while keeping every
 *   ordering of timers exactly as on the real clock.
 *
 * Differs from asyncio: asyncio has no public virtual clock (its tests use a private `TestLoop`);
 * this is Trio's `MockClock` with `autojump_threshold = 0`.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock({ autojump: true });
 * const loop = new EventLoop({ clock });
 * loop.callLater(60, () => loop.stop());
 * await loop.runForever(); // returns at once; loop.time() is now 60
 * ```
 */
export class VirtualClock implements Clock {
  readonly resolution: number = 1e-9;
  private _time: number;
  private _autojump: boolean;
  /** @internal wake-ups registered by virtual hosts, fired when time reaches them */
  readonly _sleepers: Set<VirtualSleeper> = new Set();

  /**
   * @throws TypeError when `start` is not a finite number.
   */
  constructor(options: VirtualClockOptions = {}) {
    const start = options.start ?? 0;
    if (typeof start !== 'number' || !Number.isFinite(start)) {
      throw new TypeError(`VirtualClock start must be a finite number, got ${String(start)}`);
    }
    this._time = start;
    this._autojump = options.autojump ?? false;
  }

  /**
   * Whether an idle loop jumps straight to its next timer. May be changed at any time: switching
   * it on also lets loops that are already idle, waiting for a timer, jump to it.
   */
  get autojump(): boolean {
    return this._autojump;
  }

  set autojump(enabled: boolean) {
    const wasEnabled = this._autojump;
    this._autojump = enabled;
    if (enabled && !wasEnabled) {
      for (const sleeper of this._sleepers) sleeper.autojump?.();
    }
  }

  /** The current virtual time in seconds. */
  now(): number {
    return this._time;
  }

  /**
   * Move time forward by `seconds` and wake every loop whose next timer is now due. The loops run
   * their due callbacks on their next turn (after the caller's synchronous code), never inside
   * `advance()` itself.
   *
   * @throws RangeError when `seconds` is negative or not a finite number.
   */
  advance(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`VirtualClock.advance() seconds must be a finite number >= 0, got ${String(seconds)}`);
    }
    this._time += seconds;
    this._fireDue();
  }

  /** @internal Jump to `when` if it is in the future (autojump), then wake what became due. */
  _jumpTo(when: number): void {
    if (when > this._time) this._time = when;
    this._fireDue();
  }

  private _fireDue(): void {
    if (this._sleepers.size === 0) return;
    for (const sleeper of this._sleepers) {
      if (sleeper.when <= this._time) {
        this._sleepers.delete(sleeper);
        sleeper.fire();
      }
    }
  }

  toString(): string {
    return `<VirtualClock time=${this._time}${this.autojump ? ' autojump' : ''}>`;
  }
}
