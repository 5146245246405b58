import { describe, expect, it } from 'vitest';
import { ContextVar, copyContext, getRunningLoop, RuntimeError, type ExceptionContext } from '@tsyncio/loop';
import {
  asyncWith,
  CancelledError,
  catchGroup,
  createTask,
  currentTask,
  ExceptionGroup,
  Future,
  sleep,
  TaskGroup,
  type AsyncContextManager,
  type Coroutine,
  type Task,
} from '../src/index.js';
import { errorTypes, FACTORIES, MyExc, runVirtual, settleVirtual, shape, ZeroDivisionError } from './group-helpers.js';

/** `async with TaskGroup() as g: body(g)` */
function withGroup<R>(body: (g: TaskGroup) => Coroutine<R>, group: TaskGroup = new TaskGroup()): Coroutine<R> {
  return asyncWith(group, body);
}

/** The current task (there always is one inside these tests). */
function me(): Task<unknown> {
  return currentTask() as Task<unknown>;
}

function* crashAfter(delay: number, error: unknown = new ZeroDivisionError('division by zero')): Coroutine<never> {
  yield* sleep(delay);
  throw error;
}

/** A child that fails when it is cancelled (CPython's `try: await sleep(10) finally: 1 / 0`). */
function* failWhenCancelled(): Coroutine<void> {
  try {
    yield* sleep(10);
  } finally {
    // eslint-disable-next-line no-unsafe-finally
    throw new ZeroDivisionError('division by zero');
  }
}

