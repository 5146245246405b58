import { describe, expect, it } from 'vitest';
import {
  ContextVar,
  copyContext,
  FUTURE_BRAND,
  getEventLoop,
  INSPECT,
  RuntimeError,
  setEventLoop,
} from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  Future,
  InvalidStateError,
  isFuture,
  Task,
  type Coroutine,
} from '../src/index.js';
import { iterate, rejection, runTask, thrown, virtualLoop } from './helpers.js';

describe('Future: states and results', () => {
  it('a new future is pending; cancel() makes it cancelled and done', () => {
    // cf. test_futures.py BaseFutureTests.test_initial_state
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    expect(f.done()).toBe(false);
    expect(f.cancelled()).toBe(false);
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.done()).toBe(true);
  });

  it('is bound to the running loop when created inside a task', async () => {
    // cf. test_futures.py BaseFutureTests.test_constructor_use_running_loop
    const { loop } = virtualLoop();
    setEventLoop(null);
    // wrapped in an array: a promise would adopt a returned Future (it is a thenable)
    function* main(): Coroutine<[Future<number>]> {
      return [new Future<number>()];
    }
    const [f] = await runTask(loop, main());
    expect(f.getLoop()).toBe(loop);
    f.cancel();
  });

  it('is bound to the loop set with setEventLoop() outside a running loop', () => {
    // cf. test_futures.py BaseFutureTests.test_constructor_use_global_loop
    const { loop } = virtualLoop();
    setEventLoop(loop);
    expect(new Future().getLoop()).toBe(loop);
  });

  it('is bound to the default self-running loop outside any loop', () => {
    // cf. test_futures.py BaseFutureTests.test_constructor_without_loop (tsyncio: no RuntimeError)
    setEventLoop(null);
    const f = new Future();
    expect(f.getLoop()).toBe(getEventLoop());
    expect(f.getLoop().isRunning()).toBe(true);
  });

  it('rejects a loop option that is not an event loop with a TypeError naming it', () => {
    // cf. test_futures.py BaseFutureTests.test_constructor_positional
    const error = thrown(() => new Future({ loop: 42 as never }));
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/loop option must be an EventLoop, got 42/);
  });

  it('cancel(): result() and exception() raise CancelledError, setting it again raises InvalidStateError', () => {
    // cf. test_futures.py BaseFutureTests.test_cancel
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(f.done()).toBe(true);
    expect(() => f.result()).toThrow(CancelledError);
    expect(() => f.exception()).toThrow(CancelledError);
    expect(() => f.setResult(1)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error())).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  it('setResult(): result() returns it, exception() is null, the future cannot change again', () => {
    // cf. test_futures.py BaseFutureTests.test_result
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const pending = thrown(() => f.result());
    expect(pending).toBeInstanceOf(InvalidStateError);
    expect((pending as Error).message).toBe('Result is not ready.');
    f.setResult(42);
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(true);
    expect(f.result()).toBe(42);
    expect(f.exception()).toBeNull();
    expect(() => f.setResult(1)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error())).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  it('setException(): result() throws it, exception() returns it, the future cannot change again', () => {
    // cf. test_futures.py BaseFutureTests.test_exception
    const { loop } = virtualLoop();
    const exc = new RangeError('boom');
    const f = new Future<number>({ loop });
    const pending = thrown(() => f.exception());
    expect(pending).toBeInstanceOf(InvalidStateError);
    expect((pending as Error).message).toBe('Exception is not set.');
    f.setException(exc);
    expect(f.cancelled()).toBe(false);
    expect(f.done()).toBe(true);
    expect(thrown(() => f.result())).toBe(exc);
    expect(f.exception()).toBe(exc);
    expect(() => f.setResult(1)).toThrow(InvalidStateError);
    expect(() => f.setException(new Error())).toThrow(InvalidStateError);
    expect(f.cancel()).toBe(false);
  });

  it('InvalidStateError names the state and the future', () => {
    // cf. futures.py Future.set_result: f'{self._state}: {self!r}'
    const { loop } = virtualLoop();
    const finished = new Future<number>({ loop });
    finished.setResult(42);
    expect((thrown(() => finished.setResult(1)) as Error).message).toBe('FINISHED: <Future finished result=42>');
    const cancelled = new Future<number>({ loop });
    cancelled.cancel();
    expect((thrown(() => cancelled.setException(new Error())) as Error).message).toBe(
      'CANCELLED: <Future cancelled>',
    );
  });

  it('setException() instantiates an Error class, Error itself included', () => {
    // cf. test_futures.py BaseFutureTests.test_exception_class
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    f.setException(TypeError);
    expect(f.exception()).toBeInstanceOf(TypeError);
    const g = new Future<number>({ loop });
    g.setException(Error);
    expect(g.exception()).toBeInstanceOf(Error);
    class MyError extends Error {}
    const h = new Future<number>({ loop });
    h.setException(MyError);
    expect(h.exception()).toBeInstanceOf(MyError);
  });

  it('setException() keeps any other thrown value as it is', () => {
    // JavaScript can throw anything; asyncio only takes exceptions
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    f.setException('a string');
    expect(f.exception()).toBe('a string');
    expect(thrown(() => f.result())).toBe('a string');
  });

  it('cancel(msg): the CancelledError raised by result() and exception() carries the message', () => {
    // cf. test_futures.py BaseFutureTests.test_future_cancel_message_getter
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    f.cancel('my message');
    const fromResult = thrown(() => f.result());
    expect(fromResult).toBeInstanceOf(CancelledError);
    expect((fromResult as Error).message).toBe('my message');
    expect((thrown(() => f.exception()) as Error).message).toBe('my message');
  });

  it('cancel() with no message or null gives an empty message; other values are described', () => {
    // cf. test_tasks.py BaseTaskTests.test_cancel_with_message_then_future_result (the cases)
    const { loop } = virtualLoop();
    const cases: [unknown, string][] = [
      [undefined, ''],
      [null, ''],
      ['my message', 'my message'],
      [5, '5'],
    ];
    for (const [msg, expected] of cases) {
      const f = new Future({ loop });
      f.cancel(msg);
      expect((thrown(() => f.result()) as Error).message).toBe(expected);
    }
  });

  it('result() of a cancelled future raises a new CancelledError on every call', () => {
    // cf. test_futures.py BaseFutureTests.test_future_cancelled_result_refcycles
    const { loop } = virtualLoop();
    const f = new Future({ loop });
    f.cancel('m');
    const first = thrown(() => f.result());
    const second = thrown(() => f.result());
    expect(first).toBeInstanceOf(CancelledError);
    expect(second).toBeInstanceOf(CancelledError);
    expect(second).not.toBe(first);
  });

  it('retrieving the exception or cancelling a failed future marks the exception as retrieved', () => {
    // cf. test_futures.py BaseFutureTests.test_tb_logger_exception_retrieved / _result_retrieved /
    // test_tb_logger_not_called_after_cancel (white-box: the flag the GC report checks)
    const { loop } = virtualLoop();
    const viaException = new Future({ loop });
    viaException.setException(new Error('x'));
    expect(viaException._logTraceback).toBe(true);
    viaException.exception();
    expect(viaException._logTraceback).toBe(false);
    const viaResult = new Future({ loop });
    viaResult.setException(new Error('x'));
    thrown(() => viaResult.result());
    expect(viaResult._logTraceback).toBe(false);
    const viaCancel = new Future({ loop });
    viaCancel.setException(new Error('x'));
    expect(viaCancel.cancel()).toBe(false);
    expect(viaCancel._logTraceback).toBe(false);
  });

  it('a future with a result or never done is never reported as unretrieved', () => {
    // cf. test_futures.py BaseFutureTests.test_tb_logger_abandoned / test_tb_logger_result_unretrieved
    const { loop } = virtualLoop();
    const done = new Future({ loop });
    done.setResult(42);
    expect(done._logTraceback).toBe(false);
    expect(new Future({ loop })._logTraceback).toBe(false);
  });
});

