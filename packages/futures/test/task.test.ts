import { describe, expect, it } from 'vitest';
import {
  ContextVar,
  copyContext,
  FUTURE_BRAND,
  getEventLoop,
  RuntimeError,
  setEventLoop,
  type Context,
  type EventLoop,
  type TaskFactory,
} from '@tsyncio/loop';
import {
  _swapCurrentTask,
  allTasks,
  CancelledError,
  createTask,
  currentTask,
  Future,
  InvalidStateError,
  sleep,
  Task,
  TimeoutError,
  type Coroutine,
} from '../src/index.js';
import {
  captureLogger,
  iterate,
  outcome,
  raises,
  rejection,
  returns,
  runTask,
  thrown,
  virtualLoop,
} from './helpers.js';

/** A coroutine that waits on `future` and returns its result. */
function* waitOn<T>(future: Future<T>): Coroutine<T> {
  return yield* future;
}

/**
 * A future of "another installed copy" of @tsyncio/futures: it shares only the public protocol
 * (the Symbol.for brand, asyncio's blocking flag, done callbacks with a context) and none of this
 * copy's internals, as a Future from a second copy would.
 */
class ForeignFuture<T> {
  _asyncioFutureBlocking = false;
  addDoneCallbackCalls = 0;
  private _state: 'pending' | 'result' | 'exception' | 'cancelled' = 'pending';
  private _value: unknown = undefined;
  private _callbacks: [(f: ForeignFuture<T>) => void, Context | undefined][] = [];

  constructor(private readonly _loop: EventLoop) {}

  get [FUTURE_BRAND](): true {
    return true;
  }

  getLoop(): EventLoop {
    return this._loop;
  }

  done(): boolean {
    return this._state !== 'pending';
  }

  cancelled(): boolean {
    return this._state === 'cancelled';
  }

  result(): T {
    if (this._state === 'result') return this._value as T;
    if (this._state === 'exception') throw this._value;
    if (this._state === 'cancelled') throw new CancelledError(this._value);
    throw new InvalidStateError('Result is not ready.');
  }

  setResult(value: T): void {
    this._settle('result', value);
  }

  setException(error: unknown): void {
    this._settle('exception', error);
  }

  cancel(msg?: unknown): boolean {
    if (this.done()) return false;
    this._settle('cancelled', msg);
    return true;
  }

  addDoneCallback(callback: (f: ForeignFuture<T>) => void, options?: { context?: Context }): void {
    this.addDoneCallbackCalls++;
    if (this.done()) this._schedule(callback, options?.context);
    else this._callbacks.push([callback, options?.context]);
  }

  *[Symbol.iterator](): Generator<ForeignFuture<T>, T, unknown> {
    if (!this.done()) {
      this._asyncioFutureBlocking = true;
      yield this;
    }
    return this.result();
  }

  private _schedule(callback: (f: ForeignFuture<T>) => void, context: Context | undefined): void {
    if (context === undefined) this._loop.callSoon(callback, this);
    else this._loop.callSoonInContext(context, callback, this);
  }

  private _settle(state: 'result' | 'exception' | 'cancelled', value: unknown): void {
    if (this.done()) throw new InvalidStateError('already done');
    this._state = state;
    this._value = value;
    for (const [callback, context] of this._callbacks) this._schedule(callback, context);
    this._callbacks = [];
  }
}

