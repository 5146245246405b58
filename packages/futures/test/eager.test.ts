import { describe, expect, it } from 'vitest';
import { ContextVar, EventLoop, getRunningLoop, VirtualClock } from '@tsyncio/loop';
import {
  allTasks,
  asyncWith,
  CancelledError,
  createEagerTaskFactory,
  createTask,
  currentTask,
  eagerTaskFactory,
  ExceptionGroup,
  Future,
  sleep,
  Task,
  TaskGroup,
  type Coroutine,
  type TaskOptions,
} from '../src/index.js';
import { MyExc, runVirtual } from './group-helpers.js';

const eager = { eager: true };

function me(): Task<unknown> {
  return currentTask() as Task<unknown>;
}

describe('eagerTaskFactory', () => {
  it('is the loop’s task factory once set, and makes Tasks', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_eager_task_factory_set
    await runVirtual(function* () {
      const loop = getRunningLoop();
      expect(loop.getTaskFactory()).toBe(eagerTaskFactory);
      const t = createTask((function* () {})());
      expect(t).toBeInstanceOf(Task);
      yield* t;
    }, eager);
  });

  it('lets the eager step complete a future the caller then waits on', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_await_future_during_eager_step
    const result = await runVirtual(function* () {
      const fut = new Future<string>({ loop: getRunningLoop() });
      const t = createTask(
        (function* () {
          fut.setResult('my message');
        })(),
      );
      expect(t.done()).toBe(true); // the eager step completed the task
      return yield* fut;
    }, eager);
    expect(result).toBe('my message');
  });

  it('finishes a task that never waits inside createTask(), without going through the loop', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_eager_completion
    const result = await runVirtual(function* () {
      const loop = getRunningLoop();
      const readyBefore = loop._ready.length;
      const t = createTask(
        (function* () {
          return 'hello';
        })(),
      );
      expect(t.done()).toBe(true);
      expect(loop._ready.length).toBe(readyBefore); // nothing was scheduled for it
      expect(allTasks()).not.toContain(t);
      return yield* t;
    }, eager);
    expect(result).toBe('hello');
  });

  it('runs a task that waits up to its first suspension, then on the loop', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_block_after_eager_step
    const result = await runVirtual(function* () {
      const t = createTask(
        (function* () {
          yield* sleep(0.1);
          return 'finished after blocking';
        })(),
      );
      expect(t.done()).toBe(false);
      const value = yield* t;
      expect(t.done()).toBe(true);
      return value;
    }, eager);
    expect(result).toBe('finished after blocking');
  });

  it('cannot cancel a task that finished eagerly', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_cancellation_after_eager_completion
    const result = await runVirtual(function* () {
      const t = createTask(
        (function* () {
          return 'finished without blocking';
        })(),
      );
      expect(t.cancel()).toBe(false);
      const value = yield* t;
      expect(t.cancelled()).toBe(false);
      return value;
    }, eager);
    expect(result).toBe('finished without blocking');
  });

  it('cancels a task suspended after its eager step, with the message', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_cancellation_after_eager_step_blocks
    const outcome = await runVirtual(function* () {
      const t = createTask(
        (function* () {
          yield* sleep(0.1);
          return 'finished after blocking';
        })(),
      );
      t.cancel('cancellation message');
      expect(t.cancelling()).toBeGreaterThan(0);
      try {
        yield* t;
        return null;
      } catch (e) {
        return e;
      }
    }, eager);
    expect(outcome).toBeInstanceOf(CancelledError);
    expect((outcome as Error).message).toBe('cancellation message');
  });

  it('makes the new task the current task during its eager step, and restores the caller after', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_current_task
    await runVirtual(function* () {
      const parent = me();
      let captured: Task<unknown> | null = null;
      const t = createTask(
        (function* () {
          captured = currentTask();
          yield* sleep(0.1);
          expect(currentTask()).toBe(captured);
        })(),
      );
      expect(captured).toBe(t);
      expect(currentTask()).toBe(parent);
      yield* t;
    }, eager);
  });

  it('lists a task finishing eagerly among allTasks() only while it runs', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_all_tasks_with_eager_completion
    await runVirtual(function* () {
      let captured: Set<Task<unknown>> | undefined;
      const t = createTask(
        (function* () {
          captured = allTasks();
        })(),
      );
      expect(captured).toContain(t);
      expect(allTasks()).not.toContain(t);
      yield* sleep(0);
    }, eager);
  });

  it('lists a pending eager task among allTasks() until it finishes', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_all_tasks_with_blocking
    await runVirtual(function* () {
      const loop = getRunningLoop();
      const fut1 = new Future<void>({ loop });
      const fut2 = new Future<void>({ loop });
      let captured: Set<Task<unknown>> | undefined;
      const t = createTask(
        (function* () {
          captured = allTasks();
          yield* fut1;
          fut2.setResult(undefined);
        })(),
      );
      expect(captured).toContain(t);
      expect(allTasks()).toContain(t);
      fut1.setResult(undefined);
      yield* fut2;
      yield* sleep(0);
      expect(allTasks()).not.toContain(t);
    }, eager);
  });

  it('runs the eager step in a copy of the caller’s context', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_context_vars
    await runVirtual(function* () {
      const cv = new ContextVar<number>('cv', { default: 0 });
      let firstStep = false;
      let secondStep = false;
      cv.set(1);
      const t = createTask(
        (function* () {
          expect(cv.get()).toBe(1);
          cv.set(2);
          firstStep = true;
          yield* sleep(0.1);
          expect(cv.get()).toBe(2);
          cv.set(3);
          secondStep = true;
        })(),
      );
      expect(firstStep).toBe(true);
      expect(secondStep).toBe(false);
      expect(cv.get()).toBe(1);
      yield* t;
      expect(secondStep).toBe(true);
      expect(cv.get()).toBe(1);
    }, eager);
  });

  it('starts a task lazily when createTask() says eagerStart: false (3.14)', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests.test_eager_start_false
    await runVirtual(function* () {
      let name: string | undefined;
      const t = createTask(
        (function* () {
          name = me().getName();
        })(),
        { eagerStart: false, name: 'example' },
      );
      expect(t.done()).toBe(false);
      expect(name).toBeUndefined();
      yield* t;
      expect(name).toBe('example');
    }, eager);
  });

  it('gives the task its name before the eager step', async () => {
    // cf. test_eager_task_factory.py CEagerTaskFactoryLoopTests.test_name
    await runVirtual(function* () {
      let name: string | undefined;
      const t = createTask(
        (function* () {
          name = me().getName();
        })(),
        { name: 'test name' },
      );
      expect(name).toBe('test name');
      yield* t;
    }, eager);
  });

  it('drops the coroutine of a task that finished eagerly', async () => {
    // cf. test_eager_task_factory.py CEagerTaskFactoryLoopTests.test_issue122332
    await runVirtual(function* () {
      const t = createTask((function* () {})());
      yield* t;
      expect(t.getCoro()).toBeNull();
    }, eager);
  });

  it('changes the order: the child’s first step runs before the code after createTask()', async () => {
    // cf. ASYNCIO-REFERENCE §1.3 (eager tasks change ordering; tests must cover this)
    async function order(withEager: boolean): Promise<string[]> {
      const seen: string[] = [];
      await runVirtual(
        function* () {
          seen.push('before');
          const t = createTask(
            (function* () {
              seen.push('child step 1');
              yield* sleep(0);
              seen.push('child step 2');
            })(),
          );
          seen.push('after');
          yield* t;
        },
        { eager: withEager },
      );
      return seen;
    }
    expect(await order(true)).toEqual(['before', 'child step 1', 'after', 'child step 2']);
    expect(await order(false)).toEqual(['before', 'after', 'child step 1', 'child step 2']);
  });

  it('starts lazily when the loop is not running', () => {
    // cf. tasks.py Task.__init__ (eager_start only with a running loop)
    const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    loop.setTaskFactory(eagerTaskFactory);
    let started = false;
    const t = createTask(
      (function* () {
        started = true;
      })(),
      { loop },
    );
    expect(started).toBe(false);
    expect(t.done()).toBe(false);
    loop.close();
  });

  it('reports an eager child that fails at once to its TaskGroup through a done callback (gh-128550)', async () => {
    // cf. taskgroups.py create_task ("Always schedule the done callback even if the task is already done")
    await runVirtual(function* () {
      let afterCreate = false;
      let bodyCancelled = false;
      let child: Task<void> | undefined;
      let caught: unknown;
      try {
        yield* asyncWith(new TaskGroup(), function* (tg) {
          child = tg.createTask(
            (function* () {
              throw new MyExc('at once');
            })(),
          );
          expect(child.done()).toBe(true);
          expect(tg._tasks.has(child)).toBe(true);
          // the group learns of the failure only from the done callback, on the loop: the body goes on
          expect(me().cancelling()).toBe(0);
          afterCreate = true;
          try {
            yield* sleep(1);
          } catch (e) {
            bodyCancelled = e instanceof CancelledError;
            throw e;
          }
        });
      } catch (e) {
        caught = e;
      }
      expect(afterCreate).toBe(true);
      expect(bodyCancelled).toBe(true);
      expect(caught).toBeInstanceOf(ExceptionGroup);
      expect((caught as ExceptionGroup).exceptions).toEqual([child?.exception()]);
      expect(me().cancelling()).toBe(0);
    }, eager);
  });
});

