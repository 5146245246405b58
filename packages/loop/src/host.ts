/**
 * Hosts: how a loop gets CPU from the platform. JavaScript already has an event loop (Node's
 * libuv, the browser's); a tsyncio loop is a scheduler on top of it. The loop asks its host for
 * two things only: "call me again soon, after pending I/O" and "call me after this delay". An idle
 * loop with no timers asks for nothing, so it holds no host handle (a Node process can exit).
 *
 * Differs from asyncio: asyncio's loop owns a selector and blocks in it; tsyncio's loop never
 * blocks and receives I/O as host callbacks.
 *
 * @module
 */
import { browserHost } from './browser-host.js';
import { nodeHost } from './node-host.js';
import { timeoutHost } from './timeout-host.js';

/** An opaque timer token returned by {@link Host.later}. */
export type HostTimer = unknown;

/**
 * How a loop is scheduled on the platform. Implement it to run a loop on another platform.
 */
export interface Host {
  /** A short name for diagnostics ("node", "browser", "virtual", …). */
  readonly name: string;
  /**
   * Run `callback` once as a new macrotask: after pending microtasks and, where the platform has
   * them, pending I/O callbacks. Must never call it synchronously.
   */
  soon(callback: () => void): void;
  /** Run `callback` once after `delay` seconds of the host's time. */
  later(delay: number, callback: () => void): HostTimer;
  /** Cancel a timer returned by {@link later}; a no-op if it already ran. */
  cancel(timer: HostTimer): void;
}

/**
 * The host for the platform this code runs on: {@link nodeHost} where `setImmediate` exists (Node,
 * Bun, Deno's Node mode), {@link browserHost} where `MessageChannel` exists, else a host built on
 * `setTimeout(0)`.
 */
export function defaultHost(): Host {
  const g = globalThis as { setImmediate?: unknown; MessageChannel?: unknown };
  if (typeof g.setImmediate === 'function') return nodeHost;
  if (typeof g.MessageChannel === 'function') return browserHost;
  return timeoutHost;
}