describe('Task: stepping', () => {
  it('runs a coroutine and its nested coroutines to completion', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_basics
    const { loop } = virtualLoop();
    function* inner1(): Coroutine<number> {
      return 42;
    }
    function* inner2(): Coroutine<number> {
      yield* sleep(0);
      return 1000;
    }
    function* outer(): Coroutine<number> {
      const a = yield* inner1();
      const b = yield* inner2();
      return a + b;
    }
    expect(await runTask(loop, outer())).toBe(1042);
  });

  it('a task is a Future bound to its loop, with the coroutine result as its result', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_class
    const { loop } = virtualLoop();
    const t = createTask(returns('ok'), { loop });
    expect(t).toBeInstanceOf(Future);
    expect(t.getLoop()).toBe(loop);
    expect(t.done()).toBe(false);
    await loop.runUntilComplete(t);
    expect(t.done()).toBe(true);
    expect(t.result()).toBe('ok');
  });

  it('does not run the coroutine before the next loop iteration', async () => {
    // cf. tasks.py Task.__init__: call_soon(self.__step)
    const { loop } = virtualLoop();
    let started = false;
    function* coro(): Coroutine<void> {
      started = true;
    }
    const t = createTask(coro(), { loop });
    expect(started).toBe(false);
    await iterate(loop);
    expect(started).toBe(true);
    expect(t.done()).toBe(true);
  });

  it('a bare yield gives up the loop for exactly one iteration', async () => {
    // cf. tasks.py Task.__step: "Bare yield relinquishes control for one event loop iteration"
    const { loop } = virtualLoop();
    const order: string[] = [];
    function* coro(): Coroutine<void> {
      order.push('t1');
      yield;
      order.push('t2');
    }
    createTask(coro(), { loop });
    loop.callSoon(() => order.push('a'));
    await iterate(loop);
    expect(order).toEqual(['t1', 'a']);
    loop.callSoon(() => order.push('b'));
    await iterate(loop);
    expect(order).toEqual(['t1', 'a', 't2', 'b']);
  });

  it('a yielded future is waited on: the task resumes once it is done, with its result', async () => {
    // cf. test_tasks.py BaseTaskTests.test_step_result_future
    const { loop } = virtualLoop();
    const fut = new Future<object>({ loop });
    let result: unknown = null;
    function* waitForFuture(): Coroutine<void> {
      result = yield* fut;
    }
    const t = createTask(waitForFuture(), { loop });
    await iterate(loop);
    expect(t._futWaiter).toBe(fut);
    await iterate(loop, 3);
    expect(t.done()).toBe(false);
    const res = {};
    fut.setResult(res);
    await iterate(loop);
    expect(result).toBe(res);
    expect(t.done()).toBe(true);
    expect(t.result()).toBeUndefined();
    expect(t._futWaiter).toBeNull();
  });

  it('a failed future throws its exception into the coroutine at the yield*', async () => {
    // cf. tasks.py Task.__wakeup
    const { loop } = virtualLoop();
    const fut = new Future<number>({ loop });
    const boom = new RangeError('boom');
    function* coro(): Coroutine<unknown> {
      try {
        yield* fut;
        return 'no error';
      } catch (error) {
        return error;
      }
    }
    const t = createTask(coro(), { loop });
    loop.callLater(1, () => {
      fut.setException(boom);
    });
    expect(await loop.runUntilComplete(t)).toBe(boom);
    expect(fut._logTraceback).toBe(false);
  });

  it('an exception the coroutine raises becomes the task exception', async () => {
    // cf. test_tasks.py BaseTaskTests.test_exception_traceback
    const { loop } = virtualLoop();
    const boom = new RangeError('1 / 0');
    const t = createTask(raises(boom), { loop });
    expect(await rejection(loop.runUntilComplete(t))).toBe(boom);
    expect(t.exception()).toBe(boom);
    expect(t.cancelled()).toBe(false);
  });

  it('`yield future` without * throws a TypeError into the coroutine that says to write yield*', async () => {
    // cf. tasks.py Task.__step: "yield was used instead of yield from"
    const { loop } = virtualLoop();
    const fut = new Future<number>({ loop });
    function* coro(): Coroutine<unknown> {
      try {
        yield fut;
        return 'no error';
      } catch (error) {
        return error;
      }
    }
    const error = await runTask(loop, coro());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/yield was used instead of yield\*/);
    expect((error as Error).message).toMatch(/write `yield\* future`/);
    fut.cancel();
  });

  it('yielding a coroutine throws a TypeError that says to write yield*', async () => {
    // cf. tasks.py Task.__step: "yield was used instead of yield from for generator"
    const { loop } = virtualLoop();
    function* coro(): Coroutine<unknown> {
      try {
        yield returns(1);
        return 'no error';
      } catch (error) {
        return error;
      }
    }
    const error = await runTask(loop, coro());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/write `yield\* coro`/);
  });

  it('yielding a promise throws a TypeError that points to fromPromise()', async () => {
    // tsyncio: a promise cannot be waited on with yield
    const { loop } = virtualLoop();
    function* coro(): Coroutine<unknown> {
      try {
        yield Promise.resolve(1);
        return 'no error';
      } catch (error) {
        return error;
      }
    }
    const error = await runTask(loop, coro());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/yield\* fromPromise\(promise\)/);
  });

  it('yielding any other value throws a TypeError naming it, on the next iteration', async () => {
    // cf. tasks.py Task.__step: "Task got bad yield"
    const { loop } = virtualLoop();
    const order: string[] = [];
    function* coro(): Coroutine<unknown> {
      try {
        order.push('yield');
        yield 42;
        return 'no error';
      } catch (error) {
        order.push('caught');
        return error;
      }
    }
    const t = createTask(coro(), { loop });
    loop.callSoon(() => order.push('other'));
    await iterate(loop);
    expect(order).toEqual(['yield', 'other']);
    await iterate(loop);
    expect(order).toEqual(['yield', 'other', 'caught']);
    const error = t.result();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/Task got bad yield 42/);
    expect((error as Error).message).toMatch(/yield\* <future, task or coroutine>/);
  });

  it('waiting on a future of another loop throws a RuntimeError into the coroutine', async () => {
    // cf. test_tasks.py BaseTaskTests.test_other_loop_future
    const { loop } = virtualLoop();
    const { loop: otherLoop } = virtualLoop();
    const fut = new Future<number>({ loop: otherLoop });
    function* coro(): Coroutine<void> {
      yield* fut;
    }
    const error = await rejection(runTask(loop, coro()));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/^Task .* got Future .* attached to a different loop$/);
  });

  it('after that RuntimeError the coroutine can wait on the same future again and gets it again', async () => {
    // the future was not taken by the task: it must not stay marked as yielded
    const { loop } = virtualLoop();
    const { loop: otherLoop } = virtualLoop();
    const fut = new Future<number>({ loop: otherLoop });
    function* coro(): Coroutine<string[]> {
      const messages: string[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          yield* fut;
        } catch (error) {
          messages.push((error as Error).message);
        }
      }
      return messages;
    }
    const messages = await runTask(loop, coro());
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).toMatch(/attached to a different loop/);
  });

  it('a task waiting on itself gets a RuntimeError', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_awaits_on_itself
    const { loop } = virtualLoop();
    function* test(): Coroutine<void> {
      yield* task;
    }
    const task: Task<void> = createTask(test(), { loop });
    const error = await rejection(loop.runUntilComplete(task));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/^Task cannot await on itself/);
  });

  it('a coroutine may return a future: it becomes the task result, not waited on', async () => {
    // cf. test_tasks.py BaseTaskTests.test_coroutine_non_gen_function_return_future
    const { loop } = virtualLoop();
    const fut = new Future<string>({ loop });
    const t1 = createTask(returns(fut), { loop });
    function* setter(): Coroutine<void> {
      fut.setResult('test');
    }
    const t2 = createTask(setter(), { loop });
    await iterate(loop, 2);
    expect(t1.result()).toBe(fut);
    expect(t2.result()).toBeUndefined();
  });

  it('waits on a Future subclass through its own addDoneCallback()', async () => {
    // cf. test_tasks.py add_subclass_tests test_subclasses_ctask_cfuture
    const { loop } = virtualLoop();
    class CountingFuture<T> extends Future<T> {
      calls = 0;
      override addDoneCallback(...args: Parameters<Future<T>['addDoneCallback']>): void {
        this.calls++;
        super.addDoneCallback(...args);
      }
    }
    const fut = new CountingFuture<string>({ loop });
    function* func(): Coroutine<string> {
      loop.callSoon(() => {
        fut.setResult('spam');
      });
      return yield* fut;
    }
    expect(await runTask(loop, func())).toBe('spam');
    expect(fut.calls).toBe(1);
  });

  it('waits on a future of another installed copy of the package', async () => {
    // DESIGN §6: a future from one copy can be awaited by a task of the other
    const { loop } = virtualLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'none' });
    const fut = new ForeignFuture<number>(loop);
    function* coro(): Coroutine<[number, string]> {
      cvar.set('task');
      const value = yield* fut as unknown as Future<number>;
      return [value, cvar.get()];
    }
    const t = createTask(coro(), { loop });
    await iterate(loop);
    expect(t._futWaiter).toBe(fut);
    expect(fut.addDoneCallbackCalls).toBe(1);
    fut.setResult(5);
    expect(await loop.runUntilComplete(t)).toEqual([5, 'task']);
  });

  it('cancelling a task that waits on a future of another copy cancels that future', async () => {
    const { loop } = virtualLoop();
    const fut = new ForeignFuture<number>(loop);
    const t = createTask(waitOn(fut as unknown as Future<number>), { loop });
    await iterate(loop);
    expect(t.cancel('stop')).toBe(true);
    expect(fut.cancelled()).toBe(true);
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(CancelledError);
    expect(t.cancelled()).toBe(true);
  });

  it('a future of another copy and of another loop throws a RuntimeError into the coroutine', async () => {
    const { loop } = virtualLoop();
    const { loop: otherLoop } = virtualLoop();
    const fut = new ForeignFuture<number>(otherLoop);
    const error = await rejection(runTask(loop, waitOn(fut as unknown as Future<number>)));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/attached to a different loop/);
  });

  it('`yield future` without * for a future of another copy also throws the TypeError', async () => {
    const { loop } = virtualLoop();
    const fut = new ForeignFuture<number>(loop);
    function* coro(): Coroutine<unknown> {
      try {
        yield fut;
      } catch (error) {
        return error;
      }
      return null;
    }
    const error = await runTask(loop, coro());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/write `yield\* future`/);
  });

  it('a step while another task is marked as running is reported to the exception handler', async () => {
    // cf. tasks.py _enter_task: "Cannot enter into task ... while another task ... is being executed"
    const { loop, errors } = virtualLoop();
    const intruder = createTask(sleep(1), { loop });
    const t = createTask(returns(1), { loop });
    await iterate(loop);
    expect(t.done()).toBe(true);
    const stuck = createTask(returns(2), { loop });
    _swapCurrentTask(loop, intruder);
    try {
      await iterate(loop);
    } finally {
      _swapCurrentTask(loop, null);
    }
    expect(stuck.done()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.exception).toBeInstanceOf(RuntimeError);
    expect((errors[0]!.exception as Error).message).toMatch(/^Cannot enter into task .* while another task/);
    expect(errors[0]!.task).toBe(stuck);
    intruder.cancel();
  });

  it('a step of a task completed from outside is reported to the exception handler', async () => {
    // cf. test_tasks.py SetMethodsTest.test_set_result_causes_invalid_state
    const { loop, errors } = virtualLoop();
    function* foo(): Coroutine<number> {
      yield* sleep(0.1);
      return 10;
    }
    const coro = foo();
    const task = createTask(coro, { loop });
    Future.prototype.setResult.call(task, 'spam');
    expect(await loop.runUntilComplete(task)).toBe('spam');
    await iterate(loop);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.exception).toBeInstanceOf(InvalidStateError);
    expect((errors[0]!.exception as Error).message).toMatch(/_step\(\): already done/);
    expect(errors[0]!.task).toBe(task);
    coro.return(0);
  });

  it('a step of a task failed from outside is reported to the exception handler', async () => {
    // cf. test_tasks.py SetMethodsTest.test_set_exception_causes_invalid_state
    const { loop, errors } = virtualLoop();
    class MyError extends Error {}
    function* foo(): Coroutine<number> {
      yield* sleep(0.1);
      return 10;
    }
    const task = createTask(foo(), { loop });
    Future.prototype.setException.call(task, new MyError());
    expect(await rejection(loop.runUntilComplete(task))).toBeInstanceOf(MyError);
    await iterate(loop);
    expect(errors).toHaveLength(1);
    expect((errors[0]!.exception as Error).message).toMatch(/_step\(\): already done/);
  });

  it('setResult() and setException() throw RuntimeError', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_set_methods
    const { loop } = virtualLoop();
    const task = createTask(returns('ko'), { loop });
    expect(() => task.setResult('ok')).toThrow(/not support setResult/);
    expect(() => task.setResult('ok')).toThrow(RuntimeError);
    expect(() => task.setException(new RangeError())).toThrow(/not support setException/);
    expect(await loop.runUntilComplete(task)).toBe('ko');
  });

  it('rejects a value that is not a coroutine with a TypeError naming it', () => {
    // cf. test_tasks.py BaseTaskTests.test_create_task_with_noncoroutine
    const { loop } = virtualLoop();
    for (let i = 0; i < 2; i++) {
      expect(() => new Task(123 as never, { loop })).toThrow(/a coroutine was expected, got 123/);
    }
    expect(() => new Task((async () => {})() as never, { loop })).toThrow(TypeError);
  });

  it('rejects a generator function with a hint to call it', () => {
    // tsyncio: createTask(main) instead of createTask(main())
    const { loop } = virtualLoop();
    function* main(): Coroutine<void> {}
    const error = thrown(() => new Task(main as never, { loop }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/createTask\(main\(\)\), not createTask\(main\)/);
  });

  it('on a closed loop throws RuntimeError and closes the coroutine', () => {
    // cf. test_tasks.py BaseTaskTests.test_error_in_call_soon
    const { loop } = virtualLoop();
    loop.close();
    function* coro(): Coroutine<number> {
      yield;
      return 1;
    }
    const gen = coro();
    expect(() => new Task(gen, { loop })).toThrow(/Event loop is closed/);
    expect(gen.next()).toEqual({ value: undefined, done: true });
    expect(allTasks(loop).size).toBe(0);
  });

  it('a task nobody references still runs to completion', async () => {
    // tsyncio differs from asyncio: the loop holds strong references to pending tasks
    const { loop } = virtualLoop();
    let finished = false;
    function* worker(): Coroutine<void> {
      yield* sleep(1);
      finished = true;
    }
    (() => {
      createTask(worker(), { loop });
    })();
    await runTask(loop, sleep(2));
    expect(finished).toBe(true);
  });

  it('await task works from plain async code', async () => {
    // tsyncio: tasks are thenables
    const { loop } = virtualLoop();
    function* coro(): Coroutine<string> {
      yield* sleep(1);
      return 'done';
    }
    const task = createTask(coro(), { loop });
    const running = loop.runUntilComplete(task);
    expect(await task).toBe('done');
    await running;
  });
});