describe('Future: done callbacks', () => {
  /** A callback that appends `thing` to `bag`. */
  function appender(bag: unknown[], thing: unknown): (f: Future<unknown>) => void {
    return () => {
      bag.push(thing);
    };
  }

  it('setResult() schedules the callbacks with callSoon, in the order they were added', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    f.addDoneCallback(appender(bag, 42));
    f.addDoneCallback(appender(bag, 17));
    f.setResult('foo');
    expect(bag).toEqual([]);
    await iterate(loop);
    expect(bag).toEqual([42, 17]);
    expect(f.result()).toBe('foo');
  });

  it('setException() schedules the callbacks too', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    f.addDoneCallback(appender(bag, 100));
    const exc = new Error('boom');
    f.setException(exc);
    expect(bag).toEqual([]);
    await iterate(loop);
    expect(bag).toEqual([100]);
    expect(f.exception()).toBe(exc);
  });

  it('cancel() schedules the callbacks too', async () => {
    // cf. futures.py Future.cancel: __schedule_callbacks()
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    f.addDoneCallback(appender(bag, 'x'));
    f.cancel();
    expect(bag).toEqual([]);
    await iterate(loop);
    expect(bag).toEqual(['x']);
  });

  it('a callback added to a done future is scheduled, not called synchronously', async () => {
    // cf. ASYNCIO-REFERENCE §1.3: add_done_callback on a done future uses call_soon
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    f.setResult('foo');
    f.addDoneCallback(appender(bag, 1));
    expect(bag).toEqual([]);
    expect(loop._ready.length).toBe(1);
    await iterate(loop);
    expect(bag).toEqual([1]);
  });

  it('callbacks are queued when the future completes, between the callbacks scheduled before and after', async () => {
    // cf. futures.py Future.__schedule_callbacks (call_soon at completion time)
    const { loop } = virtualLoop();
    const order: string[] = [];
    const f = new Future<number>({ loop });
    f.addDoneCallback(() => order.push('cb1'));
    loop.callSoon(() => order.push('before'));
    f.addDoneCallback(() => order.push('cb2'));
    f.setResult(1);
    loop.callSoon(() => order.push('after'));
    await iterate(loop);
    expect(order).toEqual(['before', 'cb1', 'cb2', 'after']);
  });

  it('a callback receives the future as its only argument', async () => {
    // cf. futures.py Future.__schedule_callbacks: call_soon(callback, self)
    const { loop } = virtualLoop();
    const calls: unknown[][] = [];
    const pending = new Future<number>({ loop });
    pending.addDoneCallback((...args: unknown[]) => calls.push(args));
    pending.setResult(1);
    const done = new Future<number>({ loop });
    done.setResult(2);
    done.addDoneCallback((...args: unknown[]) => calls.push(args));
    await iterate(loop);
    expect(calls).toEqual([[pending], [done]]);
  });

  it('removeDoneCallback() returns how many registrations it removed, duplicates included', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_remove_done_callback
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    const cb1 = appender(bag, 1);
    const cb2 = appender(bag, 2);
    const cb3 = appender(bag, 3);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    expect(f.removeDoneCallback(cb2)).toBe(1);
    expect(f.removeDoneCallback(cb3)).toBe(0);
    f.addDoneCallback(cb2);
    for (let i = 0; i < 5; i++) f.addDoneCallback(cb1);
    expect(f.removeDoneCallback(cb1)).toBe(6);
    f.setResult('foo');
    await iterate(loop);
    expect(bag).toEqual([2]);
  });

  it('removing the first callback keeps the others in order', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    const cb1 = appender(bag, 42);
    f.addDoneCallback(cb1);
    f.addDoneCallback(appender(bag, 17));
    f.addDoneCallback(appender(bag, 100));
    expect(f.removeDoneCallback(cb1)).toBe(1);
    expect(f.removeDoneCallback(cb1)).toBe(0);
    f.setResult('foo');
    await iterate(loop);
    expect(bag).toEqual([17, 100]);
  });

  it('removing the first and second callbacks keeps the third', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    const cb1 = appender(bag, 42);
    const cb2 = appender(bag, 17);
    f.addDoneCallback(cb1);
    f.addDoneCallback(cb2);
    f.addDoneCallback(appender(bag, 100));
    f.removeDoneCallback(cb1);
    f.removeDoneCallback(cb2);
    f.removeDoneCallback(cb1);
    f.setResult('foo');
    await iterate(loop);
    expect(bag).toEqual([100]);
  });

  it('removing the third callback keeps the first two', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback
    const { loop } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<string>({ loop });
    const cb3 = appender(bag, 100);
    f.addDoneCallback(appender(bag, 42));
    f.addDoneCallback(appender(bag, 17));
    f.addDoneCallback(cb3);
    f.removeDoneCallback(cb3);
    f.removeDoneCallback(cb3);
    f.setResult('foo');
    await iterate(loop);
    expect(bag).toEqual([42, 17]);
  });

  it('removing a callback once the future is done does not unschedule it', async () => {
    // cf. test_futures.py BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1
    const { loop, errors } = virtualLoop();
    const bag: unknown[] = [];
    const f = new Future<number>({ loop });
    const other = appender(bag, 'other');
    f.addDoneCallback((future) => {
      bag.push('mut');
      expect(future.removeDoneCallback(other)).toBe(0);
    });
    f.addDoneCallback(other);
    f.addDoneCallback(other);
    f.setResult(1);
    await iterate(loop);
    expect(bag).toEqual(['mut', 'other', 'other']);
    expect(errors).toEqual([]);
  });

  it('a callback runs in a copy of the context current when it was added', async () => {
    // cf. test_tasks.py BaseTaskTests.test_context_2
    const { loop } = virtualLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'nope' });
    const seen: string[] = [];
    const f = new Future<number>({ loop });
    const ctx = copyContext();
    ctx.run(() => {
      cvar.set('yes');
      f.addDoneCallback(() => {
        seen.push(cvar.get());
        cvar.set('changed in the callback');
      });
      cvar.set('changed after adding');
    });
    f.setResult(1);
    await iterate(loop);
    expect(seen).toEqual(['yes']);
    expect(ctx.get(cvar)).toBe('changed after adding');
    expect(cvar.get()).toBe('nope');
  });

  it('the context option runs the callback in that very context', async () => {
    // cf. futures.py Future.add_done_callback(fn, *, context=None)
    const { loop } = virtualLoop();
    const cvar = new ContextVar<string>('cvar', { default: 'nope' });
    const ctx = copyContext();
    const f = new Future<number>({ loop });
    f.addDoneCallback(
      () => {
        cvar.set('set in the callback');
      },
      { context: ctx },
    );
    f.setResult(1);
    await iterate(loop);
    expect(ctx.get(cvar)).toBe('set in the callback');
    expect(cvar.get()).toBe('nope');
  });

  it('an exception in a callback goes to the exception handler and later callbacks still run', async () => {
    // cf. events.py Handle._run: exceptions go to call_exception_handler
    const { loop, errors } = virtualLoop();
    const bag: unknown[] = [];
    const boom = new Error('boom');
    const f = new Future<number>({ loop });
    f.addDoneCallback(() => {
      throw boom;
    });
    f.addDoneCallback(appender(bag, 'after'));
    f.setResult(1);
    await iterate(loop);
    expect(bag).toEqual(['after']);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.exception).toBe(boom);
  });

  it('addDoneCallback() rejects a non-function with a TypeError', () => {
    const { loop } = virtualLoop();
    const f = new Future({ loop });
    expect(() => f.addDoneCallback(42 as never)).toThrow(TypeError);
  });
});

