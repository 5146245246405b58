import { describe, expect, it } from 'vitest';
import { ContextVar, getRunningLoop } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  currentTask,
  Future,
  shield,
  sleep,
  TimeoutError,
  wait,
  waitFor,
  type Awaitable,
  type Coroutine,
  type Task,
} from '../src/index.js';
import { failure, future, newLoop, run } from './combinators-helpers.js';

/** A very small timeout: it passes `timeout > 0` (test_waitfor.py's _EPSILON). */
const EPSILON = 0.0001;

/** Runs for `duration` seconds of loop time, swallowing every cancellation (test_waitfor.py's SlowTask). */
class SlowTask {
  static readonly TASK_TIMEOUT = 0.2;
  exited = false;

  *run(): Coroutine<void> {
    const loop = getRunningLoop();
    const exitAt = loop.time() + SlowTask.TASK_TIMEOUT;
    for (;;) {
      const toSleep = exitAt - loop.time();
      if (toSleep <= 0) break;
      try {
        yield* sleep(toSleep);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
    }
    this.exited = true;
  }
}

describe('waitFor(): timeouts', () => {
  it('cancelling the waiting task cancels the work, which may finish anyway', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_asyncio_wait_for_cancelled
    const { loop } = newLoop();
    const t = new SlowTask();
    function* main(): Coroutine<void> {
      const waitForTask = createTask(waitFor(t.run(), SlowTask.TASK_TIMEOUT * 2));
      yield* sleep(0);
      waitForTask.cancel();
      yield* wait([waitForTask]);
    }
    await run(loop, main());
    expect(t.exited).toBe(true);
  });

  it('work that swallows the timeout cancellation runs to its end, and its value is returned', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_asyncio_wait_for_timeout
    const { loop } = newLoop();
    const t = new SlowTask();
    const result = await run(loop, () => waitFor(t.run(), SlowTask.TASK_TIMEOUT / 2));
    expect(result).toBeUndefined();
    expect(t.exited).toBe(true);
    expect(loop.time()).toBeCloseTo(0.2);
  });