describe('Task: cancellation', () => {
  it('cancel() before the first step: the coroutine never runs and the error carries the message', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_with_message_before_starting_task
    const { loop } = virtualLoop();
    let started = false;
    function* coro(): Coroutine<void> {
      started = true;
      yield* sleep(10);
    }
    const t = createTask(coro(), { loop });
    expect(t.cancel('my message')).toBe(true);
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('my message');
    expect(started).toBe(false);
    expect(t.cancelled()).toBe(true);
  });

  it('cancel() while the task sleeps cancels it; a second cancel() then returns false', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel
    const { loop } = virtualLoop();
    function* task(): Coroutine<number> {
      yield* sleep(10);
      return 12;
    }
    const t = createTask(task(), { loop });
    loop.callSoon(() => t.cancel());
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.done()).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t.cancel()).toBe(false);
    expect(loop.time()).toBe(0);
  });

  it('cancel() while a step is scheduled after a bare yield throws on that step', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_yield
    const { loop } = virtualLoop();
    let reached = false;
    function* task(): Coroutine<number> {
      yield* sleep(0);
      yield* sleep(0);
      reached = true;
      return 12;
    }
    const t = createTask(task(), { loop });
    await iterate(loop);
    expect(t.cancel()).toBe(true);
    expect(t._mustCancel).toBe(true);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.cancelled()).toBe(true);
    expect(t._mustCancel).toBe(false);
    expect(reached).toBe(false);
    expect(t.cancel()).toBe(false);
  });

  it('a future cancelled under the task cancels the task', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_inner_future
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const t = createTask(waitOn(f), { loop });
    await iterate(loop);
    f.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(f.cancelled()).toBe(true);
    expect(t.cancelled()).toBe(true);
  });

  it('cancelling both the task and the future it waits on cancels the task once', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_both_task_and_inner_future
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const t = createTask(waitOn(f), { loop });
    await iterate(loop);
    f.cancel();
    t.cancel();
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.done()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(t.cancelled()).toBe(true);
  });

  it('a coroutine that catches the CancelledError can return a result: the task is not cancelled', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_task_catching
    const { loop } = virtualLoop();
    const fut1 = new Future<void>({ loop });
    const fut2 = new Future<void>({ loop });
    function* task(): Coroutine<number> {
      yield* fut1;
      try {
        yield* fut2;
      } catch (error) {
        if (error instanceof CancelledError) return 42;
        throw error;
      }
      return 0;
    }
    const t = createTask(task(), { loop });
    await iterate(loop);
    expect(t._futWaiter).toBe(fut1);
    fut1.setResult();
    await iterate(loop);
    expect(t._futWaiter).toBe(fut2);
    t.cancel();
    expect(fut2.cancelled()).toBe(true);
    expect(await loop.runUntilComplete(t)).toBe(42);
    expect(t.cancelled()).toBe(false);
  });

  it('a coroutine that ignores the CancelledError keeps running and waits on the next future', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_task_ignoring
    const { loop } = virtualLoop();
    const fut1 = new Future<void>({ loop });
    const fut2 = new Future<void>({ loop });
    const fut3 = new Future<number>({ loop });
    function* task(): Coroutine<number> {
      yield* fut1;
      try {
        yield* fut2;
      } catch {
        // ignored
      }
      return yield* fut3;
    }
    const t = createTask(task(), { loop });
    await iterate(loop);
    fut1.setResult();
    await iterate(loop);
    t.cancel();
    expect(fut2.cancelled()).toBe(true);
    await iterate(loop);
    expect(t._futWaiter).toBe(fut3);
    fut3.setResult(42);
    expect(await loop.runUntilComplete(t)).toBe(42);
    expect(fut3.cancelled()).toBe(false);
    expect(t.cancelled()).toBe(false);
  });

  it('a task that cancels itself has its next wait cancelled at once', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_current_task
    const { loop } = virtualLoop();
    let mustCancelSeen = false;
    function* task(): Coroutine<number> {
      t.cancel();
      mustCancelSeen = t._mustCancel;
      yield* sleep(100);
      return 12;
    }
    const t: Task<number> = createTask(task(), { loop });
    expect(t.cancelled()).toBe(false);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(mustCancelSeen).toBe(true);
    expect(t.cancelled()).toBe(true);
    expect(t._mustCancel).toBe(false);
    expect(loop.time()).toBe(0);
    expect(t.cancel()).toBe(false);
  });

  it('a task cancelled in the step right before its coroutine returns is cancelled', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_at_end
    const { loop } = virtualLoop();
    function* task(): Coroutine<number> {
      t.cancel('at the end');
      return 12;
    }
    const t: Task<number> = createTask(task(), { loop });
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('at the end');
    expect(t.cancelled()).toBe(true);
    expect(t._mustCancel).toBe(false);
    expect(t.cancel()).toBe(false);
  });

  it('a task that cancels itself and then waits on another task cancels that task too', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_awaited_task
    const { loop } = virtualLoop();
    const fut = new Future<void>({ loop });
    let nested: Task<void> | null = null;
    function* coro(): Coroutine<void> {
      nested = createTask(waitOn(fut));
      yield* sleep(0);
      task.cancel();
      yield* nested;
    }
    const task: Task<void> = createTask(coro(), { loop });
    expect(await rejection(loop.runUntilComplete(task))).toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
    expect(nested!.cancelled()).toBe(true);
    expect(fut.cancelled()).toBe(true);
  });

  it('cancelling a task that waits on another task cancels the inner task, with the message', async () => {
    // cf. tasks.py Task.cancel: self._fut_waiter.cancel(msg=msg)
    const { loop } = virtualLoop();
    const inner = createTask(sleep(10), { loop });
    let caught: unknown = null;
    function* outer(): Coroutine<void> {
      try {
        yield* inner;
      } catch (error) {
        caught = error;
        throw error;
      }
    }
    const t = createTask(outer(), { loop });
    await iterate(loop, 2);
    expect(t._futWaiter).toBe(inner);
    expect(t.cancel('stop now')).toBe(true);
    expect(inner.cancelling()).toBe(1);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(inner.cancelled()).toBe(true);
    expect(caught).toBeInstanceOf(CancelledError);
    expect((caught as Error).message).toBe('stop now');
    expect(t.cancelled()).toBe(true);
  });

  it('an inner task that denies the cancellation is cancelled again by the next cancel()', async () => {
    // cf. tasks.py Task.cancel: "Leave self._fut_waiter; it may be a Task that catches and ignores"
    const { loop } = virtualLoop();
    function* stubborn(): Coroutine<string> {
      try {
        yield* sleep(10);
      } catch {
        currentTask()!.uncancel();
      }
      yield* sleep(10);
      return 'unreachable';
    }
    const inner = createTask(stubborn(), { loop });
    const outer = createTask(waitOn(inner), { loop });
    await iterate(loop, 2);
    outer.cancel();
    await iterate(loop, 2);
    expect(inner.done()).toBe(false);
    expect(outer.done()).toBe(false);
    expect(outer._futWaiter).toBe(inner);
    outer.cancel();
    expect(await rejection(loop.runUntilComplete(outer))).toBeInstanceOf(CancelledError);
    expect(inner.cancelled()).toBe(true);
    expect(outer.cancelling()).toBe(2);
  });

  it('cancelling an outer task passes through nested coroutines to the future they wait on', async () => {
    // cf. test_tasks.py BaseTaskTests.test_yield_future_passes_cancel
    const { loop } = virtualLoop();
    let proof = 0;
    const waiter = new Future<void>({ loop });
    function* inner(): Coroutine<void> {
      try {
        yield* waiter;
      } catch (error) {
        proof += 1;
        throw error;
      }
    }
    function* outer(): Coroutine<void> {
      try {
        yield* inner();
        proof += 10;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        proof += 100;
      }
    }
    const f = createTask(outer(), { loop });
    await iterate(loop);
    f.cancel();
    await loop.runUntilComplete(f);
    expect(proof).toBe(101);
    expect(waiter.cancelled()).toBe(true);
  });

  it('every cancel() counts: cancelling() reports the requests and toString() says cancelling', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancelling
    const { loop } = virtualLoop();
    const t = createTask(sleep(10), { loop, name: 'T' });
    expect(t.cancelling()).toBe(0);
    expect(String(t)).not.toMatch(/ cancelling /);
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(1);
    expect(String(t)).toMatch(/ cancelling /);
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(2);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
  });

  it('cancel() of a finished task returns false and marks its exception as retrieved', async () => {
    // cf. test_tasks.py BaseTaskTests.test_tb_logger_not_called_after_cancel
    const { loop } = virtualLoop();
    const ok = createTask(returns(1), { loop });
    const failed = createTask(raises(new TypeError()), { loop });
    await iterate(loop);
    expect(ok.cancel()).toBe(false);
    expect(failed._logTraceback).toBe(true);
    expect(failed.cancel()).toBe(false);
    expect(failed._logTraceback).toBe(false);
    expect(ok.cancelling()).toBe(0);
  });

  it('uncancel() withdraws a request: the coroutine may catch the error, uncancel and carry on', async () => {
    // cf. test_tasks.py BaseTaskTests.test_uncancel_basic
    const { loop } = virtualLoop();
    function* task(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        currentTask()!.uncancel();
        yield* sleep(10);
      }
    }
    const t = createTask(task(), { loop });
    await runTask(loop, sleep(0.01));
    expect(t.cancel()).toBe(true);
    expect(String(t)).toMatch(/ cancelling /);
    expect(t.cancelling()).toBe(1);
    expect(t.cancelled()).toBe(false);
    await runTask(loop, sleep(0.01));
    expect(String(t)).not.toMatch(/ cancelling /);
    expect(t.cancelling()).toBe(0);
    expect(t.cancelled()).toBe(false);
    expect(t.cancel()).toBe(true);
    expect(t.cancelling()).toBe(1);
    expect(t.cancelled()).toBe(false);
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(t.cancelled()).toBe(true);
    t.uncancel();
    expect(t.cancelled()).toBe(true);
    expect(t.done()).toBe(true);
  });

  it('uncancel() never goes below 0', () => {
    // cf. tasks.py Task.uncancel
    const { loop } = virtualLoop();
    const t = createTask(sleep(1), { loop });
    expect(t.uncancel()).toBe(0);
    t.cancel();
    t.cancel();
    expect(t.uncancel()).toBe(1);
    expect(t.uncancel()).toBe(0);
    expect(t.uncancel()).toBe(0);
  });

  it('uncancel() down to 0 withdraws a cancellation not yet delivered (3.13)', async () => {
    // cf. test_tasks.py BaseTaskTests.test_uncancel_resets_must_cancel
    const { loop } = virtualLoop();
    const fut = new Future<void>({ loop });
    function* coro(): Coroutine<number> {
      yield* fut;
      return 42;
    }
    const task = createTask(coro(), { loop });
    await iterate(loop);
    fut.setResult();
    task.cancel();
    expect(task.cancelling()).toBe(1);
    expect(task._mustCancel).toBe(true);
    task.uncancel();
    expect(task.cancelling()).toBe(0);
    expect(task._mustCancel).toBe(false);
    expect(await loop.runUntilComplete(task)).toBe(42);
  });

  it('uncancel() lets a structured block turn its own cancellation into a TimeoutError', async () => {
    // cf. test_tasks.py BaseTaskTests.test_uncancel_structured_blocks
    const { loop } = virtualLoop();
    function* makeRequestWithTimeout(seconds: number, timeoutAfter: number): Coroutine<[boolean, boolean, boolean]> {
      const task = currentTask()!;
      let timedOut = false;
      let blockFinished = false;
      const handle = task.getLoop().callLater(timeoutAfter, () => {
        timedOut = true;
        task.cancel();
      });
      try {
        let failure: unknown;
        try {
          yield* sleep(seconds);
          blockFinished = true;
        } catch (error) {
          failure = error;
          throw error;
        } finally {
          handle.cancel();
          if (timedOut && task.uncancel() === 0 && failure instanceof CancelledError) {
            // eslint-disable-next-line no-unsafe-finally
            throw new TimeoutError();
          }
        }
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
        expect(timedOut).toBe(true);
      }
      yield* sleep(0);
      return [timedOut, blockFinished, true];
    }
    const t1 = createTask(makeRequestWithTimeout(10, 0.1), { loop });
    expect(await loop.runUntilComplete(t1)).toEqual([true, false, true]);
    expect(t1.cancelling()).toBe(0);
    const t2 = createTask(makeRequestWithTimeout(0, 10), { loop });
    expect(await loop.runUntilComplete(t2)).toEqual([false, true, true]);
    expect(t2.cancelling()).toBe(0);
  });

  it('a finally block may yield* its cleanup, which runs to completion before the task is cancelled', async () => {
    // DESIGN §5: cleanup in finally may yield* (unlike libraries that cancel with return())
    const { loop } = virtualLoop();
    const steps: string[] = [];
    function* worker(): Coroutine<void> {
      try {
        yield* sleep(10);
        steps.push('slept');
      } finally {
        steps.push(`cleanup at ${loop.time()}`);
        yield* sleep(2);
        yield;
        steps.push(`cleaned up at ${loop.time()}`);
      }
    }
    const t = createTask(worker(), { loop });
    loop.callLater(1, () => t.cancel());
    expect(await rejection(loop.runUntilComplete(t))).toBeInstanceOf(CancelledError);
    expect(steps).toEqual(['cleanup at 1', 'cleaned up at 3']);
    expect(t.cancelled()).toBe(true);
  });

  it('the task is cancelled only once its coroutine ends with the CancelledError', async () => {
    // cf. ASYNCIO-REFERENCE §1.3 Task.cancel: "marked cancelled only if the coroutine ends with CancelledError"
    const { loop } = virtualLoop();
    function* worker(): Coroutine<void> {
      try {
        yield* sleep(10);
      } finally {
        yield* sleep(1);
      }
    }
    const t = createTask(worker(), { loop });
    await iterate(loop);
    t.cancel();
    expect(t.cancelled()).toBe(false);
    await iterate(loop, 2);
    expect(t.done()).toBe(false);
    expect(t.cancelled()).toBe(false);
    await rejection(loop.runUntilComplete(t));
    expect(t.cancelled()).toBe(true);
  });

  it('a coroutine that raises CancelledError itself ends cancelled', async () => {
    // cf. tasks.py Task.__step: except CancelledError → super().cancel()
    const { loop } = virtualLoop();
    const t = createTask(raises(new CancelledError('by hand')), { loop });
    const error = await rejection(loop.runUntilComplete(t));
    expect(t.cancelled()).toBe(true);
    expect((error as Error).message).toBe('by hand');
  });

  it('waiting on a cancelled task raises the very CancelledError that ended it, with the message', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_with_message_then_future_result (the saved exception)
    const { loop } = virtualLoop();
    let raisedInside: unknown = null;
    function* inner(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (error) {
        raisedInside = error;
        throw error;
      }
    }
    function* outer(): Coroutine<unknown> {
      const task = createTask(inner());
      yield* sleep(0);
      task.cancel('my message');
      try {
        yield* task;
      } catch (error) {
        return error;
      }
      return null;
    }
    const error = await runTask(loop, outer());
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('my message');
    expect(error).toBe(raisedInside);
  });

  it('result() of a cancelled task raises the saved CancelledError once, then fresh ones', async () => {
    // cf. futures.py Future._make_cancelled_error
    const { loop } = virtualLoop();
    let raisedInside: unknown = null;
    function* inner(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (error) {
        raisedInside = error;
        throw error;
      }
    }
    const t = createTask(inner(), { loop });
    await iterate(loop);
    t.cancel('msg');
    await iterate(loop);
    expect(t.cancelled()).toBe(true);
    const first = thrown(() => t.result());
    expect(first).toBe(raisedInside);
    expect((first as Error).message).toBe('msg');
    const second = thrown(() => t.exception());
    expect(second).toBeInstanceOf(CancelledError);
    expect(second).not.toBe(first);
  });

  it('a coroutine may turn its cancellation into another error, which the task then has', async () => {
    // cf. test_tasks.py BaseTaskTests.test_cancellation_exception_context / test_baseexception_during_cancel
    const { loop } = virtualLoop();
    function* coro(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (error) {
        throw new RangeError('cancelled', { cause: error });
      }
    }
    const t = createTask(coro(), { loop });
    await iterate(loop);
    t.cancel('msg');
    const error = await rejection(loop.runUntilComplete(t));
    expect(error).toBeInstanceOf(RangeError);
    expect(t.cancelled()).toBe(false);
    expect(t.exception()).toBe(error);
    const cause = (error as Error).cause;
    expect(cause).toBeInstanceOf(CancelledError);
    expect((cause as Error).message).toBe('msg');
  });

  it('a task cancelled while sleeping inside another task lets the awaiting task catch it', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_cancel_sleeping_task
    const { loop } = virtualLoop();
    function* doit(): Coroutine<string> {
      const sleeper = createTask(sleep(5000));
      loop.callLater(0.1, () => sleeper.cancel());
      try {
        yield* sleeper;
      } catch (error) {
        if (error instanceof CancelledError) return 'cancelled';
        throw error;
      }
      return 'slept in';
    }
    expect(await runTask(loop, doit())).toBe('cancelled');
    expect(loop.time()).toBeCloseTo(0.1);
  });

  it('cancelling the task cancels the future it waits on and clears the waiter', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_cancel_waiter_future
    const { loop } = virtualLoop();
    const fut = new Future<void>({ loop });
    const task = createTask(waitOn(fut), { loop });
    await iterate(loop);
    expect(task._futWaiter).toBe(fut);
    task.cancel();
    await iterate(loop);
    expect(await rejection(loop.runUntilComplete(task))).toBeInstanceOf(CancelledError);
    expect(task._futWaiter).toBeNull();
    expect(fut.cancelled()).toBe(true);
  });
});

