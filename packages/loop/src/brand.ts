/**
 * Cross-copy identity (DESIGN §6). An application may end up with two installed copies of a
 * tsyncio package; values made by one copy must still be recognised by the other. Every
 * `Symbol.for` key the project uses lives in this file, so the protocol is written down once.
 *
 * - Classes whose instances cross package boundaries (Future, Task, the errors, EventLoop, Handle)
 *   carry a brand (a prototype getter `[X_BRAND]` returning `true`) and a static
 *   `Symbol.hasInstance` built with {@link brandedHasInstance}, so `x instanceof Future` is true
 *   for a Future of either copy.
 * - Process-wide state (the running loop, the default loop, the current context) lives in one
 *   `globalThis` slot under {@link GLOBAL_SLOT_KEY}, created on first use, never at import.
 *
 * The keys carry the protocol: a copy that changes the meaning of a slot field or a brand must
 * use a new key.
 *
 * Differs from asyncio: asyncio duck-types futures through `_asyncio_future_blocking`; tsyncio
 * uses explicit brands, which work the same across copies.
 *
 * @module
 */

/** Brand of `EventLoop` instances (`Symbol.for('tsyncio.EventLoop')`). */
export const EVENT_LOOP_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.EventLoop');
/** Brand of `Handle` instances (`Symbol.for('tsyncio.Handle')`). */
export const HANDLE_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.Handle');
/** Brand of `TimerHandle` instances (`Symbol.for('tsyncio.TimerHandle')`). */
export const TIMER_HANDLE_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.TimerHandle');
/** Brand of `Context` instances (`Symbol.for('tsyncio.Context')`). */
export const CONTEXT_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.Context');
/** Brand of `ContextVar` instances (`Symbol.for('tsyncio.ContextVar')`). */
export const CONTEXT_VAR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ContextVar');
/** Brand of `Future` instances (`Symbol.for('tsyncio.Future')`). */
export const FUTURE_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.Future');
/** Brand of `Task` instances (`Symbol.for('tsyncio.Task')`). */
export const TASK_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.Task');
/** Brand of `RuntimeError` instances (`Symbol.for('tsyncio.RuntimeError')`). */
export const RUNTIME_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.RuntimeError');
/** Brand of `LookupError` instances (`Symbol.for('tsyncio.LookupError')`). */
export const LOOKUP_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.LookupError');
/** Brand of `CancelledError` instances (`Symbol.for('tsyncio.CancelledError')`). */
export const CANCELLED_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.CancelledError');
/** Brand of `InvalidStateError` instances (`Symbol.for('tsyncio.InvalidStateError')`). */
export const INVALID_STATE_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.InvalidStateError');
/** Brand of `TimeoutError` instances (`Symbol.for('tsyncio.TimeoutError')`). */
export const TIMEOUT_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.TimeoutError');
/** Brand of `ExceptionGroup` instances (`Symbol.for('tsyncio.ExceptionGroup')`). */
export const EXCEPTION_GROUP_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ExceptionGroup');
/** Brand of `BrokenBarrierError` instances (`Symbol.for('tsyncio.BrokenBarrierError')`). */
export const BROKEN_BARRIER_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.BrokenBarrierError');
/** Brand of `QueueEmpty` instances (`Symbol.for('tsyncio.QueueEmpty')`). */
export const QUEUE_EMPTY_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.QueueEmpty');
/** Brand of `QueueFull` instances (`Symbol.for('tsyncio.QueueFull')`). */
export const QUEUE_FULL_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.QueueFull');
/** Brand of `QueueShutDown` instances (`Symbol.for('tsyncio.QueueShutDown')`). */
export const QUEUE_SHUT_DOWN_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.QueueShutDown');
/** Brand of `IncompleteReadError` instances (`Symbol.for('tsyncio.IncompleteReadError')`). */
export const INCOMPLETE_READ_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.IncompleteReadError');
/** Brand of `LimitOverrunError` instances (`Symbol.for('tsyncio.LimitOverrunError')`). */
export const LIMIT_OVERRUN_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.LimitOverrunError');
/** Brand of `ConnectionResetError` instances (`Symbol.for('tsyncio.ConnectionResetError')`). */
export const CONNECTION_RESET_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ConnectionResetError');

/** Brand of `@tsyncio/net`'s `OSError` instances (`Symbol.for('tsyncio.OSError')`). */
export const OS_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.OSError');
/** Brand of `@tsyncio/net`'s `ConnectionError` instances (`Symbol.for('tsyncio.ConnectionError')`). */
export const CONNECTION_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ConnectionError');
/** Brand of `ConnectionRefusedError` instances (`Symbol.for('tsyncio.ConnectionRefusedError')`). */
export const CONNECTION_REFUSED_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ConnectionRefusedError');
/** Brand of `ConnectionAbortedError` instances (`Symbol.for('tsyncio.ConnectionAbortedError')`). */
export const CONNECTION_ABORTED_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.ConnectionAbortedError');
/** Brand of `BrokenPipeError` instances (`Symbol.for('tsyncio.BrokenPipeError')`). */
export const BROKEN_PIPE_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.BrokenPipeError');
/** Brand of `SSLError` instances (`Symbol.for('tsyncio.SSLError')`). */
export const SSL_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.SSLError');
/** Brand of `SSLCertVerificationError` instances (`Symbol.for('tsyncio.SSLCertVerificationError')`). */
export const SSL_CERT_VERIFICATION_ERROR_BRAND: unique symbol = /* @__PURE__ */ Symbol.for(
  'tsyncio.SSLCertVerificationError',
);

/** Brand of `KeyboardInterrupt` instances (`Symbol.for('tsyncio.KeyboardInterrupt')`). */
export const KEYBOARD_INTERRUPT_BRAND: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.KeyboardInterrupt');

/** The `globalThis` key of the process-wide slot (see `internal/global-slot.ts`). */
export const GLOBAL_SLOT_KEY: unique symbol = /* @__PURE__ */ Symbol.for('tsyncio.slot/1');

/** Node's `util.inspect.custom`, reached without importing `node:util`. */
export const INSPECT: unique symbol = /* @__PURE__ */ Symbol.for('nodejs.util.inspect.custom');

/** True when `value` is an object carrying the brand `brand`. */
export function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * The body of a branded class's `static [Symbol.hasInstance]`: the base class recognises any
 * value with its brand (from any installed copy); a subclass keeps ordinary prototype-chain
 * `instanceof`, so `instanceof SubClass` does not match every branded value.
 *
 * @example
 * ```ts
 * class RuntimeError extends Error {
 *   get [RUNTIME_ERROR_BRAND](): true { return true; }
 *   static override [Symbol.hasInstance](x: unknown): boolean {
 *     return brandedHasInstance(this, RuntimeError, RUNTIME_ERROR_BRAND, x);
 *   }
 * }
 * ```
 */
export function brandedHasInstance(self: object, base: object, brand: symbol, value: unknown): boolean {
  if (self === base) return hasBrand(value, brand);
  return Function.prototype[Symbol.hasInstance].call(self, value);
}
