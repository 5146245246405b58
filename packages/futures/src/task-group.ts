/**
 * `TaskGroup`: structured concurrency — child tasks that never outlive the block that made them.
 *
 * ## Life of a group (asyncio's `taskgroups.py`, 3.13, with 3.15's `cancel()`)
 *
 * ```
 *   created ──aenter()──→ entered ──aexit()──→ exiting ──(no children left)──→ finished
 *                            └──── first child error, error in the body, cancel() ───→ aborting
 * ```
 *
 * - **Aborting** cancels every child that is not done; once aborting, `createTask` refuses new
 *   children. It starts on the first child error, when the body raises, when the parent task is
 *   cancelled while `aexit` waits, or on `cancel()`.
 * - **The parent task is cancelled once** by the group (on the first child error, or `cancel()`),
 *   so the body stops at its current `yield*`; that request is recorded
 *   (`_parentCancelRequested`) and withdrawn with `uncancel()` when the group exits. If that
 *   brings the parent's count to 0, the CancelledError it caused is swallowed; otherwise someone
 *   else cancelled the parent too, and the CancelledError propagates.
 * - **`aexit` waits for every child**, even when the body raised, then raises
 *   `ExceptionGroup('unhandled errors in a TaskGroup', errors)`: the children's errors in the
 *   order they finished, then the body's error. Errors beat cancellation: with errors, a
 *   CancelledError is not propagated, and if the parent was also cancelled from outside its
 *   cancel count is kept as it was (an `uncancel()` + `cancel()` pair re-arms the cancellation).
 *
 * @module
 */
import { getRunningLoop, INSPECT, RuntimeError, type Context, type EventLoop } from '@tsyncio/loop';
import type { AsyncContextManager } from './async-with.js';
import { isCoroutine, type Coroutine } from './coroutine.js';
import { currentTask } from './current-task.js';
import { CancelledError } from './errors.js';
import { ExceptionGroup } from './exception-group.js';
import { ERROR, Future, isLocalFuture } from './future.js';
import { createTask, type Task } from './task.js';

/** Options for {@link TaskGroup.createTask}. */
export interface TaskGroupCreateTaskOptions {
  /** The task's name (default: "Task-<n>"). */
  name?: string;
  /** The Context the task runs in (default: a copy of the current context). */
  context?: Context;
  /** Start the task eagerly (asyncio 3.14 passes such options on to `create_task`). */
  eagerStart?: boolean;
}

/** "Nothing to propagate" (a CancelledError may be any value a coroutine threw). */
const NONE: unique symbol = Symbol('tsyncio.none');

/** Whether `task` finished with an exception (by state for our own tasks: `throw null` counts). */
function failed(task: Future<unknown>): boolean {
  if (isLocalFuture(task)) return task._state === ERROR;
  const foreign = task as Future<unknown>;
  return !foreign.cancelled() && foreign.exception() !== null;
}

/**
 * An asynchronous context manager that owns the tasks created with its {@link createTask}: when
 * the block ends, it waits for all of them. If any child fails, the others — and the body of the
 * block — are cancelled, and the block raises an {@link ExceptionGroup} of every error once all
 * children have finished. No child outlives the block.
 *
 * Same as asyncio's `TaskGroup` (3.13 rules; `cancel()` from 3.15 with the fixes gh-155418 and
 * gh-155433): must be entered inside a task, once; the parent task is cancelled at most once by
 * the group and un-cancelled on exit; errors win over cancellation; `createTask` refuses (and
 * closes the coroutine) before entry, after the group finished, and while it shuts down; an
 * eager child that finishes at once still reports to the group (gh-128550).
 *
 * Differs from asyncio: used with `yield* asyncWith(new TaskGroup(), function* (tg) { … })`;
 * there are no KeyboardInterrupt/SystemExit children to propagate bare (JavaScript has no
 * BaseExceptions besides CancelledError), so every failure goes into the group; the 3.14
 * call-graph edges are not recorded.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   const [user, orders] = yield* asyncWith(new TaskGroup(), function* (tg) {
 *     const user = tg.createTask(fetchUser(id));
 *     const orders = tg.createTask(fetchOrders(id));
 *     return [user, orders] as const;
 *   });
 *   // both finished here; if either failed, an ExceptionGroup was raised instead
 *   console.log(user.result(), orders.result());
 * }
 * ```
 */
