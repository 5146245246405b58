import { describe, expect, it } from 'vitest';
import { EXCEPTION_GROUP_BRAND, getRunningLoop, RuntimeError } from '@tsyncio/loop';
import {
  asyncWith,
  CancelledError,
  createTask,
  currentTask,
  sleep,
  Timeout,
  timeout,
  timeoutAt,
  TimeoutError,
  type Coroutine,
} from '../src/index.js';
import { failure, future, newLoop, run, syncError } from './combinators-helpers.js';

describe('timeout(): expiry', () => {
  it('raises TimeoutError when the deadline passes, and reports expired()', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_basic
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (t) {
          cm = t;
          yield* sleep(10);
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cm!.expired()).toBe(true);
    expect(loop.time()).toBeCloseTo(0.01);
  });

  it('timeoutAt() raises TimeoutError at the absolute deadline, and when() returns it', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_at_basic
    const { loop } = newLoop();
    function* main(): Coroutine<[unknown, Timeout]> {
      const deadline = getRunningLoop().time() + 0.01;
      const cm = timeoutAt(deadline);
      try {
        yield* asyncWith(cm, function* () {
          yield* sleep(10);
        });
      } catch (e) {
        return [e, cm];
      }
      throw new Error('no timeout');
    }
    const [error, cm] = await run(loop, main());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cm.expired()).toBe(true);
    expect(cm.when()).toBe(0.01);
  });

  it('the CancelledError that enforced the deadline is the TimeoutError cause', async () => {
    // cf. test_timeouts.py TimeoutTests.test_waiter_cancelled
    const { loop } = newLoop();
    let sawCancel = false;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(10);
          } catch (e) {
            sawCancel = e instanceof CancelledError;
            throw e;
          }
        }),
    );
    expect(sawCancel).toBe(true);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
  });

  it('of nested timeouts with the same deadline, only the outermost raises TimeoutError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_nested_timeouts
    const { loop } = newLoop();
    let innerSaw: unknown = null;
    const cms: Timeout[] = [];
    const error = await failure(
      loop,
      (function* () {
        const deadline = getRunningLoop().time() + 0.01;
        yield* asyncWith(timeoutAt(deadline), function* (cm1) {
          cms.push(cm1);
          try {
            yield* asyncWith(timeoutAt(deadline), function* (cm2) {
              cms.push(cm2);
              yield* sleep(10);
            });
          } catch (e) {
            innerSaw = e;
            throw e;
          }
        });
      })(),
    );
    expect(innerSaw).toBeInstanceOf(CancelledError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cms.map((cm) => cm.expired())).toEqual([true, true]);
  });

  it('a block that finishes before the deadline is not expired and keeps its deadline', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_not_called
    const { loop } = newLoop();
    const cm = await run(
      loop,
      () =>
        asyncWith(timeout(10), function* (t) {
          yield* sleep(0.01);
          return t;
        }),
    );
    expect(cm.expired()).toBe(false);
    expect(cm.when()).toBeGreaterThan(loop.time());
    expect(cm.toString()).toBe('<Timeout [finished]>');
  });

  it('timeout(null) never expires and when() is null', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_disabled
    const { loop } = newLoop();
    const cm = await run(
      loop,
      () =>
        asyncWith(timeout(null), function* (t) {
          yield* sleep(100);
          return t;
        }),
    );
    expect(cm.expired()).toBe(false);
    expect(cm.when()).toBeNull();
  });

  it('timeoutAt(null) never expires and when() is null', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_at_disabled
    const { loop } = newLoop();
    const cm = await run(
      loop,
      () =>
        asyncWith(timeoutAt(null), function* (t) {
          yield* sleep(100);
          return t;
        }),
    );
    expect(cm.expired()).toBe(false);
    expect(cm.when()).toBeNull();
  });

  it('timeout(0) expires on the next iteration without time passing', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_zero
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0), function* (t) {
          cm = t;
          yield* sleep(10);
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cm!.expired()).toBe(true);
    expect(cm!.when()).toBe(0);
    expect(loop.time()).toBe(0);
  });

  it('timeout(0) interrupts even a sleep(0)', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_zero_sleep_zero
    const { loop } = newLoop();
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0), function* () {
          yield* sleep(0);
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('a deadline in the past interrupts a sleep(0) and when() keeps the past value', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_in_the_past_sleep_zero
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(-11), function* (t) {
          cm = t;
          yield* sleep(0);
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cm!.when()).toBe(-11);
    expect(cm!.expired()).toBe(true);
  });

  it('the task that ran the timed-out block is not cancelled', async () => {
    // cf. test_timeouts.py TimeoutTests.test_outer_task_is_not_cancelled
    const { loop } = newLoop();
    function* outer(): Coroutine<string> {
      try {
        yield* asyncWith(timeout(0.001), function* () {
          yield* sleep(10);
        });
      } catch (e) {
        if (e instanceof TimeoutError) return 'timed out';
        throw e;
      }
      return 'no timeout';
    }
    function* main(): Coroutine<[string, boolean, number]> {
      const task = createTask(outer());
      const result = yield* task;
      return [result, task.cancelled(), task.cancelling()];
    }
    expect(await run(loop, main())).toEqual(['timed out', false, 0]);
  });
});

