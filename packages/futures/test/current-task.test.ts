import { describe, expect, it } from 'vitest';
import { RuntimeError, type EventLoop, type TaskListNode } from '@tsyncio/loop';
import {
  _enterTask,
  _leaveTask,
  _registerTask,
  _swapCurrentTask,
  _unregisterTask,
  allTasks,
  createTask,
  currentTask,
  Future,
  sleep,
  type Coroutine,
  type Task,
} from '../src/index.js';
import { iterate, returns, runTask, thrown, virtualLoop } from './helpers.js';

/** A task-like object of some other implementation (asyncio's `_register_task` accepts these). */
function taskLike(loop: EventLoop, done = false): Task<unknown> {
  return { getLoop: () => loop, done: () => done } as unknown as Task<unknown>;
}

/** The loop's pending-task list, checked for broken links on the way. */
function walkTaskList(loop: EventLoop): TaskListNode[] {
  const nodes: TaskListNode[] = [];
  let node = loop._firstTask;
  if (node !== null) expect(node._prevTask).toBe(node);
  while (node !== null) {
    nodes.push(node);
    const next = node._nextTask;
    if (next !== null) expect(next._prevTask).toBe(node);
    node = next;
  }
  return nodes;
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('currentTask', () => {
  it('is the task whose step runs, and null outside tasks', async () => {
    // cf. test_tasks.py BaseTaskTests.test_current_task
    const { loop } = virtualLoop();
    expect(currentTask(loop)).toBeNull();
    const seen: unknown[] = [];
    function* coro(): Coroutine<void> {
      seen.push(currentTask(), currentTask(undefined), currentTask(loop));
      yield* sleep(1);
      seen.push(currentTask());
    }
    const task = createTask(coro(), { loop });
    await loop.runUntilComplete(task);
    expect(seen).toEqual([task, task, task, task]);
    expect(currentTask(loop)).toBeNull();
  });

  it('follows the tasks as their steps interleave', async () => {
    // cf. test_tasks.py BaseTaskTests.test_current_task_with_interleaving_tasks
    const { loop } = virtualLoop();
    const fut1 = new Future<boolean>({ loop });
    const fut2 = new Future<boolean>({ loop });
    const checks: boolean[] = [];
    function* coro1(): Coroutine<void> {
      checks.push(currentTask() === task1);
      yield* fut1;
      checks.push(currentTask() === task1);
      fut2.setResult(true);
    }
    function* coro2(): Coroutine<void> {
      checks.push(currentTask() === task2);
      fut1.setResult(true);
      yield* fut2;
      checks.push(currentTask() === task2);
    }
    const task1: Task<void> = createTask(coro1(), { loop });
    const task2: Task<void> = createTask(coro2(), { loop });
    await loop.runUntilComplete(task2);
    await loop.runUntilComplete(task1);
    expect(checks).toEqual([true, true, true, true]);
    expect(currentTask(loop)).toBeNull();
  });

  it('is null in a plain callback of the running loop', async () => {
    const { loop } = virtualLoop();
    let seen: unknown = 'not called';
    loop.callSoon(() => {
      seen = currentTask();
    });
    await iterate(loop);
    expect(seen).toBeNull();
  });

  it('without a loop argument and outside a running loop raises RuntimeError', () => {
    // cf. test_tasks.py BaseCurrentLoopTests.test_current_task_no_running_loop(_implicit)
    const { loop } = virtualLoop();
    expect(currentTask(loop)).toBeNull();
    const error = thrown(() => currentTask());
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe('no running event loop');
  });
});

describe('allTasks', () => {
  it('lists the pending tasks of the loop only', async () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests (all_tasks returns tasks that are not done)
    const { loop } = virtualLoop();
    expect(allTasks(loop)).toEqual(new Set());
    const quick = createTask(returns(1), { loop });
    const slow = createTask(sleep(10), { loop });
    expect(allTasks(loop)).toEqual(new Set([quick, slow]));
    await loop.runUntilComplete(quick);
    expect(allTasks(loop)).toEqual(new Set([slow]));
    slow.cancel();
    await iterate(loop);
    expect(allTasks(loop)).toEqual(new Set());
  });

  it('is per loop', () => {
    const { loop } = virtualLoop();
    const { loop: other } = virtualLoop();
    const a = createTask(sleep(1), { loop });
    const b = createTask(sleep(1), { loop: other });
    expect(allTasks(loop)).toEqual(new Set([a]));
    expect(allTasks(other)).toEqual(new Set([b]));
  });

  it('defaults to the running loop and includes the current task', async () => {
    const { loop } = virtualLoop();
    const sibling = createTask(sleep(5), { loop });
    function* coro(): Coroutine<Set<Task<unknown>>> {
      return allTasks();
    }
    const task = createTask(coro(), { loop });
    expect(await loop.runUntilComplete(task)).toEqual(new Set([task, sibling]));
    expect(() => allTasks()).toThrow(RuntimeError);
  });

  it('stays exact while many tasks are created and finish in random order', async () => {
    // the intrusive list on the loop (white-box: links checked at every step)
    const { loop } = virtualLoop();
    const rand = random(1234);
    const pending = new Map<Task<unknown>, Future<void>>();
    function* waiter(future: Future<void>): Coroutine<void> {
      yield* future;
    }
    for (let round = 0; round < 40; round++) {
      const creations = Math.floor(rand() * 8);
      for (let i = 0; i < creations; i++) {
        const future = new Future<void>({ loop });
        pending.set(createTask(waiter(future), { loop }), future);
      }
      const entries = [...pending.entries()];
      for (const [task, future] of entries) {
        if (rand() < 0.3) {
          if (rand() < 0.5) future.setResult();
          else task.cancel();
          pending.delete(task);
        }
      }
      await iterate(loop, 2);
      expect(allTasks(loop)).toEqual(new Set(pending.keys()));
      expect(new Set(walkTaskList(loop))).toEqual(new Set(pending.keys()));
    }
    for (const future of pending.values()) future.setResult();
    await iterate(loop, 2);
    expect(allTasks(loop).size).toBe(0);
    expect(loop._firstTask).toBeNull();
  });
});

