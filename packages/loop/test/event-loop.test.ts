import { describe, expect, it } from 'vitest';
import {
  ContextVar,
  EventLoop,
  Handle,
  MIN_CANCELLED_TIMER_HANDLES_FRACTION,
  MIN_SCHEDULED_TIMER_HANDLES,
  RuntimeError,
  SLOW_CALLBACK_DURATION,
  TimerHandle,
  VirtualClock,
  type ExceptionContext,
  type FutureLike,
  type TaskFactory,
} from '../src/index.js';
import { captureLogger, macrotasks, MiniFuture, virtualLoop } from './helpers.js';

const noop = (): void => {};

describe('EventLoop: scheduling', () => {
  it('callSoon() returns a Handle queued on the ready queue, not in the timer heap', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_soon
    const { loop } = virtualLoop();
    const handle = loop.callSoon(noop);
    expect(handle).toBeInstanceOf(Handle);
    expect(handle).not.toBeInstanceOf(TimerHandle);
    expect(loop._ready.toArray()).toEqual([handle]);
    expect(loop._scheduled.size).toBe(0);
  });

  it('callLater() returns a TimerHandle in the timer heap, not on the ready queue', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_later
    const { loop, clock } = virtualLoop();
    clock.advance(5);
    const timer = loop.callLater(10, noop);
    expect(timer).toBeInstanceOf(TimerHandle);
    expect(timer.when()).toBe(15);
    expect(loop._scheduled.toArray()).toEqual([timer]);
    expect(loop._ready.length).toBe(0);
  });

  it('callSoon() runs callbacks first in, first out, with their arguments', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_soon
    const { loop, errors } = virtualLoop();
    const calls: unknown[] = [];
    loop.callSoon(() => calls.push('none'));
    loop.callSoon((a: number) => calls.push([a]), 1);
    loop.callSoon((a: number, b: string) => calls.push([a, b]), 2, 'two');
    loop.callSoon((...xs: string[]) => calls.push(xs), 'a', 'b', 'c', 'd');
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(calls).toEqual(['none', [1], [2, 'two'], ['a', 'b', 'c', 'd']]);
    expect(errors).toEqual([]);
  });

  it('callLater() runs the callback after the delay, in loop time', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_later
    const { loop } = virtualLoop();
    const results: [string, number][] = [];
    loop.callLater(0.1, (arg: string) => {
      results.push([arg, loop.time()]);
      loop.stop();
    }, 'hello world');
    await loop.runForever();
    expect(results).toEqual([['hello world', 0.1]]);
  });

  it('callAt() runs the callback at an absolute loop time', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_time_and_call_at
    const { loop } = virtualLoop();
    const when = loop.time() + 0.1;
    let ranAt = -1;
    const timer = loop.callAt(when, () => {
      ranAt = loop.time();
      loop.stop();
    });
    expect(timer.when()).toBe(when);
    await loop.runForever();
    expect(ranAt).toBe(when);
  });

  it('timers run in deadline order, whatever order they were scheduled in', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once (the heap orders by deadline)
    const { loop } = virtualLoop();
    const order: [string, number][] = [];
    const record = (name: string): void => {
      order.push([name, loop.time()]);
    };
    loop.callLater(3, record, 'c');
    loop.callLater(1, record, 'a');
    loop.callLater(2, record, 'b');
    loop.callLater(4, () => loop.stop());
    await loop.runForever();
    expect(order).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('timers due at the same time run in the order they were scheduled', async () => {
    // cf. test_events.py TimerTests.test_timer_comparison (equal deadlines keep scheduling order)
    const { loop } = virtualLoop();
    const order: number[] = [];
    for (let i = 0; i < 20; i++) loop.callAt(10, (n: number) => order.push(n), i);
    loop.callAt(10, () => loop.stop());
    await loop.runForever();
    expect(order).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('negative delays are due at once, still in deadline order', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_later_negative_delays
    const { loop } = virtualLoop();
    const calls: string[] = [];
    loop.callLater(-1, (arg: string) => calls.push(arg), 'a');
    loop.callLater(-2, (arg: string) => calls.push(arg), 'b');
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(calls).toEqual(['b', 'a']);
  });

  it('handles already ready run before timers that become due in the same iteration', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once (due timers join the ready queue at its end)
    const { loop } = virtualLoop();
    const order: string[] = [];
    loop.callLater(0, () => order.push('timer'));
    loop.callSoon(() => order.push('soon'));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(order).toEqual(['soon', 'timer']);
  });

  it('a callback scheduled during an iteration runs in the next one', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_schedule_handle
    const { loop } = virtualLoop();
    let inner: Handle | null = null;
    let processed = false;
    loop.callLater(-1, () => {
      processed = true;
      inner = loop.callSoon(noop);
    });
    loop._runOnce();
    expect(processed).toBe(true);
    expect(inner).not.toBeNull();
    expect(loop._ready.toArray()).toEqual([inner]);
  });

  it('a zero-delay timer scheduled during an iteration waits for the next iteration', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_schedule_handle
    const { loop } = virtualLoop();
    const order: string[] = [];
    loop.callSoon(() => {
      order.push('first');
      loop.callLater(0, () => order.push('timer'));
      loop.callSoon(() => order.push('soon'));
    });
    loop._runOnce();
    expect(order).toEqual(['first']);
    loop._runOnce();
    expect(order).toEqual(['first', 'soon', 'timer']);
  });

  it('an error in a callback does not keep the next callbacks from running', async () => {
    // cf. test_events.py HandleTests.test_callback_with_exception
    const { loop, errors } = virtualLoop();
    const order: string[] = [];
    loop.callSoon(() => {
      throw new Error('boom');
    });
    loop.callSoon(() => order.push('after'));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(order).toEqual(['after']);
    expect(errors).toHaveLength(1);
  });

  it('callSoonThreadsafe() from outside the loop wakes an idle running loop', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_soon_threadsafe
    const { loop } = virtualLoop();
    const results: string[] = [];
    const running = loop.runForever();
    await macrotasks();
    loop.callSoonThreadsafe((arg: string) => {
      results.push(arg);
      loop.stop();
    }, 'hello');
    await running;
    expect(results).toEqual(['hello']);
  });

  it('callSoon() from plain async code wakes an idle running loop', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_soon_threadsafe_same_thread
    const { loop } = virtualLoop();
    const running = loop.runForever();
    await macrotasks();
    const value = await new Promise<number>((resolve) => loop.callSoon(resolve, 42));
    expect(value).toBe(42);
    loop.stop();
    await running;
  });

  it('isRunning() is true inside callbacks and false before and after runForever()', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete_nesting (is_running inside)
    const { loop } = virtualLoop();
    const seen: boolean[] = [];
    expect(loop.isRunning()).toBe(false);
    loop.callSoon(() => {
      seen.push(loop.isRunning());
      loop.stop();
    });
    await loop.runForever();
    expect(seen).toEqual([true]);
    expect(loop.isRunning()).toBe(false);
  });
});

