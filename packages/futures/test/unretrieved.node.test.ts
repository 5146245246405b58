// Node only: "exception was never retrieved" is reported when a failed future is garbage-collected
// (asyncio's Future.__del__; here a FinalizationRegistry), so these tests need to force a
// collection. `--expose-gc` is switched on inside this worker (v8.setFlagsFromString) and `gc`
// fetched from a fresh vm context, so no special vitest configuration is needed.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { EventLoop, ExceptionContext } from '@tsyncio/loop';
import { allTasks, createTask, Future, type Coroutine, type Task } from '../src/index.js';
import { iterate, raises, virtualLoop } from './helpers.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collect garbage until `done()` holds or about a second of real time has passed. */
async function collectUntil(done: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 50 && !done(); attempt++) {
    gc();
    // finalization callbacks run in a later macrotask
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
  }
}

/** Collect garbage a few times, for tests that expect nothing to be reported. */
async function collectSome(): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    gc();
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}

/** Make a future on `loop` and let `use` do something to it; no reference survives. */
function abandonFuture(loop: EventLoop, use: (future: Future<number>) => void): void {
  use(new Future<number>({ loop }));
}

function unretrievedReports(errors: ExceptionContext[]): ExceptionContext[] {
  return errors.filter((context) => / exception was never retrieved$/.test(context.message));
}

describe('exception never retrieved', () => {
  it('a failed future nobody looked at is reported to the loop exception handler when collected', async () => {
    // cf. test_futures.py BaseFutureTests.test_future_exception_never_retrieved / test_tb_logger_exception_unretrieved
    const { loop, errors } = virtualLoop();
    abandonFuture(loop, (future) => {
      future.setException(new RangeError('boom'));
    });
    await collectUntil(() => errors.length > 0);
    const reports = unretrievedReports(errors);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toBe('Future exception was never retrieved');
    expect(reports[0]!.exception).toBeInstanceOf(RangeError);
    expect((reports[0]!.exception as Error).message).toBe('boom');
    expect(reports[0]!.future).toBe('<Future finished exception=RangeError("boom")>');
    expect(reports[0]!.sourceTraceback).toBeUndefined();
  });

  it('in debug mode the report says where the future was created', async () => {
    // cf. test_futures.py BaseFutureTests.test_future_exception_never_retrieved_debug
    const { loop, errors } = virtualLoop({ debug: true });
    abandonFuture(loop, (future) => {
      future.setException(new RangeError('boom'));
    });
    await collectUntil(() => errors.length > 0);
    const reports = unretrievedReports(errors);
    expect(reports).toHaveLength(1);
    expect(typeof reports[0]!.sourceTraceback).toBe('string');
    expect(reports[0]!.sourceTraceback).toMatch(/abandonFuture/);
  });

  it('a failed task nobody awaited is reported as "Task exception was never retrieved"', async () => {
    // cf. tasks.py Task.__del__ / futures.py Future.__del__
    const { loop, errors } = virtualLoop();
    (() => {
      createTask(raises(new RangeError('task failed')), { loop });
    })();
    await iterate(loop, 2);
    await collectUntil(() => errors.length > 0);
    const reports = unretrievedReports(errors);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toBe('Task exception was never retrieved');
    expect((reports[0]!.exception as Error).message).toBe('task failed');
  });

  it('nothing is reported for exceptions retrieved, results, cancelled or abandoned futures', async () => {
    // cf. test_futures.py BaseFutureTests.test_tb_logger_abandoned / _result_unretrieved /
    // _result_retrieved / _exception_retrieved / _exception_result_retrieved / test_tb_logger_not_called_after_cancel
    const { loop, errors } = virtualLoop();
    abandonFuture(loop, () => {});
    abandonFuture(loop, (future) => {
      future.setResult(42);
    });
    abandonFuture(loop, (future) => {
      future.setResult(42);
      future.result();
    });
    abandonFuture(loop, (future) => {
      future.setException(new Error('seen'));
      future.exception();
    });
    abandonFuture(loop, (future) => {
      future.setException(new Error('seen'));
      expect(() => future.result()).toThrow('seen');
    });
    abandonFuture(loop, (future) => {
      future.setException(new Error('cancel marks it retrieved'));
      future.cancel();
    });
    abandonFuture(loop, (future) => {
      future.cancel();
    });
    (() => {
      function* waiter(): Coroutine<void> {
        const failed = new Future<void>();
        failed.setException(new Error('retrieved by yield*'));
        try {
          yield* failed;
        } catch {
          // retrieved
        }
      }
      createTask(waiter(), { loop });
    })();
    await iterate(loop, 2);
    // a future whose exception was reported must have failed during this test: make one to know
    // that finalization did run
    abandonFuture(loop, (future) => {
      future.setException(new Error('canary'));
    });
    await collectUntil(() => errors.length > 0);
    await collectSome();
    expect(unretrievedReports(errors).map((context) => (context.exception as Error).message)).toEqual(['canary']);
  });
});

describe('strong references to tasks', () => {
  it('a pending task waiting on a future nobody else references survives garbage collection', async () => {
    // cf. test_tasks.py BaseTaskTests.test_log_destroyed_pending_task: asyncio collects it ("Task
    // was destroyed but it is pending!"); tsyncio's loop keeps pending tasks alive
    const { loop, errors } = virtualLoop();
    const weak = ((): WeakRef<Task<void>> => {
      function* killMe(): Coroutine<void> {
        yield* new Future<void>();
      }
      return new WeakRef(createTask(killMe(), { loop }));
    })();
    await iterate(loop);
    await collectSome();
    const task = weak.deref();
    expect(task).toBeDefined();
    expect(allTasks(loop)).toEqual(new Set([task]));
    expect(errors).toEqual([]);
    task!.cancel();
  });
});
