import { describe, expect, it } from 'vitest';
import { EventLoop, monotonicClock, VirtualClock } from '../src/index.js';
import { macrotasks, manualLoop, virtualLoop } from './helpers.js';

describe('monotonicClock', () => {
  it('never goes backwards and is the default clock of a loop', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_time_and_call_at (loop.time() is monotonic)
    const readings = Array.from({ length: 100 }, () => monotonicClock.now());
    for (let i = 1; i < readings.length; i++) expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1]!);
    const loop = new EventLoop();
    try {
      expect(loop.getClock()).toBe(monotonicClock);
    } finally {
      loop.close();
    }
  });
});

describe('VirtualClock', () => {
  it('starts at 0 (or at `start`) and only moves through advance()', () => {
    // cf. test_asyncio/utils.py TestLoop (time moves only when the test says so)
    const clock = new VirtualClock();
    expect(clock.now()).toBe(0);
    expect(clock.autojump).toBe(false);
    clock.advance(1.5);
    expect(clock.now()).toBe(1.5);
    clock.advance(0);
    expect(clock.now()).toBe(1.5);
    expect(new VirtualClock({ start: 100 }).now()).toBe(100);
  });

  it('rejects a start that is not a finite number and a negative or non-finite advance', () => {
    // cf. test_asyncio/utils.py TestLoop.advance_time ("must not advance time backwards")
    expect(() => new VirtualClock({ start: Number.NaN })).toThrow(TypeError);
    expect(() => new VirtualClock({ start: '1' as never })).toThrow('VirtualClock start must be a finite number, got 1');
    const clock = new VirtualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow('VirtualClock.advance() seconds must be a finite number >= 0, got NaN');
    expect(clock.now()).toBe(0);
  });

  it('toString() shows the time and autojump', () => {
    // cf. test_asyncio/utils.py TestLoop (no CPython test; reprs show the state)
    expect(String(new VirtualClock({ start: 3 }))).toBe('<VirtualClock time=3>');
    expect(String(new VirtualClock({ autojump: true }))).toBe('<VirtualClock time=0 autojump>');
  });

  it('a loop on a VirtualClock tells time by it', () => {
    // cf. test_asyncio/utils.py TestLoop.time
    const clock = new VirtualClock({ start: 10 });
    const loop = new EventLoop({ clock });
    try {
      expect(loop.time()).toBe(10);
      clock.advance(5);
      expect(loop.time()).toBe(15);
      expect(loop.getHost().name).toBe('virtual');
    } finally {
      loop.close();
    }
  });
});