describe('EventLoop: stop()', () => {
  it('stop() lets the rest of the current iteration run, then ends runForever()', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_once
    const { loop } = virtualLoop();
    const order: string[] = [];
    loop.callSoon(() => {
      order.push('a');
      loop.stop();
      loop.callSoon(() => order.push('next run'));
    });
    loop.callSoon(() => order.push('b (same iteration)'));
    await loop.runForever();
    expect(order).toEqual(['a', 'b (same iteration)']);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(order).toEqual(['a', 'b (same iteration)', 'next run']);
  });

  it('stop() before runForever() makes it run exactly one iteration', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_forever_pre_stopped
    const { loop } = virtualLoop();
    const order: string[] = [];
    loop.stop();
    loop.callSoon(() => {
      order.push('first');
      loop.callSoon(() => order.push('second'));
    });
    await loop.runForever();
    expect(order).toEqual(['first']);
    expect(loop.isRunning()).toBe(false);
    expect(loop._ready.length).toBe(1);
  });

  it('stop() before runForever() on an empty loop still returns at once, without waiting for timers', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_forever_pre_stopped
    const { loop } = virtualLoop();
    let fired = false;
    loop.callLater(60, () => {
      fired = true;
    });
    loop.stop();
    await loop.runForever();
    expect(fired).toBe(false);
    expect(loop.time()).toBe(0);
  });

  it('a callback that keeps rescheduling itself runs once per iteration and cannot starve stop()', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_single_selecter_event_callback_after_stopping
    const { loop } = virtualLoop();
    let count = 0;
    const spin = (): void => {
      count++;
      loop.callSoon(spin);
    };
    loop.callSoon(spin);
    for (let i = 1; i <= 2; i++) {
      loop.callSoon(() => loop.stop());
      await loop.runForever();
      expect(count).toBe(i);
    }
  });

  it('stop() from a timer lets the other timers due in that iteration run, and no later ones', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_once
    const { loop } = virtualLoop();
    const order: string[] = [];
    loop.callLater(1, () => {
      order.push('stopper');
      loop.stop();
    });
    loop.callLater(1, () => order.push('same time'));
    loop.callLater(2, () => order.push('later'));
    await loop.runForever();
    expect(order).toEqual(['stopper', 'same time']);
    expect(loop.time()).toBe(1);
  });
});

