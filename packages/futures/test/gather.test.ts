import { describe, expect, it } from 'vitest';
import { EventLoop, getEventLoop, setEventLoop, VirtualClock } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  ensureFuture,
  Future,
  gather,
  sleep,
  type Awaitable,
  type Coroutine,
} from '../src/index.js';
import { awaiting, failure, future, immediate, newLoop, run, runBriefly, syncError } from './combinators-helpers.js';

/** A done-callback recorder (asyncio's `test_utils.MockCallback`). */
function recorder(): { calls: unknown[]; callback: (f: unknown) => void } {
  const calls: unknown[] = [];
  return {
    calls,
    callback: (f) => {
      calls.push(f);
    },
  };
}

/**
 * `calls` holds exactly `fut` (compared by identity: deep equality would iterate the Future, which
 * is its own iterator).
 */
function expectCalledOnceWith(calls: unknown[], fut: unknown): void {
  expect(calls).toHaveLength(1);
  expect(calls[0]).toBe(fut);
}

// GatherTestsBase runs once with the futures themselves and once with coroutines awaiting them.
const variants = [
  {
    name: 'futures',
    wrap: (futures: Future<unknown>[]): Awaitable<unknown>[] => futures,
    // one iteration runs the children's done callbacks
    iterations: 1,
  },
  {
    name: 'coroutines',
    wrap: (futures: Future<unknown>[]): Awaitable<unknown>[] => futures.map((f) => awaiting(f)),
    // the task wakes, finishes, then its done callback runs
    iterations: 3,
  },
];

for (const variant of variants) {
  describe(`gather() of ${variant.name}`, () => {
    for (const returnExceptions of [false, true]) {
      it(`collects the results in argument order once all are done (returnExceptions: ${returnExceptions})`, async () => {
        // cf. test_tasks.py GatherTestsBase.test_result_exception_success (_check_success)
        const { loop } = newLoop();
        const [a, b, c] = [future<number>(loop), future<number>(loop), future<number>(loop)];
        const fut = gather(...variant.wrap([a, b, c]), { returnExceptions });
        const cb = recorder();
        fut.addDoneCallback(cb.callback);
        b.setResult(1);
        a.setResult(2);
        await runBriefly(loop, variant.iterations);
        expect(cb.calls).toEqual([]);
        expect(fut.done()).toBe(false);
        c.setResult(3);
        await runBriefly(loop, variant.iterations + 1);
        expectCalledOnceWith(cb.calls, fut);
        expect(fut.result()).toEqual([2, 1, 3]);
      });
    }

    it('fails with the first exception at once and ignores what the others do later', async () => {
      // cf. test_tasks.py GatherTestsBase.test_one_exception
      const { loop, errors } = newLoop();
      const [a, b, c, d, e] = Array.from({ length: 5 }, () => future<number>(loop));
      const fut = gather(...variant.wrap([a!, b!, c!, d!, e!]));
      const cb = recorder();
      fut.addDoneCallback(cb.callback);
      const exc = new RangeError('division by zero');
      a!.setResult(1);
      b!.setException(exc);
      await runBriefly(loop, variant.iterations + 1);
      expect(fut.done()).toBe(true);
      expectCalledOnceWith(cb.calls, fut);
      expect(fut.exception()).toBe(exc);
      // does nothing
      c!.setResult(3);
      d!.cancel();
      e!.setException(new Error('later'));
      await runBriefly(loop, variant.iterations + 1);
      expect(fut.exception()).toBe(exc);
      expect(errors).toEqual([]);
    });

    it('with returnExceptions, puts the errors in the result list', async () => {
      // cf. test_tasks.py GatherTestsBase.test_return_exceptions
      const { loop } = newLoop();
      const [a, b, c, d] = Array.from({ length: 4 }, () => future<number>(loop));
      const fut = gather(...variant.wrap([a!, b!, c!, d!]), { returnExceptions: true });
      const cb = recorder();
      fut.addDoneCallback(cb.callback);
      const exc = new RangeError('division by zero');
      const exc2 = new Error('runtime');
      b!.setResult(1);
      c!.setException(exc);
      a!.setResult(3);
      await runBriefly(loop, variant.iterations);
      expect(fut.done()).toBe(false);
      d!.setException(exc2);
      await runBriefly(loop, variant.iterations + 1);
      expect(fut.done()).toBe(true);
      expectCalledOnceWith(cb.calls, fut);
      expect(fut.result()).toEqual([3, 1, exc, exc2]);
    });
  });
}