describe('timeout(): errors other than the cancellation', () => {
  it('an error raised before the deadline passes through unchanged', async () => {
    // cf. test_timeouts.py TimeoutTests.test_foreign_exception_passed
    const { loop } = newLoop();
    const original = new RangeError('key');
    let cm: Timeout | null = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (t) {
          cm = t;
          throw original;
        }),
    );
    expect(error).toBe(original);
    expect(original.cause).toBeUndefined();
    expect(cm!.expired()).toBe(false);
  });

  it('a cancellation raised while handling another error still becomes TimeoutError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_exception_context
    const { loop } = newLoop();
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            throw new RangeError('division by zero');
          } finally {
            yield* sleep(1);
          }
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
  });

  it('an error raised while cancelling gets a TimeoutError as its cause', async () => {
    // cf. test_timeouts.py TimeoutTests.test_foreign_exception_on_timeout
    const { loop } = newLoop();
    const crash = new RangeError('division by zero');
    function* crashing(): Coroutine<void> {
      try {
        yield* sleep(1);
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw crash;
      }
    }
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          yield* crashing();
        }),
    );
    expect(error).toBe(crash);
    expect(crash.cause).toBeInstanceOf(TimeoutError);
    expect(Object.keys(crash)).not.toContain('cause'); // as the Error constructor sets it
  });

  it('the TimeoutError is spliced in front of the CancelledError in the cause chain', async () => {
    // cf. test_timeouts.py TimeoutTests.test_foreign_exception_on_timeout_2 (explicit causes)
    const { loop } = newLoop();
    let cancelled: unknown = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(1);
          } catch (e) {
            cancelled = e;
            const lookup = new ReferenceError('key', { cause: e });
            // eslint-disable-next-line preserve-caught-error
            throw new RangeError('cleanup failed', { cause: lookup });
          }
        }),
    );
    expect(error).toBeInstanceOf(RangeError);
    const lookup = (error as Error).cause as Error;
    expect(lookup).toBeInstanceOf(ReferenceError);
    const timeoutError = lookup.cause as Error;
    expect(timeoutError).toBeInstanceOf(TimeoutError);
    expect(timeoutError.cause).toBe(cancelled);
    expect(cancelled).toBeInstanceOf(CancelledError);
  });

  it('an error that already has an unrelated cause is left as it is', async () => {
    // tsyncio: the 3.13 splice only inserts before a CancelledError or fills an empty cause
    const { loop } = newLoop();
    const root = new Error('root');
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(1);
          } catch {
            throw new Error('wrapped', { cause: root });
          }
        }),
    );
    expect((error as Error).cause).toBe(root);
    expect(root.cause).toBeUndefined();
  });

  it('the members of an ExceptionGroup get the TimeoutError linked too', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_taskgroup (with a stand-in group)
    const { loop } = newLoop();
    class Group extends AggregateError {
      readonly exceptions: readonly unknown[];
      constructor(exceptions: unknown[]) {
        super(exceptions, 'group');
        this.exceptions = exceptions;
      }
      get [EXCEPTION_GROUP_BRAND](): true {
        return true;
      }
    }
    const member = new RangeError('division by zero');
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(1);
          } catch {
            throw new Group([member]);
          }
        }),
    );
    expect(error).toBeInstanceOf(Group);
    expect((error as Error).cause).toBeInstanceOf(TimeoutError);
    expect(member.cause).toBeInstanceOf(TimeoutError);
  });

  it('a thrown non-object value propagates unchanged', async () => {
    // tsyncio: only objects can carry a cause
    const { loop } = newLoop();
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(1);
          } catch {
            // eslint-disable-next-line @typescript-eslint/only-throw-error
            throw 'oops';
          }
        }),
    );
    expect(error).toBe('oops');
  });
});