describe('EventLoop: cancelled handles and timers', () => {
  it('a cancelled handle does not run', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__add_callback_cancelled_handle
    const { loop } = virtualLoop();
    const order: string[] = [];
    const handle = loop.callSoon(() => order.push('cancelled'));
    loop.callSoon(() => order.push('kept'));
    handle.cancel();
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(handle.cancelled()).toBe(true);
    expect(order).toEqual(['kept']);
  });

  it('a handle cancelled by an earlier callback of the same iteration does not run', async () => {
    // cf. test_events.py HandleTests.test_handle (cancel before run)
    const { loop } = virtualLoop();
    const order: string[] = [];
    let victim: Handle | null = null;
    loop.callSoon(() => victim?.cancel());
    victim = loop.callSoon(() => order.push('victim'));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(order).toEqual([]);
  });

  it('a timer cancelled after it became due, by a callback of the same iteration, does not run', async () => {
    // cf. test_events.py TimerTests.test_timer (a cancelled TimerHandle never runs)
    const { loop } = virtualLoop();
    const order: string[] = [];
    let victim: TimerHandle | null = null;
    loop.callLater(1, () => victim?.cancel());
    victim = loop.callLater(1, () => order.push('victim'));
    loop.callLater(1, () => loop.stop());
    await loop.runForever();
    expect(order).toEqual([]);
    expect(loop._timerCancelledCount).toBe(0);
  });

  it('a cancelled timer does not run and is counted until it leaves the heap', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once
    const { loop } = virtualLoop();
    const order: string[] = [];
    const timer = loop.callLater(5, () => order.push('cancelled'));
    loop.callLater(10, () => {
      order.push('kept');
      loop.stop();
    });
    timer.cancel();
    timer.cancel();
    expect(loop._timerCancelledCount).toBe(1);
    await loop.runForever();
    expect(order).toEqual(['kept']);
    expect(loop._timerCancelledCount).toBe(0);
    expect(loop._scheduled.size).toBe(0);
  });

  it('cancelling a timer that already ran does not count it as a cancelled timer', async () => {
    // cf. test_events.py TimerTests.test_timer (cancel after run is a no-op for the loop)
    const { loop } = virtualLoop();
    const timer = loop.callLater(1, () => loop.stop());
    await loop.runForever();
    timer.cancel();
    expect(timer.cancelled()).toBe(true);
    expect(loop._timerCancelledCount).toBe(0);
  });
});

describe('EventLoop: purging cancelled timers', () => {
  it('the purge thresholds are asyncio’s', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    expect(MIN_SCHEDULED_TIMER_HANDLES).toBe(100);
    expect(MIN_CANCELLED_TIMER_HANDLES_FRACTION).toBe(0.5);
  });

  it('below the thresholds, only cancelled timers at the head of the heap are popped', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    loop.callLater(3000, noop); // a live timer that keeps the later cancelled ones from the head
    for (let i = 0; i < 2; i++) loop.callLater(3600, noop).cancel();
    for (let i = 0; i < 2; i++) loop.callLater(100, noop).cancel();
    expect(loop._timerCancelledCount).toBe(4);
    loop._runOnce();
    expect(loop._timerCancelledCount).toBe(2);
    expect(loop._scheduled.size).toBe(3);
  });

  it('with more than 100 timers of which more than half are cancelled, the heap is rebuilt', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    const live: TimerHandle[] = [loop.callLater(3000, noop)];
    for (let i = 0; i < 49; i++) live.push(loop.callLater(3600 + i, noop));
    for (let i = 0; i < 51; i++) loop.callLater(3600, noop).cancel();
    expect(loop._scheduled.size).toBe(101);
    expect(loop._timerCancelledCount).toBe(51);
    loop._runOnce();
    expect(loop._scheduled.size).toBe(50);
    expect(loop._timerCancelledCount).toBe(0);
    expect(loop._scheduled.toArray().every((t) => !t.cancelled())).toBe(true);
    expect(new Set(loop._scheduled.toArray())).toEqual(new Set(live));
  });

  it('exactly half of the timers cancelled is not enough to rebuild the heap', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    loop.callLater(1, noop); // a live head: nothing to pop either
    for (let i = 0; i < 50; i++) loop.callLater(3600, noop);
    for (let i = 0; i < 51; i++) loop.callLater(3600, noop).cancel();
    expect(loop._scheduled.size).toBe(102);
    expect(loop._timerCancelledCount).toBe(51);
    loop._runOnce();
    expect(loop._scheduled.size).toBe(102);
    expect(loop._timerCancelledCount).toBe(51);
  });

  it('100 timers, even nearly all cancelled, are not enough to rebuild the heap', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    loop.callLater(1, noop);
    for (let i = 0; i < 99; i++) loop.callLater(3600, noop).cancel();
    loop._runOnce();
    expect(loop._scheduled.size).toBe(100);
    expect(loop._timerCancelledCount).toBe(99);
  });

  it('a rebuilt heap still runs the live timers in deadline order', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    const order: number[] = [];
    const timers: TimerHandle[] = [];
    for (let i = 0; i < 300; i++) timers.push(loop.callLater((i * 37) % 300, (n: number) => order.push(n), i));
    for (const timer of timers) if (timer.when() % 3 !== 0) timer.cancel();
    loop.callLater(1000, () => loop.stop());
    await loop.runForever();
    const expected = timers.filter((t) => t.when() % 3 === 0).map((t) => t.when());
    expect(order.map((i) => timers[i]!.when())).toEqual(expected.sort((a, b) => a - b));
    expect(loop._timerCancelledCount).toBe(0);
  });
});

