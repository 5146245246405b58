/**
 * Helpers for the socket-layer suites (socket, sock-api, datagram-transport, dns,
 * node-event-loop): run a coroutine on a fresh loop on the real clock with a deadline, fail when
 * the loop's exception handler was called, and close every socket a test made.
 *
 * Every address is 127.0.0.1 and every port 0 (the system picks one); Unix sockets live in a
 * private temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { EventLoop, formatExceptionContext, type ExceptionContext } from '@tsyncio/loop';
import { createTask, type Coroutine } from '@tsyncio/futures';
import { Socket, socket, type SocketOptions } from '../src/index.js';

export const LOCALHOST = '127.0.0.1';

/** Run `main()` as a task on `loop` (a new EventLoop by default) until done, cancelled after `deadline` seconds. */
export async function runOn<T>(
  main: () => Coroutine<T>,
  options: { loop?: EventLoop; deadline?: number; errors?: ExceptionContext[] } = {},
): Promise<T> {
  const loop = options.loop ?? new EventLoop();
  const errors = options.errors ?? [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  const task = createTask(main(), { loop, name: 'test main' });
  const deadline = options.deadline ?? 10;
  let timedOut = false;
  const watchdog = loop.callLater(deadline, () => {
    timedOut = true;
    task.cancel('test deadline');
  });
  try {
    return await loop.runUntilComplete(task);
  } catch (error) {
    if (timedOut) throw new Error(`the test did not finish within ${deadline} s`, { cause: error });
    throw error;
  } finally {
    watchdog.cancel();
    if (options.errors === undefined && errors.length > 0) {
      // eslint-disable-next-line no-unsafe-finally
      throw new Error(`the loop's exception handler was called:\n${errors.map(formatExceptionContext).join('\n')}`);
    }
    if (options.loop === undefined) {
      // let close callbacks run, then close the loop
      await new Promise((resolve) => setImmediate(resolve));
      if (!loop.isRunning()) loop.close();
    }
  }
}

/** A socket closed when the test finishes. */
export function tracked(options?: SocketOptions): Socket {
  const sock = socket(options);
  onTestFinished(() => {
    if (sock._owner === null) sock.close();
  });
  return sock;
}

/** A listening TCP socket on 127.0.0.1 and its address (after the bind completed). */
export function* listener(backlog?: number): Coroutine<[Socket, [string, number]]> {
  const sock = tracked();
  sock.bind([LOCALHOST, 0]);
  sock.listen(backlog);
  const address = (yield* sock.waitBound()) as [string, number];
  return [sock, address];
}

/** A fresh private directory for Unix sockets, removed after the test. */
export function socketDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tss-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` as UTF-8 text. */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** What a thrown value is, for `expect(...).toMatchObject`. */
export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
