import { describe, expect, it } from 'vitest';
import {
  _getRunningLoop,
  ContextVar,
  copyContext,
  EventLoop,
  getEventLoop,
  getRunningLoop,
  RuntimeError,
  VirtualClock,
  type ExceptionContext,
} from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  currentTask,
  Future,
  run,
  Runner,
  sleep,
  Task,
  type Coroutine,
} from '../src/index.js';
import { virtualLoopFactory, ZeroDivisionError } from './group-helpers.js';

/** A virtual-time loop factory whose loops are collected in `loops`. */
function trackingFactory(loops: EventLoop[], errors: ExceptionContext[] = []): () => EventLoop {
  const make = virtualLoopFactory({ errors });
  return () => {
    const loop = make();
    loops.push(loop);
    return loop;
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the promise to reject');
}

describe('run()', () => {
  it('returns what main returns', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_return
    const result = await run(
      function* () {
        yield* sleep(0);
        return 42;
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(result).toBe(42);
  });

  it('rejects with what main throws', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_raises
    const error = await rejection(
      run(
        function* () {
          yield* sleep(0);
          throw new RangeError('spam');
        },
        { loopFactory: virtualLoopFactory() },
      ),
    );
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe('spam');
  });

  it('accepts a coroutine as well as a function returning one', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_return (tsyncio also takes `main` uncalled)
    function* main(): Coroutine<string> {
      yield* sleep(1);
      return 'done';
    }
    expect(await run(main(), { loopFactory: virtualLoopFactory() })).toBe('done');
    expect(await run(main, { loopFactory: virtualLoopFactory() })).toBe('done');
  });

  it('rejects anything but a coroutine with TypeError', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_only_coro (3.14: TypeError; 3.13: ValueError)
    for (const bad of [1, null, 'main', () => 42, new Promise(() => {})]) {
      const error = await rejection(run(bad as never, { loopFactory: virtualLoopFactory() }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/coroutine/);
    }
  });

  it('sets debug mode on the loop when asked, and leaves it alone otherwise', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_debug
    function* debugOf(): Coroutine<boolean> {
      yield* sleep(0);
      return getRunningLoop().getDebug();
    }
    const factory = virtualLoopFactory();
    expect(await run(debugOf, { loopFactory: factory })).toBe(false);
    expect(await run(debugOf, { loopFactory: factory, debug: true })).toBe(true);
    const debugLoops = (): EventLoop => new EventLoop({ clock: new VirtualClock({ autojump: true }), debug: true });
    expect(await run(debugOf, { loopFactory: debugLoops })).toBe(true);
    expect(await run(debugOf, { loopFactory: debugLoops, debug: false })).toBe(false);
  });

  it('cannot be called from a running loop, and closes the coroutine it refused', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_from_running_loop
    let inner: Coroutine<void> | undefined;
    const outcome = await run(
      function* () {
        inner = (function* () {
          yield* sleep(0);
        })();
        try {
          // run() is async: the RuntimeError comes as a rejection, decided synchronously
          const promise = run(inner);
          yield* sleep(0);
          return yield* fromSettled(promise);
        } catch (e) {
          return e;
        }
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(outcome).toBeInstanceOf(RuntimeError);
    expect((outcome as Error).message).toMatch(/cannot be called from a running event loop/);
    expect(inner?.next().done).toBe(true);
  });

  it('cancels the tasks main leaves behind and waits for them', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_cancels_hanging_tasks
    let leftover: Task<void> | undefined;
    let cleanedUp = false;
    const result = await run(
      function* () {
        leftover = createTask(
          (function* () {
            try {
              yield* sleep(0.1);
            } finally {
              yield* sleep(1); // cleanup may wait
              cleanedUp = true;
            }
          })(),
        );
        yield* sleep(0);
        return 123;
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(result).toBe(123);
    expect(leftover?.cancelled()).toBe(true);
    expect(cleanedUp).toBe(true);
  });

  it('reports errors of the tasks left behind to the exception handler', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_reports_hanging_tasks_errors
    const errors: ExceptionContext[] = [];
    let leftover: Task<void> | undefined;
    let quiet: Task<void> | undefined;
    const result = await run(
      function* () {
        leftover = createTask(
          (function* () {
            try {
              yield* sleep(0.1);
            } catch {
              throw new ZeroDivisionError('division by zero');
            }
          })(),
        );
        quiet = createTask(sleep(10));
        yield* sleep(0);
        return 123;
      },
      { loopFactory: virtualLoopFactory({ errors }) },
    );
    expect(result).toBe(123);
    expect(leftover?.done()).toBe(true);
    expect(quiet?.cancelled()).toBe(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/unhandled exception during run\(\) shutdown/);
    expect(errors[0]?.task).toBe(leftover);
    expect(errors[0]?.exception).toBeInstanceOf(ZeroDivisionError);
  });

  it('still cancels the leftover tasks when main fails', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_closes_gens_after_hanging_tasks_errors (no async generators here)
    class FancyExit extends Error {}
    const errors: ExceptionContext[] = [];
    let lazyboy: Task<void> | undefined;
    const error = await rejection(
      run(
        function* () {
          lazyboy = createTask(
            (function* () {
              try {
                for (;;) yield* sleep(1);
              } catch {
                throw new ZeroDivisionError('division by zero');
              }
            })(),
          );
          yield* sleep(0);
          throw new FancyExit('exit');
        },
        { loopFactory: virtualLoopFactory({ errors }) },
      ),
    );
    expect(error).toBeInstanceOf(FancyExit);
    expect(lazyboy?.done()).toBe(true);
    expect(errors.map((c) => c.exception)).toEqual([lazyboy?.exception()]);
  });

  it('makes a loop of its own the current loop while it runs, and undoes it (no loopFactory)', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_set_event_loop
    const before = getEventLoop();
    let inside: EventLoop | undefined;
    await run(function* () {
      yield* sleep(0);
      inside = getRunningLoop();
    });
    expect(inside).toBeDefined();
    expect(inside?.isClosed()).toBe(true);
    expect(getEventLoop()).not.toBe(inside);
    expect(getEventLoop()).toBe(before);
  });

  it('leaves the current loop alone with a loopFactory', async () => {
    // cf. runners.py Runner._lazy_init (set_event_loop only without a loop factory)
    const before = getEventLoop();
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const loop = runner.getLoop();
    expect(getEventLoop()).toBe(before);
    expect(getEventLoop()).not.toBe(loop);
    await runner.close();
  });
});