describe('EventLoop: running, nesting and closing', () => {
  it('runForever() inside the loop’s own callback raises "This event loop is already running"', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete_nesting
    const { loop } = virtualLoop();
    const caught: unknown[] = [];
    loop.callSoon(() => {
      try {
        void loop.runForever();
      } catch (e) {
        caught.push(e);
      }
      try {
        void loop.runUntilComplete(new MiniFuture<void>(loop));
      } catch (e) {
        caught.push(e);
      }
      loop.stop();
    });
    await loop.runForever();
    expect(caught).toHaveLength(2);
    for (const error of caught) {
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('This event loop is already running');
    }
  });

  it('runForever() while the loop runs, from outside its callbacks, raises too', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete_nesting
    const { loop } = virtualLoop();
    const running = loop.runForever();
    expect(() => loop.runForever()).toThrow('This event loop is already running');
    loop.stop();
    await running;
  });

  it('running a loop from another loop’s callback raises "Cannot run the event loop while another loop is running"', async () => {
    // cf. test_base_events.py RunningLoopTests.test_running_loop_within_a_loop
    const outer = virtualLoop().loop;
    const inner = virtualLoop().loop;
    const caught: unknown[] = [];
    outer.callSoon(() => {
      try {
        void inner.runForever();
      } catch (e) {
        caught.push(e);
      }
      try {
        void inner.runUntilComplete(new MiniFuture<void>(inner));
      } catch (e) {
        caught.push(e);
      }
      outer.stop();
    });
    await outer.runForever();
    expect(caught).toHaveLength(2);
    for (const error of caught) {
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('Cannot run the event loop while another loop is running');
    }
    expect(inner.isRunning()).toBe(false);
  });

  it('two loops can run side by side, each running only its own callbacks', async () => {
    // cf. test_base_events.py RunningLoopTests.test_running_loop_within_a_loop (no nesting: interleaving)
    const a = virtualLoop().loop;
    const b = virtualLoop().loop;
    const seen: [string, boolean][] = [];
    a.callLater(1, () => {
      seen.push(['a', a.isRunning()]);
      a.stop();
    });
    b.callLater(2, () => {
      seen.push(['b', b.isRunning()]);
      b.stop();
    });
    await Promise.all([a.runForever(), b.runForever()]);
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(
      expect.arrayContaining([
        ['a', true],
        ['b', true],
      ]),
    );
  });

  it('close() marks the loop closed, is idempotent, and forbids running it', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_close
    const { loop } = virtualLoop();
    expect(loop.isClosed()).toBe(false);
    loop.close();
    expect(loop.isClosed()).toBe(true);
    loop.close();
    loop.close();
    expect(() => loop.runForever()).toThrow(RuntimeError);
    expect(() => loop.runForever()).toThrow('Event loop is closed');
    expect(() => loop.runUntilComplete(new MiniFuture<void>(loop))).toThrow('Event loop is closed');
  });

  it('scheduling on a closed loop raises RuntimeError', () => {
    // cf. test_events.py EventLoopTestsMixin.test_close
    const { loop } = virtualLoop();
    loop.close();
    expect(() => loop.callSoon(noop)).toThrow('Event loop is closed');
    expect(() => loop.callSoonThreadsafe(noop)).toThrow(RuntimeError);
    expect(() => loop.callLater(1, noop)).toThrow('Event loop is closed');
    expect(() => loop.callAt(1, noop)).toThrow('Event loop is closed');
  });

  it('close() drops every scheduled callback and timer', () => {
    // cf. test_events.py EventLoopTestsMixin.test_close
    const { loop } = virtualLoop();
    loop.callSoon(noop);
    const timer = loop.callLater(10, noop);
    loop.callLater(20, noop).cancel();
    loop.close();
    expect(loop._ready.length).toBe(0);
    expect(loop._scheduled.size).toBe(0);
    expect(loop._timerCancelledCount).toBe(0);
    timer.cancel(); // no longer in a heap: not counted
    expect(loop._timerCancelledCount).toBe(0);
  });

  it('close() while the loop runs raises RuntimeError, from its callbacks and from outside', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_close (close a running loop)
    const { loop } = virtualLoop();
    const caught: unknown[] = [];
    loop.callSoon(() => {
      try {
        loop.close();
      } catch (e) {
        caught.push(e);
      }
    });
    const running = loop.runForever();
    expect(() => loop.close()).toThrow('Cannot close a running event loop');
    await macrotasks();
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(RuntimeError);
    expect((caught[0] as Error).message).toBe('Cannot close a running event loop');
    loop.stop();
    await running;
    expect(loop.isClosed()).toBe(false);
    loop.close();
    expect(loop.isClosed()).toBe(true);
  });

  it('a loop can be run again after runForever() returned', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_once (the run-once idiom, twice)
    const { loop } = virtualLoop();
    let count = 0;
    for (let i = 0; i < 3; i++) {
      loop.callSoon(() => count++);
      loop.callSoon(() => loop.stop());
      await loop.runForever();
    }
    expect(count).toBe(3);
  });

  it('toString() describes the loop’s state', async () => {
    // cf. base_events.py BaseEventLoop.__repr__ (no CPython test of its own; reprs show the state)
    const log = captureLogger();
    const { loop } = virtualLoop();
    expect(String(loop)).toBe('<EventLoop running=false closed=false debug=false>');
    let inside = '';
    loop.callSoon(() => {
      inside = String(loop);
      loop.stop();
    });
    await loop.runForever();
    expect(inside).toBe('<EventLoop running=true closed=false debug=false>');
    loop.setDebug(true);
    loop.close();
    expect(String(loop)).toBe('<EventLoop running=false closed=true debug=true>');
    // closing in debug mode says so
    expect(log.map((e) => [e.level, e.message])).toEqual([['debug', 'Close <EventLoop running=false closed=false debug=true>']]);
  });
});

