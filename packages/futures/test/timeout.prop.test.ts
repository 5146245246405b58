/**
 * Property-based tests for timeout(), timeoutAt() and waitFor(): random programs of nested
 * timeouts and waitFor calls around random sleeps, in a few concurrent tasks, with random
 * cancellations from outside — on virtual time, so same-instant races are common.
 *
 * Invariants checked:
 *
 * 1. every task ends;
 * 2. every block that was entered runs its `finally` exactly once;
 * 3. a TimeoutError is created only by a timeout whose deadline passed, out of the
 *    CancelledError its block raised, and only when no other cancellation is pending (then
 *    `cancelling()` is back to its value at entry); otherwise the block's error passes through;
 * 4. waitFor() raises a TimeoutError of its own only once its deadline passed (or for a timeout
 *    <= 0, without ever starting the coroutine);
 * 5. a task ends cancelled exactly when it was cancelled from outside while pending (no
 *    cancellation is lost or invented), and a task that finishes normally has `cancelling()` 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLoop, getRunningLoop, VirtualClock } from '@tsyncio/loop';
import {
  asyncWith,
  CancelledError,
  createTask,
  currentTask,
  sleep,
  type Task,
  timeout,
  timeoutAt,
  TimeoutError,
  wait,
  waitFor,
  type Coroutine,
} from '../src/index.js';

type Block =
  | { kind: 'sleep'; d: number }
  | {
      kind: 'timeout' | 'timeoutAt' | 'waitFor';
      delay: number | null;
      /** swallow a TimeoutError coming out of the block */
      catchTimeout: boolean;
      /** seconds the block's `finally` sleeps (0: none) */
      cleanup: number;
      body: Block[];
    };

/** Times on a half-second grid, so that deadlines, sleeps and cancellations often coincide. */
const halves = (min: number, max: number): fc.Arbitrary<number> => fc.integer({ min, max }).map((n) => n / 2);

const { block: blockArb } = fc.letrec<{ block: Block }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('sleep' as const), d: halves(0, 6) }),
    fc.record({
      kind: fc.constantFrom('timeout' as const, 'timeoutAt' as const, 'waitFor' as const),
      delay: fc.option(halves(-1, 8), { nil: null, freq: 5 }),
      catchTimeout: fc.boolean(),
      cleanup: fc.constantFrom(0, 0, 0.5, 1),
      body: fc.array(tie('block'), { maxLength: 3 }),
    }),
  ),
}));

const programArb = fc.array(blockArb, { minLength: 1, maxLength: 3 });

/** Tasks to run (one program each) and cancellations from outside (at a loop time, of a task). */
interface Scenario {
  programs: Block[][];
  cancels: { at: number; task: number }[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  programs: fc.array(programArb, { minLength: 1, maxLength: 3 }),
  cancels: fc.array(fc.record({ at: halves(0, 16), task: fc.nat(2) }), { maxLength: 3 }),
});

/** What one scenario run observed. */
interface Observed {
  entered: Map<number, number>;
  finallies: Map<number, number>;
  violations: string[];
  nextId: number;
}

const NONE = Symbol('none');

function bump(map: Map<number, number>, id: number): void {
  map.set(id, (map.get(id) ?? 0) + 1);
}

/** Run the blocks of a body in order. */
function* runBlocks(blocks: Block[], rec: Observed): Coroutine<void> {
  for (const block of blocks) yield* runBlock(block, rec);
}

/** The body of a timeout/waitFor block: counted entry, the inner blocks, a counted finally. */
function* body(block: Exclude<Block, { kind: 'sleep' }>, id: number, rec: Observed): Coroutine<void> {
  bump(rec.entered, id);
  try {
    yield* runBlocks(block.body, rec);
  } finally {
    bump(rec.finallies, id);
    if (block.cleanup > 0) yield* sleep(block.cleanup);
  }
}