describe('Task: signal', () => {
  it('is created on first use only', () => {
    const { loop } = virtualLoop();
    const t = createTask(sleep(1), { loop });
    expect(t._abort).toBeNull();
    const signal = t.signal;
    expect(signal.aborted).toBe(false);
    expect(t.signal).toBe(signal);
    t.cancel();
  });

  it('is aborted at once by cancel(), with the CancelledError carrying the message as reason', () => {
    const { loop } = virtualLoop();
    const t = createTask(sleep(1), { loop });
    const signal = t.signal;
    const reasons: unknown[] = [];
    signal.addEventListener('abort', () => reasons.push(signal.reason));
    t.cancel('stop');
    expect(signal.aborted).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(signal.reason).toBeInstanceOf(CancelledError);
    expect((signal.reason as Error).message).toBe('stop');
    t.cancel('again');
    expect(reasons).toHaveLength(1);
  });

  it('is already aborted when first used after cancel(), pending or cancelled', async () => {
    const { loop } = virtualLoop();
    const pending = createTask(sleep(1), { loop });
    pending.cancel('early');
    expect(pending.signal.aborted).toBe(true);
    expect((pending.signal.reason as Error).message).toBe('early');
    const done = createTask(sleep(1), { loop });
    done.cancel('late');
    await rejection(loop.runUntilComplete(done));
    expect(done.signal.aborted).toBe(true);
    expect(done.signal.reason).toBeInstanceOf(CancelledError);
    await rejection(loop.runUntilComplete(pending));
  });

  it('made after cancel() of a task waiting on a future, carries the message of that cancel()', async () => {
    const { loop } = virtualLoop();
    const fut = new Future<void>({ loop });
    const t = createTask(waitOn(fut), { loop });
    await iterate(loop);
    expect(t._futWaiter).toBe(fut);
    t.cancel('while waiting');
    expect(t.signal.aborted).toBe(true);
    expect((t.signal.reason as Error).message).toBe('while waiting');
    await rejection(loop.runUntilComplete(t));
  });

  it('is not aborted for a task that finished normally, and the task drops it when done', async () => {
    const { loop } = virtualLoop();
    function* coro(): Coroutine<boolean> {
      yield* sleep(1);
      return currentTask()!.signal.aborted;
    }
    const t = createTask(coro(), { loop });
    const signal = t.signal;
    expect(await loop.runUntilComplete(t)).toBe(false);
    expect(signal.aborted).toBe(false);
    expect(t._abort).toBeNull();
    expect(t.signal.aborted).toBe(false);
  });

  it('is aborted when the coroutine ends with a CancelledError of its own', async () => {
    const { loop } = virtualLoop();
    const fut = new Future<void>({ loop });
    const t = createTask(waitOn(fut), { loop });
    const signal = t.signal;
    await iterate(loop);
    fut.cancel('inner message');
    const error = await rejection(loop.runUntilComplete(t));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledError);
    expect((signal.reason as Error).message).toBe('inner message');
    expect(signal.reason).toBe(error);
  });
});