describe('EventLoop: runUntilComplete()', () => {
  it('returns the future’s result once it is done', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete
    const { loop } = virtualLoop();
    const future = new MiniFuture<string>(loop);
    loop.callLater(0.1, () => future.setResult('done'));
    await expect(loop.runUntilComplete(future)).resolves.toBe('done');
    expect(loop.time()).toBe(0.1);
    expect(loop.isRunning()).toBe(false);
  });

  it('throws the future’s exception', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_until_complete_baseexception
    const { loop } = virtualLoop();
    const future = new MiniFuture<string>(loop);
    const error = new Error('failed');
    loop.callSoon(() => future.setException(error));
    await expect(loop.runUntilComplete(future)).rejects.toBe(error);
    // the loop stopped cleanly and can run again
    let ran = false;
    loop.callSoon(() => {
      ran = true;
      loop.stop();
    });
    await loop.runForever();
    expect(ran).toBe(true);
  });

  it('accepts a future that is already done', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete
    const { loop } = virtualLoop();
    const future = new MiniFuture<number>(loop);
    future.setResult(7);
    await expect(loop.runUntilComplete(future)).resolves.toBe(7);
  });

  it('raises "Event loop stopped before Future completed." when stop() ends the run first', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete_stopped
    const { loop } = virtualLoop();
    const future = new MiniFuture<void>(loop);
    loop.callSoon(() => loop.stop());
    const outcome = loop.runUntilComplete(future);
    await expect(outcome).rejects.toBeInstanceOf(RuntimeError);
    await expect(outcome).rejects.toThrow('Event loop stopped before Future completed.');
    expect(future.done()).toBe(false);
  });

  it('removes its done callback, so a future finished later does not stop a later run', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_until_complete_baseexception
    const { loop } = virtualLoop();
    const future = new MiniFuture<void>(loop);
    loop.callSoon(() => loop.stop());
    await expect(loop.runUntilComplete(future)).rejects.toThrow('Event loop stopped before Future completed.');
    expect(future.callbacks).toEqual([]);
    const order: string[] = [];
    loop.callSoon(() => future.setResult());
    loop.callLater(1, () => {
      order.push('still running');
      loop.stop();
    });
    await loop.runForever();
    expect(order).toEqual(['still running']);
  });

  it('works with a future-like object that has no removeDoneCallback()', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete (any future-like object)
    const { loop } = virtualLoop();
    let callback: ((f: FutureLike<number>) => void) | null = null;
    let done = false;
    const future: FutureLike<number> = {
      done: () => done,
      result: () => 3,
      cancel: () => false,
      addDoneCallback: (cb) => {
        callback = cb;
      },
    };
    loop.callLater(1, () => {
      done = true;
      callback?.(future);
    });
    await expect(loop.runUntilComplete(future)).resolves.toBe(3);
  });

  it('rejects something that is not future-like with a TypeError', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_until_complete_type_error
    const { loop } = virtualLoop();
    expect(() => loop.runUntilComplete('blah' as never)).toThrow(TypeError);
    expect(() => loop.runUntilComplete(null as never)).toThrow(TypeError);
    expect(() => loop.runUntilComplete({ done: () => true } as never)).toThrow(
      /runUntilComplete\(\) expects a Future or Task/,
    );
    expect(loop.isRunning()).toBe(false);
  });
});