describe('gather(): construction', () => {
  it('with no arguments returns a done future of [] bound to the running loop', async () => {
    // cf. test_tasks.py FutureGatherTests.test_constructor_empty_sequence_use_running_loop
    const { loop } = newLoop();
    setEventLoop(null);
    const [fut] = await run(
      loop,
      (function* () {
        yield* sleep(0);
        return [gather()] as const;
      })(),
    );
    expect(fut.getLoop()).toBe(loop);
    expect(fut.done()).toBe(true);
    expect(fut.result()).toEqual([]);
  });

  it('with no arguments outside a loop uses getEventLoop()', () => {
    // cf. test_tasks.py FutureGatherTests.test_constructor_empty_sequence_use_global_loop
    const { loop } = newLoop();
    const fut = gather();
    expect(fut.getLoop()).toBe(loop);
    expect(fut.getLoop()).toBe(getEventLoop());
    expect(fut.result()).toEqual([]);
  });

  it('with only an options object returns a done future of []', () => {
    // tsyncio: gather(return_exceptions=True) with no awaitables
    newLoop();
    expect(gather({ returnExceptions: true }).result()).toEqual([]);
  });

  it('futures of different loops raise RangeError', () => {
    // cf. test_tasks.py FutureGatherTests.test_constructor_heterogenous_futures
    const { loop } = newLoop();
    const other = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    try {
      const error = syncError(() => gather(future(loop), future(other)));
      expect(error).toBeInstanceOf(RangeError);
    } finally {
      other.close();
    }
  });

  it('binds the outer future to the children loop', async () => {
    // cf. test_tasks.py FutureGatherTests.test_constructor_homogenous_futures
    const { loop } = newLoop();
    const other = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    try {
      const children = [future(other), future(other), future(other)];
      const first = gather(...children);
      expect(first.getLoop()).toBe(other);
      await runBriefly(other);
      expect(first.done()).toBe(false);
      const second = gather(...children);
      expect(second.getLoop()).toBe(other);
      await runBriefly(other);
      expect(second.done()).toBe(false);
      for (const child of children) child.cancel();
      expect(loop.isClosed()).toBe(false);
    } finally {
      other.close();
    }
  });

  it('wraps coroutines in tasks of the running loop', async () => {
    // cf. test_tasks.py CoroutineGatherTests.test_constructor_use_running_loop
    const { loop } = newLoop();
    setEventLoop(null);
    const result = await run(loop, () => gather(immediate('abc'), immediate('abc')));
    expect(result).toEqual(['abc', 'abc']);
  });

  it('wraps a duplicate argument once and repeats its result', async () => {
    // cf. test_tasks.py CoroutineGatherTests.test_duplicate_coroutines
    const { loop } = newLoop();
    let runs = 0;
    function* coro(s: string): Coroutine<string> {
      runs++;
      yield* sleep(0);
      return s;
    }
    const c = coro('abc');
    const result = await run(loop, () => gather(c, c, coro('def'), c));
    expect(result).toEqual(['abc', 'abc', 'def', 'abc']);
    expect(runs).toBe(2);
  });

  it('wraps a duplicate future once, pending or already done, and repeats its result', async () => {
    // cf. tasks.py gather(): `arg_to_fut` (futures are their own future)
    const { loop } = newLoop();
    const pending = future<string>(loop);
    const done = future<string>(loop);
    done.setResult('done');
    const task = createTask(immediate('task'), { loop });
    const fut = gather(pending, done, pending, task, done, task);
    expect(String(pending)).toBe('<Future pending callbacks=1>');
    pending.setResult('pending');
    expect(await run(loop, awaiting(fut))).toEqual(['pending', 'done', 'pending', 'task', 'done', 'task']);
  });

  it('cancelling a gather cancels a duplicated child once per occurrence', async () => {
    // cf. tasks.py _GatheringFuture.cancel: it walks the children list, duplicates included
    const { loop } = newLoop();
    const task = createTask(sleep(10), { loop });
    const fut = gather(task, task);
    await runBriefly(loop);
    expect(fut.cancel()).toBe(true);
    expect(task.cancelling()).toBe(2);
    await runBriefly(loop, 3);
    expect(fut.exception()).toBeInstanceOf(CancelledError);
  });

  it('a non-awaitable argument raises TypeError and does not break the children already started', async () => {
    // cf. test_tasks.py CoroutineGatherTests.test_issue46672
    const { loop, errors } = newLoop();
    const error = await run(
      loop,
      (function* () {
        yield* sleep(0);
        const thrown = syncError(() => gather(immediate('abc'), 42 as unknown as Awaitable<number>));
        yield* sleep(0);
        yield* sleep(0);
        return thrown;
      })(),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(errors).toEqual([]);
  });

  it('when every child is already done, the gather is done before it is returned', () => {
    // cf. tasks.py gather(): "in the special case that *all* futures finished eagerly"
    const { loop } = newLoop();
    const a = future<number>(loop);
    const b = future<string>(loop);
    a.setResult(1);
    b.setResult('two');
    const fut = gather(a, b);
    expect(fut.done()).toBe(true);
    expect(fut.result()).toEqual([1, 'two']);
  });

  it('a failed child that is already done fails the gather before it is returned', () => {
    // cf. tasks.py gather(): done children go through the done callback synchronously
    const { loop } = newLoop();
    const a = future<number>(loop);
    const b = future<number>(loop);
    const exc = new Error('boom');
    a.setException(exc);
    const fut = gather(a, b);
    expect(fut.done()).toBe(true);
    expect(fut.exception()).toBe(exc);
    b.cancel();
  });

  it('gathers many tasks in order', async () => {
    // tsyncio: the shared done callback and the result list at scale
    const { loop } = newLoop();
    function* work(i: number): Coroutine<number> {
      yield* sleep((i * 7919) % 13);
      return i * 2;
    }
    const tasks = Array.from({ length: 5000 }, (_, i) => createTask(work(i), { loop }));
    const results = await run(loop, () => gather(...tasks));
    expect(results).toHaveLength(5000);
    expect(results.every((value, i) => value === i * 2)).toBe(true);
  });
});

describe('gather(): cancellation', () => {
  it('a cancelled child fails the gather with CancelledError; the gather itself is not cancelled', async () => {
    // cf. test_tasks.py FutureGatherTests.test_one_cancellation
    const { loop } = newLoop();
    const [a, b, c, d, e] = Array.from({ length: 5 }, () => future<number>(loop));
    const fut = gather(a!, b!, c!, d!, e!);
    const cb = recorder();
    fut.addDoneCallback(cb.callback);
    a!.setResult(1);
    b!.cancel();
    await runBriefly(loop, 2);
    expect(fut.done()).toBe(true);
    expectCalledOnceWith(cb.calls, fut);
    expect(fut.cancelled()).toBe(false);
    expect(fut.exception()).toBeInstanceOf(CancelledError);
    // does nothing
    c!.setResult(3);
    d!.cancel();
    e!.setException(new Error('runtime'));
    await runBriefly(loop);
    expect(fut.exception()).toBeInstanceOf(CancelledError);
  });

  it('with returnExceptions, cancelled children appear as CancelledError in the results', async () => {
    // cf. test_tasks.py FutureGatherTests.test_result_exception_one_cancellation
    const { loop } = newLoop();
    const [a, b, c, d, e, f] = Array.from({ length: 6 }, () => future<number>(loop));
    const fut = gather(a!, b!, c!, d!, e!, f!, { returnExceptions: true });
    const cb = recorder();
    fut.addDoneCallback(cb.callback);
    a!.setResult(1);
    const zde = new RangeError('division by zero');
    b!.setException(zde);
    c!.cancel();
    await runBriefly(loop);
    expect(fut.done()).toBe(false);
    d!.setResult(3);
    e!.cancel('stop e');
    const rte = new Error('runtime');
    f!.setException(rte);
    const res = await run(loop, awaiting(fut));
    expect(res[2]).toBeInstanceOf(CancelledError);
    expect(res[4]).toBeInstanceOf(CancelledError);
    expect((res[4] as Error).message).toBe('stop e');
    expect([res[0], res[1], res[3], res[5]]).toEqual([1, zde, 3, rte]);
    expectCalledOnceWith(cb.calls, fut);
  });

  it('cancelling the task that waits on a gather cancels every child', async () => {
    // cf. test_tasks.py CoroutineGatherTests.test_cancellation_broadcast
    const { loop } = newLoop();
    let proof = 0;
    const waiter = future<undefined>(loop);
    function* inner(): Coroutine<void> {
      yield* waiter;
      proof += 1;
    }
    const child1 = ensureFuture(inner(), { loop });
    const child2 = ensureFuture(inner(), { loop });
    let gatherer: Future<unknown> | null = null;
    function* outer(): Coroutine<void> {
      gatherer = gather(child1, child2);
      yield* gatherer;
      proof += 100;
    }
    const f = createTask(outer(), { loop });
    await runBriefly(loop);
    expect(f.cancel()).toBe(true);
    const error = await failure(loop, awaiting(f));
    expect(error).toBeInstanceOf(CancelledError);
    expect(gatherer!.cancel()).toBe(false);
    expect(waiter.cancelled()).toBe(true);
    expect(child1.cancelled()).toBe(true);
    expect(child2.cancelled()).toBe(true);
    await runBriefly(loop);
    expect(proof).toBe(0);
  });

  it('cannot be cancelled once every child is done', async () => {
    // cf. test_tasks.py TaskTests.test_cancel_gather_1
    const { loop } = newLoop();
    const fut = future<number>(loop);
    function* child(): Coroutine<number> {
      return yield* fut;
    }
    // wrapped in an array: a promise would adopt a returned Future (it is a thenable)
    const [gatherTask] = await run(loop, () => immediate([ensureFuture(gather(child()))] as const));
    let cancelResult: boolean | null = null;
    fut.addDoneCallback(() => {
      cancelResult = gatherTask.cancel();
    });
    fut.setResult(42); // the callback runs once fut is done
    const result = await run(loop, awaiting(gatherTask));
    expect(cancelResult).toBe(false);
    expect(gatherTask.cancelled()).toBe(false);
    expect(result).toEqual([42]);
  });

  for (const [args, expected] of [
    [[], ''],
    [[null], ''],
    [['my message'], 'my message'],
    [[5], '5'],
  ] as const) {
    it(`cancelling the waiting task propagates CancelledError with its message, even with returnExceptions (cancel(${args.map(String).join(', ')}))`, async () => {
      // cf. test_tasks.py TaskTests.test_cancel_gather_2
      const { loop } = newLoop();
      function* test(): Coroutine<void> {
        let time = 0;
        for (;;) {
          time += 0.05;
          yield* gather(sleep(0.05), { returnExceptions: true });
          if (time > 1) return;
        }
      }
      function* main(): Coroutine<void> {
        const qwe = createTask(test());
        yield* sleep(0.2);
        qwe.cancel(...(args as unknown as [unknown?]));
        yield* qwe;
      }
      const error = await failure(loop, main());
      expect(error).toBeInstanceOf(CancelledError);
      expect((error as Error).message).toBe(expected);
    });
  }

  it('cancelling the gather itself with returnExceptions still fails it with CancelledError', async () => {
    // cf. tasks.py _GatheringFuture.cancel (bpo-32684)
    const { loop } = newLoop();
    const a = future<number>(loop);
    const b = future<number>(loop);
    const fut = gather(a, b, { returnExceptions: true });
    a.setResult(1);
    await runBriefly(loop);
    expect(fut.cancel('stop')).toBe(true);
    expect(a.cancelled()).toBe(false);
    expect(b.cancelled()).toBe(true);
    await runBriefly(loop);
    expect(fut.done()).toBe(true);
    expect(fut.cancelled()).toBe(false);
    expect(fut.exception()).toBeInstanceOf(CancelledError);
    expect((fut.exception() as Error).message).toBe('stop');
  });

  it('cancel() returns false and cancels nothing after the gather failed', async () => {
    // cf. tasks.py gather() docstring: "cancelling gather() after it has been marked done won't cancel any submitted awaitables"
    const { loop } = newLoop();
    const a = future<number>(loop);
    const b = future<number>(loop);
    const fut = gather(a, b);
    a.setException(new Error('first'));
    await runBriefly(loop);
    expect(fut.done()).toBe(true);
    expect(fut.cancel()).toBe(false);
    expect(b.cancelled()).toBe(false);
    b.cancel();
  });

  it('cancel() returns false when no child can be cancelled any more', async () => {
    // cf. tasks.py _GatheringFuture.cancel: True only if a child accepted
    const { loop } = newLoop();
    const a = future<number>(loop);
    const fut = gather(a);
    a.setResult(1); // done, but the gather's callback has not run yet
    expect(fut.cancel()).toBe(false);
    await runBriefly(loop);
    expect(fut.result()).toEqual([1]);
  });

  it('a child task cancelled by someone else makes the waiting task see CancelledError without being cancelled itself', async () => {
    // cf. tasks.py gather() docstring: "If any child is cancelled, this is treated as if it raised CancelledError"
    const { loop } = newLoop();
    function* main(): Coroutine<[string, string, boolean]> {
      const child = createTask(sleep(10, 'late'));
      const other = createTask(sleep(1, 'other'));
      getEventLoop().callLater(0.5, () => child.cancel());
      try {
        yield* gather(child, other);
      } catch (e) {
        return [(e as Error).name, yield* other, other.cancelled()];
      }
      return ['no error', '', false];
    }
    const [name, otherResult, otherCancelled] = await run(loop, main());
    expect(name).toBe('CancelledError');
    expect(otherResult).toBe('other');
    expect(otherCancelled).toBe(false);
  });
});

describe('gather(): errors', () => {
  it('a child failing after the gather failed is marked as retrieved', async () => {
    // cf. test_tasks.py CoroutineGatherTests.test_exception_marking
    const { loop } = newLoop();
    function* inner(f: Future<undefined>): Coroutine<never> {
      yield* f;
      throw new Error('should not be ignored');
    }
    const a = future<undefined>(loop);
    const b = future<undefined>(loop);
    let children: Future<unknown>[] = [];
    function* outer(): Coroutine<void> {
      const ta = createTask(inner(a));
      const tb = createTask(inner(b));
      children = [ta, tb];
      yield* gather(ta, tb);
    }
    const f = createTask(outer(), { loop });
    await runBriefly(loop);
    a.setResult(undefined);
    await runBriefly(loop, 3);
    b.setResult(undefined);
    await runBriefly(loop, 3);
    expect(f.exception()).toBeInstanceOf(Error);
    // nobody looked at the second child's error, but gather did
    expect(children[1]!.done()).toBe(true);
    expect((children[1] as unknown as { _logTraceback: boolean })._logTraceback).toBe(false);
  });

  it('the other children keep running after the first error', async () => {
    // cf. ASYNCIO-REFERENCE gather rules: children are not cancelled
    const { loop } = newLoop();
    function* main(): Coroutine<[string, boolean, string]> {
      const slow = createTask(sleep(5, 'slow'));
      function* fail(): Coroutine<never> {
        yield* sleep(1);
        throw new RangeError('bad');
      }
      try {
        yield* gather(fail(), slow);
      } catch (e) {
        return [(e as Error).message, slow.done(), yield* slow];
      }
      return ['none', false, ''];
    }
    expect(await run(loop, main())).toEqual(['bad', false, 'slow']);
    expect(loop.time()).toBe(5);
  });

  it('a waiting task can catch the error and keep going with cancelling() at 0', async () => {
    // tsyncio: a child's CancelledError is an error of the gather, not a cancellation of the waiter
    const { loop } = newLoop();
    function* main(): Coroutine<[boolean, number]> {
      const child = createTask(sleep(10));
      getEventLoop().callLater(1, () => child.cancel());
      let caught = false;
      try {
        yield* gather(child);
      } catch (e) {
        caught = e instanceof CancelledError;
      }
      yield* sleep(1);
      return [caught, createTask(sleep(0)).cancelling()];
    }
    expect(await run(loop, main())).toEqual([true, 0]);
  });
});
