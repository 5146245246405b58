/**
 * Helpers for the structured-concurrency suites (ExceptionGroup, TaskGroup, Runner, eager tasks).
 * Platform-neutral: no `node:` imports, these files also run in headless Chromium.
 *
 * Every loop here runs on `new VirtualClock({ autojump: true })`: `sleep(10)` completes at once in
 * real time, and tests assert orderings and outcomes, never durations.
 */
import { expect } from 'vitest';
import { EventLoop, VirtualClock, type ExceptionContext } from '@tsyncio/loop';
import { eagerTaskFactory, ExceptionGroup, Runner, type Coroutine } from '../src/index.js';

/** Python's ZeroDivisionError (`1 / 0` in CPython's tests). */
export class ZeroDivisionError extends Error {
  override name = 'ZeroDivisionError';
}

/** CPython's test exception class `MyExc`. */
export class MyExc extends Error {
  override name = 'MyExc';
}

/** Options for {@link virtualLoopFactory} and {@link runVirtual}. */
export interface VirtualLoopOptions {
  /** Install `eagerTaskFactory` on the loop (CPython's TestEagerTaskTaskGroup). */
  eager?: boolean;
  /** Where the loop's exception handler records contexts (default: a fresh array). */
  errors?: ExceptionContext[];
}

/** A loop factory for `Runner`: autojump virtual time, exception handler recording into `errors`. */
export function virtualLoopFactory(options: VirtualLoopOptions = {}): () => EventLoop {
  const errors = options.errors ?? [];
  return () => {
    const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    loop.setExceptionHandler((_loop, context) => {
      errors.push(context);
    });
    if (options.eager === true) loop.setTaskFactory(eagerTaskFactory);
    return loop;
  };
}

/**
 * Run `main` with a `Runner` on a virtual-time loop and close it. Unless the caller passes its own
 * `errors` array, any call of the loop's exception handler fails the test.
 */
export async function runVirtual<T>(main: () => Coroutine<T>, options: VirtualLoopOptions = {}): Promise<T> {
  const errors = options.errors ?? [];
  const runner = new Runner({ loopFactory: virtualLoopFactory({ ...options, errors }) });
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
    if (options.errors === undefined) expect(errors).toEqual([]);
  }
}

/** How a promise settled, without rejecting: `{ value }` or `{ error }`. */
export type Outcome<T> = { value: T; error?: undefined } | { error: unknown; value?: undefined };

/** Run `main` like {@link runVirtual}, and return how it ended instead of rejecting. */
export async function settleVirtual<T>(main: () => Coroutine<T>, options: VirtualLoopOptions = {}): Promise<Outcome<T>> {
  try {
    return { value: await runVirtual(main, options) };
  } catch (error) {
    return { error };
  }
}

/** The error classes of a group's direct members (CPython's `get_error_types`), as a set. */
export function errorTypes(group: unknown): Set<unknown> {
  expect(group).toBeInstanceOf(ExceptionGroup);
  return new Set((group as ExceptionGroup).exceptions.map((e) => (e as object).constructor));
}

/** Every leaf error of a group tree, depth first. */
export function leaves(value: unknown): unknown[] {
  if (value instanceof ExceptionGroup) return value.exceptions.flatMap(leaves);
  return [value];
}

/**
 * The shape of a group tree for `toEqual`: a leaf becomes its `name: message`, a group `{ message,
 * exceptions }`.
 */
export function shape(value: unknown): unknown {
  if (value instanceof ExceptionGroup) return { message: value.message, exceptions: value.exceptions.map(shape) };
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return value;
}

/** The error `fn` throws (fails the test when it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  expect.fail('expected an error to be thrown');
}

/** Both task factories, for suites that CPython runs with and without eager tasks. */
export const FACTORIES = [
  ['lazy tasks', false],
  ['eager tasks', true],
] as const;