describe('EventLoop: exception handler', () => {
  it('a failing callback reports message, exception and handle to the handler', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom
    const { loop } = virtualLoop();
    const calls: [EventLoop, ExceptionContext][] = [];
    loop.setExceptionHandler((l, context) => calls.push([l, context]));
    const error = new Error('zero');
    function zeroError(_n: number, _s: string): void {
      throw error;
    }
    const handle = loop.callSoon(zeroError, 1, 'x');
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(calls).toHaveLength(1);
    const [l, context] = calls[0]!;
    expect(l).toBe(loop);
    expect(context).toEqual({
      message: 'Exception in callback zeroError(1, "x")',
      exception: error,
      handle,
    });
  });

  it('a failing timer callback reports its TimerHandle', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_callback
    const { loop, errors } = virtualLoop();
    const timer = loop.callLater(0.01, function tick() {
      loop.stop();
      throw new TypeError('bad');
    });
    await loop.runForever();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.handle).toBe(timer);
    expect(errors[0]!.message).toBe('Exception in callback tick()');
    expect(errors[0]!.exception).toBeInstanceOf(TypeError);
  });

  it('without a custom handler, the default handler logs the context through getLogger()', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_callback
    const log = captureLogger();
    const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    const error = new RangeError('zero');
    function zeroError(): void {
      throw error;
    }
    loop.callSoon(zeroError);
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    loop.close();
    expect(log).toHaveLength(1);
    expect(log[0]!.level).toBe('error');
    expect(log[0]!.message).toMatch(/^Exception in callback zeroError\(\)\nhandle: <Handle zeroError\(\)>$/);
    expect(log[0]!.details).toEqual([error]);
  });

  it('setExceptionHandler(null) restores the default handler', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom
    const log = captureLogger();
    const { loop } = virtualLoop();
    const custom = (): void => {};
    loop.setExceptionHandler(custom);
    expect(loop.getExceptionHandler()).toBe(custom);
    loop.setExceptionHandler(null);
    expect(loop.getExceptionHandler()).toBeNull();
    loop.callSoon(() => {
      throw new Error('x');
    });
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(log.map((e) => e.message.split('\n')[0])).toEqual(['Exception in callback <anonymous>()']);
  });

  it('setExceptionHandler() rejects what is neither a function nor null', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_invalid
    const { loop } = virtualLoop();
    expect(() => loop.setExceptionHandler('spam' as never)).toThrow(TypeError);
    expect(() => loop.setExceptionHandler('spam' as never)).toThrow(/A callable object or null is expected/);
  });

  it('a custom handler that throws falls back to the default handler with "Unhandled error in exception handler"', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_broken
    const log = captureLogger();
    const { loop } = virtualLoop();
    const broken = new Error('spam');
    loop.setExceptionHandler(() => {
      throw broken;
    });
    const original = new Error('zero');
    loop.callSoon(function zeroError() {
      throw original;
    });
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(log).toHaveLength(1);
    expect(log[0]!.message).toMatch(/^Unhandled error in exception handler\ncontext: /);
    expect(log[0]!.details).toEqual([broken]);
  });

  it('when the default handler itself throws, the error is logged, never raised', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_broken
    const log = captureLogger();
    const received: ExceptionContext[] = [];
    class Loop extends EventLoop {
      override defaultExceptionHandler(context: ExceptionContext): void {
        received.push(context);
        throw new RangeError('spam');
      }
    }
    const loop = new Loop({ clock: new VirtualClock({ autojump: true }) });
    const zero = new Error('zero');
    const runOnce = async (): Promise<void> => {
      loop.callSoon(() => {
        throw zero;
      });
      loop.callSoon(() => loop.stop());
      await loop.runForever();
    };
    await runOnce();
    expect(log.map((e) => e.message)).toEqual(['Exception in default exception handler']);
    expect(log[0]!.details[0]).toBeInstanceOf(RangeError);

    log.length = 0;
    received.length = 0;
    loop.setExceptionHandler(() => {
      throw new TypeError('ham');
    });
    await runOnce();
    expect(log.map((e) => e.message)).toEqual([
      'Exception in default exception handler while handling an unexpected error in custom exception handler',
    ]);
    // the default handler was given the original context under "context"
    expect(received).toHaveLength(1);
    expect(received[0]!.message).toBe('Unhandled error in exception handler');
    expect((received[0]!.context as ExceptionContext).exception).toBe(zero);
    loop.close();
  });

  it('a custom handler runs in the Context of the failing handle', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom (3.13: handler runs in the handle's context)
    const { loop } = virtualLoop();
    const request = new ContextVar<string>('request', { default: 'none' });
    const seen: string[] = [];
    loop.setExceptionHandler(() => seen.push(request.get()));
    loop.callSoon(() => {
      request.set('r-1');
      throw new Error('x');
    });
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(seen).toEqual(['r-1']);
    expect(request.get()).toBe('none');
  });

  it('callExceptionHandler() passes the context object to the handler as is', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom
    const { loop, errors } = virtualLoop();
    const context: ExceptionContext = { message: 'custom', exception: 1, extra: 'x' };
    loop.callExceptionHandler(context);
    expect(errors).toEqual([context]);
    expect(errors[0]).toBe(context);
  });
});

