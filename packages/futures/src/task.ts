/**
 * Task: a coroutine driven by the loop, wrapped in a Future.
 *
 * ## How a task runs (asyncio's `Task.__step`)
 *
 * Each step resumes the coroutine with `next()` — or `throw(error)` when the future it waited on
 * failed or the task was cancelled — and looks at what the coroutine yields:
 *
 * - a Future (from `yield* future`): the task waits for it; the future's done callback schedules
 *   the next step;
 * - nothing (a bare `yield`): the task gives up the loop for one iteration;
 * - anything else: a TypeError, thrown back into the coroutine on the next step, that says what to
 *   write instead (`yield*`, not `yield`; `fromPromise()` for promises).
 *
 * When the coroutine returns, the task's result is set; when it throws, its exception is set; when
 * it throws a CancelledError, the task is cancelled.
 *
 * ## Invariant while the task is pending (from asyncio)
 *
 * - either `_futWaiter` is null and a step is scheduled,
 * - or `_futWaiter` is a future and no step is scheduled; one of its done callbacks wakes the task.
 *
 * ## Cancellation
 *
 * `cancel(msg)` counts the request (`cancelling()`), then cancels the future the task waits on, so
 * the CancelledError surfaces at that `yield*`; if there is none (the step is already scheduled),
 * `_mustCancel` makes the next step throw it. The coroutine may catch it, clean up (even with
 * `yield*` in `finally`) and re-raise — or call `uncancel()` and carry on. The task is cancelled
 * only if the coroutine ends by raising CancelledError.
 *
 * @module
 */
import {
  _enterContext,
  _exitContext,
  _getRunningLoop,
  _setRunningLoop,
  copyContext,
  describe,
  FUTURE_BRAND,
  getEventLoop,
  hasBrand,
  nextTaskNumber,
  RuntimeError,
  TASK_BRAND,
  brandedHasInstance,
  getLogger,
  type Context,
  type EventLoop,
  type TaskListNode,
} from '@tsyncio/loop';
import { isCoroutine, isCoroutineFunction, type Coroutine } from './coroutine.js';
import { linkTask, unlinkTask } from './current-task.js';
import { CancelledError, InvalidStateError } from './errors.js';
import {
  CANCELLED,
  ERROR,
  Future,
  futureCancel,
  futureSetException,
  futureSetResult,
  BLOCKING,
  isLocalFuture,
  MUST_CANCEL,
  STEP_SCHEDULED,
  PENDING,
  RESULT,
} from './future.js';

/** "No exception": what a step receives when it should resume the coroutine with `next()`. */
const NONE: unique symbol = Symbol('tsyncio.noException');


/** Options for {@link Task} and {@link createTask}. */
export interface TaskOptions {
  /** The loop to run on (default: the running loop, else `getEventLoop()`). */
  loop?: EventLoop;
  /** The task's name (default: "Task-<n>"). */
  name?: string;
  /** The Context every step runs in (default: a copy of the current context). */
  context?: Context;
  /**
   * Run the coroutine synchronously, inside the constructor, up to its first suspension, when the
   * loop is running (asyncio 3.12's eager tasks). A coroutine that finishes without suspending
   * never touches the loop.
   */
  eagerStart?: boolean;
}

/** Options for {@link createTask}. */
export type CreateTaskOptions = TaskOptions;

/** Options for {@link Task.getStack}. */
export interface GetStackOptions {
  /** The most frames to return. */
  limit?: number;
}

/** A task name from whatever JavaScript callers pass (asyncio: `str(name)`). */
function nameOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/** The TypeError for a `coro` argument that is not a coroutine (with a hint for a generator function). */
function notACoroutine(value: unknown): TypeError {
  const hint = isCoroutineFunction(value)
    ? ': call the generator function — createTask(main()), not createTask(main)'
    : '';
  return new TypeError(`a coroutine was expected, got ${describe(value)}${hint}`);
}

/** How long (seconds) debug mode lets a task run after catching a cancellation before warning. */
const SWALLOW_GRACE = 1;

