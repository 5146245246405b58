import { asyncWith, CancelledError, timeout, TimeoutError, waitFor, type Coroutine } from '@tsyncio/futures';
import { EventLoop, getRunningLoop, RuntimeError } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { Condition, Lock } from '../src/index.js';
import { gatherAll, raises, runLoop, spawn, tick } from './helpers.js';

describe('Condition', () => {
  // cf. test_locks.py ConditionTests.test_wait
  it('notify() wakes waiters, which return from wait() only once they re-acquire the lock', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      const result: number[] = [];
      function* c(n: number): Coroutine<boolean> {
        yield* cond.acquire();
        if (yield* cond.wait()) result.push(n);
        return true;
      }
      const t1 = spawn(c(1));
      const t2 = spawn(c(2));
      const t3 = spawn(c(3));
      yield* tick();
      expect(result).toEqual([]);
      expect(cond.locked()).toBe(false);

      expect(yield* cond.acquire()).toBe(true);
      cond.notify();
      yield* tick();
      expect(result).toEqual([]);
      expect(cond.locked()).toBe(true);

      cond.release();
      yield* tick();
      expect(result).toEqual([1]);
      expect(cond.locked()).toBe(true);

      cond.notify(2);
      yield* tick();
      expect(result).toEqual([1]);
      expect(cond.locked()).toBe(true);

      cond.release();
      yield* tick();
      expect(result).toEqual([1, 2]);
      expect(cond.locked()).toBe(true);

      cond.release();
      yield* tick();
      expect(result).toEqual([1, 2, 3]);
      expect(cond.locked()).toBe(true);
      for (const t of [t1, t2, t3]) expect(t.result()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_cancel
  it('a cancelled wait() leaves the waiter list and holds the lock again', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      yield* cond.acquire();
      const wait = spawn(cond.wait());
      getRunningLoop().callSoon(() => wait.cancel());
      expect(yield* raises(wait)).toBeInstanceOf(CancelledError);
      expect(cond._waiters.length).toBe(0);
      expect(cond.locked()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_cancel_contested
  it('a wait() notified and cancelled while the lock is contended re-acquires the lock', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      yield* cond.acquire();
      expect(cond.locked()).toBe(true);
      const waitTask = spawn(cond.wait());
      yield* tick();
      expect(cond.locked()).toBe(false);
      // notify, but contest the lock before cancelling
      yield* cond.acquire();
      expect(cond.locked()).toBe(true);
      cond.notify();
      getRunningLoop().callSoon(() => waitTask.cancel());
      getRunningLoop().callSoon(() => cond.release());
      try {
        yield* waitTask;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        // should not happen: there was no cancellation point, but it is allowed
      }
      expect(cond.locked()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_cancel_after_notify
  it('a task cancelled while it re-acquires the lock after a notify ends cancelled', async () => {
    await runLoop(function* () {
      let waited = false;
      const cond = new Condition();
      const waiter = spawn(
        asyncWith(cond, function* () {
          waited = true;
          yield* cond.wait();
        }),
      );
      yield* tick(); // start waiting
      yield* cond.acquire();
      cond.notify();
      yield* tick(); // the waiter gets to acquire()
      waiter.cancel();
      yield* tick(); // deliver the cancellation
      cond.release();
      yield* tick(); // the cancellation takes effect
      expect(waiter.cancelled()).toBe(true);
      expect(waited).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_unacquired
  it('wait() without the lock raises RuntimeError', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      const error = yield* raises(cond.wait());
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('cannot wait on un-acquired lock');
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_for
  it('waitFor() keeps waiting until the predicate is true', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      let presult = false;
      const result: number[] = [];
      const t = spawn(
        (function* (): Coroutine<boolean> {
          yield* cond.acquire();
          if (yield* cond.waitFor(() => presult)) {
            result.push(1);
            cond.release();
          }
          return true;
        })(),
      );
      yield* tick();
      expect(result).toEqual([]);
      yield* cond.acquire();
      cond.notify();
      cond.release();
      yield* tick();
      expect(result).toEqual([]);
      presult = true;
      yield* cond.acquire();
      cond.notify();
      cond.release();
      yield* tick();
      expect(result).toEqual([1]);
      expect(t.result()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_wait_for_unacquired
  it('waitFor() returns a truthy predicate value at once, and needs the lock only to wait', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      expect(yield* cond.waitFor(() => [1, 2, 3])).toEqual([1, 2, 3]);
      expect(yield* raises(cond.waitFor(() => false))).toBeInstanceOf(RuntimeError);
    });
  });

  // cf. test_locks.py ConditionTests.test_notify
  it('notify(n) wakes n waiters in FIFO order, and no more than are waiting', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      const result: number[] = [];
      function* c(n: number): Coroutine<boolean> {
        yield* cond.acquire();
        if (yield* cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      }
      const tasks = [spawn(c(1)), spawn(c(2)), spawn(c(3))];
      yield* tick();
      expect(result).toEqual([]);
      yield* cond.acquire();
      cond.notify(1);
      cond.release();
      yield* tick();
      expect(result).toEqual([1]);
      yield* cond.acquire();
      cond.notify(1);
      cond.notify(2048);
      cond.release();
      yield* tick();
      expect(result).toEqual([1, 2, 3]);
      for (const t of tasks) expect(t.result()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_notify_all
  it('notifyAll() wakes every waiter', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      const result: number[] = [];
      function* c(n: number): Coroutine<boolean> {
        yield* cond.acquire();
        if (yield* cond.wait()) {
          result.push(n);
          cond.release();
        }
        return true;
      }
      const tasks = [spawn(c(1)), spawn(c(2))];
      yield* tick();
      expect(result).toEqual([]);
      yield* cond.acquire();
      cond.notifyAll();
      cond.release();
      yield* tick();
      expect(result).toEqual([1, 2]);
      for (const t of tasks) expect(t.result()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_notify_unacquired
  it('notify() without the lock raises RuntimeError', () => {
    const cond = new Condition();
    expect(() => cond.notify()).toThrow(RuntimeError);
    expect(() => cond.notify()).toThrow('cannot notify on un-acquired lock');
  });

  // cf. test_locks.py ConditionTests.test_notify_all_unacquired
  it('notifyAll() without the lock raises RuntimeError', () => {
    const cond = new Condition();
    expect(() => cond.notifyAll()).toThrow(RuntimeError);
  });

  it('notify() validates n', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      yield* cond.acquire();
      expect(() => cond.notify('1' as unknown as number)).toThrow(TypeError);
      expect(() => cond.notify(NaN)).toThrow(RangeError);
      cond.notify(0);
      cond.notify(-1);
      cond.release();
    });
  });

  // cf. test_locks.py ConditionTests.test_repr
  it('toString() shows whether the lock is held and how many tasks wait', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      expect(String(cond)).toBe('<Condition [unlocked]>');
      yield* cond.acquire();
      expect(String(cond)).toBe('<Condition [locked]>');
      const w1 = spawn(asyncWith(cond, () => cond.wait()));
      const w2 = spawn(asyncWith(cond, () => cond.wait()));
      cond.release();
      yield* tick();
      expect(String(cond)).toBe('<Condition [unlocked, waiters:2]>');
      yield* asyncWith(cond, function* () {
        cond.notifyAll();
      });
      yield* gatherAll([w1, w2]);
    });
  });

  // cf. test_locks.py ConditionTests.test_context_manager
  it('asyncWith(cond, body) holds the lock for the body', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      expect(cond.locked()).toBe(false);
      yield* asyncWith(cond, function* (value) {
        expect(value).toBeUndefined();
        expect(cond.locked()).toBe(true);
      });
      expect(cond.locked()).toBe(false);
    });
  });

  // cf. test_locks.py ConditionTests.test_explicit_lock
  it('a condition built on a given lock shares its state with that lock', async () => {
    await runLoop(function* () {
      function* f(lock?: Lock, cond?: Condition): Coroutine<void> {
        const theLock = lock ?? new Lock();
        const theCond = cond ?? new Condition(theLock);
        expect(theCond._lock).toBe(theLock);
        expect(theLock.locked()).toBe(false);
        expect(theCond.locked()).toBe(false);
        yield* asyncWith(theCond, function* () {
          expect(theLock.locked()).toBe(true);
          expect(theCond.locked()).toBe(true);
        });
        expect(theLock.locked()).toBe(false);
        expect(theCond.locked()).toBe(false);
        yield* asyncWith(theLock, function* () {
          expect(theLock.locked()).toBe(true);
          expect(theCond.locked()).toBe(true);
        });
        expect(theLock.locked()).toBe(false);
        expect(theCond.locked()).toBe(false);
      }
      yield* f();
      yield* f(new Lock());
      const lock = new Lock();
      yield* f(lock, new Condition(lock));
    });
  });

  it('Condition() rejects a lock argument that is not a Lock', () => {
    expect(() => new Condition({} as unknown as Lock)).toThrow(TypeError);
    expect(() => new Condition({} as unknown as Lock)).toThrow(/Condition\(\) lock must be a Lock/);
  });

  // cf. test_locks.py ConditionTests.test_ambiguous_loops
  it('a condition or its lock bound to another loop raises RuntimeError when it has to wait', async () => {
    const other = new EventLoop();
    try {
      await runLoop(function* () {
        // the lock: acquired through the fast path, then cond.acquire() has to wait on it
        const lock = new Lock();
        lock._loop = other;
        yield* asyncWith(lock, function* () {
          const cond = new Condition(lock);
          const error = yield* raises(cond.acquire());
          expect(error).toBeInstanceOf(RuntimeError);
          expect((error as Error).message).toMatch(/is bound to a different event loop/);
        });
        // the condition itself
        const lock2 = new Lock();
        yield* asyncWith(lock2, function* () {
          const cond = new Condition(lock2);
          cond._loop = other;
          const error = yield* raises(cond.wait());
          expect(error).toBeInstanceOf(RuntimeError);
          expect((error as Error).message).toMatch(/is bound to a different event loop/);
        });
      });
    } finally {
      other.close();
    }
  });

  // cf. test_locks.py ConditionTests.test_timeout_in_block
  it('a timeout around wait() inside asyncWith(cond) leaves the lock held', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      yield* asyncWith(cond, function* () {
        expect(yield* raises(waitFor(cond.wait(), 0.5))).toBeInstanceOf(TimeoutError);
        expect(cond.locked()).toBe(true);
      });
      expect(cond.locked()).toBe(false);
    });
  });

  // cf. test_locks.py ConditionTests.test_cancelled_error_wakeup
  it('a CancelledError received while waiting for the wakeup is re-raised unchanged', async () => {
    await runLoop(function* () {
      const wake = false;
      let raised: unknown = null;
      const cond = new Condition();
      const task = spawn(
        asyncWith(cond, function* () {
          const error = yield* raises(cond.waitFor(() => wake));
          expect(error).toBeInstanceOf(CancelledError);
          raised = error;
          throw error;
        }),
      );
      yield* tick();
      // the task waits on the condition: cancel it there
      task.cancel('foo');
      const error = yield* raises(task);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toBe('foo');
      expect(error).toBe(raised);
    });
  });

  // cf. test_locks.py ConditionTests.test_cancelled_error_re_aquire
  it('a CancelledError received while re-acquiring the lock is re-raised unchanged', async () => {
    await runLoop(function* () {
      let wake = false;
      let raised: unknown = null;
      const cond = new Condition();
      const task = spawn(
        asyncWith(cond, function* () {
          const error = yield* raises(cond.waitFor(() => wake));
          expect(error).toBeInstanceOf(CancelledError);
          raised = error;
          throw error;
        }),
      );
      yield* tick();
      yield* cond.acquire();
      wake = true;
      cond.notify();
      yield* tick();
      // the task now tries to re-acquire the lock: cancel it there
      task.cancel('foo');
      cond.release();
      const error = yield* raises(task);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toBe('foo');
      expect(error).toBe(raised);
    });
  });

  // cf. test_locks.py ConditionTests.test_cancelled_wakeup
  it('a consumer cancelled as notify() wakes it passes the notification on', async () => {
    await runLoop(function* () {
      const condition = new Condition();
      let state = 0;
      function* consumer(): Coroutine<void> {
        yield* asyncWith(condition, function* () {
          for (;;) {
            yield* condition.waitFor(() => state !== 0);
            if (state < 0) return;
            state -= 1;
          }
        });
      }
      const c = [spawn(consumer()), spawn(consumer())];
      yield* tick();
      yield* asyncWith(condition, function* () {
        // produce one item and wake one consumer
        state += 1;
        condition.notify(1);
        // cancel it while it waits to run
        c[0]!.cancel();
        // the item must still be consumed: the notification was not lost to the cancel()
        try {
          yield* asyncWith(timeout(0.01), () => condition.waitFor(() => state === 0));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
        expect(state).toBe(0);
        state = -1;
        condition.notifyAll();
      });
      yield* c[1]!;
      expect(c[0]!.cancelled()).toBe(true);
    });
  });

  // cf. test_locks.py ConditionTests.test_cancelled_wakeup_relock
  it('a consumer cancelled while it re-acquires the lock after notify() passes the notification on', async () => {
    await runLoop(function* () {
      const condition = new Condition();
      let state = 0;
      function* consumer(): Coroutine<void> {
        yield* asyncWith(condition, function* () {
          for (;;) {
            yield* condition.waitFor(() => state !== 0);
            if (state < 0) return;
            state -= 1;
          }
        });
      }
      const c = [spawn(consumer()), spawn(consumer())];
      yield* tick();
      yield* asyncWith(condition, function* () {
        state += 1;
        condition.notify(1);
        // let the woken consumer settle on re-acquiring the lock, then cancel it there
        yield* tick();
        c[0]!.cancel();
        try {
          yield* asyncWith(timeout(0.01), () => condition.waitFor(() => state === 0));
        } catch (error) {
          if (!(error instanceof TimeoutError)) throw error;
        }
        expect(state).toBe(0);
        state = -1;
        condition.notifyAll();
      });
      yield* c[1]!;
    });
  });

  it('wait() re-acquires the lock even when cancelled again while re-acquiring it', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      const task = spawn(asyncWith(cond, () => cond.wait()));
      yield* tick();
      yield* cond.acquire();
      task.cancel('first');
      yield* tick(); // the task is now waiting for the lock
      task.cancel('second');
      yield* tick();
      task.cancel('third');
      yield* tick();
      expect(task.done()).toBe(false);
      cond.release();
      const error = yield* raises(task);
      expect((error as Error).message).toBe('third');
      expect(cond.locked()).toBe(false);
    });
  });
});