describe('EventLoop: argument validation', () => {
  it('callSoon() and friends reject a callback that is not a function', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_soon_non_callable
    const { loop } = virtualLoop();
    const bad = 1 as never;
    expect(() => loop.callSoon(bad)).toThrow(TypeError);
    expect(() => loop.callSoon(bad)).toThrow('a callable object was expected by callSoon(), got number');
    expect(() => loop.callSoonThreadsafe(bad)).toThrow(/callSoonThreadsafe\(\)/);
    expect(() => loop.callLater(1, bad)).toThrow(/callLater\(\)/);
    expect(() => loop.callAt(1, bad)).toThrow(/callAt\(\)/);
    expect(loop._ready.length).toBe(0);
    expect(loop._scheduled.size).toBe(0);
  });

  it('callSoon() and friends reject generator functions and generator objects', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_coroutine
    const { loop } = virtualLoop();
    function* coroFunc(): Generator<unknown, void, unknown> {
      yield;
    }
    const coro = coroFunc();
    const fn = coroFunc as never;
    expect(() => loop.callSoon(fn)).toThrow(TypeError);
    expect(() => loop.callSoon(fn)).toThrow('coroutines cannot be used with callSoon()');
    expect(() => loop.callSoonThreadsafe(fn)).toThrow('coroutines cannot be used with callSoonThreadsafe()');
    expect(() => loop.callLater(60, fn)).toThrow('coroutines cannot be used with callLater()');
    expect(() => loop.callAt(loop.time() + 60, fn)).toThrow('coroutines cannot be used with callAt()');
    for (const call of [
      () => loop.callSoon(coro as never),
      () => loop.callLater(60, coro as never),
      () => loop.callAt(60, coro as never),
    ]) {
      expect(call).toThrow(TypeError);
    }
    expect(loop._ready.length).toBe(0);
    expect(loop._scheduled.size).toBe(0);
  });

  it('callLater() and callAt() reject a delay that is not a number (TypeError) or is NaN (RangeError)', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_later ("delay must not be None")
    const { loop } = virtualLoop();
    expect(() => loop.callLater(null as never, noop)).toThrow(TypeError);
    expect(() => loop.callLater('1' as never, noop)).toThrow('callLater() delay must be a number of seconds, got string');
    expect(() => loop.callLater(Number.NaN, noop)).toThrow(RangeError);
    expect(() => loop.callLater(Number.NaN, noop)).toThrow('callLater() delay must not be NaN');
    expect(() => loop.callAt(undefined as never, noop)).toThrow('callAt() when must be a number of seconds, got undefined');
    expect(() => loop.callAt(Number.NaN, noop)).toThrow(RangeError);
    expect(loop._scheduled.size).toBe(0);
  });

  it('the constructor rejects a clock without now() and a host without soon()/later()', () => {
    // cf. test_base_events.py BaseEventLoopTests (constructor arguments are checked)
    expect(() => new EventLoop({ clock: {} as never })).toThrow(TypeError);
    expect(() => new EventLoop({ clock: {} as never })).toThrow('EventLoop clock must be an object with a now() method');
    expect(() => new EventLoop({ host: { soon: noop } as never })).toThrow(TypeError);
  });
});

