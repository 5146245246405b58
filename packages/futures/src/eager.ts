/**
 * Eager task factories: tasks that start running inside `createTask()` itself.
 *
 * @module
 */
import { describe, type EventLoop, type FutureLike, type TaskFactory, type TaskFactoryOptions } from '@tsyncio/loop';
import type { Coroutine } from './coroutine.js';
import { Task, type TaskOptions } from './task.js';

/** A Task class (or any constructor with Task's signature) for {@link createEagerTaskFactory}. */
export type TaskConstructor = new (coro: Coroutine<unknown>, options?: TaskOptions) => FutureLike<unknown>;

/**
 * A task factory (for `loop.setTaskFactory()`) that creates tasks with `taskConstructor` and
 * starts them eagerly: `createTask()` runs the coroutine at once, synchronously, up to its first
 * suspension. A coroutine that finishes without suspending never goes through the loop — the task
 * is already done when `createTask()` returns — which saves a loop iteration per task and changes
 * ordering: the child's first step runs before the code after `createTask()`.
 *
 * Same as asyncio's `create_eager_task_factory()`, with 3.14's pass-through of options: an explicit
 * `eagerStart: false` in `createTask()` options makes that one task lazy. Eager start applies only
 * when the loop is running (otherwise the task is scheduled as usual).
 *
 * @throws TypeError when `taskConstructor` is not a constructor.
 *
 * @example
 * ```ts
 * class TracedTask<T> extends Task<T> {}
 * loop.setTaskFactory(createEagerTaskFactory(TracedTask));
 * ```
 */
export function createEagerTaskFactory(taskConstructor: TaskConstructor): TaskFactory {
  if (typeof taskConstructor !== 'function') {
    throw new TypeError(`createEagerTaskFactory() expects a Task class, got ${describe(taskConstructor)}`);
  }
  return (loop: EventLoop, coro: Coroutine<unknown>, options: TaskFactoryOptions): FutureLike<unknown> => {
    const taskOptions: TaskOptions = { loop, eagerStart: options.eagerStart ?? true };
    if (options.name !== undefined) taskOptions.name = options.name;
    if (options.context !== undefined) taskOptions.context = options.context;
    return new taskConstructor(coro, taskOptions);
  };
}

/**
 * The eager task factory for the default {@link Task}: `loop.setTaskFactory(eagerTaskFactory)`
 * makes every `createTask()` on that loop start its coroutine at once (see
 * {@link createEagerTaskFactory}).
 *
 * Same as asyncio's `eager_task_factory`.
 *
 * @example
 * ```ts
 * const loop = newEventLoop();
 * loop.setTaskFactory(eagerTaskFactory);
 * await loop.runUntilComplete(createTask(main(), { loop }));
 * ```
 */
export const eagerTaskFactory: TaskFactory = /* @__PURE__ */ createEagerTaskFactory(Task);