/**
 * A coroutine scheduled to run on the loop, and the Future of its result. Create one with
 * {@link createTask} (or `TaskGroup.createTask`); the loop keeps it alive until it finishes.
 *
 * Same as asyncio's `asyncio.Task`, stepping exactly like `Task.__step`, with `cancel(msg)`,
 * `cancelling()`/`uncancel()` (3.13: reaching 0 clears a pending cancel), names, contexts and
 * eager start.
 *
 * Differs from asyncio: the coroutine is a generator (`yield*` instead of `await`); a bad
 * `yield` is a TypeError (asyncio: RuntimeError) that says what to write; `signal` gives an
 * AbortSignal aborted when the task is cancelled; `getStack()` is best effort (JavaScript cannot
 * see the frames of a suspended generator); the loop holds strong references to pending tasks.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<void> {
 *   const task = createTask(sleep(10, 'done'), { name: 'sleeper' });
 *   yield* sleep(1);
 *   task.cancel('took too long');
 *   try {
 *     yield* task;
 *   } catch (e) {
 *     console.log(e instanceof CancelledError, task.cancelled()); // true true
 *   }
 * }
 * ```
 */
export class Task<T> extends Future<T> {
  /** @internal */
  _coro: Coroutine<T> | null;
  /** @internal */
  readonly _context: Context;
  /** @internal the name, or the number of the default name "Task-<n>" */
  _name: string | number;
  /** @internal the future the task waits on */
  _futWaiter: Future<unknown> | null = null;
  /** @internal the loop's list of pending tasks */
  _prevTask: TaskListNode | null = null;
  /** @internal */
  _nextTask: TaskListNode | null = null;

  /**
   * Prefer {@link createTask}.
   *
   * @throws TypeError when `coro` is not a coroutine (a generator object).
   * @throws RuntimeError when the loop is closed.
   */
  constructor(coro: Coroutine<T>, options: TaskOptions = {}) {
    super({ loop: options.loop ?? _getRunningLoop() ?? getEventLoop() });
    if (!isCoroutine(coro)) throw notACoroutine(coro);
    this._coro = coro;
    this._context = options.context ?? copyContext();
    this._name = options.name === undefined ? nextTaskNumber() : nameOf(options.name);
    const loop = this._loop;
    if (options.eagerStart === true && loop.isRunning()) {
      const running = _getRunningLoop();
      if (running === null || running === loop) {
        eagerStart(this, running === null);
        return;
      }
    }
    try {
      this._scheduleStep(NONE);
    } catch (error) {
      coro.return(undefined as T);
      throw error;
    }
    linkTask(loop, this);
  }

  /** @internal cancel() calls minus uncancel() calls */
  get _numCancelsRequested(): number {
    return this._extra?.cancelsRequested ?? 0;
  }

  set _numCancelsRequested(value: number) {
    if (value !== 0 || this._extra !== null) this._x().cancelsRequested = value;
  }


  /** @internal the next step must throw CancelledError */
  get _mustCancel(): boolean {
    return (this._flags & MUST_CANCEL) !== 0;
  }

  set _mustCancel(value: boolean) {
    this._flags = value ? this._flags | MUST_CANCEL : this._flags & ~MUST_CANCEL;
  }

  /** @internal created on first use of `signal` */
  get _abort(): AbortController | null {
    return this._extra?.abort ?? null;
  }

  set _abort(value: AbortController | null) {
    if (value !== null || this._extra !== null) this._x().abort = value;
  }

  /** @internal wakeup callback for futures of another installed copy, or whose addDoneCallback() is overridden */
  get _wakeupBound(): ((future: unknown) => void) | null {
    return this._extra?.wakeupBound ?? null;
  }

  set _wakeupBound(value: ((future: unknown) => void) | null) {
    if (value !== null || this._extra !== null) this._x().wakeupBound = value;
  }

  /** @internal debug mode: cancel count when a CancelledError was last thrown into the coroutine */
  get _cancelDelivered(): number {
    return this._extra?.cancelDelivered ?? 0;
  }

  set _cancelDelivered(value: number) {
    if (value !== 0 || this._extra !== null) this._x().cancelDelivered = value;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [TASK_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, Task, TASK_BRAND, value);
  }