export class TaskGroup implements AsyncContextManager<TaskGroup> {
  /** @internal */
  _entered = false;
  /** @internal aexit() started */
  _exiting = false;
  /** @internal children are being cancelled; no new ones */
  _aborting = false;
  /** @internal */
  _loop: EventLoop | null = null;
  /** @internal the task that entered the group */
  _parentTask: Task<unknown> | null = null;
  /** @internal the group cancelled the parent and must uncancel() it on exit */
  _parentCancelRequested = false;
  /** @internal the children that are not done */
  readonly _tasks = new Set<Future<unknown>>();
  /** @internal */
  _errors: unknown[] = [];
  /** @internal what aexit() waits on while children remain */
  _onCompletedFut: Future<boolean> | null = null;
  /** @internal cancel() was called before entry */
  _cancelOnEnter = false;
  private readonly _onTaskDone = (task: Future<unknown>): void => {
    this._childDone(task);
  };

  /**
   * Enter the group: bind it to the running loop and the current task (its parent).
   *
   * @throws RuntimeError when the group was entered before, or when there is no current task
   * ("cannot determine the parent task"), or no running loop.
   */
  *aenter(): Coroutine<TaskGroup> {
    if (this._entered) throw new RuntimeError(`TaskGroup ${String(this)} has already been entered`);
    this._loop ??= getRunningLoop();
    const parent = currentTask(this._loop);
    if (parent === null) throw new RuntimeError(`TaskGroup ${String(this)} cannot determine the parent task`);
    this._parentTask = parent;
    this._entered = true;
    if (this._cancelOnEnter) this.cancel();
    return this;
  }

  /**
   * Exit the group: wait for every child (cancelling them all first if the body failed or the
   * parent is cancelled meanwhile), withdraw the group's own cancellation of the parent, and raise
   * what must be raised.
   *
   * @returns true: the body's error, if any, was either handled here or replaced by what this
   * raises.
   * @throws ExceptionGroup("unhandled errors in a TaskGroup") when children (or the body) failed.
   * @throws CancelledError when the parent task was cancelled by someone else and no child failed.
   */
  *aexit(error: unknown): Coroutine<boolean> {
    try {
      return yield* this._exit(error);
    } finally {
      // drop references to errors and the parent once the group is done with them
      this._parentTask = null;
      this._errors = [];
    }
  }

  private *_exit(error: unknown): Coroutine<boolean> {
    this._exiting = true;
    const loop = this._loop as EventLoop;
    const parent = this._parentTask as Task<unknown>;
    const bodyFailed = error !== undefined;
    const bodyCancelled = bodyFailed && error instanceof CancelledError;
    let propagateCancellation: unknown = bodyCancelled ? error : NONE;

    // the parent is being cancelled (the body raised CancelledError) or the body failed
    if (bodyFailed && !this._aborting) this._abort();

    // a loop, because the parent may be cancelled again and again while children finish
    let pendingCancellation: unknown = NONE;
    while (this._tasks.size > 0) {
      this._onCompletedFut ??= new Future<boolean>({ loop });
      try {
        yield* this._onCompletedFut;
      } catch (cancelled) {
        if (!(cancelled instanceof CancelledError)) throw cancelled;
        pendingCancellation = cancelled;
        if (!this._aborting) {
          // the parent is cancelled from outside while the children still run
          propagateCancellation = cancelled;
          this._abort();
        }
      }
      this._onCompletedFut = null;
    }

    if (this._parentCancelRequested) {
      // the group cancelled the parent: it must withdraw exactly that request
      if (parent.uncancel() === 0) {
        propagateCancellation = NONE;
      } else if (propagateCancellation === NONE) {
        // gh-155433: the cancellation left is someone else's; do not drop it
        propagateCancellation = pendingCancellation;
      }
    }

    const errors = this._errors;
    if (propagateCancellation !== NONE && errors.length === 0) throw propagateCancellation;

    if (bodyFailed && !bodyCancelled) errors.push(error);
    if (errors.length > 0) {
      // cancelled from outside too: keep the count stable, and the cancellation armed (3.13)
      if (parent.cancelling() > 0) {
        parent.uncancel();
        parent.cancel();
      }
      throw new ExceptionGroup('unhandled errors in a TaskGroup', errors.slice());
    }
    return true;
  }

