/**
 * `@tsyncio/loop` — the event loop core of tsyncio: callbacks, timers, clocks, hosts and context
 * variables. Corresponds to asyncio's `events.py`, the scheduler half of `base_events.py`,
 * `constants.py`, `format_helpers.py`, `log.py`, and Python's `contextvars`.
 *
 * @packageDocumentation
 */
export {
  brandedHasInstance,
  hasBrand,
  GLOBAL_SLOT_KEY,
  INSPECT,
  EVENT_LOOP_BRAND,
  HANDLE_BRAND,
  TIMER_HANDLE_BRAND,
  CONTEXT_BRAND,
  CONTEXT_VAR_BRAND,
  FUTURE_BRAND,
  TASK_BRAND,
  RUNTIME_ERROR_BRAND,
  LOOKUP_ERROR_BRAND,
  CANCELLED_ERROR_BRAND,
  INVALID_STATE_ERROR_BRAND,
  KEYBOARD_INTERRUPT_BRAND,
  TIMEOUT_ERROR_BRAND,
  EXCEPTION_GROUP_BRAND,
  BROKEN_BARRIER_ERROR_BRAND,
  QUEUE_EMPTY_BRAND,
  QUEUE_FULL_BRAND,
  QUEUE_SHUT_DOWN_BRAND,
  INCOMPLETE_READ_ERROR_BRAND,
  LIMIT_OVERRUN_ERROR_BRAND,
  CONNECTION_RESET_ERROR_BRAND,
  OS_ERROR_BRAND,
  CONNECTION_ERROR_BRAND,
  CONNECTION_REFUSED_ERROR_BRAND,
  CONNECTION_ABORTED_ERROR_BRAND,
  BROKEN_PIPE_ERROR_BRAND,
  SSL_ERROR_BRAND,
  SSL_CERT_VERIFICATION_ERROR_BRAND,
} from './brand.js';
export { browserHost } from './browser-host.js';
export { monotonicClock, VirtualClock, type Clock, type VirtualClockOptions } from './clock.js';
export {
  HOST_SLICE_MS,
  MIN_CANCELLED_TIMER_HANDLES_FRACTION,
  MIN_SCHEDULED_TIMER_HANDLES,
  SLOW_CALLBACK_DURATION,
} from './constants.js';
export {
  _enterContext,
  _exitContext,
  Context,
  ContextVar,
  copyContext,
  currentContext,
  LookupError,
  Token,
  type ContextVarOptions,
} from './context.js';
export { captureStack, describe } from './debug.js';
export { Deque } from './deque.js';
export { RuntimeError } from './errors.js';
export {
  EventLoop,
  type EventLoopOptions,
  type FutureLike,
  type TaskFactory,
  type TaskFactoryOptions,
  type TaskListNode,
} from './event-loop.js';
export { formatExceptionContext, type ExceptionContext, type ExceptionHandler } from './exception-context.js';
export { Handle, TimerHandle, type Runnable } from './handle.js';
export { defaultHost, type Host, type HostTimer } from './host.js';
export { nextTaskNumber } from './internal/global-slot.js';
export { getLogger, setLogger, type Logger } from './log.js';
export { nodeHost } from './node-host.js';
export {
  _getRunningLoop,
  _setRunningLoop,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  setEventLoop,
} from './running-loop.js';
export { timeoutHost } from './timeout-host.js';
export { VirtualHost } from './virtual-host.js';