describe('timeout(): cancellations from elsewhere', () => {
  it('a foreign cancellation before the deadline propagates as CancelledError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(10), function* (t) {
          cm = t;
          currentTask()!.cancel();
          yield* sleep(10);
        }),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(cm!.expired()).toBe(false);
  });

  it('an outer timeout fires while an inner one is pending: the inner passes CancelledError on', async () => {
    // cf. test_timeouts.py TimeoutTests.test_nested_timeouts_concurrent
    const { loop, clock } = newLoop();
    let innerSaw: unknown = null;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.002), function* () {
          try {
            yield* asyncWith(timeout(0.1), function* () {
              clock.advance(0.01); // pretend to crunch numbers
              yield* sleep(1);
            });
          } catch (e) {
            innerSaw = e;
            throw e;
          }
        }),
    );
    expect(innerSaw).toBeInstanceOf(CancelledError);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('when both deadlines passed during a busy stretch, the outer one still stops the work', async () => {
    // cf. test_timeouts.py TimeoutTests.test_nested_timeouts_loop_busy
    const { loop, clock } = newLoop();
    let reachedLongSleep = false;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.1), function* () {
          try {
            yield* asyncWith(timeout(0.01), function* () {
              clock.advance(0.1); // the loop is busy for a while
              yield* sleep(1);
            });
          } catch (e) {
            if (!(e instanceof TimeoutError)) throw e;
          }
          reachedLongSleep = true;
          yield* sleep(10); // interrupted by the outer timeout
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBeLessThanOrEqual(1);
    // both timers fired in the same iteration: the inner saw two requests and let them through
    expect(reachedLongSleep).toBe(false);
  });

  it('a timeout entered after a swallowed cancellation still converts its own expiry', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_after_cancellation
    const { loop } = newLoop();
    function* main(): Coroutine<unknown> {
      try {
        currentTask()!.cancel();
        yield* sleep(1);
      } catch {
        // swallowed on purpose (cancelling() stays 1)
      }
      try {
        yield* asyncWith(timeout(0), function* () {
          yield* sleep(1);
        });
      } catch (e) {
        return [e, currentTask()!.cancelling()];
      }
      return null;
    }
    const [error, cancelling] = (await run(loop, main())) as [unknown, number];
    expect(error).toBeInstanceOf(TimeoutError);
    expect(cancelling).toBe(1);
  });

  it('a cancellation inside a timeout entered after a swallowed one propagates', async () => {
    // cf. test_timeouts.py TimeoutTests.test_cancel_in_timeout_after_cancellation
    const { loop } = newLoop();
    function* main(): Coroutine<unknown> {
      try {
        currentTask()!.cancel();
        yield* sleep(1);
      } catch {
        // swallowed on purpose
      }
      try {
        yield* asyncWith(timeout(1), function* () {
          currentTask()!.cancel();
          yield* sleep(2);
        });
      } catch (e) {
        return e;
      }
      return null;
    }
    expect(await run(loop, main())).toBeInstanceOf(CancelledError);
  });

  it('a timeout nested in the finally of an expired one raises its own TimeoutError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_nested_timeout_in_finally
    const { loop } = newLoop();
    let innerError: unknown = null;
    let cancellingInFinally = -1;
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* () {
          try {
            yield* sleep(1);
          } finally {
            cancellingInFinally = currentTask()!.cancelling();
            try {
              yield* asyncWith(timeout(0.01), function* () {
                yield* sleep(10);
              });
            } catch (e) {
              innerError = e;
            }
          }
        }),
    );
    expect(cancellingInFinally).toBe(1);
    expect(innerError).toBeInstanceOf(TimeoutError);
    expect((innerError as Error).cause).toBeInstanceOf(CancelledError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
    expect((error as Error).cause).not.toBe((innerError as Error).cause);
    expect(loop.time()).toBeCloseTo(0.02);
  });

  it('a block that catches the expiry and returns normally raises nothing, and cancelling() is 0', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_expiring (the block ends without error)
    const { loop } = newLoop();
    function* main(): Coroutine<[string, boolean, number]> {
      const cm = timeout(0.01);
      const value = yield* asyncWith(cm, function* () {
        try {
          yield* sleep(1);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
        }
        return 'recovered';
      });
      return [value, cm.expired(), currentTask()!.cancelling()];
    }
    expect(await run(loop, main())).toEqual(['recovered', true, 0]);
  });

  it('after a TimeoutError the task can wait again (its cancellation was withdrawn)', async () => {
    // tsyncio: uncancel() on exit leaves no pending cancellation behind
    const { loop } = newLoop();
    function* main(): Coroutine<[number, string]> {
      try {
        yield* asyncWith(timeout(1), function* () {
          yield* sleep(5);
        });
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
      }
      const count = currentTask()!.cancelling();
      return [count, yield* sleep(3, 'slept')];
    }
    expect(await run(loop, main())).toEqual([0, 'slept']);
    expect(loop.time()).toBe(4);
  });
});

