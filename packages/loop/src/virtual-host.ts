/**
 * The virtual host: runs a loop on a {@link VirtualClock}. "Soon" turns still go through the
 * platform host (so promises and host callbacks interleave as in production), but timers never
 * touch platform timers: they wait for the clock to reach them, by `clock.advance()` or, with
 * `autojump`, by jumping the clock as soon as the loop has nothing else to do.
 *
 * @module
 */
import type { VirtualClock, VirtualSleeper } from './clock.js';
import { defaultHost, type Host, type HostTimer } from './host.js';

class Sleeper implements VirtualSleeper {
  cancelled = false;
  fired = false;
  constructor(
    readonly when: number,
    private readonly _callback: () => void,
    private readonly _host: VirtualHost,
  ) {}

  fire(): void {
    if (this.cancelled || this.fired) return;
    this.fired = true;
    this._host.soon(this._callback);
  }

  autojump(): void {
    this._host._scheduleJump(this);
  }
}

/**
 * A host whose timers run on a {@link VirtualClock}. An `EventLoop` created with a VirtualClock
 * and no host uses one automatically.
 *
 * Autojump rule: when the loop asks for a timer, the host schedules one platform turn; if by then
 * the loop has asked for nothing else (no "soon" turn is pending), the clock jumps to the timer.
 * Work that arrives meanwhile (a resolved promise, a host callback) always runs first.
 */
export class VirtualHost implements Host {
  readonly name = 'virtual';
  private _pendingSoon = 0;

  /**
   * @param clock the clock whose time the timers wait for
   * @param platform the host that provides "soon" turns (default: the platform's host)
   */
  constructor(
    readonly clock: VirtualClock,
    readonly platform: Host = defaultHost(),
  ) {}

  soon(callback: () => void): void {
    this._pendingSoon++;
    this.platform.soon(() => {
      this._pendingSoon--;
      callback();
    });
  }

  later(delay: number, callback: () => void): HostTimer {
    const sleeper = new Sleeper(this.clock.now() + Math.max(0, delay), callback, this);
    if (sleeper.when <= this.clock.now()) {
      sleeper.fire();
      return sleeper;
    }
    this.clock._sleepers.add(sleeper);
    if (this.clock.autojump) this._scheduleJump(sleeper);
    return sleeper;
  }

  cancel(timer: HostTimer): void {
    const sleeper = timer as Sleeper;
    sleeper.cancelled = true;
    this.clock._sleepers.delete(sleeper);
  }

  /** @internal Jump the clock to `sleeper` on a later platform turn, once the loop has nothing queued. */
  _scheduleJump(sleeper: Sleeper): void {
    this.platform.soon(() => {
      if (sleeper.cancelled || sleeper.fired || !this.clock.autojump) return;
      if (this._pendingSoon > 0) {
        // the loop has work queued: let it run first, then look again
        this._scheduleJump(sleeper);
        return;
      }
      this.clock._jumpTo(sleeper.when);
    });
  }
}
