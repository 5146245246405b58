/**
 * Helpers for the @tsyncio/streams suite (platform-neutral: these files also run in headless
 * Chromium). The role of CPython's `test_asyncio/utils.py`: a loop on virtual time whose
 * exception handler records what it gets, and byte/string conversions.
 */
import { onTestFinished } from 'vitest';
import { EventLoop, VirtualClock, type ExceptionContext } from '@tsyncio/loop';
import { createTask, type Coroutine, type Task } from '@tsyncio/futures';
import type { StreamReader } from '../src/index.js';

/** A loop on an autojump VirtualClock; contexts given to its exception handler land in `errors`. */
export interface TestLoop {
  loop: EventLoop;
  clock: VirtualClock;
  errors: ExceptionContext[];
  /** Run `main()` as a task until it completes. */
  run<T>(main: () => Coroutine<T>): Promise<T>;
  /** Run `count` loop iterations (the role of asyncio's `test_utils.run_briefly`). */
  runBriefly(count?: number): Promise<void>;
  /** Create a task on this loop. */
  task<T>(coro: Coroutine<T>): Task<T>;
}

export function testLoop(): TestLoop {
  const clock = new VirtualClock({ autojump: true });
  const loop = new EventLoop({ clock });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  onTestFinished(() => {
    if (!loop.isRunning() && !loop.isClosed()) loop.close();
  });
  return {
    loop,
    clock,
    errors,
    run: (main) => loop.runUntilComplete(createTask(main(), { loop })),
    runBriefly: async (count = 1) => {
      function* idle(): Coroutine<void> {
        for (let i = 0; i < count; i++) yield;
      }
      await loop.runUntilComplete(createTask(idle(), { loop }));
    },
    task: (coro) => createTask(coro, { loop }),
  };
}

/** ASCII/UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` decoded as UTF-8. */
export function s(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** What the reader has buffered, as a string (asyncio tests look at `stream._buffer`). */
export function buffered(reader: StreamReader): string {
  return s(reader._buffer.toUint8Array());
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** Concatenate byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