describe('timeout(): reschedule()', () => {
  it('reschedule() from another task moves and removes the deadline', async () => {
    // cf. test_timeouts.py TimeoutTests.test_reschedule
    const { loop } = newLoop();
    function* main(): Coroutine<unknown[]> {
      const entered = future<Timeout>(loop);
      const deadline1 = getRunningLoop().time() + 10;
      const deadline2 = deadline1 + 20;
      const task = createTask(
        asyncWith(timeoutAt(deadline1), function* (cm) {
          entered.setResult(cm);
          yield* sleep(50);
        }),
      );
      const cm = yield* entered;
      const seen: unknown[] = [cm.when()];
      cm.reschedule(deadline2);
      seen.push(cm.when());
      cm.reschedule(null);
      seen.push(cm.when());
      task.cancel();
      try {
        yield* task;
      } catch (e) {
        seen.push(e instanceof CancelledError);
      }
      seen.push(cm.expired());
      return seen;
    }
    expect(await run(loop, main())).toEqual([10, 30, null, true, false]);
  });

  it('reschedule() to a later deadline lets the work run past the first one', async () => {
    // tsyncio
    const { loop } = newLoop();
    const result = await run(
      loop,
      () =>
        asyncWith(timeout(1), function* (cm) {
          cm.reschedule(getRunningLoop().time() + 5);
          return yield* sleep(3, 'done');
        }),
    );
    expect(result).toBe('done');
    expect(loop.time()).toBe(3);
  });

  it('reschedule() to a past deadline expires on the next iteration (callSoon)', async () => {
    // tsyncio: asyncio's `when <= loop.time()` branch
    const { loop } = newLoop();
    const error = await failure(
      loop,
      () =>
        asyncWith(timeout(10), function* (cm) {
          cm.reschedule(getRunningLoop().time() - 1);
          yield* sleep(5);
        }),
    );
    expect(error).toBeInstanceOf(TimeoutError);
    expect(loop.time()).toBe(0);
  });

  it('reschedule(null) removes the deadline', async () => {
    // tsyncio
    const { loop } = newLoop();
    const result = await run(
      loop,
      () =>
        asyncWith(timeout(1), function* (cm) {
          cm.reschedule(null);
          return yield* sleep(100, 'done');
        }),
    );
    expect(result).toBe('done');
  });

  it('reschedule() after the block finished raises RuntimeError (finished)', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_finished
    const { loop } = newLoop();
    const cm = await run(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (t) {
          return t;
        }),
    );
    const error = syncError(() => {
      cm.reschedule(0.02);
    });
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/finished/);
  });

  it('reschedule() after expiry raises RuntimeError (expired)', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_expired
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (t) {
          cm = t;
          yield* sleep(1);
        }),
    );
    const error = syncError(() => {
      cm!.reschedule(0.02);
    });
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/expired/);
  });

  it('reschedule() while expiring raises RuntimeError (expiring)', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_expiring
    const { loop } = newLoop();
    const error = await run(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (cm) {
          try {
            yield* sleep(1);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
          }
          return syncError(() => {
            cm.reschedule(0.02);
          });
        }),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/expiring/);
  });

  it('reschedule() before entry raises RuntimeError (not entered)', () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_not_entered
    const cm = timeoutAt(10);
    const error = syncError(() => {
      cm.reschedule(0.02);
    });
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/has not been entered/);
  });
});

