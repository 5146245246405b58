/**
 * The task registry: which task is running on a loop, and which tasks are pending. It lives on
 * the loop object (shared by every installed copy), and this file sits below `task.ts` and
 * `timeout.ts` so neither imports the other (asyncio has a `tasks.py` ↔ `timeouts.py` cycle).
 *
 * Differs from asyncio: the loop holds **strong** references to pending tasks, so a task nobody
 * references still runs to completion (asyncio keeps weak references, a documented footgun).
 *
 * @module
 */
import { describe, getRunningLoop, RuntimeError, type EventLoop, type TaskListNode } from '@tsyncio/loop';
import type { Task } from './task.js';

/**
 * The task running on `loop` (default: the running loop), or null between tasks.
 *
 * Same as asyncio's `current_task()`.
 *
 * @throws RuntimeError when `loop` is omitted and no loop is running.
 */
export function currentTask(loop?: EventLoop): Task<unknown> | null {
  return ((loop ?? getRunningLoop())._currentTask as Task<unknown> | null) ?? null;
}

/**
 * The tasks of `loop` (default: the running loop) that are not done.
 *
 * Same as asyncio's `all_tasks()`.
 *
 * @throws RuntimeError when `loop` is omitted and no loop is running.
 */
export function allTasks(loop?: EventLoop): Set<Task<unknown>> {
  const tasks = new Set<Task<unknown>>();
  let node = (loop ?? getRunningLoop())._firstTask;
  while (node !== null) {
    const task = node as unknown as Task<unknown>;
    if (!task.done()) tasks.add(task);
    node = node._nextTask;
  }
  return tasks;
}

/** @internal Add `task` to `loop`'s list of pending tasks (O(1), no allocation). */
export function linkTask(loop: EventLoop, task: TaskListNode): void {
  // `!= null`: a task-like object of another implementation starts without the link fields
  if (task._prevTask != null || loop._firstTask === task) return;
  const first = loop._firstTask;
  task._nextTask = first;
  if (first !== null) first._prevTask = task;
  // the head is marked by a self-reference, so `_prevTask !== null` means "linked"
  task._prevTask = task;
  loop._firstTask = task;
}

/** @internal Remove `task` from `loop`'s list of pending tasks. */
export function unlinkTask(loop: EventLoop, task: TaskListNode): void {
  const previous = task._prevTask;
  if (previous == null) return;
  const next = task._nextTask;
  if (previous === task) loop._firstTask = next;
  else previous._nextTask = next;
  if (next !== null) next._prevTask = previous === task ? next : previous;
  task._prevTask = null;
  task._nextTask = null;
}

/**
 * Register `task` as pending on its loop (for third-party task implementations: any object with
 * `getLoop()` and `done()`; the loop links it through two fields it adds, `_prevTask` and
 * `_nextTask`). Same as asyncio's `_register_task()`.
 */
export function _registerTask(task: Task<unknown>): void {
  linkTask(task.getLoop(), task);
}

/** Forget `task`. Same as asyncio's `_unregister_task()`. */
export function _unregisterTask(task: Task<unknown>): void {
  unlinkTask(task.getLoop(), task);
}

/**
 * Mark `task` as the one running on `loop`. Same as asyncio's `_enter_task()`.
 *
 * @throws RuntimeError when another task is running on `loop`.
 */
export function _enterTask(loop: EventLoop, task: Task<unknown>): void {
  const current = loop._currentTask;
  if (current !== null) {
    throw new RuntimeError(
      `Cannot enter into task ${String(task)} while another task ${describe(current)} is being executed.`,
    );
  }
  loop._currentTask = task;
}

/**
 * Mark `task` as no longer running on `loop`. Same as asyncio's `_leave_task()`.
 *
 * @throws RuntimeError when `task` is not the running one.
 */
export function _leaveTask(loop: EventLoop, task: Task<unknown>): void {
  const current = loop._currentTask;
  if (current !== task) {
    throw new RuntimeError(`Leaving task ${String(task)} does not match the current task ${describe(current)}.`);
  }
  loop._currentTask = null;
}

/** Make `task` (or null) the running task of `loop` and return the previous one. Same as asyncio's `_swap_current_task()`. */
export function _swapCurrentTask(loop: EventLoop, task: Task<unknown> | null): Task<unknown> | null {
  const previous = loop._currentTask as Task<unknown> | null;
  loop._currentTask = task;
  return previous;
}
