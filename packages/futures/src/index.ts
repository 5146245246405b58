/**
 * `@tsyncio/futures` — Future, Task, cancellation, combinators, timeouts, TaskGroup and `run`.
 * Corresponds to asyncio's `futures.py`, `tasks.py`, `coroutines.py`, `timeouts.py`,
 * `taskgroups.py`, `runners.py` and `exceptions.py` (futures part).
 *
 * @packageDocumentation
 */
export { AsCompletedIterator, asCompleted, type AsCompletedOptions } from './as-completed.js';
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
export { createEagerTaskFactory, eagerTaskFactory, type TaskConstructor } from './eager.js';
export { ensureFuture, type EnsureFutureOptions } from './ensure-future.js';
export { CancelledError, InvalidStateError, isCancelledError, rethrowIfCancelled, TimeoutError } from './errors.js';
export {
  catchGroup,
  ExceptionGroup,
  tryCatchGroup,
  type CatchGroupClause,
  type CatchGroupClauses,
  type CatchGroupHandler,
  type ErrorClass,
  type ErrorMatcher,
  type MatchedBy,
  type TryCatchGroupClause,
  type TryCatchGroupClauses,
  type TryCatchGroupHandler,
} from './exception-group.js';
export { Future, isFuture, type AddDoneCallbackOptions, type DoneCallback, type FutureOptions } from './future.js';
export { gather, type GatherOptions } from './gather.js';
export { finished, HandCoroutine } from './hand-coroutine.js';
export { fromPromise, toAbortSignal, type FromPromiseOptions } from './promise-interop.js';
export {
  KeyboardInterrupt,
  run,
  Runner,
  type MainCoroutine,
  type RunnerOptions,
  type RunnerRunOptions,
  type RunOptions,
} from './runner.js';
export { shield } from './shield.js';
export { sleep } from './sleep.js';
export { TaskGroup, type TaskGroupCreateTaskOptions } from './task-group.js';
export { createTask, Task, type CreateTaskOptions, type GetStackOptions, type TaskOptions } from './task.js';
export { Timeout, timeout, timeoutAt } from './timeout.js';
export { waitFor } from './wait-for.js';
export { ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION, wait, type ReturnWhen, type WaitOptions } from './wait.js';