  /**
   * Create a child task running `coro` in this group (on the group's loop, through its task
   * factory). The group waits for it on exit; if it fails, the group cancels everything else.
   *
   * @throws RuntimeError when the group has not been entered, has finished, or is shutting down
   * (a child failed, the body failed, or `cancel()` was called); `coro` is closed unstarted.
   * @throws TypeError when `coro` is not a coroutine.
   */
  createTask<T>(coro: Coroutine<T>, options: TaskGroupCreateTaskOptions = {}): Task<T> {
    if (!this._entered) {
      closeCoroutine(coro);
      throw new RuntimeError(`TaskGroup ${String(this)} has not been entered`);
    }
    if (this._exiting && this._tasks.size === 0) {
      closeCoroutine(coro);
      throw new RuntimeError(`TaskGroup ${String(this)} is finished`);
    }
    if (this._aborting) {
      closeCoroutine(coro);
      throw new RuntimeError(`TaskGroup ${String(this)} is shutting down`);
    }
    const task = createTask(coro, { ...options, loop: this._loop as EventLoop });
    // always via a done callback, even for an eager task already done: reporting its error
    // synchronously would cancel the parent too early (gh-128550)
    this._tasks.add(task);
    task.addDoneCallback(this._onTaskDone);
    // gh-155418: an eager child may have cancelled the group before it joined `_tasks`
    if (this._aborting && !task.done()) task.cancel();
    return task;
  }

  /**
   * Stop the group without an error: cancel every child that is not done and the body of the
   * block (the parent task, once). The block then ends normally — the CancelledError this causes
   * is swallowed by the group — unless the parent was also cancelled by someone else, or children
   * failed (then their ExceptionGroup is raised as usual).
   *
   * Idempotent; a no-op once the group has finished. Called before the group is entered, it
   * makes the group cancel itself as soon as it is entered.
   *
   * Same as asyncio's `TaskGroup.cancel()` (Python 3.15, with gh-155418 and gh-155433).
   *
   * @example
   * ```ts
   * yield* asyncWith(new TaskGroup(), function* (tg) {
   *   tg.createTask(serve(tg)); // serve() calls tg.cancel() on a shutdown request
   *   tg.createTask(heartbeat());
   * }); // returns normally after tg.cancel()
   * ```
   */
  cancel(): void {
    if (!this._entered) {
      this._cancelOnEnter = true;
      return;
    }
    if (this._exiting && this._tasks.size === 0) return;
    if (!this._aborting) {
      this._abort();
      const parent = this._parentTask;
      if (parent !== null && !this._parentCancelRequested) {
        this._parentCancelRequested = true;
        parent.cancel();
      }
    }
  }

  /** asyncio-style description: `<TaskGroup tasks=2 errors=1 cancelling>`. */
  toString(): string {
    const info: string[] = [];
    if (this._tasks.size > 0) info.push(`tasks=${this._tasks.size}`);
    if (this._errors.length > 0) info.push(`errors=${this._errors.length}`);
    if (this._aborting) info.push('cancelling');
    else if (this._entered) info.push('entered');
    return info.length === 0 ? '<TaskGroup>' : `<TaskGroup ${info.join(' ')}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  /** Cancel every child that is not done, and refuse new ones. */
  private _abort(): void {
    this._aborting = true;
    for (const task of this._tasks) {
      if (!task.done()) task.cancel();
    }
  }

  /** The done callback of every child. */
  private _childDone(task: Future<unknown>): void {
    this._tasks.delete(task);
    const completed = this._onCompletedFut;
    if (completed !== null && this._tasks.size === 0 && !completed.done()) completed.setResult(true);

    if (task.cancelled() || !failed(task)) return;
    const error = task.exception();
    this._errors.push(error);

    const parent = this._parentTask;
    if (parent === null || parent.done()) {
      // should not happen (aexit waits for the children; only a coroutine closed with return()
      // in the middle of aexit leaves them behind), but report rather than lose the error
      (this._loop as EventLoop).callExceptionHandler({
        message:
          parent === null
            ? `Task ${String(task)} has errored out but its TaskGroup has already exited`
            : `Task ${String(task)} has errored out but its parent task ${String(parent)} is already completed`,
        exception: error,
        task,
        taskGroup: this,
      });
      return;
    }
    if (!this._aborting && !this._parentCancelRequested) {
      // stop whatever the body is waiting on; aexit() withdraws this request later, so code after
      // the block (say, in a catch of the ExceptionGroup) runs uncancelled
      this._abort();
      this._parentCancelRequested = true;
      parent.cancel();
    }
  }
}

/** Close a coroutine the group refuses, so it never runs (asyncio's `coro.close()`). */
function closeCoroutine(coro: unknown): void {
  if (isCoroutine(coro)) coro.return(undefined);
}
