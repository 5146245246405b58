import { describe, expect, it } from 'vitest';
import { RuntimeError, TimerHandle } from '@tsyncio/loop';
import { CancelledError, createTask, sleep, type Coroutine } from '../src/index.js';
import { iterate, rejection, runTask, thrown, virtualLoop } from './helpers.js';

describe('sleep', () => {
  it('suspends for the delay in loop time and returns the result given', async () => {
    // cf. test_tasks.py BaseTaskTests.test_sleep
    const { loop } = virtualLoop();
    function* sleeper(dt: number, arg: string): Coroutine<string> {
      yield* sleep(dt / 2);
      return yield* sleep(dt / 2, arg);
    }
    expect(await runTask(loop, sleeper(0.1, 'yeah'))).toBe('yeah');
    expect(loop.time()).toBeCloseTo(0.1);
  });

  it('returns undefined without a result', async () => {
    const { loop } = virtualLoop();
    function* sleeper(): Coroutine<unknown> {
      return yield* sleep(1);
    }
    expect(await runTask(loop, sleeper())).toBeUndefined();
  });

  it('sleepers wake in the order of their deadlines', async () => {
    const { loop } = virtualLoop();
    const woken: string[] = [];
    function* sleeper(name: string, delay: number): Coroutine<void> {
      yield* sleep(delay);
      woken.push(`${name}@${loop.time()}`);
    }
    const tasks = [
      createTask(sleeper('c', 3), { loop }),
      createTask(sleeper('a', 1), { loop }),
      createTask(sleeper('b', 2), { loop }),
    ];
    for (const task of tasks) await loop.runUntilComplete(task);
    expect(woken).toEqual(['a@1', 'b@2', 'c@3']);
  });

  it('sleep(0) gives up the loop for exactly one iteration and sets no timer', async () => {
    // cf. test_tasks.py SleepTests.test_sleep_zero
    const { loop } = virtualLoop();
    let result = 0;
    const inc = (num: number): void => {
      result += num;
    };
    const timers: number[] = [];
    function* coro(): Coroutine<void> {
      loop.callSoon(inc, 1);
      expect(result).toBe(0);
      const sleeping = sleep(0, 10);
      sleeping.next();
      timers.push(loop._scheduled.size);
      const step = sleeping.next();
      expect(step).toEqual({ value: 10, done: true });
      yield;
      expect(result).toBe(1);
      inc(yield* sleep(0, 10));
    }
    await runTask(loop, coro());
    expect(result).toBe(11);
    expect(timers).toEqual([0]);
    expect(loop.time()).toBe(0);
  });

  it('a negative delay is a bare yield too', async () => {
    // cf. tasks.py sleep: "if delay <= 0"
    const { loop } = virtualLoop();
    const order: string[] = [];
    function* coro(): Coroutine<string> {
      loop.callSoon(() => order.push('callback'));
      order.push('before');
      const value = yield* sleep(-5, 'r');
      order.push('after');
      return value;
    }
    const task = createTask(coro(), { loop });
    await iterate(loop);
    expect(order).toEqual(['before']);
    expect(loop._scheduled.size).toBe(0);
    await iterate(loop);
    // the callback scheduled before the yield runs first, in the same iteration
    expect(order).toEqual(['before', 'callback', 'after']);
    expect(task.result()).toBe('r');
  });

  it('a NaN delay raises RangeError', async () => {
    // cf. test_tasks.py BaseTaskTests.test_sleep_when_delay_is_nan
    const { loop } = virtualLoop();
    const error = await rejection(runTask(loop, sleep(Number.NaN)));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/NaN/);
  });

  it('a delay that is not a number raises TypeError naming it', async () => {
    const { loop } = virtualLoop();
    const error = await rejection(runTask(loop, sleep('1' as never)));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/sleep\(\) delay must be a number of seconds, got string/);
  });

  it('outside a running loop raises RuntimeError when it starts', () => {
    // cf. events.py get_running_loop
    virtualLoop();
    const error = thrown(() => sleep(1).next());
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe('no running event loop');
  });

  it('cancelling the sleep cancels its timer', async () => {
    // cf. test_tasks.py BaseTaskTests.test_sleep_cancel
    const { loop } = virtualLoop();
    const t = createTask(sleep(10, 'yeah'), { loop });
    await iterate(loop);
    expect(loop._scheduled.size).toBe(1);
    const handle = loop._scheduled.peek() as TimerHandle;
    expect(handle.cancelled()).toBe(false);
    expect(loop._timerCancelledCount).toBe(0);
    t.cancel();
    await iterate(loop);
    expect(handle.cancelled()).toBe(true);
    expect(t.cancelled()).toBe(true);
    // still in the heap, counted as cancelled until the loop purges it
    expect(loop._scheduled.size).toBe(1);
    expect(loop._timerCancelledCount).toBe(1);
    await iterate(loop);
    expect(loop._scheduled.size).toBe(0);
    expect(loop._timerCancelledCount).toBe(0);
    expect(loop.time()).toBe(0);
  });

  it('a timer that fired is not cancelled again', async () => {
    const { loop } = virtualLoop();
    await runTask(loop, sleep(1));
    expect(loop._scheduled.size).toBe(0);
    expect(loop._timerCancelledCount).toBe(0);
  });

  it('an infinite delay sleeps until cancelled without moving the clock', async () => {
    const { loop } = virtualLoop();
    const t = createTask(sleep(Infinity), { loop });
    loop.callLater(2, () => t.cancel('wake up'));
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(CancelledError);
    expect(loop.time()).toBe(2);
  });
});
