import { describe, expectTypeOf, it } from 'vitest';
import {
  asCompleted,
  createTask,
  Future,
  gather,
  shield,
  sleep,
  wait,
  waitFor,
  type AsCompletedIterator,
  type Coroutine,
  type Task,
} from '../src/index.js';

declare const a: Task<number>;
declare const b: Coroutine<string>;
declare const c: Future<boolean>;
declare const flag: boolean;

function* user(): Coroutine<{ name: string }> {
  return { name: 'x' };
}

describe('gather() types', () => {
  it('yield* gather(a, b) is the tuple of the results', () => {
    function* main(): Coroutine<void> {
      const results = yield* gather(a, b);
      expectTypeOf(results).toEqualTypeOf<[number, string]>();
      const three = yield* gather(a, b, c);
      expectTypeOf(three).toEqualTypeOf<[number, string, boolean]>();
      const [u, s] = yield* gather(user(), sleep(1, 'slept'));
      expectTypeOf(u).toEqualTypeOf<{ name: string }>();
      expectTypeOf(s).toEqualTypeOf<string>();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Coroutine<void>>();
  });

  it('gather() itself is a Future of the tuple', () => {
    expectTypeOf(gather(a, c)).toEqualTypeOf<Future<[number, boolean]>>();
    expectTypeOf(gather()).toEqualTypeOf<Future<[]>>();
  });

  it('with returnExceptions: true each element may be an Error', () => {
    function* main(): Coroutine<void> {
      const results = yield* gather(a, b, { returnExceptions: true });
      expectTypeOf(results).toEqualTypeOf<[number | Error, string | Error]>();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Coroutine<void>>();
  });

  it('with returnExceptions: false the tuple is unchanged, with a boolean it may hold errors', () => {
    expectTypeOf(gather(a, b, { returnExceptions: false })).toEqualTypeOf<Future<[number, string]>>();
    expectTypeOf(gather(a, b, {})).toEqualTypeOf<Future<[number, string]>>();
    expectTypeOf(gather(a, b, { returnExceptions: flag })).toEqualTypeOf<Future<[number | Error, string | Error]>>();
  });

  it('a spread array gives an array of results', () => {
    const tasks: Task<number>[] = [];
    expectTypeOf(gather(...tasks)).toEqualTypeOf<Future<number[]>>();
  });

  it('rejects what is not awaitable', () => {
    // @ts-expect-error a number is not awaitable
    gather(a, 42);
    // @ts-expect-error a promise is not awaitable (wrap it with fromPromise)
    gather(Promise.resolve(1));
  });
});

describe('waitFor(), shield(), wait(), asCompleted() types', () => {
  it('yield* waitFor(coro, 1) is the coroutine result type', () => {
    function* main(): Coroutine<void> {
      const value = yield* waitFor(user(), 1);
      expectTypeOf(value).toEqualTypeOf<{ name: string }>();
      expectTypeOf(yield* waitFor(a, null)).toEqualTypeOf<number>();
      expectTypeOf(yield* waitFor(sleep(1, 'x'), 5)).toEqualTypeOf<string>();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Coroutine<void>>();
  });

  it('shield() keeps the result type', () => {
    expectTypeOf(shield(a)).toEqualTypeOf<Future<number>>();
    expectTypeOf(shield(user())).toEqualTypeOf<Future<{ name: string }>>();
  });

  it('wait() returns the done and pending sets', () => {
    function* main(): Coroutine<void> {
      const [done, pending] = yield* wait([a, createTask(sleep(1, 2))]);
      expectTypeOf(done).toEqualTypeOf<Set<Future<number>>>();
      expectTypeOf(pending).toEqualTypeOf<Set<Future<number>>>();
    }
    expectTypeOf(main).returns.toEqualTypeOf<Coroutine<void>>();
  });

  it('asCompleted() hands out coroutines of the results and futures of the inputs', () => {
    const completed = asCompleted([a, createTask(sleep(1, 2))]);
    expectTypeOf(completed).toEqualTypeOf<AsCompletedIterator<number>>();
    for (const next of completed) expectTypeOf(next).toEqualTypeOf<Coroutine<number>>();
    expectTypeOf(completed.nextFuture()).toEqualTypeOf<Coroutine<Future<number> | undefined>>();
    expectTypeOf(completed).toExtend<AsyncIterable<Future<number>>>();
  });
});