describe('Future: yield* and await', () => {
  it('yield* of a pending future yields the future once, then returns its result', () => {
    // cf. test_futures.py BaseFutureTests.test_yield_from_twice
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    function* fixture(): Generator<unknown, void, unknown> {
      yield 'A';
      const x = yield* f;
      yield ['B', x];
      const y = yield* f;
      yield ['C', y];
    }
    const g = fixture();
    expect(g.next().value).toBe('A');
    expect(g.next().value).toBe(f);
    f.setResult(42);
    expect(g.next().value).toEqual(['B', 42]);
    // the second yield* of the done future does not yield it
    expect(g.next().value).toEqual(['C', 42]);
  });

  it('yield* of a failed future throws its exception into the coroutine and marks it retrieved', () => {
    // cf. futures.py Future.__await__: return self.result()
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const boom = new Error('boom');
    f.setException(boom);
    function* waiter(): Coroutine<unknown> {
      try {
        return yield* f;
      } catch (error) {
        return error;
      }
    }
    expect(waiter().next()).toEqual({ value: boom, done: true });
    expect(f._logTraceback).toBe(false);
  });

  it('yield* of a cancelled future throws a CancelledError with the message', () => {
    // cf. futures.py Future.__await__ / result()
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    f.cancel('stop');
    function* waiter(): Coroutine<unknown> {
      try {
        return yield* f;
      } catch (error) {
        return error;
      }
    }
    const error = waiter().next().value;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('stop');
  });

  it('resuming a coroutine that waits on a pending future without a task raises RuntimeError', () => {
    // cf. test_futures.py BaseFutureTests.test_iter ("await wasn't used with future")
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    function* coro(): Coroutine<number> {
      return yield* f;
    }
    const g = coro();
    expect(g.next().value).toBe(f);
    // resumed although f is still pending (and no task took it): `[...coro()]` would do this
    const error = thrown(() => g.next());
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/await wasn't used with future/);
    f.cancel();
  });

  it('the future is its own iterator; next() on a done future returns the result with done: true', () => {
    // cf. test_futures.py BaseFutureTests.test_future_stop_iteration_args
    const { loop } = virtualLoop();
    const f = new Future<[number, number]>({ loop });
    f.setResult([1, 2]);
    const iterator = f[Symbol.iterator]();
    expect(iterator).toBe(f);
    const step = iterator.next();
    expect(step.done).toBe(true);
    expect(step.value).toEqual([1, 2]);
  });

  it('throw() on the future iterator rethrows the error; return() completes', () => {
    // cf. test_futures.py BaseFutureTests.test_future_iter_throw
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const iterator = f[Symbol.iterator]();
    const boom = new Error('elephant');
    expect(thrown(() => iterator.throw(boom))).toBe(boom);
    expect(iterator.return(7)).toEqual({ value: 7, done: true });
    expect(f.done()).toBe(false);
  });

  it('await future in plain async code settles through the loop, never synchronously', async () => {
    // tsyncio: futures are thenables (DESIGN §3)
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    let settled: number | null = null;
    const waiter = (async () => {
      settled = await f;
    })();
    f.setResult(7);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(settled).toBeNull();
    expect(loop._ready.length).toBe(1);
    await iterate(loop);
    await waiter;
    expect(settled).toBe(7);
  });

  it('await of a failed future rejects with its exception and marks it retrieved', async () => {
    // tsyncio: then() retrieves the result
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const boom = new Error('boom');
    const waiting = rejection(f);
    f.setException(boom);
    await iterate(loop);
    expect(await waiting).toBe(boom);
    expect(f._logTraceback).toBe(false);
  });

  it('await of a cancelled future rejects with a CancelledError carrying the message', async () => {
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    f.cancel('bye');
    const waiting = rejection(f);
    await iterate(loop);
    const error = await waiting;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as Error).message).toBe('bye');
  });

  it('await of a done future still settles after its loop was closed', async () => {
    // plain async code may keep a finished task around after run() closed its loop
    const { loop } = virtualLoop();
    const finished = new Future<number>({ loop });
    finished.setResult(5);
    const failed = new Future<number>({ loop });
    const boom = new Error('boom');
    failed.setException(boom);
    await iterate(loop);
    loop.close();
    expect(await finished).toBe(5);
    expect(await rejection(failed)).toBe(boom);
    expect(failed._logTraceback).toBe(false);
  });

  it('then() maps the result like a promise', async () => {
    const { loop } = virtualLoop();
    const f = new Future<number>({ loop });
    const mapped = f.then((value) => value * 2);
    f.setResult(21);
    await iterate(loop);
    expect(await mapped).toBe(42);
  });
});