  /** The coroutine the task runs (null after an eager task finished during its eager start). */
  getCoro(): Coroutine<T> | null {
    return this._coro;
  }

  /** The Context every step of the task runs in. */
  getContext(): Context {
    return this._context;
  }

  /** The task's name: the one given, else "Task-<n>". */
  getName(): string {
    const name = this._name;
    return typeof name === 'number' ? `Task-${name}` : name;
  }

  /** Rename the task (the value is converted to a string). */
  setName(name: string): void {
    this._name = nameOf(name);
  }

  /**
   * Best effort, since JavaScript cannot inspect a suspended generator: in debug mode, the frames
   * where the task was created (most recent first); otherwise an empty array.
   */
  getStack(options: GetStackOptions = {}): string[] {
    if (this._sourceTraceback === null) return [];
    const frames = this._sourceTraceback.split('\n').filter((line) => line.trim() !== '');
    return options.limit === undefined ? frames : frames.slice(0, Math.max(0, options.limit));
  }

  /**
   * An AbortSignal for this task, created on first use and aborted — with the CancelledError as
   * its reason — when the task is cancelled. Pass it to promise APIs (`fetch(url, { signal })`)
   * so they stop when the task does. The task drops its reference when it finishes.
   *
   * tsyncio only. Note: a task that catches its cancellation and carries on (`uncancel()`) keeps
   * an aborted signal; signals cannot be un-aborted.
   */
  get signal(): AbortSignal {
    let controller = this._abort;
    if (controller !== null) return controller.signal;
    controller = new AbortController();
    const state = this._state;
    if (state === CANCELLED) {
      controller.abort(this._cancelledExc ?? new CancelledError(this._cancelMessage));
    } else if (state === PENDING && this._numCancelsRequested > 0) {
      controller.abort(new CancelledError(this._cancelMessage));
    }
    if (state === PENDING) this._abort = controller;
    return controller.signal;
  }

  /**
   * Ask the task to cancel itself: a CancelledError (carrying `msg`) is thrown into the coroutine
   * at the `yield*` where it waits, on the next iteration. The coroutine may clean up (even with
   * `yield*`), re-raise, or deny the request. Every call counts (see {@link cancelling}).
   *
   * @returns false when the task is already done, else true.
   */
  override cancel(msg?: unknown): boolean {
    if (this._logTraceback) this._markRetrieved();
    if (this._state !== PENDING) return false;
    this._numCancelsRequested++;
    // the latest message, for a step that must throw and for a `signal` made later
    this._cancelMessage = msg;
    const controller = this._abort;
    if (controller !== null && !controller.signal.aborted) controller.abort(new CancelledError(msg));
    const waiter = this._futWaiter;
    if (waiter !== null && waiter.cancel(msg)) {
      // keep _futWaiter: it may be a task that denies the request and must be cancelled again
      return true;
    }
    // a step is already scheduled: make it throw
    this._mustCancel = true;
    return true;
  }

  /** How many cancellation requests are pending: `cancel()` calls minus `uncancel()` calls. */
  cancelling(): number {
    return this._numCancelsRequested;
  }

  /**
   * Withdraw one cancellation request (for code that caught a CancelledError it requested and
   * wants to carry on, like `timeout()` and `TaskGroup`). Reaching 0 also withdraws a
   * cancellation not yet delivered (asyncio 3.13).
   *
   * @returns the remaining count.
   */
  uncancel(): number {
    if (this._numCancelsRequested > 0) {
      this._numCancelsRequested--;
      if (this._numCancelsRequested === 0) this._mustCancel = false;
    }
    return this._numCancelsRequested;
  }

  /** @throws RuntimeError always: a task's result comes from its coroutine. */
  override setResult(_result: T): never {
    throw new RuntimeError('Task does not support setResult operation');
  }

  /** @throws RuntimeError always: a task's exception comes from its coroutine. */
  override setException(_exception: unknown): never {
    throw new RuntimeError('Task does not support setException operation');
  }