describe('task registration for other task implementations', () => {
  it('_registerTask() makes a pending task-like object visible to allTasks() until _unregisterTask()', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__register_task_2
    const { loop } = virtualLoop();
    const task = taskLike(loop);
    expect(allTasks(loop)).toEqual(new Set());
    _registerTask(task);
    expect(allTasks(loop)).toEqual(new Set([task]));
    _registerTask(task);
    expect(walkTaskList(loop)).toHaveLength(1);
    _unregisterTask(task);
    expect(allTasks(loop)).toEqual(new Set());
  });

  it('a registered task-like object that is done is not listed', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__register_task_3
    const { loop } = virtualLoop();
    const task = taskLike(loop, true);
    _registerTask(task);
    expect(allTasks(loop)).toEqual(new Set());
    _unregisterTask(task);
  });

  it('_unregisterTask() of a task never registered does nothing', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__unregister_task_not_registered
    const { loop } = virtualLoop();
    const registered = createTask(sleep(1), { loop });
    _unregisterTask(taskLike(loop));
    expect(allTasks(loop)).toEqual(new Set([registered]));
    registered.cancel();
  });

  it('registering and unregistering in any order keeps the list linked', () => {
    const { loop } = virtualLoop();
    const tasks = Array.from({ length: 6 }, () => taskLike(loop));
    for (const task of tasks) _registerTask(task);
    for (const index of [2, 0, 5, 3]) {
      _unregisterTask(tasks[index]!);
      walkTaskList(loop);
    }
    expect(allTasks(loop)).toEqual(new Set([tasks[1], tasks[4]]));
    _unregisterTask(tasks[1]!);
    _unregisterTask(tasks[4]!);
    expect(loop._firstTask).toBeNull();
  });

  it('_enterTask() and _leaveTask() set and clear the current task', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__enter_task / test__leave_task
    const { loop } = virtualLoop();
    const task = taskLike(loop);
    expect(currentTask(loop)).toBeNull();
    _enterTask(loop, task);
    expect(currentTask(loop)).toBe(task);
    _leaveTask(loop, task);
    expect(currentTask(loop)).toBeNull();
  });

  it('_enterTask() while another task is current raises RuntimeError', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__enter_task_failure
    const { loop } = virtualLoop();
    const task1 = taskLike(loop);
    const task2 = taskLike(loop);
    _enterTask(loop, task1);
    expect(() => _enterTask(loop, task2)).toThrow(RuntimeError);
    expect(currentTask(loop)).toBe(task1);
    _leaveTask(loop, task1);
  });

  it('_leaveTask() of a task that is not current raises RuntimeError', () => {
    // cf. test_tasks.py BaseTaskIntrospectionTests.test__leave_task_failure1 / _failure2
    const { loop } = virtualLoop();
    const task1 = taskLike(loop);
    const task2 = taskLike(loop);
    expect(() => _leaveTask(loop, task1)).toThrow(RuntimeError);
    expect(currentTask(loop)).toBeNull();
    _enterTask(loop, task1);
    expect(() => _leaveTask(loop, task2)).toThrow(RuntimeError);
    expect(currentTask(loop)).toBe(task1);
    _leaveTask(loop, task1);
  });

  it('_swapCurrentTask() sets the current task and returns the previous one', async () => {
    // cf. tasks.py _swap_current_task
    const { loop } = virtualLoop();
    const task = taskLike(loop);
    expect(_swapCurrentTask(loop, task)).toBeNull();
    expect(currentTask(loop)).toBe(task);
    expect(_swapCurrentTask(loop, null)).toBe(task);
    expect(currentTask(loop)).toBeNull();
    expect(await runTask(loop, returns('still works'))).toBe('still works');
  });
});
