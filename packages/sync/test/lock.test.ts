import { asyncWith, CancelledError, Future, type Coroutine } from '@tsyncio/futures';
import { getRunningLoop, RuntimeError } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { Lock } from '../src/index.js';
import { raises, runLoop, spawn, tick } from './helpers.js';

describe('Lock', () => {
  // cf. test_locks.py LockTests.test_repr
  it('toString() shows whether it is locked and how many tasks wait', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      expect(String(lock)).toBe('<Lock [unlocked]>');
      yield* lock.acquire();
      expect(String(lock)).toBe('<Lock [locked]>');
      const waiter = spawn(lock.acquire());
      yield* tick();
      expect(String(lock)).toBe('<Lock [locked, waiters:1]>');
      expect((lock as unknown as { [k: symbol]: () => string })[Symbol.for('nodejs.util.inspect.custom')]!()).toBe(
        '<Lock [locked, waiters:1]>',
      );
      lock.release();
      yield* waiter;
    });
  });

  // cf. test_locks.py LockTests.test_lock and test_lock_by_with_statement
  it('a new lock is unlocked and cannot be waited on with yield* itself', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const error = yield* raises(
        (function* () {
          yield* lock as unknown as Coroutine<void>;
        })(),
      );
      expect(error).toBeInstanceOf(TypeError);
      expect(lock.locked()).toBe(false);
    });
  });

  // cf. test_locks.py LockTests.test_acquire
  it('waiting tasks acquire the lock one release at a time, in FIFO order', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const result: number[] = [];
      expect(yield* lock.acquire()).toBe(true);
      function* c(n: number): Coroutine<boolean> {
        if (yield* lock.acquire()) result.push(n);
        return true;
      }
      const t1 = spawn(c(1));
      const t2 = spawn(c(2));
      yield* tick();
      expect(result).toEqual([]);
      lock.release();
      yield* tick();
      expect(result).toEqual([1]);
      yield* tick();
      expect(result).toEqual([1]);
      const t3 = spawn(c(3));
      lock.release();
      yield* tick();
      expect(result).toEqual([1, 2]);
      lock.release();
      yield* tick();
      expect(result).toEqual([1, 2, 3]);
      for (const t of [t1, t2, t3]) expect(t.result()).toBe(true);
    });
  });

  // cf. test_locks.py LockTests.test_acquire_cancel
  it('a waiter cancelled while it waits leaves the waiter list', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      const task = spawn(lock.acquire());
      getRunningLoop().callSoon(() => task.cancel());
      expect(yield* raises(task)).toBeInstanceOf(CancelledError);
      expect(lock._waiters.length).toBe(0);
    });
  });

  // cf. test_locks.py LockTests.test_cancel_race
  it('release() while the first waiter is being cancelled wakes the waiter after it', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      function* lockit(blocker: Future<void> | null): Coroutine<void> {
        yield* lock.acquire();
        try {
          if (blocker !== null) yield* blocker;
        } finally {
          lock.release();
        }
      }
      const fa = new Future<void>({ loop: getRunningLoop() });
      const ta = spawn(lockit(fa));
      yield* tick();
      expect(lock.locked()).toBe(true);
      const tb = spawn(lockit(null));
      yield* tick();
      expect(lock._waiters.length).toBe(1);
      const tc = spawn(lockit(null));
      yield* tick();
      expect(lock._waiters.length).toBe(2);
      // create the race: A releases while B is being cancelled
      fa.setResult();
      tb.cancel();
      expect(lock._waiters.first()!.cancelled()).toBe(true);
      yield* tick();
      expect(lock.locked()).toBe(false);
      expect(ta.done()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      yield* tc;
    });
  });

  // cf. test_locks.py LockTests.test_cancel_release_race
  it('cancelling a waiter and releasing in the same callback lets exactly one task take the lock', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      let lockCount = 0;
      let callCount = 0;
      function* lockit(): Coroutine<void> {
        callCount++;
        yield* lock.acquire();
        lockCount++;
      }
      yield* lock.acquire();
      const t1 = spawn(lockit());
      const t2 = spawn(lockit());
      const t3 = spawn(lockit());
      yield* tick(); // start the tasks
      getRunningLoop().callSoon(() => {
        t1.cancel();
        lock.release();
      });
      expect(yield* raises(t1)).toBeInstanceOf(CancelledError);
      expect(lockCount).toBe(1);
      expect(callCount).toBe(3);
      expect(t1.cancelled() && t2.done()).toBe(true);
      // clean up the task stuck in acquire()
      t3.cancel();
      yield* tick();
      expect(t3.cancelled()).toBe(true);
    });
  });

  // cf. test_locks.py LockTests.test_finished_waiter_cancelled
  it('a waiter woken and cancelled at once passes the lock to the next waiter', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      expect(lock.locked()).toBe(true);
      const tb = spawn(lock.acquire());
      yield* tick();
      expect(lock._waiters.length).toBe(1);
      // a second waiter; wake the first and cancel it
      const tc = spawn(lock.acquire());
      tb.cancel();
      lock.release();
      yield* tick();
      expect(lock.locked()).toBe(true);
      expect(tb.cancelled()).toBe(true);
      yield* tc;
    });
  });

  // cf. test_locks.py LockTests.test_release_not_acquired
  it('release() of an unlocked lock raises RuntimeError', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(RuntimeError);
    expect(() => lock.release()).toThrow('Lock is not acquired.');
  });

  // cf. test_locks.py LockTests.test_release_no_waiters
  it('release() with nobody waiting unlocks the lock', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      expect(lock.locked()).toBe(true);
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  // cf. test_locks.py LockTests.test_context_manager
  it('asyncWith(lock, body) holds the lock for the body and gives it nothing', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      expect(lock.locked()).toBe(false);
      yield* asyncWith(lock, function* (value) {
        expect(value).toBeUndefined();
        expect(lock.locked()).toBe(true);
      });
      expect(lock.locked()).toBe(false);
    });
  });

  it('asyncWith(lock, body) releases the lock when the body throws', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const error = yield* raises(
        asyncWith(lock, function* () {
          throw new Error('boom');
        }),
      );
      expect(error).toEqual(new Error('boom'));
      expect(lock.locked()).toBe(false);
    });
  });

  it('a free lock cannot be taken while a woken waiter has not run yet (no barging)', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const order: string[] = [];
      yield* lock.acquire();
      const waiter = spawn(
        (function* () {
          yield* lock.acquire();
          order.push('waiter');
          lock.release();
        })(),
      );
      yield* tick();
      lock.release(); // wakes the waiter, which has not run yet
      expect(lock.locked()).toBe(false);
      yield* lock.acquire(); // must queue behind it
      order.push('main');
      lock.release();
      yield* waiter;
      expect(order).toEqual(['waiter', 'main']);
    });
  });

  it('takes the fast path when every waiter is cancelled', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      const t = spawn(lock.acquire());
      yield* tick();
      t.cancel();
      lock.release();
      // the waiter is cancelled but still listed (its task has not run): acquire() does not wait
      expect(lock._waiters.length).toBe(1);
      const before = getRunningLoop().time();
      yield* lock.acquire();
      expect(getRunningLoop().time()).toBe(before);
      expect(t.done()).toBe(false);
      lock.release();
      expect(yield* raises(t)).toBeInstanceOf(CancelledError);
    });
  });

  it('waiting on a lock bound to another loop raises RuntimeError', async () => {
    const lock = new Lock();
    await runLoop(function* () {
      yield* lock.acquire();
      const t = spawn(lock.acquire());
      yield* tick();
      lock.release();
      yield* t;
      lock.release();
    });
    await runLoop(function* () {
      yield* lock.acquire(); // the fast path does not look at the loop
      const error = yield* raises(lock.acquire());
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('<Lock [locked]> is bound to a different event loop');
    });
  });
});
