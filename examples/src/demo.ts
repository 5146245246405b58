/**
 * The README's demo: tasks, cancellation and timeouts on the real clock.
 *
 * Run it with `pnpm demo` from the repository root.
 */
import {
  asyncWith,
  CancelledError,
  createTask,
  ExceptionGroup,
  gather,
  run,
  sleep,
  TaskGroup,
  timeout,
  TimeoutError,
  waitFor,
  type Coroutine,
} from 'tsyncio';

const started = performance.now();

function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.log(`[${seconds.padStart(5)} s] ${message}`);
}

/** A unit of work that takes `seconds`, and says so when it is cleaned up. */
function* work(name: string, seconds: number): Coroutine<string> {
  log(`${name}: started (${seconds} s of work)`);
  try {
    yield* sleep(seconds);
    log(`${name}: finished`);
    return `${name}'s result`;
  } catch (error) {
    if (error instanceof CancelledError) log(`${name}: cancelled while waiting${error.message ? ` (${error.message})` : ''}`);
    throw error;
  } finally {
    // cleanup may itself wait: the cancellation does not cut it short
    yield* sleep(0.05);
    log(`${name}: cleaned up`);
  }
}

function* main(): Coroutine<void> {
  log('1. Tasks run concurrently: two workers of 0.3 s and 0.2 s finish in about 0.3 s');
  const results = yield* gather(work('alpha', 0.3), work('beta', 0.2));
  log(`   gather returned ${JSON.stringify(results)}`);

  log('2. Cancellation lands where the task waits');
  const slow = createTask(work('slow', 10));
  yield* sleep(0.2);
  slow.cancel('no longer needed');
  try {
    yield* slow;
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    log(`   slow.cancelled() is ${slow.cancelled()}`);
  }

  log('3. A timeout really stops the work it wraps');
  try {
    yield* asyncWith(timeout(0.25), function* () {
      yield* work('deadline', 5);
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    log('   timed out after 0.25 s');
  }

  log('4. waitFor() gives a single awaitable a deadline');
  const quick = yield* waitFor(work('quick', 0.1), 1);
  log(`   waitFor returned ${JSON.stringify(quick)}`);

  log('5. A failing task in a TaskGroup cancels its siblings');
  try {
    yield* asyncWith(new TaskGroup(), function* (group) {
      group.createTask(work('sibling', 5));
      group.createTask(
        (function* (): Coroutine<void> {
          yield* sleep(0.1);
          throw new Error('boom');
        })(),
      );
    });
  } catch (error) {
    if (!(error instanceof ExceptionGroup)) throw error;
    log(`   the group raised "${error.message}" with ${error.exceptions.map(String).join(', ')}`);
  }
  log('done');
}

await run(main());