describe('EventLoop: debug mode', () => {
  it('setDebug() and getDebug() toggle debug mode; the constructor option sets it', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_debug
    const { loop } = virtualLoop();
    expect(loop.getDebug()).toBe(false);
    loop.setDebug(true);
    expect(loop.getDebug()).toBe(true);
    loop.setDebug(false);
    expect(loop.getDebug()).toBe(false);
    expect(virtualLoop({ debug: true }).loop.getDebug()).toBe(true);
  });

  it('slowCallbackDuration defaults to 0.1 seconds', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_log_slow_callbacks
    const { loop } = virtualLoop();
    expect(SLOW_CALLBACK_DURATION).toBe(0.1);
    expect(loop.slowCallbackDuration).toBe(0.1);
  });

  it('in debug mode a callback slower than slowCallbackDuration is logged as "Executing … took … seconds"', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_log_slow_callbacks
    const log = captureLogger();
    const { loop } = virtualLoop({ debug: true });
    loop.slowCallbackDuration = 0;
    function stopLoop(l: EventLoop): void {
      l.stop();
    }
    loop.callSoon(stopLoop, loop);
    await loop.runForever();
    const warnings = log.filter((e) => e.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/^Executing <Handle stopLoop\(<EventLoop [^>]*>\)> took \d+\.\d{3} seconds$/);
  });

  it('callbacks faster than slowCallbackDuration, or outside debug mode, are not logged', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_log_slow_callbacks
    const log = captureLogger();
    const { loop } = virtualLoop({ debug: true });
    loop.slowCallbackDuration = 1e9;
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    loop.setDebug(false);
    loop.slowCallbackDuration = 0;
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    expect(log.filter((e) => e.level === 'warn')).toEqual([]);
  });

  it('in debug mode a handle records where it was created and the error context carries it', async () => {
    // cf. test_events.py HandleTests.test_handle_source_traceback
    const { loop, errors } = virtualLoop({ debug: true });
    const handle = loop.callSoon(() => {
      throw new Error('x');
    });
    const timer = loop.callLater(1, () => loop.stop());
    expect(typeof handle._sourceTraceback).toBe('string');
    expect(handle._sourceTraceback).toContain('event-loop.test');
    expect(timer._sourceTraceback).toContain('event-loop.test');
    await loop.runForever();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.sourceTraceback).toBe(handle._sourceTraceback);
  });

  it('outside debug mode a handle records no creation stack', () => {
    // cf. test_events.py HandleTests.test_handle_source_traceback
    const { loop } = virtualLoop();
    expect(loop.callSoon(noop)._sourceTraceback).toBeNull();
  });
});

describe('EventLoop: task factory', () => {
  it('getTaskFactory() is null until setTaskFactory() sets one; null restores the default', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_task_factory
    const { loop } = virtualLoop();
    expect(loop.getTaskFactory()).toBeNull();
    const factory: TaskFactory = (l) => new MiniFuture<unknown>(l);
    loop.setTaskFactory(factory);
    expect(loop.getTaskFactory()).toBe(factory);
    loop.setTaskFactory(null);
    expect(loop.getTaskFactory()).toBeNull();
  });

  it('setTaskFactory() rejects what is neither a function nor null and keeps the old factory', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_task_factory_invalid
    const { loop } = virtualLoop();
    expect(() => loop.setTaskFactory(1 as never)).toThrow(TypeError);
    expect(() => loop.setTaskFactory(1 as never)).toThrow('task factory must be a callable or null, got number');
    expect(loop.getTaskFactory()).toBeNull();
  });
});

describe('runUntilComplete() with a thenable result', () => {
  it('rejects with a TypeError instead of adopting a thenable result (a promise cannot carry one)', async () => {
    const { loop } = virtualLoop();
    const inner = { then: () => undefined };
    const future = new MiniFuture<unknown>(loop);
    loop.callSoon(() => {
      future.setResult(inner);
    });
    await expect(loop.runUntilComplete(future)).rejects.toThrow(TypeError);
    loop.close();
  });
});

describe('_scheduleRunnableFromHost() (host I/O events)', () => {
  function recorder(ran: string[], name: string): { _cancelled: boolean; _run(): void } {
    return {
      _cancelled: false,
      _run() {
        ran.push(name);
      },
    };
  }

  it('runs an idle running loop at once, inside the host callback, then queues until the next host turn', async () => {
    const { loop } = virtualLoop();
    const ran: string[] = [];
    const forever = loop.runForever();
    await macrotasks(2);
    loop._scheduleRunnableFromHost(recorder(ran, 'first'));
    expect(ran).toEqual(['first']);
    loop._scheduleRunnableFromHost(recorder(ran, 'second'));
    expect(ran).toEqual(['first']); // at most one inline batch between host turns
    await macrotasks(2);
    expect(ran).toEqual(['first', 'second']);
    loop._scheduleRunnableFromHost(recorder(ran, 'third')); // a host turn has passed: inline again
    expect(ran).toEqual(['first', 'second', 'third']);
    loop.stop();
    await forever;
    loop.close();
  });

  it('only queues when called from the loop’s own callbacks', async () => {
    const { loop } = virtualLoop();
    const ran: string[] = [];
    loop.callSoon(() => {
      loop._scheduleRunnableFromHost(recorder(ran, 'queued'));
      ran.push('callback');
    });
    loop.callLater(1, () => {
      loop.stop();
    });
    await loop.runForever();
    expect(ran).toEqual(['callback', 'queued']);
    loop.close();
  });

  it('only queues on a loop that is not running', () => {
    const { loop } = virtualLoop();
    const ran: string[] = [];
    loop._scheduleRunnableFromHost(recorder(ran, 'queued'));
    expect(ran).toEqual([]);
    expect(loop._ready.length).toBe(1);
    loop.close();
  });
});
