import { afterEach, describe, expect, it } from 'vitest';
import {
  _getRunningLoop,
  _setRunningLoop,
  EventLoop,
  getEventLoop,
  getRunningLoop,
  GLOBAL_SLOT_KEY,
  newEventLoop,
  RuntimeError,
  setEventLoop,
  VirtualClock,
} from '../src/index.js';
import { MiniFuture, virtualLoop } from './helpers.js';

afterEach(() => {
  setEventLoop(null);
});

describe('getRunningLoop() and _getRunningLoop()', () => {
  it('outside the loop’s callbacks getRunningLoop() raises "no running event loop" and _getRunningLoop() is null', () => {
    // cf. test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop
    expect(() => getRunningLoop()).toThrow(RuntimeError);
    expect(() => getRunningLoop()).toThrow('no running event loop');
    expect(_getRunningLoop()).toBeNull();
  });

  it('inside a callback both return the loop running it', async () => {
    // cf. test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop
    const { loop } = virtualLoop();
    const seen: unknown[] = [];
    loop.callSoon(() => {
      seen.push(getRunningLoop(), _getRunningLoop(), getEventLoop());
      loop.stop();
    });
    await loop.runForever();
    expect(seen).toEqual([loop, loop, loop]);
    expect(_getRunningLoop()).toBeNull();
  });

  it('the running loop is only set while its callbacks run, not across awaits of plain async code', async () => {
    // cf. test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop
    const { loop } = virtualLoop();
    const running = loop.runForever();
    await new Promise<void>((resolve) => loop.callSoon(resolve));
    expect(_getRunningLoop()).toBeNull();
    loop.stop();
    await running;
  });

  it('_setRunningLoop() sets what getRunningLoop() returns, for third-party loops', () => {
    // cf. test_events.py TestCGetEventLoop (asyncio._set_running_loop)
    const { loop } = virtualLoop();
    _setRunningLoop(loop);
    try {
      expect(getRunningLoop()).toBe(loop);
      expect(getEventLoop()).toBe(loop);
    } finally {
      _setRunningLoop(null);
    }
    expect(_getRunningLoop()).toBeNull();
  });

  it('the running loop lives in the globalThis slot shared by every installed copy', async () => {
    // cf. DESIGN §6 (no CPython counterpart: one interpreter, one copy of asyncio)
    const { loop } = virtualLoop();
    const slot = (): { runningLoop: unknown } =>
      (globalThis as unknown as Record<symbol, { runningLoop: unknown }>)[GLOBAL_SLOT_KEY]!;
    let inside: unknown = null;
    loop.callSoon(() => {
      inside = slot().runningLoop;
      loop.stop();
    });
    await loop.runForever();
    expect(inside).toBe(loop);
    expect(slot().runningLoop).toBeNull();
  });
});

describe('setEventLoop() and newEventLoop()', () => {
  it('newEventLoop() makes a new, stopped, open loop each time', () => {
    // cf. test_events.py PolicyTests.test_new_event_loop
    const a = newEventLoop();
    const b = newEventLoop({ clock: new VirtualClock() });
    try {
      expect(a).toBeInstanceOf(EventLoop);
      expect(a).not.toBe(b);
      expect(a.isRunning()).toBe(false);
      expect(a.isClosed()).toBe(false);
      expect(b.getClock()).toBeInstanceOf(VirtualClock);
    } finally {
      a.close();
      b.close();
    }
  });

  it('setEventLoop(loop) makes getEventLoop() return it outside any loop; null undoes it', () => {
    // cf. test_events.py PolicyTests.test_set_event_loop
    const { loop } = virtualLoop();
    setEventLoop(loop);
    expect(getEventLoop()).toBe(loop);
    setEventLoop(null);
    expect(getEventLoop()).not.toBe(loop);
  });

  it('setEventLoop() rejects what is not an event loop', () => {
    // cf. test_events.py PolicyTests.test_set_event_loop
    expect(() => setEventLoop({} as never)).toThrow(TypeError);
    expect(() => setEventLoop('loop' as never)).toThrow('setEventLoop() expects an EventLoop or null, got string');
  });

  it('inside a callback getEventLoop() prefers the running loop to the one set', async () => {
    // cf. test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop
    const set = virtualLoop().loop;
    const { loop } = virtualLoop();
    setEventLoop(set);
    let inside: unknown = null;
    loop.callSoon(() => {
      inside = getEventLoop();
      loop.stop();
    });
    await loop.runForever();
    expect(inside).toBe(loop);
    expect(getEventLoop()).toBe(set);
  });
});