  it('timeout 0 returns the result of a future that is already done', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done
    const { loop } = newLoop();
    const fut = future<string>(loop);
    fut.setResult('done');
    expect(await run(loop, () => waitFor(fut, 0))).toBe('done');
    expect(fut.done()).toBe(true);
    expect(loop.time()).toBe(0);
  });

  it('timeout 0 never starts a coroutine and raises TimeoutError', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    const { loop } = newLoop();
    let fooStarted = false;
    function* foo(): Coroutine<void> {
      fooStarted = true;
    }
    const error = await failure(loop, () => waitFor(foo(), 0));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
    expect(fooStarted).toBe(false);
  });

  for (const timeout of [0, -1]) {
    it(`timeout ${timeout} cancels a running task, waits for it and raises TimeoutError`, async () => {
      // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0
      const { loop } = newLoop();
      let fooRunning: boolean | null = null;
      const started = future<undefined>(loop);
      function* foo(): Coroutine<string> {
        fooRunning = true;
        started.setResult(undefined);
        try {
          yield* sleep(10);
        } finally {
          fooRunning = false;
        }
        return 'done';
      }
      const fut = createTask(foo(), { loop });
      function* main(): Coroutine<unknown> {
        yield* started;
        try {
          yield* waitFor(fut, timeout);
        } catch (e) {
          return e;
        }
        return null;
      }
      expect(await run(loop, main())).toBeInstanceOf(TimeoutError);
      expect(fut.cancelled()).toBe(true);
      expect(fooRunning).toBe(false);
      expect(loop.time()).toBe(0);
    });
  }

  it('cancels the task at the deadline and raises TimeoutError', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for
    const { loop } = newLoop();
    let fooRunning: boolean | null = null;
    function* foo(): Coroutine<string> {
      fooRunning = true;
      try {
        yield* sleep(300);
      } finally {
        fooRunning = false;
      }
      return 'done';
    }
    const fut = createTask(foo(), { loop });
    const error = await failure(loop, () => waitFor(fut, 0.1));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(fut.cancelled()).toBe(true);
    expect(fooRunning).toBe(false);
    expect(loop.time()).toBeCloseTo(0.1);
  });

  it('with a null timeout waits as long as it takes', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_blocking
    const { loop } = newLoop();
    function* coro(): Coroutine<string> {
      yield* sleep(1000);
      return 'done';
    }
    expect(await run(loop, () => waitFor(coro(), null))).toBe('done');
    expect(loop.time()).toBe(1000);
  });

  it('returns the result of a future that completes before the deadline', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_race_condition
    const { loop } = newLoop();
    const fut = future<string>(loop);
    loop.callSoon(() => {
      fut.setResult('ok');
    });
    expect(await run(loop, () => waitFor(fut, 0.2))).toBe('ok');
  });

  it('returns the value of a coroutine that suppresses the cancellation', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_cancellation_race_condition
    const { loop } = newLoop();
    function* inner(): Coroutine<number> {
      try {
        yield* sleep(1);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      return 1;
    }
    expect(await run(loop, () => waitFor(inner(), 0.01))).toBe(1);
  });

  it('returns the value a coroutine returns instead of re-raising the cancellation', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_cancel_suppressed
    const { loop } = newLoop();
    function* return42(): Coroutine<number> {
      try {
        yield* sleep(10);
      } catch {
        return 42;
      }
      return 0;
    }
    function* main(): Coroutine<[number, number]> {
      const result = yield* waitFor(return42(), 0.1);
      return [result, currentTask()!.cancelling()];
    }
    expect(await run(loop, main())).toEqual([42, 0]);
  });

  it('waits for the task to finish cancelling before raising TimeoutError', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation
    const { loop } = newLoop();
    let taskDone = false;
    function* inner(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (e) {
        yield* sleep(EPSILON);
        throw e;
      } finally {
        taskDone = true;
      }
    }
    const innerTask = createTask(inner(), { loop });
    const error = await failure(loop, () => waitFor(innerTask, EPSILON));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(taskDone).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
  });

  it('with timeout 0 also waits for the task to finish cancelling', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation_w_timeout_0
    const { loop } = newLoop();
    let taskDone = false;
    function* foo(): Coroutine<void> {
      function* inner(): Coroutine<void> {
        try {
          yield* sleep(10);
        } catch (e) {
          yield* sleep(EPSILON);
          throw e;
        } finally {
          taskDone = true;
        }
      }
      const innerTask = createTask(inner());
      yield* sleep(EPSILON);
      yield* waitFor(innerTask, 0);
    }
    const error = await failure(loop, foo());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(taskDone).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
  });

  it('an error raised while the task is cancelling replaces the TimeoutError', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation
    const { loop } = newLoop();
    class FooError extends Error {}
    function* foo(): Coroutine<void> {
      function* inner(): Coroutine<void> {
        try {
          yield* sleep(0.2);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new FooError();
        }
      }
      const innerTask = createTask(inner());
      yield* waitFor(innerTask, EPSILON);
    }
    const error = await failure(loop, foo());
    expect(error).toBeInstanceOf(FooError);
    // asyncio 3.13 links the TimeoutError into the chain
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
  });

  it('returns the value of a task that resists cancellation, even if the waiting task is cancelled meanwhile', async () => {
    // cf. test_tasks.py (3.11) TaskTests.test_wait_for_self_cancellation, as CPython 3.13 behaves
    const { loop } = newLoop();
    function* inner(): Coroutine<number> {
      try {
        yield* sleep(0.3);
      } catch {
        try {
          yield* sleep(0.3);
        } catch {
          yield* sleep(0.3);
        }
      }
      return 42;
    }
    function* main(): Coroutine<[number, number, number]> {
      const innerTask = createTask(inner());
      function* waiting(): Coroutine<[number, number]> {
        const result = yield* waitFor(innerTask, 0.1);
        return [result, currentTask()!.cancelling()];
      }
      const task = createTask(waiting());
      yield* sleep(0.2);
      task.cancel();
      const [result, cancelling] = yield* task;
      return [result, cancelling, yield* innerTask];
    }
    // the cancellation of the waiting task was absorbed by the inner task: it is still requested
    expect(await run(loop, main())).toEqual([42, 1, 42]);
  });

  it('awaits a future inline: cancelling the waiting task cancels the future (timeout null)', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_cancel_blocking_wait_for
    const { loop } = newLoop();
    const outcome = await run(loop, cancelWhileWaiting(null));
    expect(outcome).toEqual([true, true]);
  });

  it('awaits a future inline: cancelling the waiting task cancels the future (timeout 60)', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_cancel_wait_for
    const { loop } = newLoop();
    const outcome = await run(loop, cancelWhileWaiting(60));
    expect(outcome).toEqual([true, true]);
    expect(loop.time()).toBe(0);
  });

  it('a cancellation that arrives in the iteration the awaited task finishes still cancels', async () => {
    // cf. test_waitfor.py AsyncioWaitForTest.test_wait_for_issue86296
    const { loop } = newLoop();
    let reachedEnd = false;
    function* main(): Coroutine<[boolean, boolean, string]> {
      function* inner(): Coroutine<string> {
        return 'done';
      }
      const innerTask = createTask(inner());
      function* waitForCoro(): Coroutine<void> {
        yield* waitFor(innerTask, 100);
        yield* sleep(1);
        reachedEnd = true;
      }
      const task = createTask(waitForCoro());
      yield* sleep(0);
      task.cancel();
      let cancelled = false;
      try {
        yield* task;
      } catch (e) {
        cancelled = e instanceof CancelledError;
      }
      return [cancelled, innerTask.done(), yield* innerTask];
    }
    expect(await run(loop, main())).toEqual([true, true, 'done']);
    expect(reachedEnd).toBe(false);
  });
});

