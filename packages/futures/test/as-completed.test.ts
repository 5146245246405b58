import { describe, expect, it } from 'vitest';
import { getRunningLoop, setEventLoop, type EventLoop } from '@tsyncio/loop';
import {
  asCompleted,
  CancelledError,
  createTask,
  ensureFuture,
  Future,
  sleep,
  TimeoutError,
  wait,
  type Awaitable,
  type Coroutine,
} from '../src/index.js';
import { awaiting, future, newLoop, run, runBriefly, syncError } from './combinators-helpers.js';

/** The plain form: `for c in as_completed(aws): await c`. */
function* viaCoroutines<T>(aws: Iterable<Awaitable<T>>, timeout: number | null = null, values: T[] = []): Coroutine<T[]> {
  for (const next of asCompleted(aws, { timeout })) values.push(yield* next);
  return values;
}

/** The async form in a coroutine: `async for f in as_completed(aws): await f`. */
function* viaNextFuture<T>(aws: Iterable<Awaitable<T>>, timeout: number | null = null, values: T[] = []): Coroutine<T[]> {
  const completed = asCompleted(aws, { timeout });
  let f: Future<T> | undefined;
  while ((f = yield* completed.nextFuture()) !== undefined) {
    expect(f.done()).toBe(true);
    values.push(yield* f);
  }
  return values;
}

/** The async form from plain async code, while the loop runs: `for await`. */
async function viaForAwait<T>(loop: EventLoop, aws: () => Iterable<Awaitable<T>>): Promise<Future<T>[]> {
  const stopped = loop.runForever();
  const futures: Future<T>[] = [];
  try {
    for await (const f of asCompleted(aws())) futures.push(f);
  } finally {
    loop.stop();
    await stopped;
  }
  return futures;
}

const forms = [
  ['as coroutines', viaCoroutines],
  ['with nextFuture()', viaNextFuture],
] as const;