describe('the default self-running loop', () => {
  it('getEventLoop() outside any loop returns the same self-running loop each time', () => {
    // cf. test_events.py GetEventLoopTestsMixin.test_get_event_loop_returns_running_loop (tsyncio: self-running default)
    const loop = getEventLoop();
    expect(loop).toBeInstanceOf(EventLoop);
    expect(getEventLoop()).toBe(loop);
    expect(loop.isRunning()).toBe(true);
    expect(loop.isClosed()).toBe(false);
  });

  it('plain async code can await its callbacks and timers without running it', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_later (on the default loop, driven by the host)
    const loop = getEventLoop();
    const soon = await new Promise<string>((resolve) => getEventLoop().callSoon(resolve, 'soon'));
    const later = await new Promise<string>((resolve) => getEventLoop().callLater(0.001, resolve, 'later'));
    expect([soon, later]).toEqual(['soon', 'later']);
    let running: unknown = null;
    await new Promise<void>((resolve) =>
      loop.callSoon(() => {
        running = getRunningLoop();
        resolve();
      }),
    );
    expect(running).toBe(loop);
  });

  it('runs its callbacks in scheduling order, timers by deadline', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_soon
    const loop = getEventLoop();
    const order: string[] = [];
    await new Promise<void>((resolve) => {
      loop.callLater(0.002, () => {
        order.push('timer 2');
        resolve();
      });
      loop.callLater(0.001, () => order.push('timer 1'));
      loop.callSoon(() => order.push('soon 1'));
      loop.callSoon(() => order.push('soon 2'));
    });
    expect(order).toEqual(['soon 1', 'soon 2', 'timer 1', 'timer 2']);
  });

  it('cannot be run, is not stopped by stop(), and runUntilComplete() just waits for the future', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_run_until_complete_nesting (tsyncio: the default loop always runs)
    const loop = getEventLoop();
    expect(() => loop.runForever()).toThrow('This event loop is already running');
    loop.stop();
    const future = new MiniFuture<number>(loop);
    loop.callLater(0.001, () => future.setResult(5));
    await expect(loop.runUntilComplete(future)).resolves.toBe(5);
    const failed = new MiniFuture<number>(loop);
    const error = new Error('failed');
    failed.setException(error);
    await expect(loop.runUntilComplete(failed)).rejects.toBe(error);
    expect(loop.isRunning()).toBe(true);
  });

  it('reports callback errors to its exception handler', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom (on the default loop)
    const loop = getEventLoop();
    const errors: unknown[] = [];
    loop.setExceptionHandler((_l, context) => errors.push(context.exception));
    try {
      const error = new Error('boom');
      loop.callSoon(() => {
        throw error;
      });
      await new Promise<void>((resolve) => loop.callSoon(resolve));
      expect(errors).toEqual([error]);
    } finally {
      loop.setExceptionHandler(null);
    }
  });

  it('cannot be closed from its own callbacks; once closed, getEventLoop() makes a new one', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_close (tsyncio: the default loop is replaced)
    const loop = getEventLoop();
    const caught = await new Promise<unknown>((resolve) =>
      loop.callSoon(() => {
        try {
          loop.close();
          resolve(null);
        } catch (e) {
          resolve(e);
        }
      }),
    );
    expect(caught).toBeInstanceOf(RuntimeError);
    expect((caught as Error).message).toBe('Cannot close a running event loop');
    loop.close();
    expect(loop.isClosed()).toBe(true);
    expect(loop.isRunning()).toBe(false);
    const next = getEventLoop();
    expect(next).not.toBe(loop);
    expect(next.isClosed()).toBe(false);
    expect(await new Promise<number>((resolve) => next.callSoon(resolve, 1))).toBe(1);
  });
});
