import { asyncWith, CancelledError, gather, sleep, TaskGroup, waitFor, type Coroutine, type Task } from '@tsyncio/futures';
import { getRunningLoop } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Semaphore } from '../src/index.js';
import { gatherAll, raises, runLoop, spawn, tick } from './helpers.js';

describe('Semaphore', () => {
  // cf. test_locks.py SemaphoreTests.test_initial_value_zero
  it('a semaphore created with 0 permits is locked', () => {
    expect(new Semaphore(0).locked()).toBe(true);
  });

  // cf. test_locks.py SemaphoreTests.test_repr
  it('toString() shows the state, the permits left and how many tasks wait', async () => {
    await runLoop(function* () {
      const sem = new Semaphore();
      expect(String(sem)).toBe('<Semaphore [unlocked, value:1]>');
      yield* sem.acquire();
      expect(String(sem)).toBe('<Semaphore [locked]>');
      const w1 = spawn(sem.acquire());
      yield* tick();
      expect(String(sem)).toBe('<Semaphore [locked, waiters:1]>');
      const w2 = spawn(sem.acquire());
      yield* tick();
      expect(String(sem)).toBe('<Semaphore [locked, waiters:2]>');
      sem.release();
      sem.release();
      yield* gatherAll([w1, w2]);
      expect(String(new Semaphore(2))).toBe('<Semaphore [unlocked, value:2]>');
    });
  });

  // cf. test_locks.py SemaphoreTests.test_semaphore
  it('a new semaphore holds one permit and cannot be waited on with yield* itself', async () => {
    await runLoop(function* () {
      const sem = new Semaphore();
      expect(sem._value).toBe(1);
      expect(yield* raises(sem as unknown as Coroutine<void>)).toBeInstanceOf(TypeError);
      expect(sem.locked()).toBe(false);
      expect(sem._value).toBe(1);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_semaphore_value
  it('a negative initial value raises RangeError naming the value', () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(-1)).toThrow('Semaphore initial value must be >= 0, got -1');
    expect(() => new BoundedSemaphore(-1)).toThrow('BoundedSemaphore initial value must be >= 0, got -1');
    expect(() => new Semaphore(1.5)).toThrow('Semaphore initial value must be an integer, got 1.5');
    expect(() => new Semaphore('2' as unknown as number)).toThrow(TypeError);
  });

  // cf. test_locks.py SemaphoreTests.test_acquire
  it('permits go to waiting tasks as they are released, in FIFO order', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(3);
      const result: number[] = [];
      expect(yield* sem.acquire()).toBe(true);
      expect(yield* sem.acquire()).toBe(true);
      expect(sem.locked()).toBe(false);
      function* c(n: number): Coroutine<boolean> {
        yield* sem.acquire();
        result.push(n);
        return true;
      }
      const t1 = spawn(c(1));
      const t2 = spawn(c(2));
      const t3 = spawn(c(3));
      yield* tick();
      expect(result).toEqual([1]);
      expect(sem.locked()).toBe(true);
      expect(sem._waiters.length).toBe(2);
      expect(sem._value).toBe(0);

      const t4 = spawn(c(4));
      sem.release();
      sem.release();
      expect(sem._value).toBe(0);
      yield* tick();
      expect(sem._value).toBe(0);
      expect(result.length).toBe(3);
      expect(sem.locked()).toBe(true);
      expect(sem._waiters.length).toBe(1);
      expect(sem._value).toBe(0);

      expect(t1.result()).toBe(true);
      const race = [t2, t3, t4];
      expect(race.filter((t) => t.done() && t.result()).length).toBe(2);
      // clean up the locked semaphore
      sem.release();
      yield* gatherAll(race);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_cancel
  it('a cancelled acquire() leaves no active waiter', async () => {
    await runLoop(function* () {
      const sem = new Semaphore();
      yield* sem.acquire();
      const acquire = spawn(sem.acquire());
      getRunningLoop().callSoon(() => acquire.cancel());
      expect(yield* raises(acquire)).toBeInstanceOf(CancelledError);
      expect(sem._waiters.length === 0 || !sem._waiters.hasActive()).toBe(true);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_cancel_before_awoken
  it('waiters cancelled before the release do not take its permit', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(0);
      const [t1, t2, t3, t4] = [spawn(sem.acquire()), spawn(sem.acquire()), spawn(sem.acquire()), spawn(sem.acquire())];
      yield* tick();
      t1.cancel();
      t2.cancel();
      sem.release();
      yield* tick(2);
      expect([t3, t4].filter((t) => t.done()).length).toBe(1);
      expect(t3.done()).toBe(true);
      expect(t4.done()).toBe(false);
      t3.cancel();
      t4.cancel();
      yield* tick();
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_hang
  it('a permit released as the first waiter is cancelled goes to the next waiter', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(0);
      const t1 = spawn(sem.acquire());
      const t2 = spawn(sem.acquire());
      yield* tick();
      t1.cancel();
      sem.release();
      yield* tick(2);
      expect(sem.locked()).toBe(true);
      expect(t2.done()).toBe(true);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_no_hang
  it('a waiter woken and cancelled at once gives its permit back', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(1);
      let t2: Task<void> | null = null;
      function* c1(): Coroutine<void> {
        yield* asyncWith(sem, function* () {
          yield* tick();
        });
        t2!.cancel();
      }
      function* c2(): Coroutine<void> {
        yield* asyncWith(sem, function* () {
          throw new Error('should not get here');
        });
      }
      const t1 = spawn(c1());
      t2 = spawn(c2());
      const [r1, r2] = yield* gather(t1, t2, { returnExceptions: true });
      expect(r1).toBeUndefined();
      expect(r2).toBeInstanceOf(CancelledError);
      expect(yield* waitFor(sem.acquire(), 1.0)).toBe(true);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_release_not_acquired
  it('BoundedSemaphore.release() above the initial value raises RangeError', () => {
    const sem = new BoundedSemaphore();
    expect(() => sem.release()).toThrow(RangeError);
    expect(() => sem.release()).toThrow('BoundedSemaphore released too many times');
  });

  // cf. test_locks.py SemaphoreTests.test_release_no_waiters
  it('release() with nobody waiting unlocks the semaphore', async () => {
    await runLoop(function* () {
      const sem = new Semaphore();
      yield* sem.acquire();
      expect(sem.locked()).toBe(true);
      sem.release();
      expect(sem.locked()).toBe(false);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_fifo_order
  it('tasks that acquire repeatedly take turns in FIFO order', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(1);
      const result: string[] = [];
      function* coro(tag: string): Coroutine<void> {
        yield* sem.acquire();
        result.push(`${tag}_1`);
        yield* sleep(0.01);
        sem.release();
        yield* sem.acquire();
        result.push(`${tag}_2`);
        yield* sleep(0.01);
        sem.release();
      }
      yield* asyncWith(new TaskGroup(), function* (tg) {
        tg.createTask(coro('c1'));
        tg.createTask(coro('c2'));
        tg.createTask(coro('c3'));
      });
      expect(result).toEqual(['c1_1', 'c2_1', 'c3_1', 'c1_2', 'c2_2', 'c3_2']);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_fifo_order_2
  it('a task that releases and re-acquires queues behind the tasks already waiting', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(1);
      const result: number[] = [];
      function* c1(): Coroutine<boolean> {
        yield* sem.acquire();
        result.push(1);
        return true;
      }
      function* c2(): Coroutine<boolean> {
        yield* sem.acquire();
        result.push(2);
        sem.release();
        yield* sem.acquire();
        result.push(4);
        return true;
      }
      function* c3(): Coroutine<boolean> {
        yield* sem.acquire();
        result.push(3);
        return true;
      }
      const tasks = [spawn(c1()), spawn(c2()), spawn(c3())];
      yield* tick();
      sem.release();
      sem.release();
      yield* gatherAll(tasks);
      expect(result).toEqual([1, 2, 3, 4]);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_fifo_order_3
  it('a cancelled waiter does not hold up the ones behind it', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(0);
      const result: number[] = [];
      function* c(n: number): Coroutine<boolean> {
        yield* sem.acquire();
        result.push(n);
        return true;
      }
      const tasks = [spawn(c(1)), spawn(c(2)), spawn(c(3))];
      yield* tick();
      tasks[0]!.cancel();
      yield* tick();
      sem.release();
      sem.release();
      yield* gatherAll(tasks, { returnExceptions: true });
      expect(result).toEqual([2, 3]);
    });
  });

  // cf. test_locks.py SemaphoreTests.test_acquire_fifo_order_4
  it('a successful acquire() wakes the waiters that queued behind it while permits remain', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(0);
      const result: number[] = [];
      let t4: Task<boolean> | null = null;
      function* c4(): Coroutine<boolean> {
        result.push(4);
        return true;
      }
      function* c1(): Coroutine<boolean> {
        // waits at once; woken by c2
        expect(sem._value).toBe(0);
        yield* sem.acquire();
        // every waiter has been woken now
        expect(sem._value).toBe(0);
        // a fourth task: it runs after c3, not c2
        t4 = spawn(c4());
        result.push(1);
        return true;
      }
      function* c2(): Coroutine<boolean> {
        // release three permits, for c1, c2 and c3
        sem.release();
        sem.release();
        sem.release();
        expect(sem._value).toBe(2);
        // locked: c1 has not woken up yet
        expect(sem.locked()).toBe(true);
        yield* sem.acquire();
        result.push(2);
        return true;
      }
      function* c3(): Coroutine<boolean> {
        yield* sem.acquire();
        expect(sem.locked()).toBe(true);
        result.push(3);
        return true;
      }
      const t1 = spawn(c1());
      const t2 = spawn(c2());
      const t3 = spawn(c3());
      yield* tick();
      // three tasks queued, the first not woken yet
      expect(sem._value).toBe(2);
      expect(sem._waiters.length).toBe(3);
      yield* tick();
      yield* gatherAll([t1, t2, t3, t4!]);
      expect(result).toEqual([1, 2, 3, 4]);
    });
  });

  it('asyncWith(sem, body) holds a permit for the body and returns it after', async () => {
    await runLoop(function* () {
      const sem = new BoundedSemaphore(2);
      yield* asyncWith(sem, function* (value) {
        expect(value).toBeUndefined();
        expect(sem._value).toBe(1);
        yield* asyncWith(sem, function* () {
          expect(sem.locked()).toBe(true);
        });
      });
      expect(sem._value).toBe(2);
      expect(sem.locked()).toBe(false);
    });
  });

  it('locked() is exact synchronously: true while a non-cancelled waiter exists', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(1);
      yield* sem.acquire();
      const waiter = spawn(sem.acquire());
      yield* tick();
      sem.release(); // the permit is handed to the waiter at once
      expect(sem._value).toBe(0);
      expect(sem.locked()).toBe(true);
      yield* waiter;
      sem.release();
      expect(sem.locked()).toBe(false);
      // a cancelled waiter does not count
      yield* sem.acquire();
      const cancelled = spawn(sem.acquire());
      yield* tick();
      cancelled.cancel();
      sem.release();
      expect(sem.locked()).toBe(false);
      expect(yield* raises(cancelled)).toBeInstanceOf(CancelledError);
    });
  });
});