  /**
   * @internal Runnable: run the scheduled step in the task's context — or, once the task is done,
   * its done callbacks (see Future._run). Errors of the step itself (not of the coroutine) go to
   * the exception handler, as for any callback.
   */
  override _run(): void {
    const flags = this._flags;
    if ((flags & STEP_SCHEDULED) === 0) {
      super._run();
      return;
    }
    this._flags = flags & ~STEP_SCHEDULED;
    let exception: unknown = NONE;
    if (this._state === PENDING) {
      exception = this._value;
      this._value = undefined;
    }
    try {
      const context = this._context;
      const previous = _enterContext(context);
      try {
        taskStep(this, exception);
      } finally {
        _exitContext(context, previous);
      }
    } catch (error) {
      this._loop.callExceptionHandler({ message: `Exception in step of ${String(this)}`, exception: error, task: this });
    }
  }

  /** @internal schedule the next step, throwing `exception` into the coroutine unless it is NONE */
  _scheduleStep(exception: unknown): void {
    this._value = exception;
    this._flags |= STEP_SCHEDULED;
    this._loop._scheduleRunnable(this);
  }

  /** @internal TaskWaiter: the future the task waits on is done; step on the next iteration */
  _wakeupLater(future: Future<unknown>): void {
    this._scheduleStep(wakeupException(future));
  }

  /** @internal TaskWaiter: the future's callbacks are running (in the ready queue): step now */
  _wakeupNow(future: Future<unknown>): void {
    this._value = wakeupException(future);
    this._flags |= STEP_SCHEDULED;
    this._run();
  }

  /** @internal the done callback of {@link _wakeupBound}: step now (inside the callback, as asyncio's `__wakeup`) */
  _wakeup(future: Future<unknown>): void {
    taskStep(this, wakeupException(future));
  }

  /** @internal */
  override _finish(): void {
    unlinkTask(this._loop, this);
    const controller = this._abort;
    if (controller !== null) {
      this._abort = null;
      if (this._state === CANCELLED && !controller.signal.aborted) {
        // cancelled without cancel(): by the CancelledError its coroutine raised
        controller.abort(this._cancelledExc ?? new CancelledError(this._cancelMessage));
      }
    }
    if (this._cancelDelivered > 0 && this._state !== CANCELLED) warnIfSwallowed(this, 'finished');
    super._finish();
  }

  /** @internal */
  override _describe(): string {
    const name = `name=${JSON.stringify(this.getName())}`;
    switch (this._state) {
      case PENDING: {
        const waiter = this._futWaiter;
        const state = this._numCancelsRequested > 0 ? 'cancelling' : 'pending';
        return `${state} ${name}${waiter === null ? '' : ` waiting=${String(waiter)}`}`;
      }
      case CANCELLED:
        return `cancelled ${name}`;
      case RESULT:
        return `finished ${name} result=${describe(this._value)}`;
      default:
        return `finished ${name} exception=${describe(this._value)}`;
    }
  }
}

/** What the step after waiting on `future` throws into the coroutine (asyncio's `__wakeup`). */
function wakeupException(future: Future<unknown>): unknown {
  if (isLocalFuture(future)) {
    const state = future._state;
    if (state === RESULT) return NONE;
    if (state === ERROR) {
      if (future._logTraceback) future._markRetrieved();
      return future._value;
    }
    if (state === CANCELLED) return future._makeCancelledError();
    return new InvalidStateError('Result is not ready.');
  }
  try {
    (future as Future<unknown>).result();
    return NONE;
  } catch (error) {
    return error;
  }
}

/** One step of `task`: resume the coroutine with `next()`, or throw `exception` into it. */
function taskStep(task: Task<unknown>, exceptionArg: unknown): void {
  let exception = exceptionArg;
  if (task._state !== PENDING) {
    throw new InvalidStateError(`_step(): already done: ${String(task)}, ${describe(exception)}`);
  }
  if ((task._flags & MUST_CANCEL) !== 0) {
    if (!(exception instanceof CancelledError)) exception = task._makeCancelledError();
    task._flags &= ~MUST_CANCEL;
  }
  task._futWaiter = null;
  const loop = task._loop;
  const current = loop._currentTask;
  if (current !== null) {
    throw new RuntimeError(
      `Cannot enter into task ${String(task)} while another task ${describe(current)} is being executed.`,
    );
  }
  loop._currentTask = task;
  try {
    runStep(task, exception);
  } finally {
    loop._currentTask = null;
  }
}