describe('waitFor(): with shield()', () => {
  it('timeout 0 cancels the shield, not the task behind it', async () => {
    // cf. test_waitfor.py WaitForShieldTests.test_zero_timeout
    const { loop } = newLoop();
    function* coro(): Coroutine<string> {
      yield* sleep(0.01);
      return 'done';
    }
    function* main(): Coroutine<boolean[]> {
      const task = createTask(coro());
      const shielded = shield(task);
      let timedOut = false;
      try {
        yield* waitFor(shielded, 0);
      } catch (e) {
        timedOut = e instanceof TimeoutError;
      }
      const seen = [timedOut, task.done(), task.cancelled(), shielded.cancelled()];
      yield* sleep(0.1);
      seen.push(task.done());
      return seen;
    }
    expect(await run(loop, main())).toEqual([true, false, false, true, true]);
  });

  it('a null timeout waits for the shielded task to complete', async () => {
    // cf. test_waitfor.py WaitForShieldTests.test_none_timeout
    const { loop } = newLoop();
    function* main(): Coroutine<[boolean, string]> {
      const task = createTask(sleep(0.1, 'done'));
      yield* waitFor(shield(task), null);
      return [task.done(), yield* task];
    }
    expect(await run(loop, main())).toEqual([true, 'done']);
  });

  it('shield() keeps the task running after the timeout', async () => {
    // cf. test_waitfor.py WaitForShieldTests.test_shielded_timeout
    const { loop } = newLoop();
    function* main(): Coroutine<[boolean, boolean, boolean, string]> {
      const task = createTask(sleep(0.1, 'done'));
      let timedOut = false;
      try {
        yield* waitFor(shield(task), 0.01);
      } catch (e) {
        timedOut = e instanceof TimeoutError;
      }
      return [timedOut, task.done(), task.cancelled(), yield* task];
    }
    expect(await run(loop, main())).toEqual([true, false, false, 'done']);
  });
});