function* runBlock(block: Block, rec: Observed): Coroutine<void> {
  if (block.kind === 'sleep') {
    yield* sleep(block.d);
    return;
  }
  const id = rec.nextId++;
  const task = currentTask() as Task<unknown>;
  const loop = getRunningLoop();
  const entry = task.cancelling();
  const start = loop.time();
  let bodyError: unknown = NONE;
  let started = false;
  function* tracked(): Coroutine<void> {
    started = true;
    try {
      yield* body(block as Exclude<Block, { kind: 'sleep' }>, id, rec);
    } catch (error) {
      bodyError = error;
      throw error;
    }
  }
  if (block.kind === 'waitFor') {
    try {
      yield* waitFor(tracked(), block.delay);
    } catch (error) {
      if (error !== bodyError && error instanceof CancelledError) {
        // a timeout <= 0 cancelling the task it made: the caller was cancelled meanwhile
        if (task.cancelling() <= entry) rec.violations.push(`waitFor#${id} raised CancelledError without a request`);
      } else if (error !== bodyError) {
        // raised by waitFor itself
        if (!(error instanceof TimeoutError)) rec.violations.push(`waitFor#${id} raised a foreign ${String(error)}`);
        if (block.delay !== null && block.delay > 0) {
          if (loop.time() < start + block.delay) rec.violations.push(`waitFor#${id} timed out early`);
          if ((error as Error).cause !== bodyError || !(bodyError instanceof CancelledError)) {
            rec.violations.push(`waitFor#${id}: the TimeoutError's cause is not the body's CancelledError`);
          }
          if (task.cancelling() !== entry) rec.violations.push(`waitFor#${id}: cancelling() not restored`);
        } else if (started) {
          rec.violations.push(`waitFor#${id}: a timeout <= 0 started the coroutine`);
        }
      }
      if (!(error instanceof TimeoutError && block.catchTimeout)) throw error;
    }
    return;
  }
  const cm =
    block.kind === 'timeout' ? timeout(block.delay) : timeoutAt(block.delay === null ? null : start + block.delay);
  try {
    yield* asyncWith(cm, tracked);
  } catch (error) {
    if (error !== bodyError) {
      // created by the timeout on exit
      if (!(error instanceof TimeoutError)) rec.violations.push(`timeout#${id} raised a foreign ${String(error)}`);
      if (!cm.expired()) rec.violations.push(`timeout#${id} raised TimeoutError without expiring`);
      if ((error as Error).cause !== bodyError || !(bodyError instanceof CancelledError)) {
        rec.violations.push(`timeout#${id}: the TimeoutError's cause is not the body's CancelledError`);
      }
      if (task.cancelling() !== entry) rec.violations.push(`timeout#${id}: cancelling() not back to its entry value`);
    } else if (error instanceof CancelledError && cm.expired() && task.cancelling() <= entry) {
      rec.violations.push(`timeout#${id} let its own cancellation through`);
    }
    if (!(error instanceof TimeoutError && block.catchTimeout)) throw error;
  }
}

/** A task's program, reporting `cancelling()` when it ends normally. */
function* program(blocks: Block[], rec: Observed): Coroutine<number> {
  yield* runBlocks(blocks, rec);
  return (currentTask() as Task<unknown>).cancelling();
}

async function check(scenario: Scenario): Promise<void> {
  const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
  const handlerErrors: unknown[] = [];
  loop.setExceptionHandler((_loop, context) => {
    handlerErrors.push(context.exception ?? context.message);
  });
  const rec: Observed = { entered: new Map(), finallies: new Map(), violations: [], nextId: 0 };
  const tasks = scenario.programs.map((blocks) => createTask(program(blocks, rec), { loop }));
  const cancelledWhilePending = tasks.map(() => false);
  for (const { at, task } of scenario.cancels) {
    const index = task % tasks.length;
    loop.callLater(at, () => {
      if ((tasks[index] as Task<number>).cancel()) cancelledWhilePending[index] = true;
    });
  }
  function* driver(): Coroutine<number> {
    const [, pending] = yield* wait(tasks, { timeout: 10_000 });
    return pending.size;
  }
  try {
    const pending = await loop.runUntilComplete(createTask(driver(), { loop }));
    expect(pending, 'every task ends').toBe(0);
    expect(rec.violations).toEqual([]);
    for (const [id, count] of rec.entered) {
      expect(count, `block #${id} entered once`).toBe(1);
      expect(rec.finallies.get(id), `block #${id} ran its finally once`).toBe(1);
    }
    expect(rec.finallies.size).toBe(rec.entered.size);
    tasks.forEach((task, i) => {
      expect(task.cancelled(), `task ${i} cancelled iff cancelled from outside while pending`).toBe(
        cancelledWhilePending[i],
      );
      if (!task.cancelled()) {
        const error = task.exception();
        if (error === null) expect(task.result(), `task ${i} ends with cancelling() 0`).toBe(0);
        else expect(error, `task ${i} can only fail with a TimeoutError`).toBeInstanceOf(TimeoutError);
      }
    });
    expect(handlerErrors).toEqual([]);
  } finally {
    if (!loop.isRunning()) loop.close();
  }
}

describe('timeout() and waitFor() under random nesting and cancellation', () => {
  it('keep every invariant', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, check), { numRuns: 300 });
  });

  it('keep every invariant for a single deeply nested task cancelled from outside', async () => {
    const single: fc.Arbitrary<Scenario> = fc.record({
      programs: fc.tuple(fc.array(blockArb, { minLength: 2, maxLength: 4 })).map((p) => [...p]),
      cancels: fc.array(fc.record({ at: halves(0, 12), task: fc.constant(0) }), { minLength: 1, maxLength: 2 }),
    });
    await fc.assert(fc.asyncProperty(single, check), { numRuns: 150 });
  });
});