describe('Task: names and toString', () => {
  it('default names are "Task-<n>", unique and increasing', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_repr_autogenerated
    const { loop } = virtualLoop();
    const t1 = createTask(returns(123), { loop });
    const t2 = createTask(returns(123), { loop });
    const n1 = /^Task-(\d+)$/.exec(t1.getName());
    const n2 = /^Task-(\d+)$/.exec(t2.getName());
    expect(n1).not.toBeNull();
    expect(n2).not.toBeNull();
    expect(Number(n1![1])).toBeLessThan(Number(n2![1]));
    expect(String(t1)).not.toBe(String(t2));
    await iterate(loop);
  });

  it('the name option and setName() convert what they get to a string', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_set_name_pylong / test_task_repr_name_not_str
    const { loop } = virtualLoop();
    const t = createTask(returns(1), { loop, name: 987654321 as never });
    expect(t.getName()).toBe('987654321');
    t.setName(123456789 as never);
    expect(t.getName()).toBe('123456789');
    t.setName('renamed');
    expect(t.getName()).toBe('renamed');
    await iterate(loop);
  });

  it('toString() shows the state, the name, what the task waits on and the outcome', async () => {
    // cf. test_tasks.py BaseTaskTests.test_task_repr / test_task_repr_wait_for
    const { loop } = virtualLoop();
    const fut = new Future<string>({ loop });
    const t = createTask(waitOn(fut), { loop, name: 'TestTask' });
    expect(String(t)).toBe('<Task pending name="TestTask">');
    await iterate(loop);
    expect(String(t)).toBe('<Task pending name="TestTask" waiting=<Future pending callbacks=1>>');
    fut.setResult('abc');
    await iterate(loop);
    expect(String(t)).toBe('<Task finished name="TestTask" result="abc">');
    const c = createTask(sleep(1), { loop, name: 'C' });
    c.cancel();
    expect(String(c)).toBe('<Task cancelling name="C">');
    await rejection(loop.runUntilComplete(c));
    expect(String(c)).toBe('<Task cancelled name="C">');
    const e = createTask(raises(new RangeError('bad')), { loop, name: 'E' });
    await rejection(loop.runUntilComplete(e));
    expect(String(e)).toBe('<Task finished name="E" exception=RangeError("bad")>');
  });
});

