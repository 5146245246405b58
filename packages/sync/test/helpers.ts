/**
 * Helpers for the @tsyncio/sync suite (platform-neutral: no `node:` imports, these files also run
 * in headless Chromium). The role of CPython's `test_asyncio/utils.py` and
 * `IsolatedAsyncioTestCase`: every test body is a coroutine run as the main task of a fresh loop
 * on virtual time, and the test fails if the loop's exception handler was called.
 */
import { allTasks, createTask, currentTask, sleep, type Awaitable, type Coroutine, type Task } from '@tsyncio/futures';
import { EventLoop, VirtualClock, type ExceptionContext } from '@tsyncio/loop';

/** Options for {@link runLoop}. */
export interface RunLoopOptions {
  /** Exception-handler calls the test expects (default 0: any call fails the test). */
  allowErrors?: boolean;
  /** Called with the loop before the main task is created. */
  setup?: (loop: EventLoop) => void;
}

/**
 * Run `main()` as the main task of a fresh loop on an autojump VirtualClock and return main's
 * result. Like `asyncio.run`, tasks still pending when main ends are cancelled and run to their
 * end before the loop closes. Fails when the loop's exception handler was called.
 */
export async function runLoop<T>(main: () => Coroutine<T>, options: RunLoopOptions = {}): Promise<T> {
  const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  options.setup?.(loop);
  try {
    const result = await loop.runUntilComplete(createTask(main(), { loop }));
    const left = [...allTasks(loop)];
    if (left.length > 0) {
      for (const task of left) task.cancel();
      await loop.runUntilComplete(createTask(gatherAll(left, { returnExceptions: true }), { loop }));
    }
    if (errors.length > 0 && options.allowErrors !== true) {
      throw new Error(`the loop reported: ${errors.map((e) => e.message).join('; ')}`, { cause: errors[0]?.exception });
    }
    return result;
  } finally {
    if (!loop.isRunning()) loop.close();
  }
}

/** asyncio.sleep(0) n times: let every ready task run n loop iterations. */
export function* tick(n = 1): Coroutine<void> {
  for (let i = 0; i < n; i++) yield* sleep(0);
}

/** Spawn `coro` as a task on the running loop. */
export function spawn<T>(coro: Coroutine<T>): Task<T> {
  return createTask(coro);
}

/**
 * Wait for every task, in order; the first exception (in list order) is raised after all are
 * done, unless `returnExceptions`, which puts exceptions in the results instead. A stand-in for
 * `asyncio.gather(*tasks)` in tests (waiting on each task in turn ends at the same moment).
 */
export function* gatherAll<T>(
  tasks: readonly Task<T>[],
  options: { returnExceptions?: boolean } = {},
): Coroutine<unknown[]> {
  const results: unknown[] = [];
  let failure: { error: unknown } | null = null;
  for (const task of tasks) {
    try {
      results.push(yield* task);
    } catch (error) {
      if (task !== currentTask() && !task.done()) throw error; // we were cancelled ourselves
      results.push(error);
      failure ??= { error };
    }
  }
  if (failure !== null && options.returnExceptions !== true) throw failure.error;
  return results;
}

/** Run `coro` and return the error it throws (fails when it returns). */
export function* raises(awaitable: Awaitable<unknown>): Coroutine<unknown> {
  try {
    yield* awaitable;
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception');
}
