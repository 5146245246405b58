import { describe, expect, it } from 'vitest';
import { Context, copyContext, ContextVar, Handle, INSPECT, RuntimeError, TimerHandle } from '../src/index.js';
import { virtualLoop } from './helpers.js';

function tick(..._args: unknown[]): void {}

describe('Handle', () => {
  it('runs its callback with its arguments in its context', () => {
    // cf. test_events.py HandleTests.test_handle
    const { loop, errors } = virtualLoop();
    const calls: unknown[][] = [];
    const record = (...args: unknown[]): void => {
      calls.push(args);
    };
    for (const args of [[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4, 5]]) {
      const handle = new Handle(record, args, loop);
      expect(handle.cancelled()).toBe(false);
      handle._run();
    }
    expect(calls).toEqual([[], [1], [1, 2], [1, 2, 3], [1, 2, 3, 4, 5]]);
    expect(errors).toEqual([]);
  });

  it('cancel() marks it cancelled and drops the callback and its arguments', () => {
    // cf. test_events.py HandleTests.test_handle
    const { loop } = virtualLoop();
    const argument = { big: 'object' };
    const handle = new Handle(tick, [argument, 2, 3], loop);
    handle.cancel();
    expect(handle.cancelled()).toBe(true);
    expect(handle._callback).toBeNull();
    expect(handle._args).toBeNull();
    handle.cancel();
    expect(handle.cancelled()).toBe(true);
  });

  it('an error thrown by the callback goes to the loop’s exception handler with the handle', () => {
    // cf. test_events.py HandleTests.test_callback_with_exception
    const { loop, errors } = virtualLoop();
    const error = new Error('testing');
    function callback(): void {
      throw error;
    }
    const handle = new Handle(callback, [], loop);
    expect(() => handle._run()).not.toThrow();
    expect(errors).toEqual([{ message: 'Exception in callback callback()', exception: error, handle }]);
  });

  it('toString() shows the callback and its arguments, asyncio-style', () => {
    // cf. test_events.py HandleTests.test_handle_repr
    const { loop } = virtualLoop();
    expect(String(new Handle(tick, [], loop))).toBe('<Handle tick()>');
    expect(String(new Handle(tick, [1, 'two', null], loop))).toBe('<Handle tick(1, "two", null)>');
    expect(String(new Handle(() => {}, [], loop))).toBe('<Handle <anonymous>()>');
    const cancelled = new Handle(tick, [1], loop);
    cancelled.cancel();
    expect(String(cancelled)).toBe('<Handle cancelled>');
  });

  it('in debug mode a cancelled handle keeps its description for inspection', () => {
    // cf. test_events.py HandleTests.test_handle_repr_debug
    const { loop } = virtualLoop({ debug: true });
    const handle = new Handle(tick, [7], loop);
    handle.cancel();
    expect(handle[INSPECT]()).toBe('<Handle cancelled tick(7)>');
    loop.setDebug(false);
    const quiet = new Handle(tick, [7], loop);
    quiet.cancel();
    expect(quiet[INSPECT]()).toBe('<Handle cancelled>');
  });

  it('runs in a copy of the context current when it was created, unless given one', () => {
    // cf. test_events.py HandleTests.test_handle (the context argument)
    const { loop } = virtualLoop();
    const given = new Context();
    expect(new Handle(tick, [], loop, given).getContext()).toBe(given);
    const variable = new ContextVar<number>('v');
    new Context().run(() => {
      variable.set(1);
      const copied = new Handle(tick, [], loop).getContext();
      expect(copied).toBeInstanceOf(Context);
      expect(copied.get(variable)).toBe(1);
      variable.set(2);
      expect(copied.get(variable)).toBe(1);
      expect(copyContext().get(variable)).toBe(2);
    });
  });

  it('running it while its context is already entered reports a RuntimeError instead', () => {
    // cf. test_context.py ContextTest.test_context_run_7 (a context cannot be entered twice)
    const { loop, errors } = virtualLoop();
    const context = new Context();
    let ran = false;
    const handle = new Handle(
      () => {
        ran = true;
      },
      [],
      loop,
      context,
    );
    context.run(() => {
      handle._run();
    });
    expect(ran).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.exception).toBeInstanceOf(RuntimeError);
    expect((errors[0]!.exception as Error).message).toMatch(/cannot enter context: .* is already entered/);
    expect(context._entered).toBe(false);
  });
});

describe('TimerHandle', () => {
  it('when() is the deadline it was created with; it is a Handle too', () => {
    // cf. test_events.py TimerTests.test_timer
    const { loop } = virtualLoop();
    const timer = new TimerHandle(10, tick, [1], loop);
    expect(timer.when()).toBe(10);
    expect(timer).toBeInstanceOf(Handle);
    expect(timer).toBeInstanceOf(TimerHandle);
    expect(new Handle(tick, [], loop)).not.toBeInstanceOf(TimerHandle);
  });

  it('toString() adds the deadline', () => {
    // cf. test_events.py TimerTests.test_timer_repr
    const { loop } = virtualLoop();
    const timer = new TimerHandle(123, tick, [], loop);
    expect(String(timer)).toBe('<TimerHandle tick() when=123>');
    timer.cancel();
    expect(String(timer)).toBe('<TimerHandle cancelled when=123>');
  });

  it('cancel() tells the loop only while the timer is in its heap, and only once', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const { loop } = virtualLoop();
    const detached = new TimerHandle(5, tick, [], loop);
    detached.cancel();
    expect(loop._timerCancelledCount).toBe(0);
    const scheduled = loop.callLater(5, tick);
    scheduled.cancel();
    scheduled.cancel();
    expect(loop._timerCancelledCount).toBe(1);
  });
});