describe('Task: coroutine, context and stack', () => {
  it('getCoro() returns the coroutine, also once the task is done', async () => {
    // cf. test_tasks.py BaseTaskTests.test_get_coro
    const { loop } = virtualLoop();
    const coro = returns(1);
    const task = createTask(coro, { loop });
    await loop.runUntilComplete(task);
    expect(task.getCoro()).toBe(coro);
  });

  it('getContext() returns the context given', async () => {
    // cf. test_tasks.py BaseTaskTests.test_get_context
    const { loop } = virtualLoop();
    const context = copyContext();
    const task = createTask(returns(1), { loop, context });
    await loop.runUntilComplete(task);
    expect(task.getContext()).toBe(context);
  });

  it('a context variable set in a task leaks neither to its parent nor to its subtask', async () => {
    // cf. test_tasks.py BaseTaskTests.test_context_1
    const { loop } = virtualLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'nope' });
    function* sub(): Coroutine<string> {
      yield* sleep(0.01);
      const seen = cvar.get();
      cvar.set('something else');
      return seen;
    }
    function* main(): Coroutine<[string, string, string]> {
      const before = cvar.get();
      const subtask = createTask(sub());
      cvar.set('yes');
      const inSub = yield* subtask;
      return [before, inSub, cvar.get()];
    }
    expect(await runTask(loop, main())).toEqual(['nope', 'nope', 'yes']);
    expect(cvar.get()).toBe('nope');
  });

  it('a task copies the context current at its creation', async () => {
    // cf. tasks.py Task.__init__: self._context = contextvars.copy_context()
    const { loop } = virtualLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'nope' });
    const ctx = copyContext();
    const task = ctx.run(() => {
      cvar.set('at creation');
      const created = createTask(
        (function* (): Coroutine<string> {
          yield* sleep(0);
          return cvar.get();
        })(),
        { loop },
      );
      cvar.set('after creation');
      return created;
    });
    expect(await loop.runUntilComplete(task)).toBe('at creation');
    expect(task.getContext()).not.toBe(ctx);
  });

  it('tasks running in parallel each keep their own value of a context variable', async () => {
    // cf. test_tasks.py BaseTaskTests.test_context_3
    const { loop } = virtualLoop();
    const cvar = new ContextVar<number>('cvar', { default: -1 });
    const mismatches: string[] = [];
    function* sub(num: number): Coroutine<void> {
      for (let i = 0; i < 10; i++) {
        cvar.set(num + i);
        yield* sleep(((num * 7 + i * 13) % 50) / 1000 + 0.001);
        if (cvar.get() !== num + i) mismatches.push(`${num}:${i}`);
      }
    }
    function* main(): Coroutine<void> {
      const tasks = [];
      for (let i = 0; i < 30; i++) tasks.push(createTask(sub(i % 11)));
      for (const task of tasks) yield* task;
    }
    await runTask(loop, main());
    expect(mismatches).toEqual([]);
    expect(cvar.get()).toBe(-1);
  });

  it('tasks given the same context option share it: their changes land in that context', async () => {
    // cf. test_tasks.py BaseTaskTests.test_context_4 / test_context_5
    const { loop } = virtualLoop();
    const cvar = new ContextVar<number | undefined>('cvar');
    function* coro(val: number): Coroutine<void> {
      yield* sleep(0);
      cvar.set(val);
    }
    function* main(): Coroutine<(number | undefined)[]> {
      const ret: (number | undefined)[] = [];
      const ctx = copyContext();
      ret.push(ctx.get(cvar));
      yield* createTask(coro(1), { context: ctx });
      ret.push(ctx.get(cvar));
      yield* new Task(coro(2), { context: ctx });
      ret.push(ctx.get(cvar));
      return ret;
    }
    expect(await runTask(loop, main())).toEqual([undefined, 1, 2]);
  });

  it('getStack() is empty outside debug mode and lists frames in debug mode, up to limit', async () => {
    // cf. test_tasks.py BaseTaskTests.test_get_stack (best effort: where the task was created)
    const { loop } = virtualLoop();
    const plain = createTask(returns(1), { loop });
    expect(plain.getStack()).toEqual([]);
    loop.setDebug(true);
    const debug = createTask(returns(1), { loop });
    const frames = debug.getStack();
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(typeof frame).toBe('string');
    expect(debug.getStack({ limit: 1 })).toEqual(frames.slice(0, 1));
    expect(debug.getStack({ limit: 0 })).toEqual([]);
    await iterate(loop);
  });
});

