import { describe, expectTypeOf, it } from 'vitest';
import type { Context, EventLoop } from '@tsyncio/loop';
import {
  allTasks,
  asyncWith,
  createTask,
  currentTask,
  ensureFuture,
  fromPromise,
  Future,
  isCoroutine,
  isFuture,
  sleep,
  Task,
  toAbortSignal,
  type AsyncContextManager,
  type Awaitable,
  type Coroutine,
} from '../src/index.js';

declare const future: Future<number>;
declare const task: Task<string>;
declare const coro: Coroutine<boolean>;
declare const cm: AsyncContextManager<Uint8Array>;

function* child(): Coroutine<{ id: number }> {
  return { id: 1 };
}

describe('yield* types', () => {
  it('yield* of a Future<T>, a Task<T> and a Coroutine<T> is T', () => {
    function* main(): Coroutine<void> {
      const a = yield* future;
      expectTypeOf(a).toEqualTypeOf<number>();
      expectTypeOf(a).not.toBeAny();
      const b = yield* task;
      expectTypeOf(b).toEqualTypeOf<string>();
      expectTypeOf(b).not.toBeAny();
      const c = yield* coro;
      expectTypeOf(c).toEqualTypeOf<boolean>();
      const d = yield* child();
      expectTypeOf(d).toEqualTypeOf<{ id: number }>();
      expectTypeOf(d).not.toBeAny();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Coroutine<void>>();
  });

  it('a Future is its own iterator, yielding itself and returning T', () => {
    expectTypeOf(future[Symbol.iterator]()).toEqualTypeOf<Generator<Future<number>, number, unknown>>();
    expectTypeOf(future).toExtend<Awaitable<number>>();
    expectTypeOf(task).toExtend<Awaitable<string>>();
    expectTypeOf(coro).toExtend<Awaitable<boolean>>();
  });

  it('await of a Future<T> or Task<T> in async code is T', () => {
    async function main(): Promise<void> {
      const a = await future;
      expectTypeOf(a).toEqualTypeOf<number>();
      const b = await task;
      expectTypeOf(b).toEqualTypeOf<string>();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Promise<void>>();
  });
});

describe('public signatures', () => {
  it('createTask(coro) is a Task<T>; the Task constructor too', () => {
    const made = createTask(child());
    expectTypeOf(made).toEqualTypeOf<Task<{ id: number }>>();
    expectTypeOf(made).not.toBeAny();
    expectTypeOf(new Task(coro)).toEqualTypeOf<Task<boolean>>();
    expectTypeOf(createTask(coro, { name: 'x', eagerStart: true })).toEqualTypeOf<Task<boolean>>();
    // @ts-expect-error a generator function is not a coroutine
    createTask(child);
    // @ts-expect-error a promise is not a coroutine
    createTask(Promise.resolve(1));
  });

  it('sleep(delay) is a Coroutine<void>; sleep(delay, result) a Coroutine of the result', () => {
    expectTypeOf(sleep(1)).toEqualTypeOf<Coroutine<void>>();
    expectTypeOf(sleep(1, 'x')).toEqualTypeOf<Coroutine<string>>();
    expectTypeOf(sleep(1, 'x')).not.toBeAny();
    expectTypeOf(sleep(0, 42 as const)).toEqualTypeOf<Coroutine<42>>();
  });

  it('Future and Task methods are typed by T, with no any', () => {
    expectTypeOf(future.result()).toEqualTypeOf<number>();
    expectTypeOf(future.result()).not.toBeAny();
    expectTypeOf(future.exception()).toEqualTypeOf<unknown>();
    expectTypeOf(future.setResult).parameter(0).toEqualTypeOf<number>();
    expectTypeOf(future.addDoneCallback).parameter(0).parameter(0).toEqualTypeOf<Future<number>>();
    expectTypeOf(future.then((value) => value.toFixed())).toEqualTypeOf<Promise<string>>();
    expectTypeOf(task.getCoro()).toEqualTypeOf<Coroutine<string> | null>();
    expectTypeOf(task.getContext()).toEqualTypeOf<Context>();
    expectTypeOf(task.getLoop()).toEqualTypeOf<EventLoop>();
    expectTypeOf(task.signal).toEqualTypeOf<AbortSignal>();
    expectTypeOf(task.cancel()).toEqualTypeOf<boolean>();
    expectTypeOf(task.cancelling()).toEqualTypeOf<number>();
    expectTypeOf(task.getStack()).not.toBeAny();
  });

  it('ensureFuture, fromPromise and asyncWith keep the result type', () => {
    expectTypeOf(ensureFuture(child())).toEqualTypeOf<Future<{ id: number }>>();
    expectTypeOf(ensureFuture(Promise.resolve('p'))).toEqualTypeOf<Future<string>>();
    expectTypeOf(fromPromise(Promise.resolve(1))).toEqualTypeOf<Future<number>>();
    expectTypeOf(fromPromise((signal) => fetchLike(signal))).toEqualTypeOf<Future<string>>();
    function* body(value: Uint8Array): Coroutine<number> {
      return value.length;
    }
    expectTypeOf(asyncWith(cm, body)).toEqualTypeOf<Coroutine<number>>();
    expectTypeOf(toAbortSignal(future)).toEqualTypeOf<AbortSignal>();
  });

  it('currentTask, allTasks and the type guards', () => {
    expectTypeOf(currentTask()).toEqualTypeOf<Task<unknown> | null>();
    expectTypeOf(allTasks()).toEqualTypeOf<Set<Task<unknown>>>();
    const value: unknown = null;
    if (isFuture(value)) expectTypeOf(value).toEqualTypeOf<Future<unknown>>();
    if (isCoroutine(value)) expectTypeOf(value).toEqualTypeOf<Coroutine<unknown>>();
  });
});

declare function fetchLike(signal: AbortSignal): Promise<string>;