describe('Runner', () => {
  it('leaves debug mode off when asked', async () => {
    // cf. test_runners.py RunnerTests.test_non_debug
    const runner = new Runner({ debug: false, loopFactory: virtualLoopFactory() });
    expect(runner.getLoop().getDebug()).toBe(false);
    await runner.close();
  });

  it('turns debug mode on when asked', async () => {
    // cf. test_runners.py RunnerTests.test_debug
    const runner = new Runner({ debug: true, loopFactory: virtualLoopFactory() });
    expect(runner.getLoop().getDebug()).toBe(true);
    await runner.close();
  });

  it('uses the loop its factory makes, created once on first use', async () => {
    // cf. test_runners.py RunnerTests.test_custom_factory
    const loops: EventLoop[] = [];
    const runner = new Runner({ loopFactory: trackingFactory(loops) });
    expect(loops).toHaveLength(0);
    const loop = runner.getLoop();
    expect(loops).toEqual([loop]);
    expect(runner.getLoop()).toBe(loop);
    await runner.run(sleep(0));
    expect(loops).toHaveLength(1);
    await runner.close();
  });

  it('rejects a loopFactory that is not a function', () => {
    // tsyncio only: argument validation
    expect(() => new Runner({ loopFactory: 42 as never })).toThrow(TypeError);
  });

  it('runs coroutines, then closes its loop; a closed runner says so', async () => {
    // cf. test_runners.py RunnerTests.test_run
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    expect(
      await runner.run(
        (function* () {
          yield* sleep(0);
          return 'done';
        })(),
      ),
    ).toBe('done');
    const loop = runner.getLoop();
    await runner.close();
    expect(() => runner.getLoop()).toThrow(/Runner is closed/);
    expect(loop.isClosed()).toBe(true);
  });

  it('rejects a value that is not a coroutine, a Future included, with TypeError', async () => {
    // cf. test_runners.py RunnerTests.test_run_non_coro and test_run_future
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    expect(await rejection(runner.run(123 as never))).toBeInstanceOf(TypeError);
    const future = new Future({ loop: runner.getLoop() });
    expect(await rejection(runner.run(future as never))).toBeInstanceOf(TypeError);
    await runner.close();
  });

  it('closes explicitly', async () => {
    // cf. test_runners.py RunnerTests.test_explicit_close
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const loop = runner.getLoop();
    await runner.close();
    expect(() => runner.getLoop()).toThrow(/Runner is closed/);
    expect(loop.isClosed()).toBe(true);
  });

  it('closes once: a second close() does nothing more', async () => {
    // cf. test_runners.py RunnerTests.test_double_close
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const loop = runner.getLoop();
    await runner.close();
    expect(loop.isClosed()).toBe(true);
    await runner.close();
    expect(loop.isClosed()).toBe(true);
  });

  it('closes without ever making a loop when it was never used', async () => {
    // cf. runners.py Runner.close ("if self._state is not _State.INITIALIZED: return")
    const loops: EventLoop[] = [];
    const runner = new Runner({ loopFactory: trackingFactory(loops) });
    await runner.close();
    expect(loops).toEqual([]);
  });

  it('refuses to run after close(), without starting the coroutine', async () => {
    // cf. test_runners.py RunnerTests.test_second_with_block_raises
    const ret: number[] = [];
    function* f(arg: number): Coroutine<void> {
      ret.push(arg);
      yield* sleep(0);
    }
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    await runner.run(f(1));
    await runner.close();
    const coro = f(2);
    const error = await rejection(runner.run(coro));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/Runner is closed/);
    expect(ret).toEqual([1]);
    expect(coro.next().done).toBe(true); // closed, never started
  });

  it('keeps one Context across runs', async () => {
    // cf. test_runners.py RunnerTests.test_run_keeps_context
    const cvar = new ContextVar<number>('cvar', { default: -1 });
    function* f(value: number): Coroutine<number> {
      const old = cvar.get();
      yield* sleep(0);
      cvar.set(value);
      return old;
    }
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    expect(await runner.run(f(1))).toBe(-1);
    expect(await runner.run(f(2))).toBe(1);
    const ctx = await runner.run(
      (function* () {
        yield* sleep(0);
        return copyContext();
      })(),
    );
    expect(ctx.get(cvar)).toBe(2);
    await runner.close();
  });

  it('calls a main function inside that Context', async () => {
    // tsyncio only: run(() => coro) creates the coroutine in the run's Context
    const cvar = new ContextVar<string>('who', { default: 'nobody' });
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    await runner.run(
      (function* () {
        cvar.set('ada');
        yield* sleep(0);
      })(),
    );
    let seenAtCall: string | undefined;
    await runner.run(() => {
      seenAtCall = cvar.get();
      return sleep(0);
    });
    expect(seenAtCall).toBe('ada');
    await runner.close();
  });

  it('runs main in the context given instead, when asked', async () => {
    // cf. runners.py Runner.run(coro, *, context=None)
    const cvar = new ContextVar<string>('who', { default: 'nobody' });
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const ctx = copyContext();
    await runner.run(
      (function* () {
        yield* sleep(0);
        cvar.set('grace');
      })(),
      { context: ctx },
    );
    expect(ctx.get(cvar)).toBe('grace');
    expect(await runner.run(sleep(0, cvar.get()))).toBe('nobody');
    await runner.close();
  });

  it('cannot run from inside its own loop, and closes the coroutine it refused', async () => {
    // cf. test_runners.py RunnerTests.test_recursive_run
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    let inner: Coroutine<void> | undefined;
    const outcome = await runner.run(
      (function* () {
        inner = sleep(0);
        return yield* fromSettled(runner.run(inner));
      })(),
    );
    expect(outcome).toBeInstanceOf(RuntimeError);
    expect((outcome as Error).message).toBe('Runner.run() cannot be called from a running event loop');
    expect(inner?.next().done).toBe(true);
    await runner.close();
  });

  it('refuses a second run() while one is in progress', async () => {
    // tsyncio only: run() returns a promise, so plain async code could overlap two runs
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const first = runner.run(sleep(1, 'first'));
    const error = await rejection(runner.run(sleep(0)));
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/another run\(\)/);
    expect(await first).toBe('first');
    await runner.close();
  });

  it('refuses to close while run() is in progress', async () => {
    // tsyncio only: close() would close the loop under the running main task
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const first = runner.run(sleep(1, 'first'));
    const error = await rejection(runner.close());
    expect(error).toBeInstanceOf(RuntimeError);
    expect(await first).toBe('first');
    await runner.close();
  });

  it('refuses to close from inside its loop', async () => {
    // cf. runners.py Runner.close (run_until_complete on a running loop raises)
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const error = await runner.run(
      (function* () {
        yield* sleep(0);
        return yield* fromSettled(runner.close());
      })(),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    await runner.close();
  });

  it('creates its loop and undoes setEventLoop() once over several runs', async () => {
    // cf. test_runners.py RunnerTests.test_set_event_loop_called_once
    const runner = new Runner();
    await runner.run(sleep(0));
    const loop = runner.getLoop();
    expect(getEventLoop()).toBe(loop);
    await runner.run(sleep(0));
    expect(runner.getLoop()).toBe(loop);
    expect(getEventLoop()).toBe(loop);
    await runner.close();
    expect(getEventLoop()).not.toBe(loop);
  });

  it('is closed by await using', async () => {
    // tsyncio only: Symbol.asyncDispose (asyncio: `with Runner() as runner`)
    let loop: EventLoop | undefined;
    {
      await using runner = new Runner({ loopFactory: virtualLoopFactory() });
      expect(await runner.run(sleep(0, 'inside'))).toBe('inside');
      loop = runner.getLoop();
    }
    expect(loop.isClosed()).toBe(true);
  });

  it('runs main as a task made by the loop’s task factory', async () => {
    // cf. runners.py Runner.run (self._loop.create_task(coro, context=context))
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const created: unknown[] = [];
    const loop = runner.getLoop();
    loop.setTaskFactory((l, coro, options) => {
      const task = new Task(coro, { ...options, loop: l });
      created.push(task);
      return task;
    });
    // (a Task is a thenable: returning one from run() would make the promise adopt it)
    const mainName = await runner.run(
      (function* () {
        yield* sleep(0);
        return currentTask()?.getName();
      })(),
    );
    expect(created).toHaveLength(1);
    expect((created[0] as Task<unknown>).getName()).toBe(mainName);
    await runner.close();
  });

  it('rejects when main returns a Future, which a promise cannot resolve to', async () => {
    // tsyncio only: asyncio.run() returns any object; a promise would adopt a thenable and hang
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const error = await rejection(
      runner.run(
        (function* () {
          yield* sleep(0);
          return currentTask();
        })(),
      ),
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/return its result instead/);
    await runner.close();
  });

  it('rejects with CancelledError when main is cancelled (no Ctrl-C involved)', async () => {
    // cf. runners.py Runner.run ("raise  # CancelledError")
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const error = await rejection(
      runner.run(
        (function* () {
          (currentTask() as Task<unknown>).cancel('by itself');
          yield* sleep(1);
        })(),
      ),
    );
    expect(error).toBeInstanceOf(CancelledError);
    await runner.close();
    expect(_getRunningLoop()).toBeNull();
  });
});

/** Wait, in a coroutine, for a promise to settle, and return its value or its error. */
function* fromSettled(promise: Promise<unknown>): Coroutine<unknown> {
  const loop = getRunningLoop();
  const future = new Future<unknown>({ loop });
  promise.then(
    (value) => loop.callSoonThreadsafe(() => future.setResult(value)),
    (error: unknown) => loop.callSoonThreadsafe(() => future.setResult(error)),
  );
  return yield* future;
}
