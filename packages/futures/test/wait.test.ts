import { describe, expect, it } from 'vitest';
import {
  ALL_COMPLETED,
  CancelledError,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  sleep,
  wait,
  type Coroutine,
  type ReturnWhen,
} from '../src/index.js';
import { awaiting, failure, future, immediate, newLoop, run, runBriefly } from './combinators-helpers.js';

/** The members of a Set (futures: compare them with toBe, since deep equality iterates them). */
function members<T>(set: Set<T>): T[] {
  return [...set];
}

/** `set` holds exactly `item`, by identity. */
function expectOnly(set: Set<unknown>, item: unknown): void {
  expect(set.size).toBe(1);
  expect(members(set)[0]).toBe(item);
}

describe('wait()', () => {
  it('waits for all the tasks by default, and returns at once when they are already done', async () => {
    // cf. test_tasks.py TaskTests.test_wait
    const { loop } = newLoop();
    const a = createTask(sleep(0.1), { loop });
    const b = createTask(sleep(0.15), { loop });
    function* foo(): Coroutine<[unknown[], unknown[]]> {
      const [done, pending] = yield* wait([b, a]);
      return [members(done), members(pending)];
    }
    const [done, pending] = await run(loop, foo());
    expect(done).toHaveLength(2);
    expect(done).toContain(a);
    expect(done).toContain(b);
    expect(pending).toHaveLength(0);
    expect(loop.time()).toBeCloseTo(0.15);
    // doing it again takes no time
    const [done2] = await run(loop, foo());
    expect(done2).toHaveLength(2);
    expect(loop.time()).toBeCloseTo(0.15);
  });

  it('counts a task given twice once', async () => {
    // cf. test_tasks.py TaskTests.test_wait_duplicate_coroutines
    const { loop } = newLoop();
    const c = createTask(immediate('test'), { loop });
    const [done, pending] = await run(loop, () => wait([c, c, createTask(immediate('spam'))]));
    expect(pending.size).toBe(0);
    expect(new Set([...done].map((f) => f.result()))).toEqual(new Set(['test', 'spam']));
  });

  it('raises RangeError for an empty input and for an invalid returnWhen', async () => {
    // cf. test_tasks.py TaskTests.test_wait_errors
    const { loop } = newLoop();
    expect(await failure(loop, () => wait(new Set<Future<void>>()))).toBeInstanceOf(RangeError);
    const task = createTask(sleep(10), { loop });
    const error = await failure(loop, () => wait([task], { returnWhen: -1 as unknown as ReturnWhen }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/returnWhen/);
    task.cancel();
  });

  it('raises TypeError for a single future or coroutine, and RangeError for an empty list', async () => {
    // cf. test_tasks.py TaskTests.test_wait_invalid_args
    const { loop } = newLoop();
    const fut = future(loop);
    const asIterable = (x: unknown): Iterable<Future<unknown>> => x as Iterable<Future<unknown>>;
    expect(await failure(loop, () => wait(asIterable(fut)))).toBeInstanceOf(TypeError);
    expect(await failure(loop, () => wait(asIterable(sleep(1))))).toBeInstanceOf(TypeError);
    expect(await failure(loop, () => wait([]))).toBeInstanceOf(RangeError);
    fut.cancel();
  });

  it('raises TypeError for coroutines in the input (3.11+)', async () => {
    // cf. test_tasks.py TaskTests.test_wait_invalid_args (coroutines forbidden since 3.11)
    const { loop } = newLoop();
    const error = await failure(loop, () => wait([sleep(1) as unknown as Future<void>]));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('Passing coroutines is forbidden, use tasks explicitly.');
  });

  it('raises TypeError for values that are not futures and for a non-iterable', async () => {
    // tsyncio: bad input gets a clear error
    const { loop } = newLoop();
    expect(await failure(loop, () => wait([42 as unknown as Future<void>]))).toBeInstanceOf(TypeError);
    expect(await failure(loop, () => wait(42 as unknown as Iterable<Future<void>>))).toBeInstanceOf(TypeError);
  });

  it('FIRST_COMPLETED returns when the first task is done', async () => {
    // cf. test_tasks.py TaskTests.test_wait_first_completed
    const { loop } = newLoop();
    const a = createTask(sleep(10), { loop });
    const b = createTask(sleep(0.1), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { returnWhen: FIRST_COMPLETED }));
    expectOnly(done, b);
    expectOnly(pending, a);
    expect(a.done()).toBe(false);
    expect(b.result()).toBeUndefined();
    expect(loop.time()).toBeCloseTo(0.1);
    a.cancel();
  });

  it('FIRST_COMPLETED reports every task that is done by then', async () => {
    // cf. test_tasks.py TaskTests.test_wait_really_done
    const { loop } = newLoop();
    function* coro1(): Coroutine<void> {
      yield* sleep(0);
    }
    function* coro2(): Coroutine<void> {
      yield* sleep(0);
      yield* sleep(0);
    }
    const a = createTask(coro1(), { loop });
    const b = createTask(coro2(), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { returnWhen: FIRST_COMPLETED }));
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
    expect(a.done() && b.done()).toBe(true);
  });

  it('FIRST_EXCEPTION returns at once when a task already failed', async () => {
    // cf. test_tasks.py TaskTests.test_wait_first_exception
    const { loop } = newLoop();
    const a = createTask(sleep(10), { loop });
    function* exc(): Coroutine<never> {
      throw new RangeError('err');
    }
    const b = createTask(exc(), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { returnWhen: FIRST_EXCEPTION }));
    expectOnly(done, b);
    expectOnly(pending, a);
    expect(loop.time()).toBe(0);
    a.cancel();
  });

  it('FIRST_EXCEPTION returns when a task fails while waiting', async () => {
    // cf. test_tasks.py TaskTests.test_wait_first_exception_in_wait
    const { loop } = newLoop();
    const a = createTask(sleep(10), { loop });
    function* exc(): Coroutine<never> {
      yield* sleep(0.01);
      throw new RangeError('err');
    }
    const b = createTask(exc(), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { returnWhen: FIRST_EXCEPTION }));
    expectOnly(done, b);
    expectOnly(pending, a);
    expect(loop.time()).toBeCloseTo(0.01);
    a.cancel();
  });

  it('FIRST_EXCEPTION ignores cancelled futures and waits for all when nothing fails', async () => {
    // cf. tasks.py _wait: `not f.cancelled() and f.exception() is not None`
    const { loop } = newLoop();
    const a = createTask(sleep(1, 'a'), { loop });
    const b = createTask(sleep(10, 'b'), { loop });
    loop.callLater(0.5, () => b.cancel());
    const [done, pending] = await run(loop, () => wait([a, b], { returnWhen: FIRST_EXCEPTION }));
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
    expect(b.cancelled()).toBe(true);
    expect(loop.time()).toBe(1);
  });

  it('ALL_COMPLETED waits for every task, failed ones included', async () => {
    // cf. test_tasks.py TaskTests.test_wait_with_exception
    const { loop } = newLoop();
    const a = createTask(sleep(0.1), { loop });
    function* sleeper(): Coroutine<never> {
      yield* sleep(0.15);
      throw new RangeError('really');
    }
    const b = createTask(sleeper(), { loop });
    function* foo(): Coroutine<number> {
      const [done, pending] = yield* wait([b, a], { returnWhen: ALL_COMPLETED });
      expect(pending.size).toBe(0);
      return [...done].filter((f) => f.exception() !== null).length;
    }
    expect(await run(loop, foo())).toBe(1);
    expect(loop.time()).toBeCloseTo(0.15);
    expect(await run(loop, foo())).toBe(1);
    expect(loop.time()).toBeCloseTo(0.15);
  });

  it('returns the unfinished tasks as pending at the timeout, without raising or cancelling', async () => {
    // cf. test_tasks.py TaskTests.test_wait_with_timeout
    const { loop } = newLoop();
    const a = createTask(sleep(0.1), { loop });
    const b = createTask(sleep(0.15), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { timeout: 0.11 }));
    expectOnly(done, a);
    expectOnly(pending, b);
    expect(b.cancelled()).toBe(false);
    expect(loop.time()).toBeCloseTo(0.11);
    await run(loop, awaiting(b));
  });

  it('a task finishing exactly at the timeout may be reported done', async () => {
    // cf. test_tasks.py TaskTests.test_wait_concurrent_complete
    const { loop } = newLoop();
    const a = createTask(sleep(0.1), { loop });
    const b = createTask(sleep(0.15), { loop });
    const [done, pending] = await run(loop, () => wait([b, a], { timeout: 0.1 }));
    expectOnly(done, a);
    expectOnly(pending, b);
    expect(loop.time()).toBeCloseTo(0.1);
    b.cancel();
  });

  it('accepts any iterable, such as an iterator', async () => {
    // cf. test_tasks.py TaskTests.test_wait_with_iterator_of_tasks
    const { loop } = newLoop();
    const a = createTask(sleep(0.1), { loop });
    const b = createTask(sleep(0.15), { loop });
    const [done, pending] = await run(loop, () => wait([b, a][Symbol.iterator]()));
    expect(done.size).toBe(2);
    expect(pending.size).toBe(0);
  });

  it('cancelling the waiting task leaves the awaited tasks running', async () => {
    // cf. test_tasks.py TaskTests.test_yield_wait_does_not_shield_cancel
    const { loop } = newLoop();
    let proof = 0;
    const waiter = future<undefined>(loop);
    function* inner(): Coroutine<void> {
      yield* waiter;
      proof += 1;
    }
    function* outer(): Coroutine<void> {
      yield* wait([createTask(inner())]);
      proof += 100;
    }
    const f = createTask(outer(), { loop });
    await runBriefly(loop);
    f.cancel();
    expect(await failure(loop, awaiting(f))).toBeInstanceOf(CancelledError);
    waiter.setResult(undefined);
    await runBriefly(loop, 2);
    expect(proof).toBe(1);
  });

  it('removes its callbacks from the futures when it returns', async () => {
    // cf. tasks.py _wait: `f.remove_done_callback(_on_completion)` in finally
    const { loop } = newLoop();
    const a = future<number>(loop);
    const b = future<number>(loop);
    loop.callLater(1, () => a.setResult(1));
    await run(loop, () => wait([a, b], { returnWhen: FIRST_COMPLETED }));
    expect(String(b)).toBe('<Future pending>');
    b.cancel();
  });

  it('cancels its timer when it returns early', async () => {
    // cf. tasks.py _wait: the timeout handle is cancelled
    const { loop } = newLoop();
    const a = createTask(sleep(1), { loop });
    await run(loop, () => wait([a], { timeout: 1000 }));
    expect(loop.time()).toBe(1);
    // nothing is left on the loop: a later sleep ends on time, not at t=1000
    await run(loop, sleep(1));
    expect(loop.time()).toBe(2);
  });

  it('a timeout that is not a number raises TypeError, NaN raises RangeError', async () => {
    // tsyncio: bad input gets a clear error
    const { loop } = newLoop();
    const a = createTask(sleep(1), { loop });
    expect(await failure(loop, () => wait([a], { timeout: '1' as unknown as number }))).toBeInstanceOf(TypeError);
    expect(await failure(loop, () => wait([a], { timeout: Number.NaN }))).toBeInstanceOf(RangeError);
    a.cancel();
  });
});
