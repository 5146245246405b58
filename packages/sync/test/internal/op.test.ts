import { asyncWith, CancelledError, createTask, isCoroutine, type Coroutine } from '@tsyncio/futures';
import { getRunningLoop } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { Condition, Event, Lock, Queue, Semaphore } from '../../src/index.js';
import { raises, runLoop, spawn, tick } from '../helpers.js';

describe('hand-written coroutines (internal/op.ts)', () => {
  it('acquire(), wait(), put() and get() return coroutines that createTask() accepts', () => {
    const lock = new Lock();
    const q = new Queue<number>();
    const cond = new Condition();
    for (const coro of [lock.acquire(), new Semaphore().acquire(), new Event().wait(), q.put(1), q.get(), cond.wait()]) {
      expect(isCoroutine(coro)).toBe(true);
      expect(Object.prototype.toString.call(coro)).toBe('[object Generator]');
      expect(coro[Symbol.iterator]()).toBe(coro);
    }
    expect(lock.locked()).toBe(false); // nothing runs before the coroutine is iterated
  });

  it('acquire() runs when its task first runs, not when it is created', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const task = createTask(lock.acquire());
      expect(lock.locked()).toBe(false);
      expect(yield* task).toBe(true);
      expect(lock.locked()).toBe(true);
    });
  });

  it('throw() and return() on a coroutine that never started end it without running it', () => {
    const lock = new Lock();
    const a = lock.acquire();
    expect(() => a.throw(new Error('x'))).toThrow('x');
    expect(a.next()).toEqual({ value: undefined, done: true });
    const b = lock.acquire();
    expect(b.return(true)).toEqual({ value: true, done: true });
    expect(b.next().done).toBe(true);
    expect(lock.locked()).toBe(false);
  });

  it('a finished coroutine answers next() with done and rethrows throw()', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      const a = lock.acquire();
      expect(a.next()).toEqual({ value: true, done: true });
      expect(a.next()).toEqual({ value: undefined, done: true });
      expect(() => a.throw(new Error('late'))).toThrow('late');
      lock.release();
    });
  });

  it('closing a waiting acquire() with return() leaves the waiter list', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      const coro = lock.acquire();
      const step = coro.next(); // waits: yields the waiter future
      expect(step.done).toBe(false);
      expect(lock._waiters.length).toBe(1);
      expect(coro.return(true)).toEqual({ value: true, done: true });
      expect(lock._waiters.length).toBe(0);
      lock.release();
      expect(lock.locked()).toBe(false);
    });
  });

  it('closing a getter that was woken passes the wakeup on, as the bare except: of asyncio does', async () => {
    await runLoop(function* () {
      const q = new Queue<number>();
      const closed = q.get();
      closed.next(); // waits
      const other = spawn(q.get());
      yield* tick();
      q.putNowait(1); // wakes the first getter
      closed.return(undefined as unknown as number); // ... which is closed instead of resumed
      expect(yield* other).toBe(1);
    });
  });

  it('a task closed while it waits through yield* cleans up the waiter', async () => {
    await runLoop(function* () {
      const sem = new Semaphore(0);
      function* user(): Coroutine<void> {
        yield* sem.acquire();
      }
      const coro = user();
      coro.next();
      expect(sem._waiters.length).toBe(1);
      coro.return();
      expect(sem._waiters.length).toBe(0);
      expect(sem.locked()).toBe(true);
    });
  });

  it('asyncWith(lock) reuses one aexit() coroutine, which releases each time it runs', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      expect(lock.aexit(undefined)).toBe(lock.aexit(undefined));
      for (let i = 0; i < 3; i++) {
        yield* asyncWith(lock, function* () {
          expect(lock.locked()).toBe(true);
        });
        expect(lock.locked()).toBe(false);
      }
    });
  });

  it('a cancellation thrown into a waiting acquire() is re-raised after the handoff', async () => {
    await runLoop(function* () {
      const lock = new Lock();
      yield* lock.acquire();
      const a = spawn(lock.acquire());
      const b = spawn(lock.acquire());
      yield* tick();
      lock.release();
      a.cancel('stop');
      const error = yield* raises(a);
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toBe('stop');
      expect(yield* b).toBe(true);
      expect(getRunningLoop().isRunning()).toBe(true);
    });
  });

  it('closing a waiting Condition.wait() leaves the waiter list and passes a notification on', async () => {
    await runLoop(function* () {
      const cond = new Condition();
      yield* cond.acquire();
      const closed = cond.wait();
      expect(closed.next().done).toBe(false);
      expect(cond.locked()).toBe(false);
      const other = spawn(asyncWith(cond, () => cond.wait()));
      yield* tick();
      yield* cond.acquire();
      cond.notify(); // goes to `closed`, which is closed instead of resumed
      closed.return(true);
      expect(cond._waiters.length).toBe(1);
      cond.release();
      yield* other; // the notification was passed on
    });
  });
});