describe('VirtualClock with autojump', () => {
  it('a run full of 60-second timers completes at once, at the right virtual times', async () => {
    // cf. test_asyncio/utils.py TestLoop (generator-driven time) and Trio's MockClock(autojump_threshold=0)
    const { loop } = virtualLoop();
    const times: number[] = [];
    let remaining = 200;
    const next = (): void => {
      times.push(loop.time());
      if (--remaining === 0) loop.stop();
      else loop.callLater(60, next);
    };
    loop.callLater(60, next);
    await loop.runForever();
    expect(times).toHaveLength(200);
    expect(times[0]).toBe(60);
    expect(times[199]).toBe(200 * 60);
    expect(loop.time()).toBe(12_000);
  });

  it('many timers pending at once fire in deadline order, each at its own time', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once
    const { loop } = virtualLoop();
    const fired: [number, number][] = [];
    for (const delay of [3600, 60, 0.5, 86_400, 60]) {
      loop.callLater(delay, () => fired.push([delay, loop.time()]));
    }
    loop.callLater(100_000, () => loop.stop());
    await loop.runForever();
    expect(fired).toEqual([
      [0.5, 0.5],
      [60, 60],
      [60, 60],
      [3600, 3600],
      [86_400, 86_400],
    ]);
  });

  it('autojump never jumps past ready work: a chain of callbacks sees time stand still', async () => {
    // cf. Trio's test_mock_clock_autojump (the clock jumps only when everything is idle)
    const { loop } = virtualLoop();
    const times = new Set<number>();
    let timerAt = -1;
    loop.callLater(1, () => {
      timerAt = loop.time();
    });
    let links = 0;
    const link = (): void => {
      times.add(loop.time());
      if (++links < 500) loop.callSoon(link);
      else loop.callLater(2, () => loop.stop());
    };
    loop.callSoon(link);
    await loop.runForever();
    expect(links).toBe(500);
    expect([...times]).toEqual([0]);
    expect(timerAt).toBe(1);
  });

  it('autojump waits for work that plain async code schedules while the loop is idle', async () => {
    // cf. Trio's test_mock_clock_autojump (work that arrives first runs first)
    const { loop } = virtualLoop();
    const seen: [string, number][] = [];
    loop.callLater(10, () => {
      seen.push(['timer', loop.time()]);
      loop.stop();
    });
    const running = loop.runForever();
    for (let i = 0; i < 20; i++) {
      await Promise.resolve();
      loop.callSoon((n: number) => seen.push([`soon ${n}`, loop.time()]), i);
    }
    await running;
    expect(seen).toHaveLength(21);
    expect(seen.slice(0, 20).every(([, time]) => time === 0)).toBe(true);
    expect(seen[20]).toEqual(['timer', 10]);
  });

  it('autojump can be switched off and on; while off, timers wait for advance()', async () => {
    // cf. test_asyncio/utils.py TestLoop.advance_time
    const { loop, clock } = virtualLoop({ autojump: false });
    const fired: number[] = [];
    loop.callLater(5, () => {
      fired.push(loop.time());
      loop.stop();
    });
    const running = loop.runForever();
    await macrotasks(10);
    expect(fired).toEqual([]);
    expect(loop.time()).toBe(0);
    clock.autojump = true;
    loop.callSoon(() => {}); // the loop notices the change at its next idle point
    await running;
    expect(fired).toEqual([5]);
  });
  it('a jump already scheduled yields to a callback that arrives before it runs', () => {
    // cf. Trio's test_mock_clock_autojump (the clock jumps only when everything is idle)
    const { loop, clock, platform } = manualLoop();
    clock.autojump = true;
    const seen: [string, number][] = [];
    loop.callLater(10, () => seen.push(['timer', loop.time()]));
    void loop.runForever();
    platform.runNext(); // the loop's first turn: idle, it asks for a timer; the host queues a jump
    expect(platform.queue).toHaveLength(1);
    loop.callSoon(() => seen.push(['soon', loop.time()]));
    platform.runNext(); // the jump sees the loop's queued turn and steps aside
    expect(clock.now()).toBe(0);
    platform.runAll();
    expect(seen).toEqual([
      ['soon', 0],
      ['timer', 10],
    ]);
    loop.stop();
    platform.runAll();
  });

  it('switching autojump off before a scheduled jump runs cancels the jump', () => {
    // cf. Trio's test_mock_clock_autojump (autojump_threshold can be changed at any time)
    const { loop, clock, platform } = manualLoop();
    clock.autojump = true;
    const fired: number[] = [];
    loop.callLater(10, () => fired.push(loop.time()));
    void loop.runForever();
    platform.runNext();
    clock.autojump = false;
    platform.runAll();
    expect(clock.now()).toBe(0);
    expect(fired).toEqual([]);
    clock.autojump = true; // an idle loop waiting for its timer jumps to it now
    platform.runAll();
    expect(fired).toEqual([10]);
    loop.stop();
    platform.runAll();
  });
});

describe('VirtualClock.advance() on a running loop', () => {
  it('wakes an idle loop whose timer became due', async () => {
    // cf. test_asyncio/utils.py TestLoop.advance_time
    const { loop, clock } = virtualLoop({ autojump: false });
    const fired = new Promise<number>((resolve) => loop.callLater(10, () => resolve(loop.time())));
    const running = loop.runForever();
    await macrotasks();
    clock.advance(10);
    expect(await fired).toBe(10);
    loop.stop();
    await running;
  });

  it('runs nothing inside advance() itself, only on the loop’s next turn', () => {
    // cf. test_asyncio/utils.py TestLoop.advance_time
    const { loop, clock, platform } = manualLoop();
    const fired: number[] = [];
    loop.callLater(10, () => fired.push(loop.time()));
    void loop.runForever();
    platform.runAll();
    clock.advance(5);
    expect(platform.queue).toHaveLength(0);
    clock.advance(5);
    expect(fired).toEqual([]);
    expect(platform.queue.length).toBeGreaterThan(0);
    platform.runAll();
    expect(fired).toEqual([10]);
    loop.stop();
    platform.runAll();
    expect(loop.isRunning()).toBe(false);
  });

  it('advancing past several timers runs them all, in deadline order, at the advanced time', () => {
    // cf. test_asyncio/utils.py TestLoop.advance_time
    const { loop, clock, platform } = manualLoop();
    const fired: [string, number][] = [];
    loop.callLater(3, () => fired.push(['c', loop.time()]));
    loop.callLater(1, () => fired.push(['a', loop.time()]));
    loop.callLater(2, () => fired.push(['b', loop.time()]));
    loop.callLater(30, () => fired.push(['late', loop.time()]));
    void loop.runForever();
    platform.runAll();
    clock.advance(5);
    platform.runAll();
    expect(fired).toEqual([
      ['a', 5],
      ['b', 5],
      ['c', 5],
    ]);
    loop.stop();
    platform.runAll();
  });
});
