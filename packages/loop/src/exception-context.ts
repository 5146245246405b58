/**
 * The exception context: what the loop knows about an error it cannot raise to anyone (a failing
 * callback, a task exception nobody retrieved), handed to the loop's exception handler.
 *
 * Keys, as asyncio's (camelCase): `message` (always), `exception`, `future`, `task`, `handle`,
 * `protocol`, `transport`, `socket`, `sourceTraceback`, `handleTraceback`, `taskGroup`.
 *
 * @module
 */
import type { EventLoop } from './event-loop.js';
import { describe } from './debug.js';

/**
 * What the loop passes to an exception handler. Same keys as asyncio's context dict, in camelCase.
 */
export interface ExceptionContext {
  /** What happened, e.g. "Exception in callback tick()" or "Task exception was never retrieved". */
  message: string;
  /** The error, when there is one. */
  exception?: unknown;
  [key: string]: unknown;
}

/**
 * A loop's exception handler: receives the loop and the context. Same as asyncio's
 * `handler(loop, context)`.
 */
export type ExceptionHandler = (loop: EventLoop, context: ExceptionContext) => void;

/**
 * The text the default exception handler logs: the message, then one `key: value` line per other
 * key (sorted), with creation tracebacks spelled out. The exception itself is logged beside it.
 */
export function formatExceptionContext(context: ExceptionContext): string {
  const message = context.message === '' ? 'Unhandled exception in event loop' : context.message;
  const lines = [message];
  for (const key of Object.keys(context).sort()) {
    if (key === 'message' || key === 'exception') continue;
    const value = context[key];
    if (key === 'sourceTraceback' && typeof value === 'string') {
      lines.push(`Object created at (most recent call first):\n${value}`);
    } else if (key === 'handleTraceback' && typeof value === 'string') {
      lines.push(`Handle created at (most recent call first):\n${value}`);
    } else {
      lines.push(`${key}: ${describe(value)}`);
    }
  }
  return lines.join('\n');
}