describe('Task: eager start', () => {
  it('eagerStart inside a running loop runs the coroutine synchronously up to its end', async () => {
    // cf. test_tasks.py BaseTaskTests.test_eager_start_true
    const { loop } = virtualLoop();
    function* main(): Coroutine<void> {
      const parent = currentTask();
      let name: string | null = null;
      function* asyncfn(): Coroutine<number> {
        name = currentTask()!.getName();
        return 5;
      }
      const t = new Task(asyncfn(), { eagerStart: true, name: 'example' });
      expect(t.done()).toBe(true);
      expect(name).toBe('example');
      expect(currentTask()).toBe(parent);
      expect(t.getCoro()).toBeNull();
      expect(yield* t).toBe(5);
    }
    await runTask(loop, main());
  });

  it('eagerStart false schedules the first step as usual', async () => {
    // cf. test_tasks.py BaseTaskTests.test_eager_start_false
    const { loop } = virtualLoop();
    function* main(): Coroutine<void> {
      let name: string | null = null;
      function* asyncfn(): Coroutine<void> {
        name = currentTask()!.getName();
      }
      const t = new Task(asyncfn(), { eagerStart: false, name: 'example' });
      expect(t.done()).toBe(false);
      expect(name).toBeNull();
      yield* t;
      expect(name).toBe('example');
    }
    await runTask(loop, main());
  });

  it('an eager task that suspends is pending, listed by allTasks(), and finishes later', async () => {
    // cf. tasks.py Task.__eager_start
    const { loop } = virtualLoop();
    function* main(): Coroutine<void> {
      const steps: string[] = [];
      function* asyncfn(): Coroutine<string> {
        steps.push('first');
        yield* sleep(1);
        steps.push('second');
        return 'done';
      }
      const t = createTask(asyncfn(), { eagerStart: true });
      expect(steps).toEqual(['first']);
      expect(t.done()).toBe(false);
      expect(allTasks().has(t)).toBe(true);
      expect(yield* t).toBe('done');
      expect(steps).toEqual(['first', 'second']);
    }
    await runTask(loop, main());
  });

  it('eagerStart on a loop that is not running schedules the task as usual', async () => {
    const { loop } = virtualLoop();
    let started = false;
    function* coro(): Coroutine<void> {
      started = true;
    }
    const t = createTask(coro(), { loop, eagerStart: true });
    expect(started).toBe(false);
    await loop.runUntilComplete(t);
    expect(started).toBe(true);
  });
});