describe('Future: toString', () => {
  it('describes the state like asyncio: pending, cancelled, finished result / exception', () => {
    // cf. test_futures.py BaseFutureTests.test_future_repr
    const { loop } = virtualLoop();
    const pending = new Future({ loop });
    expect(String(pending)).toBe('<Future pending>');
    const cancelled = new Future({ loop });
    cancelled.cancel();
    expect(String(cancelled)).toBe('<Future cancelled>');
    const result = new Future({ loop });
    result.setResult(4);
    expect(String(result)).toBe('<Future finished result=4>');
    const text = new Future({ loop });
    text.setResult('abc');
    expect(String(text)).toBe('<Future finished result="abc">');
    const exception = new Future({ loop });
    exception.setException(new RangeError('bad'));
    expect(String(exception)).toBe('<Future finished exception=RangeError("bad")>');
    exception.exception();
  });

  it('counts the pending callbacks', () => {
    // cf. test_futures.py BaseFutureTests.test_future_repr (cb=[...])
    const { loop } = virtualLoop();
    const f = new Future({ loop });
    f.addDoneCallback(() => {});
    expect(String(f)).toBe('<Future pending callbacks=1>');
    f.addDoneCallback(() => {});
    expect(String(f)).toBe('<Future pending callbacks=2>');
    f.cancel();
    expect(String(f)).toBe('<Future cancelled>');
  });

  it('uses the subclass name and serves Node inspect', () => {
    const { loop } = virtualLoop();
    class MyFuture<T> extends Future<T> {}
    const f = new MyFuture({ loop });
    expect(String(f)).toBe('<MyFuture pending>');
    expect((f as unknown as Record<symbol, () => string>)[INSPECT]!()).toBe('<MyFuture pending>');
  });
});

describe('isFuture', () => {
  it('is true for futures and tasks, false for the class and other values', async () => {
    // cf. test_futures.py BaseFutureTests.test_isfuture
    const { loop } = virtualLoop();
    const f = new Future({ loop });
    expect(isFuture(f)).toBe(true);
    expect(isFuture(Future)).toBe(false);
    expect(isFuture(1)).toBe(false);
    expect(isFuture(null)).toBe(false);
    expect(isFuture({})).toBe(false);
    expect(isFuture(Promise.resolve())).toBe(false);
    function* coro(): Coroutine<number> {
      return 1;
    }
    const task = createTask(coro(), { loop });
    expect(isFuture(task)).toBe(true);
    await loop.runUntilComplete(task);
    f.cancel();
  });

  it('recognises a future of another installed copy by its Symbol.for brand', () => {
    // DESIGN §6: brands, not class identity
    const foreign = { [Symbol.for('tsyncio.Future')]: true };
    expect(FUTURE_BRAND).toBe(Symbol.for('tsyncio.Future'));
    expect(isFuture(foreign)).toBe(true);
    expect(foreign instanceof Future).toBe(true);
    // a subclass keeps ordinary instanceof semantics
    expect(foreign instanceof Task).toBe(false);
  });
});
