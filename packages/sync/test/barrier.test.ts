import { asyncWith, CancelledError, type Coroutine, type Task } from '@tsyncio/futures';
import { RuntimeError } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { Barrier, BrokenBarrierError } from '../src/index.js';
import { gatherAll, raises, runLoop, spawn, tick } from './helpers.js';

const N = 5;

function makeTasks<T>(n: number, coro: () => Coroutine<T>): Task<T>[] {
  const tasks: Task<T>[] = [];
  for (let i = 0; i < n; i++) tasks.push(spawn(coro()));
  return tasks;
}

function* gatherTasks<T>(n: number, coro: () => Coroutine<T>): Coroutine<T[]> {
  return (yield* gatherAll(makeTasks(n, coro))) as T[];
}

describe('Barrier', () => {
  // cf. test_locks.py BarrierTests.test_barrier
  it('a new barrier is filling and cannot be waited on with yield* itself', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      expect(String(barrier)).toContain('filling');
      expect(yield* raises(barrier as unknown as Coroutine<void>)).toBeInstanceOf(TypeError);
      expect(String(barrier)).toContain('filling');
    });
  });

  // cf. test_locks.py BarrierTests.test_repr
  it('toString() shows the state and the waiting parties', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      expect(String(barrier)).toBe('<Barrier [filling, waiters:0/5]>');
      const waiters: Task<number>[] = [];
      const incr = 2;
      for (let i = 0; i < incr; i++) waiters.push(spawn(barrier.wait()));
      yield* tick();
      expect(String(barrier)).toBe(`<Barrier [filling, waiters:${incr}/${N}]>`);
      // the missing parties
      for (let i = barrier.parties - barrier.nWaiting; i > 0; i--) waiters.push(spawn(barrier.wait()));
      yield* tick();
      expect(String(barrier)).toBe('<Barrier [draining, waiters:0/5]>');
      // some parties arrive, then reset
      for (let i = 0; i < incr; i++) waiters.push(spawn(barrier.wait()));
      yield* tick();
      yield* barrier.reset();
      expect(String(barrier)).toBe('<Barrier [resetting, waiters:0/5]>');
      // some more, then abort
      for (let i = 0; i < incr; i++) waiters.push(spawn(barrier.wait()));
      yield* tick();
      yield* barrier.abort();
      expect(String(barrier)).toBe('<Barrier [broken]>');
      expect(barrier.broken).toBe(true);
      yield* gatherAll(waiters, { returnExceptions: true });
    });
  });

  // cf. test_locks.py BarrierTests.test_barrier_parties
  it('parties must be an integer >= 1', () => {
    expect(() => new Barrier(0)).toThrow(RangeError);
    expect(() => new Barrier(-4)).toThrow('Barrier parties must be an integer >= 1, got -4');
    expect(() => new Barrier(1.5)).toThrow(RangeError);
    expect(() => new Barrier('3' as unknown as number)).toThrow(TypeError);
    expect(new Barrier(N)).toBeInstanceOf(Barrier);
    expect(new Barrier(N).parties).toBe(N);
  });

  // cf. test_locks.py BarrierTests.test_context_manager
  it('asyncWith(barrier, body) waits on entry and gives the body its index', async () => {
    await runLoop(function* () {
      const n = 3;
      const barrier = new Barrier(n);
      const results: number[] = [];
      yield* gatherTasks(n, () =>
        asyncWith(barrier, function* (i) {
          results.push(i);
        }),
      );
      expect(results.sort()).toEqual([0, 1, 2]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_one_task
  it('a barrier of one party lets its task through at once', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(1);
      const ret = yield* asyncWith(barrier, function* () {
        return true;
      });
      expect(ret).toBe(true);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_one_task_twice
  it('a barrier of one party can be passed again and again', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(1);
      const t1 = spawn(barrier.wait());
      yield* tick();
      expect(barrier.nWaiting).toBe(0);
      const t2 = spawn(barrier.wait());
      yield* tick();
      expect(t1.result()).toBe(t2.result());
      expect(t1.done()).toBe(t2.done());
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_task_by_task
  it('nWaiting counts the parties as they arrive', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(3);
      const t1 = spawn(barrier.wait());
      yield* tick();
      expect(barrier.nWaiting).toBe(1);
      expect(String(barrier)).toContain('filling');
      const t2 = spawn(barrier.wait());
      yield* tick();
      expect(barrier.nWaiting).toBe(2);
      expect(String(barrier)).toContain('filling');
      const t3 = spawn(barrier.wait());
      yield* tick();
      yield* gatherAll([t1, t2, t3]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_tasks_wait_twice
  it('the same parties can pass the barrier twice in a row', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      yield* gatherTasks(N, () =>
        asyncWith(barrier, function* () {
          results.push(true);
          yield* asyncWith(barrier, function* () {
            results.push(false);
          });
        }),
      );
      expect(results.length).toBe(N * 2);
      expect(results.filter((r) => r).length).toBe(N);
      expect(results.filter((r) => !r).length).toBe(N);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_tasks_check_return_value
  it('each released party gets a distinct index', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const res = yield* gatherTasks(N, () =>
        asyncWith(barrier, function* () {
          results1.push(true);
          return yield* asyncWith(barrier, function* (i) {
            results2.push(true);
            return i;
          });
        }),
      );
      expect(results1.length).toBe(N);
      expect(results2.length).toBe(N);
      expect([...res].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_draining_state
  it('the barrier drains until the last released party has left', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      yield* gatherTasks(N, () =>
        asyncWith(barrier, function* () {
          // the state goes back to filling when the last task leaves
          results.push(String(barrier).includes('draining'));
        }),
      );
      expect(results.length).toBe(N);
      expect(results[N - 1]).toBe(false);
      expect(results.slice(0, N - 1).every((r) => r)).toBe(true);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_blocking_tasks_while_draining
  it('parties arriving while the barrier drains wait for the next round', async () => {
    await runLoop(function* () {
      const rewait = 2;
      const barrier = new Barrier(N);
      const barrierNoWaiting = new Barrier(N - rewait);
      let rewaitN = rewait;
      function* coro(): Coroutine<void> {
        yield* barrier.wait();
        if (rewaitN > 0) {
          rewaitN--;
          // wait again, only the rewait tasks
          yield* barrier.wait();
        } else {
          // wait for the end of draining
          yield* barrierNoWaiting.wait();
          // wait for the other waiting tasks
          yield* barrier.wait();
        }
      }
      // success means barrierNoWaiting was passed by exactly N - rewait tasks
      yield* gatherTasks(N, coro);
    });
  });

  // cf. test_locks.py BarrierTests.test_filling_tasks_cancel_one
  it('a cancelled waiter leaves the barrier without breaking it', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(3);
      const results: boolean[] = [];
      function* coro(): Coroutine<void> {
        yield* barrier.wait();
        results.push(true);
      }
      const t1 = spawn(coro());
      yield* tick();
      expect(barrier.nWaiting).toBe(1);
      const t2 = spawn(coro());
      yield* tick();
      expect(barrier.nWaiting).toBe(2);
      t1.cancel();
      yield* tick();
      expect(barrier.nWaiting).toBe(1);
      expect(yield* raises(t1)).toBeInstanceOf(CancelledError);
      expect(t1.cancelled()).toBe(true);
      const t3 = spawn(coro());
      yield* tick();
      expect(barrier.nWaiting).toBe(2);
      const t4 = spawn(coro());
      yield* gatherAll([t2, t3, t4]);
      expect(results).toEqual([true, true, true]);
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. CPython gh-155233 (open): asyncio 3.13 gives B and C the same index here
  it('a waiter cancelled while the barrier fills gives its index back, so indices stay unique', async () => {
    await runLoop(function* () {
      const b = new Barrier(3);
      const results: [string, number | 'cancelled'][] = [];
      function* party(name: string): Coroutine<void> {
        try {
          results.push([name, yield* b.wait()]);
        } catch (error) {
          results.push([name, 'cancelled']);
          throw error;
        }
      }
      const t1 = spawn(party('A'));
      const t2 = spawn(party('B'));
      yield* tick(2);
      t1.cancel(); // A leaves while the barrier is still filling
      expect(yield* raises(t1)).toBeInstanceOf(CancelledError);
      yield* tick();
      const t3 = spawn(party('C'));
      const t4 = spawn(party('D')); // completes the round of 3
      yield* gatherAll([t2, t3, t4]);
      expect(results).toEqual([
        ['A', 'cancelled'],
        ['D', 2],
        ['B', 0],
        ['C', 1],
      ]);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier
  it('reset() of an idle barrier leaves it filling', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(1);
      spawn(barrier.reset());
      yield* tick();
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting
  it('reset() makes the waiting parties raise BrokenBarrierError', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results: boolean[] = [];
      function* coro(): Coroutine<void> {
        try {
          yield* barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results.push(true);
        }
      }
      const tasks = makeTasks(N - 1, coro);
      yield* tick();
      spawn(barrier.reset());
      yield* gatherAll(tasks);
      expect(results).toEqual([true, true, true, true]);
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain('resetting');
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining
  it('reset() while released parties drain breaks only the parties still waiting', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const restOfTasks = Math.floor(N / 2);
      function* coro(): Coroutine<void> {
        try {
          yield* barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true); // the waiting tasks
          return;
        }
        // a drained task outside the barrier
        if (restOfTasks === barrier._count) yield* barrier.reset();
      }
      yield* gatherTasks(N, coro);
      expect(results1).toEqual(new Array(restOfTasks).fill(true));
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain('resetting');
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
  it('reset() with parties draining and parties blocked breaks the draining ones only', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      function* coro(): Coroutine<void> {
        try {
          yield* barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          // the tasks still waiting
          results1.push(true);
          // wait again to reach the parties
          yield* barrier.wait();
          return;
        }
        count++;
        if (count > blockingTasks) {
          // reset now: BrokenBarrierError for the waiting tasks
          yield* barrier.reset();
          // wait again to reach the parties
          yield* barrier.wait();
        } else {
          try {
            yield* barrier.wait();
          } catch (error) {
            if (!(error instanceof BrokenBarrierError)) throw error;
            // no catch here: the blocked tasks go on waiting
            results2.push(true);
          }
        }
      }
      yield* gatherTasks(N, coro);
      expect(results1).toEqual(new Array(blockingTasks).fill(true));
      expect(results2).toEqual([]);
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain('resetting');
      expect(barrier.broken).toBe(false);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
  it('parties broken by reset() can wait again and pass with a new party', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      function* coro1(): Coroutine<void> {
        try {
          yield* barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true);
        } finally {
          yield* barrier.wait();
          results2.push(true);
        }
      }
      function* coro2(): Coroutine<void> {
        yield* asyncWith(barrier, function* () {
          results2.push(true);
        });
      }
      const tasks = makeTasks(N - 1, coro1);
      // reset: the N-1 waiting tasks raise BrokenBarrierError
      spawn(barrier.reset());
      yield* tick();
      // complete the waiting tasks in their finally
      spawn(coro2());
      yield* gatherAll(tasks);
      expect(barrier.broken).toBe(false);
      expect(results1.length).toBe(N - 1);
      expect(results2.length).toBe(N);
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // cf. test_locks.py BarrierTests.test_reset_barrier_while_tasks_draining
  it('reset() by the last released party does not break the next round', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      let count = 0;
      function* coro(): Coroutine<void> {
        yield* barrier.wait();
        count++;
        if (count === N) {
          // the last task out of the barrier
          yield* barrier.reset();
          // wait here to reach the parties
          yield* barrier.wait();
        } else {
          try {
            // second wait: N-1 tasks here
            yield* barrier.wait();
            results1.push(true);
          } catch (error) {
            if (error instanceof CancelledError) throw error;
            results2.push(true); // never here
          }
        }
        // pass the barrier once more
        yield* barrier.wait();
        results3.push(true);
      }
      yield* gatherTasks(N, coro);
      expect(barrier.broken).toBe(false);
      expect(results1.length).toBe(N - 1);
      expect(results2.length).toBe(0);
      expect(results3.length).toBe(N);
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // cf. test_locks.py BarrierTests.test_abort_barrier
  it('abort() breaks the barrier', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(1);
      spawn(barrier.abort());
      yield* tick();
      expect(barrier.nWaiting).toBe(0);
      expect(barrier.broken).toBe(true);
      const error = yield* raises(barrier.wait());
      expect(error).toBeInstanceOf(BrokenBarrierError);
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('Barrier aborted');
    });
  });

  // cf. test_locks.py BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
  it('abort() breaks both the parties draining and the parties blocked', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      function* coro(): Coroutine<void> {
        try {
          yield* barrier.wait();
        } catch (error) {
          if (!(error instanceof BrokenBarrierError)) throw error;
          results1.push(true); // tasks waiting to drain
          return;
        }
        count++;
        if (count > blockingTasks) {
          // abort: BrokenBarrierError for every task
          yield* barrier.abort();
        } else {
          try {
            yield* barrier.wait();
          } catch (error) {
            if (!(error instanceof BrokenBarrierError)) throw error;
            results2.push(true); // blocked tasks (already drained)
          }
        }
      }
      yield* gatherTasks(N, coro);
      expect(barrier.broken).toBe(true);
      expect(results1).toEqual(new Array(blockingTasks).fill(true));
      expect(results2).toEqual(new Array(N - blockingTasks - 1).fill(true));
      expect(barrier.nWaiting).toBe(0);
      expect(String(barrier)).not.toContain('resetting');
    });
  });

  // cf. test_locks.py BarrierTests.test_abort_barrier_when_exception
  it('a party that fails and aborts breaks the barrier for the others', async () => {
    await runLoop(function* () {
      const barrier = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      class Failure extends Error {}
      function* coro(): Coroutine<void> {
        try {
          yield* asyncWith(barrier, function* (i) {
            if (i === Math.floor(N / 2)) throw new Failure();
          });
          yield* asyncWith(barrier, function* () {
            results1.push(true);
          });
        } catch (error) {
          if (error instanceof BrokenBarrierError) results2.push(true);
          else if (error instanceof Failure) yield* barrier.abort();
          else throw error;
        }
      }
      yield* gatherTasks(N, coro);
      expect(barrier.broken).toBe(true);
      expect(results1.length).toBe(0);
      expect(results2.length).toBe(N - 1);
      expect(barrier.nWaiting).toBe(0);
    });
  });

  // cf. test_locks.py BarrierTests.test_abort_barrier_when_exception_then_resetting
  it('a barrier broken by abort() works again after reset()', async () => {
    await runLoop(function* () {
      const barrier1 = new Barrier(N);
      const barrier2 = new Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      class Failure extends Error {}
      function* coro(): Coroutine<void> {
        try {
          const i = yield* barrier1.wait();
          if (i === Math.floor(N / 2)) throw new Failure();
          yield* barrier1.wait();
          results1.push(true);
        } catch (error) {
          if (error instanceof BrokenBarrierError) results2.push(true);
          else if (error instanceof Failure) yield* barrier1.abort();
          else throw error;
        }
        // synchronize and reset barrier1: everyone has left it when it is reset, and nobody
        // enters it before
        const i = yield* barrier2.wait();
        if (i === Math.floor(N / 2)) yield* barrier1.reset();
        yield* barrier2.wait();
        yield* barrier1.wait();
        results3.push(true);
      }
      yield* gatherTasks(N, coro);
      expect(barrier1.broken).toBe(false);
      expect(results1.length).toBe(0);
      expect(results2.length).toBe(N - 1);
      expect(results3.length).toBe(N);
      expect(barrier1.nWaiting).toBe(0);
    });
  });
});
