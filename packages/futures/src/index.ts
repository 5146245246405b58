/**
 * `@tsyncio/futures` — Future, Task, cancellation, combinators, timeouts, TaskGroup and `run`.
 * Corresponds to asyncio's `futures.py`, `tasks.py`, `coroutines.py`, `timeouts.py`,
 * `taskgroups.py`, `runners.py` and `exceptions.py` (futures part).
 *
 * @packageDocumentation
 */
export { asyncWith, type AsyncContextManager } from './async-with.js';
export { isCoroutine, type Awaitable, type Coroutine } from './coroutine.js';
export {
  _enterTask,
  _leaveTask,
  _registerTask,
  _swapCurrentTask,
  _unregisterTask,
  allTasks,
  currentTask,
} from './current-task.js';
export { ensureFuture, type EnsureFutureOptions } from './ensure-future.js';
export { CancelledError, InvalidStateError, isCancelledError, rethrowIfCancelled, TimeoutError } from './errors.js';
export { Future, isFuture, type AddDoneCallbackOptions, type DoneCallback, type FutureOptions } from './future.js';
export { fromPromise, toAbortSignal, type FromPromiseOptions } from './promise-interop.js';
export { sleep } from './sleep.js';
export { createTask, Task, type CreateTaskOptions, type GetStackOptions, type TaskOptions } from './task.js';
