import { describe, expect, it } from 'vitest';
import { delayToMs } from '../../src/internal/timers.js';

describe('delayToMs()', () => {
  it('rounds seconds up to whole milliseconds, never early', () => {
    // cf. base_events.py BaseEventLoop._run_once (the selector timeout never fires a timer early)
    expect(delayToMs(0.001)).toBe(1);
    expect(delayToMs(0.0011)).toBe(2);
    expect(delayToMs(1)).toBe(1000);
    expect(delayToMs(1e-9)).toBe(1);
  });

  it('maps zero, negative and NaN delays to 0 and clamps huge ones to setTimeout’s maximum', () => {
    // cf. base_events.py BaseEventLoop._run_once (timeout = max(0, when - now), capped at MAXIMUM_SELECT_TIMEOUT)
    expect(delayToMs(0)).toBe(0);
    expect(delayToMs(-5)).toBe(0);
    expect(delayToMs(Number.NaN)).toBe(0);
    expect(delayToMs(1e12)).toBe(2_147_483_647);
    expect(delayToMs(Number.POSITIVE_INFINITY)).toBe(2_147_483_647);
  });
});