describe.each(FACTORIES)('TaskGroup (%s)', (_name, eager) => {
  const opts = { eager };

  it('waits for every child on exit, and their results are there', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_01
    await runVirtual(function* () {
      function* foo1(): Coroutine<number> {
        yield* sleep(0.1);
        return 42;
      }
      function* foo2(): Coroutine<number> {
        yield* sleep(0.2);
        return 11;
      }
      const [t1, t2] = yield* withGroup(function* (g) {
        return [g.createTask(foo1()), g.createTask(foo2())] as const;
      });
      expect(t1.result()).toBe(42);
      expect(t2.result()).toBe(11);
    }, opts);
  });

  it('accepts children created after the body waited', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_02
    await runVirtual(function* () {
      const [t1, t2] = yield* withGroup(function* (g) {
        const t1 = g.createTask(sleep(0.1, 42));
        yield* sleep(0.15);
        const t2 = g.createTask(sleep(0.2, 11));
        return [t1, t2] as const;
      });
      expect(t1.result()).toBe(42);
      expect(t2.result()).toBe(11);
    }, opts);
  });

  it('lets a child be cancelled explicitly without disturbing the others', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_03
    await runVirtual(function* () {
      const [t1, t2] = yield* withGroup(function* (g) {
        const t1 = g.createTask(sleep(1, 42));
        yield* sleep(0.15);
        t1.cancel();
        const t2 = g.createTask(sleep(0.2, 11));
        return [t1, t2] as const;
      });
      expect(t1.cancelled()).toBe(true);
      expect(t2.result()).toBe(11);
      expect(me().cancelling()).toBe(0);
    }, opts);
  });

  it('cancels the siblings on a child error and raises an ExceptionGroup of it', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_04
    await runVirtual(function* () {
      let num = 0;
      let t2Cancelled = false;
      let t2: Task<void> | undefined;
      function* foo2(): Coroutine<void> {
        try {
          yield* sleep(1);
        } catch (e) {
          if (e instanceof CancelledError) t2Cancelled = true;
          throw e;
        }
        num += 1;
      }
      function* runner(): Coroutine<void> {
        yield* withGroup(function* (g) {
          g.createTask(crashAfter(0.1));
          t2 = g.createTask(foo2());
        });
        num += 10;
      }
      let caught: unknown;
      try {
        yield* createTask(runner());
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect((caught as ExceptionGroup).message).toBe('unhandled errors in a TaskGroup');
      expect(num).toBe(0);
      expect(t2Cancelled).toBe(true);
      expect(t2?.cancelled()).toBe(true);
    }, opts);
  });

  it('cancels the other children and the body on a child error', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_cancel_children_on_child_error
    await runVirtual(function* () {
      let num = 0;
      let t2Cancelled = false;
      let runnerCancelled = false;
      function* foo2(): Coroutine<void> {
        try {
          yield* sleep(5);
        } catch (e) {
          t2Cancelled = e instanceof CancelledError;
          throw e;
        }
        num += 1;
      }
      function* runner(): Coroutine<void> {
        yield* withGroup(function* (g) {
          g.createTask(crashAfter(0.1));
          g.createTask(crashAfter(0.1));
          g.createTask(crashAfter(0.1));
          g.createTask(foo2());
          try {
            yield* sleep(10);
          } catch (e) {
            runnerCancelled = e instanceof CancelledError;
            throw e;
          }
        });
        num += 10;
      }
      const task = createTask(runner());
      let caught: unknown;
      try {
        yield* task;
      } catch (e) {
        caught = e;
      }
      // the three crash at the same loop time, before any cancellation lands: all three are in
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect((caught as ExceptionGroup).exceptions).toHaveLength(3);
      expect(num).toBe(0);
      expect(t2Cancelled).toBe(true);
      expect(runnerCancelled).toBe(true);
    }, opts);
  });

  it('cancels every child when the parent is cancelled, and propagates the CancelledError with its message', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_cancellation
    await runVirtual(function* () {
      let num = 0;
      function* foo(): Coroutine<void> {
        try {
          yield* sleep(5);
        } catch (e) {
          num += 1;
          throw e;
        }
      }
      const r = createTask(
        withGroup(function* (g) {
          for (let i = 0; i < 5; i++) g.createTask(foo());
        }),
      );
      yield* sleep(0.1);
      expect(r.done()).toBe(false);
      r.cancel('test');
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CancelledError);
      expect((caught as CancelledError).message).toBe('test');
      expect(num).toBe(5);
    }, opts);
  });

  it('cancels the body and the children when the parent is cancelled while the body waits', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_07
    await runVirtual(function* () {
      let num = 0;
      function* foo(): Coroutine<void> {
        try {
          yield* sleep(5);
        } catch (e) {
          num += 1;
          throw e;
        }
      }
      const r = createTask(
        withGroup(function* (g) {
          for (let i = 0; i < 5; i++) g.createTask(foo());
          try {
            yield* sleep(10);
          } catch (e) {
            num += 10;
            throw e;
          }
        }),
      );
      yield* sleep(0.1);
      expect(r.done()).toBe(false);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CancelledError);
      expect(num).toBe(15);
    }, opts);
  });

  it('raises the errors of children that fail while being cancelled, rather than the cancellation (3.13)', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_08 (errors beat cancellation, gh-116720)
    await runVirtual(function* () {
      const r = createTask(
        withGroup(function* (g) {
          for (let i = 0; i < 5; i++) g.createTask(failWhenCancelled());
          yield* sleep(10);
        }),
      );
      yield* sleep(0.1);
      expect(r.done()).toBe(false);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect((caught as ExceptionGroup).exceptions).toHaveLength(5);
    }, opts);
  });

  it('includes an error of the body, after waiting for (cancelled) children', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_09
    await runVirtual(function* () {
      let t1: Task<number> | undefined;
      let t2: Task<number> | undefined;
      let caught: unknown;
      try {
        yield* withGroup(function* (g) {
          t1 = g.createTask(sleep(1, 42));
          t2 = g.createTask(sleep(2, 11));
          yield* sleep(0.1);
          throw new ZeroDivisionError('division by zero');
        });
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect(t1?.cancelled()).toBe(true);
      expect(t2?.cancelled()).toBe(true);
      expect(me().cancelling()).toBe(0);
    }, opts);
  });

  it('includes an error the body raises before waiting at all', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_10
    await runVirtual(function* () {
      let t1: Task<number> | undefined;
      let t2: Task<number> | undefined;
      let caught: unknown;
      try {
        yield* withGroup(function* (g) {
          t1 = g.createTask(sleep(1, 42));
          t2 = g.createTask(sleep(2, 11));
          throw new ZeroDivisionError('division by zero');
        });
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect(t1?.cancelled()).toBe(true);
      expect(t2?.cancelled()).toBe(true);
    }, opts);
  });

  it('nests the errors of an inner group whose children fail while the parent is cancelled', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_11
    await runVirtual(function* () {
      const r = createTask(
        withGroup(function* () {
          yield* withGroup(function* (g2) {
            for (let i = 0; i < 5; i++) g2.createTask(failWhenCancelled());
            yield* sleep(10);
          });
        }),
      );
      yield* sleep(0.1);
      expect(r.done()).toBe(false);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ExceptionGroup]));
      expect(errorTypes((caught as ExceptionGroup).exceptions[0])).toEqual(new Set([ZeroDivisionError]));
    }, opts);
  });

  it('nests the errors of an inner group when the outer group has children of its own', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_12
    await runVirtual(function* () {
      let sleeper: Task<void> | undefined;
      const r = createTask(
        withGroup(function* (g1) {
          sleeper = g1.createTask(sleep(10));
          yield* withGroup(function* (g2) {
            for (let i = 0; i < 5; i++) g2.createTask(failWhenCancelled());
            yield* sleep(10);
          });
        }),
      );
      yield* sleep(0.1);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ExceptionGroup]));
      expect(errorTypes((caught as ExceptionGroup).exceptions[0])).toEqual(new Set([ZeroDivisionError]));
      expect(sleeper?.cancelled()).toBe(true);
    }, opts);
  });

  it('cancels a nested group when an outer child fails; the outer group reports the error', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_13
    const outcome = await settleVirtual(function* () {
      yield* withGroup(function* (g1) {
        g1.createTask(crashAfter(0.1, new RangeError('0.1')));
        yield* withGroup(function* (g2) {
          g2.createTask(crashAfter(10, new RangeError('10')));
        });
      });
    }, opts);
    expect(shape(outcome.error)).toEqual({
      message: 'unhandled errors in a TaskGroup',
      exceptions: ['RangeError: 0.1'],
    });
  });

  it('nests the group of an inner failure inside the outer group', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_14
    const outcome = await settleVirtual(function* () {
      yield* withGroup(function* (g1) {
        g1.createTask(crashAfter(10, new RangeError('10')));
        yield* withGroup(function* (g2) {
          g2.createTask(crashAfter(0.1, new RangeError('0.1')));
        });
      });
    }, opts);
    expect(shape(outcome.error)).toEqual({
      message: 'unhandled errors in a TaskGroup',
      exceptions: [{ message: 'unhandled errors in a TaskGroup', exceptions: ['RangeError: 0.1'] }],
    });
  });

  it('raises the error of a child that fails while the cancelled body still cleans up (3.13)', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_15
    await runVirtual(function* () {
      const r = createTask(
        withGroup(function* (g1) {
          g1.createTask(crashAfter(0.3));
          try {
            yield* sleep(10);
          } catch (e) {
            yield* sleep(0.5);
            throw e;
          }
        }),
      );
      yield* sleep(0.1);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
    }, opts);
  });

  it('raises the error of such a child through a task further down (3.13)', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_16
    await runVirtual(function* () {
      function* nestedRunner(): Coroutine<void> {
        yield* withGroup(function* (g1) {
          g1.createTask(crashAfter(0.3));
          try {
            yield* sleep(10);
          } catch (e) {
            yield* sleep(0.5);
            throw e;
          }
        });
      }
      const r = createTask(
        (function* () {
          yield* createTask(nestedRunner());
        })(),
      );
      yield* sleep(0.1);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
    }, opts);
  });

  it('propagates an outside cancellation of a group without children', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_17
    await runVirtual(function* () {
      let num = 0;
      const r = createTask(
        withGroup(function* () {
          try {
            yield* sleep(10);
          } catch (e) {
            num += 10;
            throw e;
          }
        }),
      );
      yield* sleep(0.1);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CancelledError);
      expect(num).toBe(10);
    }, opts);
  });

  it('reports an error the body raises instead of its cancellation', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_18
    await runVirtual(function* () {
      let num = 0;
      const r = createTask(
        withGroup(function* () {
          try {
            yield* sleep(10);
          } catch {
            num += 10;
            // not a good idea, but supported
            throw new MyExc('instead of the cancellation');
          }
        }),
      );
      yield* sleep(0.1);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(errorTypes(caught)).toEqual(new Set([MyExc]));
      expect(num).toBe(10);
    }, opts);
  });

  it('collects a child error and an error the body raises while being cancelled: the child’s first', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_19
    const outcome = await settleVirtual(function* () {
      function* nested(): Coroutine<void> {
        try {
          yield* sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new MyExc('from finally');
        }
      }
      yield* withGroup(function* (g) {
        g.createTask(crashAfter(0.1));
        yield* nested();
      });
    }, opts);
    expect(shape(outcome.error)).toEqual({
      message: 'unhandled errors in a TaskGroup',
      exceptions: ['ZeroDivisionError: division by zero', 'MyExc: from finally'],
    });
  });

  it('propagates an outside cancellation before the children even started', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_22
    await runVirtual(function* () {
      const r = createTask(
        withGroup(function* (g) {
          g.createTask(sleep(1, 42));
          g.createTask(sleep(2, 11));
        }),
      );
      yield* sleep(0.05);
      r.cancel();
      let caught: unknown;
      try {
        yield* r;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CancelledError);
    }, opts);
  });

  it('forgets children as they finish', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_23
    await runVirtual(function* () {
      yield* withGroup(function* (g) {
        for (let count = 0; count < 10; count++) {
          yield* sleep(0.1);
          g.createTask(sleep(0.3));
          if (count === 5) expect(g._tasks.size).toBeLessThan(5);
        }
        yield* sleep(1.35);
        expect(g._tasks.size).toBe(0);
      });
    }, opts);
  });

  it('lets a child create siblings in the group', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_24
    await runVirtual(function* () {
      const created: Task<void>[] = [];
      function* root(g: TaskGroup): Coroutine<void> {
        yield* sleep(0.1);
        created.push(g.createTask(sleep(0.1)), g.createTask(sleep(0.2)));
      }
      yield* withGroup(function* (g) {
        g.createTask(root(g));
      });
      expect(created.map((t) => t.done())).toEqual([true, true]);
    }, opts);
  });

  it('stops a hydra of children that keep creating siblings when one fails', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_25
    let hydras = 0;
    const all: Task<void>[] = [];
    const outcome = await settleVirtual(function* () {
      function* hydra(g: TaskGroup): Coroutine<void> {
        hydras += 1;
        yield* sleep(0.01);
        all.push(g.createTask(hydra(g)), g.createTask(hydra(g)));
      }
      function* hercules(): Coroutine<void> {
        while (hydras < 10) yield* sleep(0.015);
        throw new ZeroDivisionError('division by zero');
      }
      yield* withGroup(function* (g) {
        all.push(g.createTask(hydra(g)), g.createTask(hercules()));
      });
    }, opts);
    expect(errorTypes(outcome.error)).toEqual(new Set([ZeroDivisionError]));
    expect(hydras).toBeGreaterThanOrEqual(10);
    expect(all.every((t) => t.done())).toBe(true);
  });

  it('names a child with the name option', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_task_name and test_name
    await runVirtual(function* () {
      let name: string | undefined;
      yield* withGroup(function* (g) {
        const t = g.createTask(
          (function* () {
            name = me().getName();
            yield* sleep(0);
          })(),
          { name: 'yolo' },
        );
        expect(t.getName()).toBe('yolo');
      });
      expect(name).toBe('yolo');
    }, opts);
  });

  it('runs a child in the context given', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_task_context
    await runVirtual(function* () {
      const cvar = new ContextVar<number>('cvar');
      function* coro(value: number): Coroutine<void> {
        yield* sleep(0);
        cvar.set(value);
      }
      yield* withGroup(function* (g) {
        const ctx = copyContext();
        expect(ctx.get(cvar)).toBeUndefined();
        yield* g.createTask(coro(1), { context: ctx });
        expect(ctx.get(cvar)).toBe(1);
        yield* g.createTask(coro(2), { context: ctx });
        expect(ctx.get(cvar)).toBe(2);
      });
    }, opts);
  });

  it('refuses new children once it is shutting down after a failure', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_no_create_task_after_failure
    await runVirtual(function* () {
      let refused: unknown;
      let caught: unknown;
      try {
        yield* withGroup(function* (g) {
          g.createTask(crashAfter(0.001));
          g.createTask(
            (function* () {
              try {
                yield* sleep(1);
              } catch {
                try {
                  g.createTask(crashAfter(0));
                } catch (e) {
                  refused = e;
                }
              }
            })(),
          );
        });
      } catch (e) {
        caught = e;
      }
      expect(refused).toBeInstanceOf(RuntimeError);
      expect((refused as Error).message).toMatch(/is shutting down/);
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
    }, opts);
  });

  it('includes the error of an inner context manager’s exit, and leaves the cancel count at 0', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_context_manager_exit_raises (gh-95289)
    class CustomException extends Error {}
    const database: AsyncContextManager<void> = {
      *aenter() {},
      *aexit() {
        throw new CustomException('closing');
      },
    };
    await runVirtual(function* () {
      const task = me();
      let handled = 0;
      try {
        yield* withGroup(function* (tg) {
          yield* asyncWith(database, function* () {
            tg.createTask(
              (function* () {
                throw new CustomException('child');
              })(),
            );
            yield* sleep(1);
          });
        });
      } catch (e) {
        catchGroup(e, [
          [
            CustomException,
            (err) => {
              handled = err.exceptions.length;
            },
          ],
        ]);
      }
      expect(task.cancelling()).toBe(0);
      expect(handled).toBe(2);
    }, opts);
  });

  it('cannot be entered while it is entered', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_already_entered
    await runVirtual(function* () {
      const tg = new TaskGroup();
      let caught: unknown;
      yield* withGroup(function* () {
        try {
          yield* withGroup(function* () {}, tg);
        } catch (e) {
          caught = e;
        }
      }, tg);
      expect(caught).toBeInstanceOf(RuntimeError);
      expect((caught as Error).message).toMatch(/has already been entered/);
    }, opts);
  });

  it('cannot be entered twice', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_double_enter
    await runVirtual(function* () {
      const tg = new TaskGroup();
      yield* withGroup(function* () {}, tg);
      let caught: unknown;
      try {
        yield* withGroup(function* () {}, tg);
      } catch (e) {
        caught = e;
      }
      expect((caught as Error).message).toMatch(/has already been entered/);
    }, opts);
  });

  it('refuses new children once finished, and closes the coroutine unstarted', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_finished and test_coro_closed_when_tg_closed
    await runVirtual(function* () {
      const tg = new TaskGroup();
      yield* withGroup(function* () {}, tg);
      let started = false;
      const coro = (function* () {
        started = true;
        yield* sleep(0);
      })();
      expect(() => tg.createTask(coro)).toThrow(/is finished/);
      expect(coro.next()).toEqual({ value: undefined, done: true }); // closed
      expect(started).toBe(false);
    }, opts);
  });

  it('refuses children before it is entered, and closes the coroutine unstarted', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_not_entered
    await runVirtual(function* () {
      const tg = new TaskGroup();
      const coro = sleep(0);
      expect(() => tg.createTask(coro)).toThrow(RuntimeError);
      expect(() => tg.createTask(sleep(0))).toThrow(/has not been entered/);
      expect(coro.next().done).toBe(true);
    }, opts);
  });

  it('must be entered inside a task', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_taskgroup_without_parent_task
    await runVirtual(function* () {
      const loop = getRunningLoop();
      const tg = new TaskGroup();
      const outcome = new Future<unknown>({ loop });
      loop.callSoon(() => {
        try {
          tg.aenter().next();
          outcome.setResult('entered');
        } catch (e) {
          outcome.setResult(e);
        }
      });
      const error = yield* outcome;
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toMatch(/cannot determine the parent task/);
      expect(() => tg.createTask(sleep(0))).toThrow(/has not been entered/);
    }, opts);
  });

  it('leaves the cancel count at 0 after the error is handled', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_cancelling_level_preserved
    await runVirtual(function* () {
      try {
        yield* withGroup(function* (tg) {
          tg.createTask(crashAfter(0, new MyExc('x')));
        });
      } catch (e) {
        catchGroup(e, [[MyExc, () => undefined]]);
      }
      expect(me().cancelling()).toBe(0);
    }, opts);
  });

  it('keeps the outer group’s cancellation while an inner group’s error is handled', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_nested_groups_both_cancelled
    await runVirtual(function* () {
      const seen: string[] = [];
      try {
        yield* withGroup(function* (outer) {
          try {
            yield* withGroup(function* (inner) {
              inner.createTask(crashAfter(0, new MyExc('inner')));
              outer.createTask(crashAfter(0, new RangeError('outer')));
            });
          } catch (e) {
            catchGroup(e, [[MyExc, () => seen.push('inner handled')]]);
          }
          expect(me().cancelling()).toBe(1);
        });
      } catch (e) {
        catchGroup(e, [[RangeError, () => seen.push('outer handled')]]);
      }
      expect(seen).toEqual(['inner handled', 'outer handled']);
      expect(me().cancelling()).toBe(0);
    }, opts);
  });

  it('keeps an outside cancellation pending after the group’s error is handled', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_error_and_cancel
    await runVirtual(function* () {
      const loop = getRunningLoop();
      const event = new Future<void>({ loop });
      let afterGroup = false;
      function* raiseError(): Coroutine<void> {
        event.setResult(undefined);
        yield* sleep(0);
        throw new MyExc('child');
      }
      function* inner(): Coroutine<void> {
        try {
          yield* withGroup(function* (tg) {
            tg.createTask(raiseError());
            yield* sleep(1);
            expect.fail('the sleep in the group should have been cancelled');
          });
        } catch (e) {
          catchGroup(e, [[MyExc, () => expect(me().cancelling()).toBe(1)]]);
        }
        expect(me().cancelling()).toBe(1);
        afterGroup = true;
        yield* sleep(1);
        expect.fail('the sleep after the group should have been cancelled');
      }
      const t = createTask(inner());
      yield* event;
      expect(t.cancelling()).toBe(0);
      t.cancel();
      expect(t.cancelling()).toBe(1);
      let caught: unknown;
      try {
        yield* t;
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(CancelledError);
      expect(t.cancelled()).toBe(true);
      expect(afterGroup).toBe(true);
    }, opts);
  });

  it('still cancels the body when a child created by a child fails at once (gh-128550)', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_cancels_task_if_created_during_creation
    await runVirtual(function* () {
      let ran = false;
      let handled: unknown;
      try {
        yield* withGroup(function* (tg) {
          function* thirdTask(): Coroutine<void> {
            throw new MyExc('third task failed');
          }
          function* secondTask(): Coroutine<void> {
            tg.createTask(thirdTask());
            let cancelled = false;
            try {
              yield* sleep(0); // eager tasks are cancelled here
              yield* sleep(0); // lazy tasks here
            } catch (e) {
              cancelled = e instanceof CancelledError;
            }
            expect(cancelled).toBe(true);
            ran = true;
          }
          tg.createTask(secondTask());
        });
      } catch (e) {
        catchGroup(e, [[MyExc, (g) => (handled = g.exceptions[0])]]);
      }
      expect(ran).toBe(true);
      expect(handled).toBeInstanceOf(MyExc);
    }, opts);
  });

  it('does not leak its cancellation out of the block', async () => {
    // cf. test_taskgroups.py BaseTestTaskGroup.test_cancellation_does_not_leak_out_of_tg
    await runVirtual(function* () {
      let handled = false;
      try {
        yield* withGroup(function* (tg) {
          tg.createTask(
            (function* () {
              throw new MyExc('x');
            })(),
          );
        });
      } catch (e) {
        catchGroup(e, [[MyExc, () => (handled = true)]]);
      }
      expect(handled).toBe(true);
      // if the group's cancellation leaked, it would land here
      yield* sleep(0);
      expect(me().cancelling()).toBe(0);
    }, opts);
  });

  it('keeps the cancel count stable when the parent is cancelled from outside while a child fails (3.13)', async () => {
    // cf. taskgroups.py __aexit__ "un-cancel and re-cancel the parent task" (gh-116720)
    await runVirtual(function* () {
      const parent = me();
      let caught: unknown;
      try {
        yield* withGroup(function* (tg) {
          tg.createTask(
            (function* () {
              throw new ZeroDivisionError('at once');
            })(),
          );
          parent.cancel('from outside');
          yield* sleep(10);
        });
      } catch (e) {
        caught = e;
      }
      // errors win over the cancellation, which stays requested (and armed)
      expect(errorTypes(caught)).toEqual(new Set([ZeroDivisionError]));
      expect(parent.cancelling()).toBe(1);
      let cancelledAgain: unknown;
      try {
        yield* sleep(0);
      } catch (e) {
        cancelledAgain = e;
      }
      expect(cancelledAgain).toBeInstanceOf(CancelledError);
      expect(parent.uncancel()).toBe(0);
    }, opts);
  });

  it('passes a body error (not a group) up wrapped, with its identity kept', async () => {
    // cf. taskgroups.py _aexit: "et is not None and not CancelledError: self._errors.append(exc)"
    await runVirtual(function* () {
      const error = new MyExc('body');
      let caught: unknown;
      try {
        yield* withGroup(function* () {
          throw error;
        });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ExceptionGroup);
      expect((caught as ExceptionGroup).exceptions).toEqual([error]);
      expect((caught as ExceptionGroup).exceptions[0]).toBe(error);
    }, opts);
  });

  it('describes its state like asyncio’s repr', async () => {
    // cf. taskgroups.py TaskGroup.__repr__
    await runVirtual(function* () {
      const tg = new TaskGroup();
      expect(String(tg)).toBe('<TaskGroup>');
      yield* withGroup(function* () {
        expect(String(tg)).toBe('<TaskGroup entered>');
        tg.createTask(sleep(1));
        expect(String(tg)).toBe('<TaskGroup tasks=1 entered>');
        tg.cancel();
        expect(String(tg)).toBe('<TaskGroup tasks=1 cancelling>');
      }, tg);
    }, opts);
  });

  describe('cancel() (Python 3.15)', () => {
    it('cancels the children and ends the block without an error', async () => {
      // cf. test_taskgroups.py (3.15, PR #127214) test_taskgroup_stop_children, in spirit
      await runVirtual(function* () {
        const children: Task<void>[] = [];
        const result = yield* withGroup(function* (tg) {
          children.push(tg.createTask(sleep(Infinity)), tg.createTask(sleep(Infinity)));
          yield* sleep(0);
          tg.cancel();
          return 'body result';
        });
        // the body returned before its cancellation landed
        expect(result).toBe('body result');
        expect(children.every((t) => t.cancelled())).toBe(true);
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('stops the body at its next yield* and swallows that cancellation', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_body, in spirit
      await runVirtual(function* () {
        let count = 0;
        const result = yield* withGroup(function* (tg) {
          tg.cancel();
          count += 1;
          yield* sleep(0);
          count += 1;
          return 'not reached';
        });
        expect(count).toBe(1);
        expect(result).toBeUndefined();
        expect(me().cancelling()).toBe(0);
        yield* sleep(0); // no cancellation left over
      }, opts);
    });

    it('is idempotent', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_idempotent, in spirit
      await runVirtual(function* () {
        let count = 0;
        yield* withGroup(function* (tg) {
          tg.cancel();
          tg.cancel();
          count += 1;
          yield* sleep(0);
          count += 1;
        });
        expect(count).toBe(1);
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('does nothing after the group has exited', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_after_exit, in spirit
      await runVirtual(function* () {
        const tg = new TaskGroup();
        yield* withGroup(function* () {
          yield* sleep(0);
        }, tg);
        tg.cancel();
        expect(me().cancelling()).toBe(0);
        yield* sleep(0);
      }, opts);
    });

    it('called before entry, cancels the group as soon as it is entered', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_before_enter, in spirit
      await runVirtual(function* () {
        const tg = new TaskGroup();
        tg.cancel();
        let count = 0;
        yield* withGroup(function* () {
          count += 1;
          yield* sleep(0);
          count += 1;
        }, tg);
        expect(count).toBe(1);
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('still raises the error of a child that cancels the group and then fails', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_before_exception, in spirit
      await runVirtual(function* () {
        let caught: unknown;
        try {
          yield* withGroup(function* (tg) {
            tg.createTask(
              (function* () {
                tg.cancel();
                throw new MyExc('after cancel');
              })(),
            );
            yield* sleep(1);
          });
        } catch (e) {
          caught = e;
        }
        expect(errorTypes(caught)).toEqual(new Set([MyExc]));
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('still raises the error of a child that fails and cancels the group in a finally block', async () => {
      // cf. test_taskgroups.py (3.15) test_taskgroup_stop_after_exception, in spirit
      await runVirtual(function* () {
        let caught: unknown;
        try {
          yield* withGroup(function* (tg) {
            tg.createTask(
              (function* () {
                try {
                  yield* sleep(0);
                  throw new MyExc('before cancel');
                } finally {
                  tg.cancel();
                }
              })(),
            );
            yield* sleep(1);
          });
        } catch (e) {
          caught = e;
        }
        expect(errorTypes(caught)).toEqual(new Set([MyExc]));
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('ends the block normally when a child cancels the group while exit waits', async () => {
      // cf. taskgroups.py cancel(): the body already finished; aexit's wait is interrupted
      await runVirtual(function* () {
        const order: string[] = [];
        const tg = new TaskGroup();
        const long = yield* withGroup(function* (g) {
          const long = g.createTask(sleep(100));
          g.createTask(
            (function* () {
              yield* sleep(1);
              order.push('cancel');
              tg.cancel();
            })(),
          );
          order.push('body done');
          return long;
        }, tg);
        order.push('after block');
        expect(order).toEqual(['body done', 'cancel', 'after block']);
        expect(long.cancelled()).toBe(true);
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('cancelling an inner group leaves the outer group running', async () => {
      // cf. test_taskgroups.py (3.15) nested groups, in spirit
      await runVirtual(function* () {
        const outerChild = yield* withGroup(function* (outer) {
          const outerChild = outer.createTask(sleep(1, 'outer child result'));
          yield* withGroup(function* (inner) {
            inner.createTask(sleep(Infinity));
            yield* sleep(0.5);
            inner.cancel();
          });
          return outerChild;
        });
        expect(outerChild.result()).toBe('outer child result');
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('cancels an eager child that cancelled the group before joining it (gh-155418)', async () => {
      // cf. taskgroups.py create_task: "an eager task can cancel the group before joining _tasks"
      await runVirtual(function* () {
        let reached = false;
        let child: Task<void> | undefined;
        yield* withGroup(function* (tg) {
          child = tg.createTask(
            (function* () {
              tg.cancel();
              yield* sleep(10);
              reached = true;
            })(),
            { eagerStart: true },
          );
        });
        expect(child?.cancelled()).toBe(true);
        expect(reached).toBe(false);
        expect(me().cancelling()).toBe(0);
      }, opts);
    });

    it('keeps an outside cancellation that arrives after cancel() (gh-155433)', async () => {
      // cf. taskgroups.py _aexit: "the remaining cancellation is not ours, don't drop it"
      await runVirtual(function* () {
        let after = false;
        function* parentBody(): Coroutine<void> {
          const tg = new TaskGroup();
          yield* withGroup(function* (g) {
            g.createTask(sleep(100));
            g.createTask(
              (function* () {
                yield* sleep(1);
                tg.cancel();
                parent.cancel('from outside');
              })(),
            );
          }, tg);
          after = true;
        }
        const parent = createTask(parentBody());
        let caught: unknown;
        try {
          yield* parent;
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(CancelledError);
        expect(after).toBe(false);
        expect(parent.cancelled()).toBe(true);
      }, opts);
    });
  });
});

describe('TaskGroup whose parent coroutine is closed', () => {
  it('reports a child error that comes after the group was torn down, instead of losing it', async () => {
    // cf. taskgroups.py _on_task_done ("its parent task is already completed": report, never lose)
    const errors: ExceptionContext[] = [];
    await runVirtual(
      function* () {
        const tg = new TaskGroup();
        const parent = createTask(
          withGroup(function* (g) {
            g.createTask(crashAfter(1, new MyExc('late')));
          }, tg),
        );
        yield* sleep(0.5); // the parent waits in aexit now
        parent.getCoro()?.return(undefined); // finally blocks run: the group lets go
        yield* sleep(2);
        expect(tg._tasks.size).toBe(0);
      },
      { errors },
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/has errored out but its TaskGroup has already exited/);
    expect(errors[0]?.exception).toBeInstanceOf(MyExc);
  });
});