describe('Task: debug mode reports swallowed cancellations', () => {
  it('warns, naming the task, when it catches its CancelledError and returns without uncancel()', async () => {
    // ASYNCIO-REFERENCE §4 item 2
    const { loop } = virtualLoop({ debug: true });
    const log = captureLogger();
    function* swallower(): Coroutine<string> {
      try {
        yield* sleep(10);
      } catch {
        // swallowed
      }
      return 'carried on';
    }
    const t = createTask(swallower(), { loop, name: 'swallower' });
    await iterate(loop);
    t.cancel();
    expect(await loop.runUntilComplete(t)).toBe('carried on');
    const warnings = log.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/name="swallower"/);
    expect(warnings[0]!.message).toMatch(/swallowed a cancellation/);
  });

  it('warns when the task is still running a while after it swallowed its cancellation', async () => {
    const { loop } = virtualLoop({ debug: true });
    const log = captureLogger();
    function* swallower(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch {
        // swallowed
      }
      yield* sleep(5);
    }
    const t = createTask(swallower(), { loop, name: 'runner' });
    await iterate(loop);
    t.cancel();
    await runTask(loop, sleep(2));
    const warnings = log.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/name="runner"/);
    expect(warnings[0]!.message).toMatch(/still running/);
    await loop.runUntilComplete(t);
    expect(log.filter((entry) => entry.level === 'warn')).toHaveLength(1);
  });

  it('does not warn when the task re-raises after a yield* cleanup', async () => {
    const { loop } = virtualLoop({ debug: true });
    const log = captureLogger();
    function* cleaner(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch (error) {
        yield* sleep(0.5);
        throw error;
      }
    }
    const t = createTask(cleaner(), { loop });
    await iterate(loop);
    t.cancel();
    await rejection(loop.runUntilComplete(t));
    await runTask(loop, sleep(5));
    expect(log.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it('does not warn when the task calls uncancel()', async () => {
    const { loop } = virtualLoop({ debug: true });
    const log = captureLogger();
    function* denier(): Coroutine<string> {
      try {
        yield* sleep(10);
      } catch {
        currentTask()!.uncancel();
      }
      yield* sleep(3);
      return 'ok';
    }
    const t = createTask(denier(), { loop });
    await iterate(loop);
    t.cancel();
    expect(await loop.runUntilComplete(t)).toBe('ok');
    expect(log.filter((entry) => entry.level === 'warn')).toEqual([]);
  });

  it('does not warn outside debug mode', async () => {
    const { loop } = virtualLoop();
    const log = captureLogger();
    function* swallower(): Coroutine<void> {
      try {
        yield* sleep(10);
      } catch {
        // swallowed
      }
      yield* sleep(5);
    }
    const t = createTask(swallower(), { loop });
    await iterate(loop);
    t.cancel();
    await loop.runUntilComplete(t);
    expect(log).toEqual([]);
  });
});

describe('createTask', () => {
  it('outside any loop uses the default self-running loop: plain await works', async () => {
    // tsyncio: DESIGN §4, zero-ceremony use from plain async code
    setEventLoop(null);
    function* work(): Coroutine<string> {
      yield* sleep(0);
      yield;
      return 'from the default loop';
    }
    const task = createTask(work());
    expect(task.getLoop()).toBe(getEventLoop());
    expect(await task).toBe('from the default loop');
  });

  it('inside a task uses the running loop and takes a name', async () => {
    // cf. test_tasks.py BaseTaskTests.test_bare_create_task / test_bare_create_named_task
    const { loop } = virtualLoop();
    setEventLoop(null);
    function* coro(): Coroutine<[number, string, EventLoop]> {
      const task = createTask(returns(1), { name: 'No-op' });
      const value = yield* task;
      return [value, task.getName(), task.getLoop()];
    }
    expect(await runTask(loop, coro())).toEqual([1, 'No-op', loop]);
  });

  it('uses the loop task factory, passing the options, and applies the name', async () => {
    // cf. base_events.py BaseEventLoop.create_task with a task factory
    const { loop } = virtualLoop();
    const calls: unknown[] = [];
    const factory: TaskFactory = (factoryLoop, coro, options) => {
      calls.push(options);
      return new Task(coro, { loop: factoryLoop });
    };
    loop.setTaskFactory(factory);
    const context = copyContext();
    const task = createTask(returns('made'), { loop, name: 'named', context });
    expect(task).toBeInstanceOf(Task);
    expect(task.getName()).toBe('named');
    expect(calls).toEqual([{ name: 'named', context }]);
    expect(await loop.runUntilComplete(task)).toBe('made');
  });

  it('throws a TypeError with a hint for a generator function, with or without a task factory', () => {
    const { loop } = virtualLoop();
    function* main(): Coroutine<void> {}
    expect(() => createTask(main as never, { loop })).toThrow(/createTask\(main\(\)\), not createTask\(main\)/);
    loop.setTaskFactory((factoryLoop, coro) => new Task(coro, { loop: factoryLoop }));
    expect(() => createTask(main as never, { loop })).toThrow(/createTask\(main\(\)\), not createTask\(main\)/);
    expect(() => createTask(42 as never, { loop })).toThrow(TypeError);
  });

  it('the loop option picks the loop', async () => {
    const { loop } = virtualLoop();
    const { loop: other } = virtualLoop();
    const task = createTask(returns(1), { loop: other });
    expect(task.getLoop()).toBe(other);
    expect(allTasks(loop).size).toBe(0);
    expect(allTasks(other).has(task)).toBe(true);
    expect(await outcome(other.runUntilComplete(task))).toEqual({ ok: true, value: 1 });
  });
});