/** asyncio's `__step_run_and_handle_result`: drive the coroutine one step and act on what it yields. */
function runStep(task: Task<unknown>, exception: unknown): void {
  const coro = task._coro as Coroutine<unknown>;
  let step: IteratorResult<unknown, unknown>;
  try {
    if (exception === NONE) {
      step = coro.next();
    } else {
      if (task._loop.getDebug() && exception instanceof CancelledError) noteCancelDelivered(task);
      step = coro.throw(exception);
    }
  } catch (error) {
    if (error instanceof CancelledError) {
      task._cancelledExc = error;
      futureCancel(task);
    } else {
      futureSetException(task, error);
    }
    return;
  }
  if (step.done === true) {
    if (task._mustCancel) {
      // cancelled right before the coroutine returned
      task._mustCancel = false;
      futureCancel(task, task._cancelMessage);
    } else {
      futureSetResult(task, step.value);
    }
    return;
  }
  const value = step.value;
  if (value === undefined) {
    // a bare `yield`: give up the loop for one iteration
    task._scheduleStep(NONE);
    return;
  }
  if (isLocalFuture(value)) {
    const flags = value._flags;
    if (value._loop !== task._loop) {
      value._flags = flags & ~BLOCKING;
      reschedule(task, new RuntimeError(`Task ${String(task)} got Future ${String(value)} attached to a different loop`));
    } else if ((flags & BLOCKING) !== 0) {
      if (value === (task as unknown)) {
        reschedule(task, new RuntimeError(`Task cannot await on itself: ${String(task)}`));
        return;
      }
      value._flags = flags & ~BLOCKING;
      // the fast path (no closure, no Handle), unless a subclass overrides addDoneCallback(): then
      // go through it, as asyncio does
      if (value.addDoneCallback === Future.prototype.addDoneCallback) value._addTaskWaiter(task);
      else addWakeupCallback(task, value);
      task._futWaiter = value;
      if ((task._flags & MUST_CANCEL) !== 0 && value.cancel(task._cancelMessage)) task._flags &= ~MUST_CANCEL;
    } else {
      reschedule(task, badYield(task, value));
    }
    return;
  }
  if (hasBrand(value, FUTURE_BRAND)) {
    waitForeignFuture(task, value as Future<unknown>);
    return;
  }
  reschedule(task, badYield(task, value));
}

/** A future of another installed copy of this package: use only its public API and the blocking flag. */
function waitForeignFuture(task: Task<unknown>, future: Future<unknown>): void {
  if (future.getLoop() !== task._loop) {
    future._asyncioFutureBlocking = false;
    reschedule(task, new RuntimeError(`Task ${String(task)} got Future ${String(future)} attached to a different loop`));
    return;
  }
  if (!future._asyncioFutureBlocking) {
    reschedule(task, badYield(task, future));
    return;
  }
  future._asyncioFutureBlocking = false;
  addWakeupCallback(task, future);
  task._futWaiter = future;
  if (task._mustCancel && future.cancel(task._cancelMessage)) task._mustCancel = false;
}

/** Wake `task` through `future.addDoneCallback()` (one bound callback per task, made on first use). */
function addWakeupCallback(task: Task<unknown>, future: Future<unknown>): void {
  task._wakeupBound ??= (done: unknown): void => {
    task._wakeup(done as Future<unknown>);
  };
  future.addDoneCallback(task._wakeupBound, { context: task._context });
}

function reschedule(task: Task<unknown>, error: Error): void {
  task._scheduleStep(error);
}

