import { describe, expect, it } from 'vitest';
import { setEventLoop } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  ensureFuture,
  gather,
  shield,
  sleep,
  type Future,
  type Coroutine,
} from '../src/index.js';
import { awaiting, failure, future, immediate, newLoop, run, runBriefly, syncError } from './combinators-helpers.js';

describe('shield()', () => {
  it('settles with the result of the inner future', async () => {
    // cf. test_tasks.py TaskTests.test_shield_result
    const { loop } = newLoop();
    const inner = future<number>(loop);
    const outer = shield(inner);
    inner.setResult(42);
    expect(await run(loop, awaiting(outer))).toBe(42);
  });

  it('settles with the exception of the inner future', async () => {
    // cf. test_tasks.py TaskTests.test_shield_exception
    const { loop } = newLoop();
    const inner = future<number>(loop);
    const outer = shield(inner);
    await runBriefly(loop);
    const exc = new Error('expected');
    inner.setException(exc);
    await runBriefly(loop);
    expect(outer.exception()).toBe(exc);
  });

  it('is cancelled when the inner future is cancelled', async () => {
    // cf. test_tasks.py TaskTests.test_shield_cancel_inner
    const { loop } = newLoop();
    const inner = future<number>(loop);
    const outer = shield(inner);
    await runBriefly(loop);
    inner.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
  });

  it('cancelling the outer future leaves the inner one pending and drops the outer callbacks', async () => {
    // cf. test_tasks.py TaskTests.test_shield_cancel_outer
    const { loop } = newLoop();
    const inner = future<number>(loop);
    const outer = shield(inner);
    await runBriefly(loop);
    outer.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
    expect(inner.cancelled()).toBe(false);
    expect(String(outer)).toBe('<Future cancelled>');
    // the inner no longer relays to the outer; it only keeps its bookkeeping callback
    expect(String(inner)).toBe('<Future pending callbacks=1>');
    inner.setResult(1);
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
  });

  it('returns the inner future itself when it is already done', async () => {
    // cf. test_tasks.py TaskTests.test_shield_shortcut
    const { loop } = newLoop();
    const fut = future<number>(loop);
    fut.setResult(42);
    expect(shield(fut)).toBe(fut);
    expect(await run(loop, awaiting(shield(fut)))).toBe(42);
  });

  it('cancelling the waiting task does not affect the shielded coroutine', async () => {
    // cf. test_tasks.py TaskTests.test_shield_effect
    const { loop } = newLoop();
    let proof = 0;
    const waiter = future<undefined>(loop);
    function* inner(): Coroutine<void> {
      yield* waiter;
      proof += 1;
    }
    function* outer(): Coroutine<void> {
      yield* shield(inner());
      proof += 100;
    }
    const f = ensureFuture(outer(), { loop });
    await runBriefly(loop);
    f.cancel();
    expect(await failure(loop, awaiting(f))).toBeInstanceOf(CancelledError);
    waiter.setResult(undefined);
    await runBriefly(loop, 2);
    expect(proof).toBe(1);
  });

  it('shielding a gather: cancelling the shield leaves the gather running', async () => {
    // cf. test_tasks.py TaskTests.test_shield_gather
    const { loop } = newLoop();
    const child1 = future<number>(loop);
    const child2 = future<number>(loop);
    const parent = gather(child1, child2);
    const outer = shield(parent);
    await runBriefly(loop);
    outer.cancel();
    await runBriefly(loop);
    expect(outer.cancelled()).toBe(true);
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly(loop);
    expect(parent.result()).toEqual([1, 2]);
  });

  it('gathering shields: cancelling the gather cancels the shields, not the children', async () => {
    // cf. test_tasks.py TaskTests.test_gather_shield
    const { loop } = newLoop();
    const child1 = future<number>(loop);
    const child2 = future<number>(loop);
    const inner1 = shield(child1);
    const inner2 = shield(child2);
    const parent = gather(inner1, inner2);
    await runBriefly(loop);
    parent.cancel();
    await runBriefly(loop);
    expect(parent.exception()).toBeInstanceOf(CancelledError);
    expect(inner1.cancelled()).toBe(true);
    expect(inner2.cancelled()).toBe(true);
    expect(child1.cancelled()).toBe(false);
    child1.setResult(1);
    child2.setResult(2);
    await runBriefly(loop);
  });

  it('wraps a coroutine in a task of the running loop', async () => {
    // cf. test_tasks.py TaskTests.test_shield_coroutine_use_running_loop
    const { loop } = newLoop();
    setEventLoop(null);
    function* test(): Coroutine<[Future<number>]> {
      yield* sleep(0);
      return [shield(immediate(42))];
    }
    const [outer] = await run(loop, test());
    expect(outer.getLoop()).toBe(loop);
    expect(await run(loop, awaiting(outer))).toBe(42);
  });

  it('wraps a coroutine in a task of getEventLoop() outside a running loop', async () => {
    // cf. test_tasks.py TaskTests.test_shield_coroutine_use_global_loop
    const { loop } = newLoop();
    const outer = shield(immediate(42));
    expect(outer.getLoop()).toBe(loop);
    expect(await run(loop, awaiting(outer))).toBe(42);
  });

  it('a shielded task keeps running after the waiting task is cancelled, and can be awaited later', async () => {
    // cf. tasks.py shield docstring: "res = await shield(task)"
    const { loop } = newLoop();
    function* main(): Coroutine<[boolean, number, string]> {
      const task = createTask(sleep(5, 'saved'));
      function* waiting(): Coroutine<string> {
        return yield* shield(task);
      }
      const waiter = createTask(waiting());
      yield* sleep(1);
      waiter.cancel();
      let cancelled = false;
      try {
        yield* waiter;
      } catch (e) {
        cancelled = e instanceof CancelledError;
      }
      return [cancelled, task.cancelling(), yield* task];
    }
    expect(await run(loop, main())).toEqual([true, 0, 'saved']);
    expect(loop.time()).toBe(5);
  });

  it('catching the CancelledError around a shield ignores the cancellation completely', async () => {
    // cf. tasks.py shield docstring: "combine shield() with a try/except clause"
    const { loop } = newLoop();
    function* main(): Coroutine<string | null> {
      const task = createTask(sleep(5, 'done'));
      function* waiting(): Coroutine<string | null> {
        try {
          return yield* shield(task);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          return null;
        }
      }
      const waiter = createTask(waiting());
      yield* sleep(1);
      waiter.cancel();
      return yield* waiter;
    }
    expect(await run(loop, main())).toBeNull();
  });

  it('a non-awaitable raises TypeError', () => {
    // tsyncio: bad input gets a clear error
    newLoop();
    expect(syncError(() => shield(42 as unknown as Future<number>))).toBeInstanceOf(TypeError);
  });
});