describe('createEagerTaskFactory', () => {
  it('makes tasks of the class given, started eagerly', async () => {
    // cf. test_eager_task_factory.py EagerTaskFactoryLoopTests (Task = the class under test)
    class CountingTask<T> extends Task<T> {
      static created = 0;
      constructor(coro: Coroutine<T>, options?: TaskOptions) {
        super(coro, options);
        CountingTask.created++;
      }
    }
    await runVirtual(function* () {
      getRunningLoop().setTaskFactory(createEagerTaskFactory(CountingTask));
      let ran = false;
      const t = createTask(
        (function* () {
          ran = true;
        })(),
      );
      expect(t).toBeInstanceOf(CountingTask);
      expect(ran).toBe(true);
      expect(CountingTask.created).toBe(1);
      yield* t;
    });
  });

  it('rejects a value that is not a constructor', () => {
    // cf. tasks.py create_eager_task_factory (custom_task_constructor must be callable)
    expect(() => createEagerTaskFactory(42 as never)).toThrow(TypeError);
  });

  describe.each([
    ['lazy factory', false, 781],
    ['eager factory', true, 0],
  ] as const)('task counts with a %s', (_name, withEager, expected) => {
    /** Tasks started lazily, through a factory like CPython's AsyncTaskCounter. */
    function countingFactory(counter: { lazy: number }): (loop: EventLoop) => void {
      const make = (coro: Coroutine<unknown>, options: TaskOptions): Task<unknown> => {
        if (options.eagerStart !== true) counter.lazy++;
        return new Task(coro, options);
      };
      return (loop) => {
        if (withEager) {
          loop.setTaskFactory(
            createEagerTaskFactory(
              class extends Task<unknown> {
                constructor(coro: Coroutine<unknown>, options: TaskOptions = {}) {
                  if (options.eagerStart !== true) counter.lazy++;
                  super(coro, options);
                }
              },
            ),
          );
        } else {
          loop.setTaskFactory((l, coro, options) => make(coro, { ...options, loop: l }));
        }
      };
    }

    function* recursiveTaskGroups(width: number, depth: number): Coroutine<void> {
      if (depth === 0) return;
      yield* asyncWith(new TaskGroup(), function* (tg) {
        for (let i = 0; i < width; i++) tg.createTask(recursiveTaskGroups(width, depth - 1));
      });
    }

    it('starts every task of recursive TaskGroups eagerly, or none', async () => {
      // cf. test_eager_task_factory.py BaseTaskCountingTests.test_recursive_taskgroups
      const counter = { lazy: 0 };
      const install = countingFactory(counter);
      const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
      install(loop);
      // the main task goes through the factory too, as in run_until_complete
      await loop.runUntilComplete(createTask(recursiveTaskGroups(5, 4), { loop }));
      loop.close();
      expect(counter.lazy).toBe(expected);
    });
  });
});