describe('waitFor(): runs a coroutine inline (3.12+)', () => {
  it('the coroutine runs in the calling task and sees its context variables', async () => {
    // cf. tasks.py wait_for: `async with timeouts.timeout(timeout): return await fut`
    const { loop } = newLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'unset' });
    function* inner(): Coroutine<[Task<unknown> | null, string]> {
      yield* sleep(0.5);
      return [currentTask(), cvar.get()];
    }
    function* main(): Coroutine<boolean> {
      cvar.set('caller');
      const [task, value] = yield* waitFor(inner(), 1);
      return task === currentTask() && value === 'caller';
    }
    expect(await run(loop, main())).toBe(true);
  });

  it('a coroutine with timeout 0 is wrapped in a task that never runs', async () => {
    // cf. tasks.py wait_for: the `timeout <= 0` branch uses ensure_future
    const { loop } = newLoop();
    let ran = false;
    function* inner(): Coroutine<void> {
      ran = true;
      yield* sleep(1);
    }
    expect(await failure(loop, () => waitFor(inner(), -5))).toBeInstanceOf(TimeoutError);
    expect(ran).toBe(false);
  });

  it('leaves cancelling() at 0 after a TimeoutError', async () => {
    // tsyncio: the timeout withdraws its own cancellation
    const { loop } = newLoop();
    function* main(): Coroutine<[string, number]> {
      let name = '';
      try {
        yield* waitFor(sleep(10), 1);
      } catch (e) {
        name = (e as Error).name;
      }
      return [name, currentTask()!.cancelling()];
    }
    expect(await run(loop, main())).toEqual(['TimeoutError', 0]);
    expect(loop.time()).toBe(1);
  });

  it('of nested waitFor calls, the one whose deadline passed raises TimeoutError', async () => {
    // tsyncio (checked against CPython 3.13): the inner deadline expires, the outer does not
    const { loop } = newLoop();
    function* main(): Coroutine<[string, number, number]> {
      try {
        yield* waitFor(waitFor(sleep(10), 1), 5);
      } catch (e) {
        return [(e as Error).name, currentTask()!.cancelling(), getRunningLoop().time()];
      }
      return ['none', 0, 0];
    }
    expect(await run(loop, main())).toEqual(['TimeoutError', 0, 1]);
  });

  it('an outer deadline cancels the inner waitFor and raises TimeoutError from the outer one', async () => {
    // tsyncio (checked against CPython 3.13)
    const { loop } = newLoop();
    let innerSaw: unknown = null;
    function* inner(): Coroutine<void> {
      try {
        yield* waitFor(sleep(10), 5);
      } catch (e) {
        innerSaw = e;
        throw e;
      }
    }
    function* main(): Coroutine<[string, number]> {
      try {
        yield* waitFor(inner(), 1);
      } catch (e) {
        return [(e as Error).name, currentTask()!.cancelling()];
      }
      return ['none', 0];
    }
    expect(await run(loop, main())).toEqual(['TimeoutError', 0]);
    expect(innerSaw).toBeInstanceOf(CancelledError);
    expect(loop.time()).toBe(1);
  });

  it('rejects a promise with a hint, and a bad timeout', async () => {
    // tsyncio: bad input gets a clear error
    const { loop } = newLoop();
    const promiseError = await failure(loop, () =>
      waitFor(Promise.resolve(1) as unknown as Awaitable<number>, 1),
    );
    expect(promiseError).toBeInstanceOf(TypeError);
    expect((promiseError as Error).message).toMatch(/fromPromise/);
    const timeoutError = await failure(loop, () => waitFor(sleep(1), '1' as unknown as number));
    expect(timeoutError).toBeInstanceOf(TypeError);
  });
});

/** test_waitfor.py's _test_cancel_wait_for: [the waiting task raised CancelledError, the task got cancelled]. */
function* cancelWhileWaiting(timeout: number | null): Coroutine<[boolean, boolean]> {
  const loop = getRunningLoop();
  function* blockingCoroutine(): Coroutine<void> {
    const fut = new Future<void>({ loop });
    yield* fut; // never set
  }
  const task = createTask(blockingCoroutine());
  const waiting = createTask(waitFor(task, timeout));
  loop.callSoon(() => {
    waiting.cancel();
  });
  let cancelled = false;
  try {
    yield* waiting;
  } catch (e) {
    cancelled = e instanceof CancelledError;
  }
  return [cancelled, task.cancelled()];
}