function badYield(task: Task<unknown>, value: unknown): TypeError {
  const where = `in task ${String(task)}`;
  if (hasBrand(value, FUTURE_BRAND)) {
    return new TypeError(`yield was used instead of yield* ${where} with ${String(value)}: write \`yield* future\``);
  }
  if (isCoroutine(value)) {
    return new TypeError(`yield was used instead of yield* for a coroutine ${where}: write \`yield* coro\``);
  }
  if (typeof (value as { then?: unknown } | null)?.then === 'function') {
    return new TypeError(
      `a coroutine cannot wait on a promise with yield ${where}: write \`yield* fromPromise(promise)\``,
    );
  }
  return new TypeError(
    `Task got bad yield ${describe(value)} ${where}: write \`yield* <future, task or coroutine>\` to wait, or a bare \`yield\` to give up one loop iteration`,
  );
}

/** asyncio's `__eager_start`: run the first step synchronously, inside the constructor. */
function eagerStart(task: Task<unknown>, setRunning: boolean): void {
  const loop = task._loop;
  const previous = loop._currentTask;
  loop._currentTask = task;
  linkTask(loop, task);
  if (setRunning) _setRunningLoop(loop);
  try {
    task._context.run(runStep, task, NONE);
  } finally {
    if (setRunning) _setRunningLoop(null);
    loop._currentTask = previous;
    if (task._state !== PENDING) task._coro = null;
  }
}

// ---------------------------------------------------------------- debug: swallowed cancellations


function noteCancelDelivered(task: Task<unknown>): void {
  task._cancelDelivered = task._numCancelsRequested;
  const loop = task._loop;
  const delivered = task._numCancelsRequested;
  loop._callLaterFast(SWALLOW_GRACE, checkSwallowed, task, delivered, task._context);
}

function checkSwallowed(taskArg: unknown, delivered: unknown): void {
  const task = taskArg as Task<unknown>;
  if (task._state !== PENDING || task._cancelDelivered !== delivered) return;
  warnIfSwallowed(task, 'running');
}

function warnIfSwallowed(task: Task<unknown>, how: 'finished' | 'running'): void {
  const delivered = task._cancelDelivered;
  task._cancelDelivered = 0;
  if (delivered === 0 || task._numCancelsRequested < delivered || task._numCancelsRequested === 0) return;
  const what =
    how === 'finished'
      ? 'finished without re-raising it'
      : `is still running ${SWALLOW_GRACE} s later`;
  getLogger().warn(
    `${String(task)} swallowed a cancellation: it caught CancelledError and ${what}, without calling uncancel(). ` +
      'Re-raise it (rethrowIfCancelled(e) in catch-all blocks) or call currentTask().uncancel() if that was intended.' +
      (task._sourceTraceback === null ? '' : `\nTask created at:\n${task._sourceTraceback}`),
  );
}

/**
 * Wrap `coro` in a {@link Task} and schedule it on the running loop (outside any loop: the default
 * self-running loop, so plain async code can `await createTask(work())`). If the loop has a task
 * factory, the factory creates the task.
 *
 * Same as asyncio's `create_task()`, except that it also works outside a running loop.
 *
 * @throws TypeError when `coro` is not a coroutine (a generator object).
 * @throws RuntimeError when the loop is closed.
 *
 * @example
 * ```ts
 * const task = createTask(fetchAll(), { name: 'fetch' });
 * const pages = yield* task;
 * ```
 */
export function createTask<T>(coro: Coroutine<T>, options: CreateTaskOptions = {}): Task<T> {
  const loop = options.loop ?? _getRunningLoop() ?? getEventLoop();
  const factory = loop.getTaskFactory();
  if (factory === null) return new Task(coro, { ...options, loop });
  if (!isCoroutine(coro)) throw notACoroutine(coro);
  const factoryOptions: { name?: string; context?: Context; eagerStart?: boolean } = {};
  if (options.name !== undefined) factoryOptions.name = options.name;
  if (options.context !== undefined) factoryOptions.context = options.context;
  if (options.eagerStart !== undefined) factoryOptions.eagerStart = options.eagerStart;
  const task = factory(loop, coro, factoryOptions) as unknown as Task<T>;
  if (options.name !== undefined && typeof task.setName === 'function') task.setName(options.name);
  return task;
}