describe('asCompleted()', () => {
  for (const [name, iterate] of forms) {
    it(`yields the results in the order they finish (${name})`, async () => {
      // cf. test_tasks.py TaskTests.test_as_completed
      const { loop } = newLoop();
      const completed: string[] = [];
      function* sleeper(dt: number, x: string): Coroutine<string> {
        yield* sleep(dt);
        completed.push(x);
        return x;
      }
      const res = await run(loop, () => iterate([sleeper(0.01, 'b'), sleeper(0.15, 'c'), sleeper(0.01, 'a')]));
      expect(loop.time()).toBeCloseTo(0.15);
      expect(res.slice(0, 2).sort()).toEqual(['a', 'b']);
      expect(res[2]).toBe('c');
    });

    it(`raises TimeoutError for what is not done at the deadline (${name})`, async () => {
      // cf. test_tasks.py TaskTests.test_as_completed_with_timeout
      const { loop } = newLoop();
      const a = createTask(sleep(0.1, 'a'), { loop });
      const b = createTask(sleep(0.15, 'b'), { loop });
      function* foo(): Coroutine<unknown[]> {
        const values: unknown[] = [];
        try {
          yield* iterate<unknown>([a, b], 0.12, values);
        } catch (e) {
          values.push(e);
        }
        return values;
      }
      const res = await run(loop, foo());
      expect(res).toHaveLength(2);
      expect(res[0]).toBe('a');
      expect(res[1]).toBeInstanceOf(TimeoutError);
      expect(loop.time()).toBeCloseTo(0.12);
      // the deadline does not cancel the awaitables
      expect(b.cancelled()).toBe(false);
      expect(await run(loop, awaiting(b))).toBe('b');
    });

    it(`cancels its timer once everything is done (${name})`, async () => {
      // cf. test_tasks.py TaskTests.test_as_completed_with_unused_timeout
      const { loop } = newLoop();
      expect(await run(loop, () => iterate([sleep(0.01, 'a')], 1))).toEqual(['a']);
      // no timer left at t=1: the next sleep ends on its own time
      await run(loop, sleep(5));
      expect(loop.time()).toBeCloseTo(5.01);
    });

    it(`counts a duplicate coroutine once (${name})`, async () => {
      // cf. test_tasks.py TaskTests.test_as_completed_duplicate_coroutines
      const { loop } = newLoop();
      function* coro(s: string): Coroutine<string> {
        yield* sleep(0);
        return s;
      }
      const c = coro('ham');
      const result = await run(loop, () => iterate([c, c, coro('spam')]));
      expect(result).toHaveLength(2);
      expect(new Set(result)).toEqual(new Set(['ham', 'spam']));
    });
  }

  it('nextFuture() returns the futures and tasks given, and tasks for the coroutines', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_same_tasks_in_as_out
    const { loop } = newLoop();
    function* coro<T>(value: T): Coroutine<T> {
      yield* sleep(0);
      return value;
    }
    function* main(): Coroutine<boolean[]> {
      const coroA = coro('a');
      const taskB = createTask(coro('b'));
      const coroC = coro('c');
      const fut = future<string>(getRunningLoop());
      getRunningLoop().callLater(1, () => fut.setResult('d'));
      const inputs: unknown[] = [coroA, taskB, coroC, fut];
      const completed = asCompleted([coroA, taskB, coroC, fut]);
      const outs: Future<string>[] = [];
      let f: Future<string> | undefined;
      while ((f = yield* completed.nextFuture()) !== undefined) outs.push(f);
      return [
        outs.length === 4,
        outs.includes(taskB),
        outs.includes(fut),
        outs.every((out) => out instanceof Future),
        outs.filter((out) => inputs.includes(out)).length === 2,
      ];
    }
    expect(await run(loop, main())).toEqual([true, true, true, true, true]);
  });

  it('can be resumed after leaving a loop early', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_resume_iterator
    const { loop } = newLoop();
    function* coro(i: number): Coroutine<number> {
      yield* sleep(i);
      return i;
    }
    function* tryIterator(): Coroutine<number[]> {
      const iterator = asCompleted([coro(0), coro(1), coro(2), coro(3)]);
      const collected: number[] = [];
      for (const next of iterator) {
        collected.push(yield* next);
        if (collected.length === 2) break;
      }
      expect(collected).toHaveLength(2);
      for (const next of iterator) collected.push(yield* next);
      return collected;
    }
    function* tryNextFuture(): Coroutine<number[]> {
      const iterator = asCompleted([coro(0), coro(1), coro(2), coro(3)]);
      const collected: number[] = [];
      let f: Future<number> | undefined;
      while ((f = yield* iterator.nextFuture()) !== undefined) {
        collected.push(f.result());
        if (collected.length === 2) break;
      }
      while ((f = yield* iterator.nextFuture()) !== undefined) collected.push(f.result());
      return collected;
    }
    expect((await run(loop, tryIterator())).sort()).toEqual([0, 1, 2, 3]);
    expect((await run(loop, tryNextFuture())).sort()).toEqual([0, 1, 2, 3]);
  });

  it('the coroutines may be awaited in any order: the first one awaited gets the first result', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_reverse_wait
    const { loop } = newLoop();
    function* test(): Coroutine<void> {
      const futs = [...asCompleted([sleep(0.05, 'a'), sleep(0.1, 'b')])];
      expect(futs).toHaveLength(2);
      expect(yield* futs[1]!).toBe('a');
      expect(getRunningLoop().time()).toBeCloseTo(0.05);
      expect(yield* futs[0]!).toBe('b');
      expect(getRunningLoop().time()).toBeCloseTo(0.1);
    }
    await run(loop, test());
  });

  it('the coroutines may be awaited concurrently', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_concurrent
    const { loop } = newLoop();
    function* test(): Coroutine<Set<string>> {
      const futs = [...asCompleted([sleep(0.05, 'a'), sleep(0.05, 'b')])];
      expect(futs).toHaveLength(2);
      const [done] = yield* wait(futs.map((f) => ensureFuture(f)));
      return new Set([...done].map((f) => f.result()));
    }
    expect(await run(loop, test())).toEqual(new Set(['a', 'b']));
    expect(loop.time()).toBeCloseTo(0.05);
  });

  it('wraps coroutines in tasks of the running loop', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_coroutine_use_running_loop
    const { loop } = newLoop();
    setEventLoop(null);
    function* coro(): Coroutine<number> {
      return 42;
    }
    function* test(): Coroutine<number> {
      const futs = [...asCompleted([coro()])];
      expect(futs).toHaveLength(1);
      return yield* futs[0]!;
    }
    expect(await run(loop, test())).toBe(42);
  });

  it('a single future or coroutine instead of an iterable raises TypeError', () => {
    // cf. test_tasks.py TaskTests.test_as_completed_invalid_args
    const { loop } = newLoop();
    const fut = future(loop);
    const asIterable = (x: unknown): Iterable<Awaitable<unknown>> => x as Iterable<Awaitable<unknown>>;
    expect(syncError(() => asCompleted(asIterable(fut)))).toBeInstanceOf(TypeError);
    expect(syncError(() => asCompleted(asIterable(sleep(1))))).toBeInstanceOf(TypeError);
    expect(syncError(() => asCompleted(asIterable(42)))).toBeInstanceOf(TypeError);
    expect(syncError(() => asCompleted([fut], { timeout: Number.NaN }))).toBeInstanceOf(RangeError);
    fut.cancel();
  });

  it('every wait after the deadline raises TimeoutError, and nextFuture() then reports the end', async () => {
    // cf. tasks.py _AsCompletedIterator._handle_timeout: one marker per future still to do
    const { loop } = newLoop();
    function* main(): Coroutine<unknown[]> {
      const tasks = [createTask(sleep(5)), createTask(sleep(6)), createTask(sleep(7))];
      const completed = asCompleted(tasks, { timeout: 1 });
      const seen: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        try {
          seen.push(yield* completed.nextFuture());
        } catch (e) {
          seen.push((e as Error).name);
        }
      }
      seen.push(yield* completed.nextFuture());
      for (const task of tasks) task.cancel();
      return seen;
    }
    expect(await run(loop, main())).toEqual(['TimeoutError', 'TimeoutError', 'TimeoutError', undefined]);
    expect(loop.time()).toBe(1);
  });

  it('an error of an awaitable is raised by the coroutine, in completion order', async () => {
    // cf. tasks.py as_completed docstring: "returns the result or raises the exception"
    const { loop } = newLoop();
    function* failing(): Coroutine<string> {
      yield* sleep(1);
      throw new RangeError('bad');
    }
    function* main(): Coroutine<unknown[]> {
      const seen: unknown[] = [];
      for (const next of asCompleted([sleep(2, 'late'), failing()])) {
        try {
          seen.push(yield* next);
        } catch (e) {
          seen.push((e as Error).message);
        }
      }
      return seen;
    }
    expect(await run(loop, main())).toEqual(['bad', 'late']);
  });

  it('a result is passed on when the coroutine woken for it is cancelled before it runs', async () => {
    // cf. queues.py Queue.get: a woken getter that is cancelled wakes the next one
    const { loop } = newLoop();
    const f1 = future<number>(loop);
    const f2 = future<number>(loop);
    const [c1, c2] = [...asCompleted([f1, f2])];
    const t1 = createTask(c1!, { loop });
    const t2 = createTask(c2!, { loop });
    await runBriefly(loop);
    f1.setResult(1);
    // runs in the same iteration as the completion callback, after it woke t1's wait
    loop.callSoon(() => t1.cancel());
    await runBriefly(loop, 3);
    expect(t1.cancelled()).toBe(true);
    expect(t2.done()).toBe(true);
    expect(t2.result()).toBe(1);
    f2.setResult(2);
  });

  it('a result is not lost when a waiting coroutine is cancelled', async () => {
    // cf. queues.py Queue.get: a cancelled getter is removed from the line
    const { loop } = newLoop();
    const f1 = future<number>(loop);
    const f2 = future<number>(loop);
    const [c1, c2] = [...asCompleted([f1, f2])];
    const t1 = createTask(c1!, { loop });
    const t2 = createTask(c2!, { loop });
    await runBriefly(loop);
    t1.cancel();
    f1.setResult(1);
    await runBriefly(loop, 3);
    expect(t1.cancelled()).toBe(true);
    expect(t2.result()).toBe(1);
    f2.setResult(2);
  });

  it('for await yields the finished futures from plain async code', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed (async iterator form, outside a coroutine)
    const { loop } = newLoop();
    const a = createTask(sleep(0.2, 'a'), { loop });
    const b = createTask(sleep(0.1, 'b'), { loop });
    const futures = await viaForAwait(loop, () => [a, b]);
    expect(futures).toHaveLength(2);
    expect(futures[0]).toBe(b);
    expect(futures[1]).toBe(a);
    expect(futures.map((f) => f.result())).toEqual(['b', 'a']);
  });

  it('for await over coroutines yields the tasks created for them', async () => {
    // cf. test_tasks.py TaskTests.test_as_completed_same_tasks_in_as_out (async iterator form)
    const { loop } = newLoop();
    const futures = await viaForAwait(loop, () => [sleep(0.2, 'x'), sleep(0.1, 'y')]);
    expect(futures.map((f) => f.result())).toEqual(['y', 'x']);
  });

  it('an empty input ends at once', async () => {
    // cf. tasks.py _AsCompletedIterator: no futures, no timer
    const { loop } = newLoop();
    const completed = asCompleted<number>([], { timeout: 5 });
    expect(completed.next().done).toBe(true);
    expect(await run(loop, completed.nextFuture())).toBeUndefined();
    expect(loop.time()).toBe(0);
  });

  it('cancelling the consuming task does not cancel the awaitables', async () => {
    // cf. ASYNCIO-REFERENCE: as_completed never cancels its input
    const { loop } = newLoop();
    function* main(): Coroutine<[boolean, boolean]> {
      const task = createTask(sleep(5, 'x'));
      function* consume(): Coroutine<void> {
        for (const next of asCompleted([task])) yield* next;
      }
      const consumer = createTask(consume());
      yield* sleep(1);
      consumer.cancel();
      try {
        yield* consumer;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      return [consumer.cancelled(), task.cancelled()];
    }
    expect(await run(loop, main())).toEqual([true, false]);
  });
});