describe('timeout(): entering', () => {
  it('entering a timeout that is already active raises RuntimeError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_already_entered
    const { loop } = newLoop();
    const error = await run(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (cm) {
          try {
            yield* asyncWith(cm, function* () {});
          } catch (e) {
            return e;
          }
          return null;
        }),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/has already been entered/);
  });

  it('entering a timeout a second time raises RuntimeError', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_double_enter
    const { loop } = newLoop();
    const error = await failure(
      loop,
      (function* () {
        const cm = timeout(0.01);
        yield* asyncWith(cm, function* () {});
        yield* asyncWith(cm, function* () {});
      })(),
    );
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/has already been entered/);
  });

  it('entering outside a task raises RuntimeError and leaves the timeout unentered', async () => {
    // cf. test_timeouts.py TimeoutTests.test_timeout_without_task
    const { loop } = newLoop();
    const cm = timeoutAt(10);
    const outcome = new Promise<unknown>((resolve) => {
      loop.callSoon(() => {
        resolve(syncError(() => cm.aenter().next()));
        loop.stop();
      });
    });
    await loop.runForever();
    const error = await outcome;
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toMatch(/task/);
    expect((syncError(() => {
      cm.reschedule(0.02);
    }) as Error).message).toMatch(/has not been entered/);
  });

  it('timeout() outside a running loop raises RuntimeError', () => {
    // tsyncio: like asyncio, the deadline is computed from the running loop's clock
    newLoop();
    expect(syncError(() => timeout(1))).toBeInstanceOf(RuntimeError);
  });

  it('a delay that is not a number raises TypeError, NaN raises RangeError', async () => {
    // tsyncio: bad input gets a clear error
    const { loop } = newLoop();
    const errors = await run(
      loop,
      (function* () {
        yield* sleep(0);
        return [
          syncError(() => timeout('5' as unknown as number)),
          syncError(() => timeout(Number.NaN)),
          syncError(() => timeoutAt(Number.NaN)),
          syncError(() => new Timeout({} as unknown as number)),
        ];
      })(),
    );
    expect(errors.map((e) => (e as Error).name)).toEqual(['TypeError', 'RangeError', 'RangeError', 'TypeError']);
  });

  it('asyncWith returns the value of the block', async () => {
    // tsyncio
    const { loop } = newLoop();
    expect(
      await run(
        loop,
        () =>
          asyncWith(timeout(1), function* () {
            return yield* sleep(0.5, 42);
          }),
      ),
    ).toBe(42);
  });
});

describe('timeout(): description', () => {
  it('an active timeout shows its deadline', async () => {
    // cf. test_timeouts.py TimeoutTests.test_repr_active
    const { loop } = newLoop();
    const text = await run(
      loop,
      (function* () {
        yield* sleep(1.5);
        return yield* asyncWith(timeout(10), function* (cm) {
          return cm.toString();
        });
      })(),
    );
    expect(text).toBe('<Timeout [active] when=11.5>');
  });

  it('an expired timeout says so', async () => {
    // cf. test_timeouts.py TimeoutTests.test_repr_expired
    const { loop } = newLoop();
    let cm: Timeout | null = null;
    await failure(
      loop,
      () =>
        asyncWith(timeout(0.01), function* (t) {
          cm = t;
          yield* sleep(10);
        }),
    );
    expect(String(cm)).toBe('<Timeout [expired]>');
  });

  it('a finished timeout says so', async () => {
    // cf. test_timeouts.py TimeoutTests.test_repr_finished
    const { loop } = newLoop();
    const cm = await run(
      loop,
      () =>
        asyncWith(timeout(10), function* (t) {
          yield* sleep(0);
          return t;
        }),
    );
    expect(String(cm)).toBe('<Timeout [finished]>');
  });

  it('an active timeout without a deadline shows when=None', async () => {
    // cf. test_timeouts.py TimeoutTests.test_repr_disabled
    const { loop } = newLoop();
    const text = await run(
      loop,
      () =>
        asyncWith(timeout(null), function* (cm) {
          return cm.toString();
        }),
    );
    expect(text).toBe('<Timeout [active] when=None>');
    expect(timeoutAt(3).toString()).toBe('<Timeout [created]>');
  });
});
