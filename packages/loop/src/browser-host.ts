/**
 * The browser host: a `MessageChannel` message for "soon" (a macrotask without `setTimeout`'s
 * 4 ms clamping) and one `setTimeout` for the loop's earliest timer.
 *
 * @module
 */
import type { Host, HostTimer } from './host.js';
import { delayToMs, timerGlobals } from './internal/timers.js';

interface Port {
  onmessage: ((event: unknown) => void) | null;
  postMessage(message: unknown): void;
}

let port: Port | null = null;
let pending: (() => void)[] = [];
let head = 0;

function runNext(): void {
  const callback = pending[head];
  pending[head++] = undefined as unknown as () => void;
  if (head === pending.length) {
    pending = [];
    head = 0;
  }
  if (callback !== undefined) callback();
}

/** The host for browsers and web workers (and any platform with `MessageChannel`). */
export const browserHost: Host = {
  name: 'browser',
  soon(callback: () => void): void {
    if (port === null) {
      const channel = new (globalThis as unknown as { MessageChannel: new () => { port1: Port; port2: Port } }).MessageChannel();
      channel.port1.onmessage = runNext;
      port = channel.port2;
    }
    pending.push(callback);
    port.postMessage(0);
  },
  later(delay: number, callback: () => void): HostTimer {
    return timerGlobals.setTimeout(callback, delayToMs(delay));
  },
  cancel(timer: HostTimer): void {
    timerGlobals.clearTimeout(timer);
  },
};
