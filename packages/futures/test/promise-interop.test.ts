import { describe, expect, it } from 'vitest';
import { getEventLoop, setEventLoop } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  Future,
  fromPromise,
  sleep,
  toAbortSignal,
  type Coroutine,
} from '../src/index.js';
import { iterate, rejection, runTask, thrown, virtualLoop } from './helpers.js';

/** A promise and the functions that settle it. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('fromPromise', () => {
  it('lets a coroutine wait on a promise and get its value', async () => {
    const { loop } = virtualLoop();
    function* coro(): Coroutine<number> {
      return (yield* fromPromise(Promise.resolve(20))) + 1;
    }
    expect(await runTask(loop, coro())).toBe(21);
  });

  it('throws the rejection into the coroutine', async () => {
    const { loop } = virtualLoop();
    const boom = new RangeError('boom');
    function* coro(): Coroutine<unknown> {
      try {
        yield* fromPromise(Promise.reject(boom));
      } catch (error) {
        return error;
      }
      return null;
    }
    expect(await runTask(loop, coro())).toBe(boom);
  });

  it('accepts any thenable', async () => {
    const { loop } = virtualLoop();
    const thenable: PromiseLike<string> = {
      then(onFulfilled) {
        queueMicrotask(() => {
          void onFulfilled?.('from a thenable');
        });
        return Promise.resolve() as never;
      },
    };
    expect(await loop.runUntilComplete(fromPromise(thenable, { loop }))).toBe('from a thenable');
  });

  it('settles the future once the promise settles, and its callbacks run through the loop', async () => {
    const { loop } = virtualLoop();
    const { promise, resolve } = deferred<number>();
    const future = fromPromise(promise, { loop });
    const seen: number[] = [];
    future.addDoneCallback((f) => seen.push(f.result()));
    await Promise.resolve();
    expect(future.done()).toBe(false);
    resolve(3);
    await promise;
    await Promise.resolve();
    expect(future.done()).toBe(true);
    expect(seen).toEqual([]);
    await iterate(loop);
    expect(seen).toEqual([3]);
  });

  it('binds the future to the running loop, else to getEventLoop()', async () => {
    const { loop } = virtualLoop();
    function* coro(): Coroutine<boolean> {
      const future = fromPromise(Promise.resolve(1));
      yield* future;
      return future.getLoop() === loop;
    }
    setEventLoop(null);
    expect(await runTask(loop, coro())).toBe(true);
    const outside = fromPromise(Promise.resolve(1));
    expect(outside.getLoop()).toBe(getEventLoop());
    expect(await outside).toBe(1);
  });

  it('function form: cancelling the future aborts the signal at once and the future is cancelled at once', () => {
    const { loop } = virtualLoop();
    let signal: AbortSignal | null = null;
    const future = fromPromise((s) => {
      signal = s;
      return new Promise<never>(() => {});
    }, { loop });
    expect(signal!.aborted).toBe(false);
    expect(future.cancel('no longer needed')).toBe(true);
    expect(future.cancelled()).toBe(true);
    expect(signal!.aborted).toBe(true);
    expect(signal!.reason).toBeInstanceOf(CancelledError);
    expect((signal!.reason as Error).message).toBe('no longer needed');
  });

  it('function form: cancelling the task that waits aborts the signal and the task does not wait for the promise', async () => {
    const { loop } = virtualLoop();
    let signal: AbortSignal | null = null;
    function* download(): Coroutine<string> {
      return yield* fromPromise((s) => {
        signal = s;
        // a promise that ignores the signal and never settles
        return new Promise<string>(() => {});
      });
    }
    const task = createTask(download(), { loop });
    await iterate(loop);
    expect(signal!.aborted).toBe(false);
    task.cancel('stop');
    expect(signal!.aborted).toBe(true);
    const error = await rejection(loop.runUntilComplete(task));
    expect(error).toBeInstanceOf(CancelledError);
    expect(task.cancelled()).toBe(true);
  });

  it('function form: the signal is not aborted when the promise settles normally', async () => {
    const { loop } = virtualLoop();
    let signal: AbortSignal | null = null;
    const future = fromPromise((s) => {
      signal = s;
      return Promise.resolve('fine');
    }, { loop });
    expect(await loop.runUntilComplete(future)).toBe('fine');
    expect(signal!.aborted).toBe(false);
    expect(future.cancel()).toBe(false);
    expect(signal!.aborted).toBe(false);
  });

  it('ignores a promise that settles after the future is done, rejection included', async () => {
    const { loop, errors } = virtualLoop();
    const late = deferred<number>();
    const lateFailure = deferred<number>();
    const a = fromPromise(late.promise, { loop });
    const b = fromPromise(lateFailure.promise, { loop });
    a.cancel();
    b.cancel();
    late.resolve(1);
    lateFailure.reject(new Error('too late'));
    await Promise.allSettled([late.promise, lateFailure.promise]);
    await iterate(loop);
    expect(a.cancelled()).toBe(true);
    expect(b.cancelled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('function form: a function that throws fails the future with that error', () => {
    const { loop } = virtualLoop();
    const boom = new RangeError('sync failure');
    const future = fromPromise(() => {
      throw boom;
    }, { loop });
    expect(future.exception()).toBe(boom);
  });

  it('function form: a function that returns no promise fails the future with a TypeError', () => {
    const { loop } = virtualLoop();
    const future = fromPromise((() => 42) as never, { loop });
    const error = future.exception();
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('fromPromise() function must return a promise');
  });

  it('throws a TypeError for an argument that is neither a promise nor a function', () => {
    virtualLoop();
    const error = thrown(() => fromPromise(42 as never));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/fromPromise\(\) expects a promise or a function returning one, got number/);
  });
});

describe('toAbortSignal', () => {
  it('is aborted with a CancelledError carrying the message when the future is cancelled', async () => {
    const { loop } = virtualLoop();
    const future = new Future<number>({ loop });
    const signal = toAbortSignal(future);
    expect(signal.aborted).toBe(false);
    future.cancel('bye');
    await iterate(loop);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledError);
    expect((signal.reason as Error).message).toBe('bye');
  });

  it('is aborted with the exception when the future fails, without retrieving it', async () => {
    const { loop } = virtualLoop();
    const future = new Future<number>({ loop });
    const signal = toAbortSignal(future);
    const boom = new RangeError('boom');
    future.setException(boom);
    await iterate(loop);
    expect(signal.reason).toBe(boom);
    expect(future._logTraceback).toBe(true);
    future.exception();
  });

  it('is aborted when the future finishes with a result', async () => {
    const { loop } = virtualLoop();
    const future = new Future<number>({ loop });
    const signal = toAbortSignal(future);
    future.setResult(1);
    await iterate(loop);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(CancelledError);
  });

  it('is already aborted for a future that is done', () => {
    const { loop } = virtualLoop();
    const cancelled = new Future<number>({ loop });
    cancelled.cancel('gone');
    expect(toAbortSignal(cancelled).aborted).toBe(true);
    expect((toAbortSignal(cancelled).reason as Error).message).toBe('gone');
    const finished = new Future<number>({ loop });
    finished.setResult(1);
    expect(toAbortSignal(finished).aborted).toBe(true);
  });

  it('for a task whose cancellation was already requested, is aborted at once', () => {
    const { loop } = virtualLoop();
    const task = createTask(sleep(10), { loop });
    task.cancel('requested');
    const signal = toAbortSignal(task);
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('requested');
  });

  it('works with a future of another installed copy through its public API', () => {
    // DESIGN §6
    const foreign = (done: boolean, cancelled: boolean): Future<number> =>
      ({
        [Symbol.for('tsyncio.Future')]: true,
        done: () => done,
        cancelled: () => cancelled,
      }) as unknown as Future<number>;
    expect(toAbortSignal(foreign(true, true)).reason).toBeInstanceOf(CancelledError);
    const finished = toAbortSignal(foreign(true, false));
    expect(finished.aborted).toBe(true);
    expect((finished.reason as Error).message).toBe('the future is done');
  });

  it('for a task, is aborted as soon as its cancellation is requested', () => {
    const { loop } = virtualLoop();
    const task = createTask(sleep(10), { loop });
    const signal = toAbortSignal(task);
    task.cancel('now');
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('now');
  });
});
