/**
 * Shared pieces of the property tests (`*.prop.test.ts`): random schedules of workers and a
 * controller that cancels them at random await points, and the checks every primitive must pass —
 * nothing lost or duplicated, FIFO among the waiters that were not cancelled, and every task ends.
 *
 * Each run is a fresh loop on virtual time (see `runLoop`), so a run is deterministic for its
 * fast-check seed and failures shrink to a small schedule.
 */
import { CancelledError, sleep, timeout, TimeoutError, asyncWith, type Coroutine, type Task } from '@tsyncio/futures';
import fc from 'fast-check';
import { tick } from './helpers.js';

/** How many runs a property makes (TSYNCIO_PROP_RUNS multiplies them, for longer local runs). */
export function runs(base: number): number {
  const factor = Number((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.TSYNCIO_PROP_RUNS ?? 1);
  return Math.max(1, Math.round(base * (Number.isFinite(factor) && factor > 0 ? factor : 1)));
}

/** One step of the controller task: cancel some tasks, then let the loop run. */
export interface ChaosStep {
  /** tasks to cancel (indices, taken modulo the number of tasks) */
  cancel: number[];
  /** loop iterations to run after the step (0: the next step runs in the same iteration) */
  ticks: number;
  /** wait until every task is blocked (virtual time passes), then check the quiescent invariants */
  settle: boolean;
}

export const chaosStep: fc.Arbitrary<ChaosStep> = fc.record({
  cancel: fc.array(fc.nat({ max: 15 }), { maxLength: 2 }),
  ticks: fc.integer({ min: 0, max: 3 }),
  settle: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

/** Cancel `tasks[i % tasks.length]` for each i. */
export function cancelSome(tasks: readonly Task<unknown>[], indices: readonly number[]): void {
  if (tasks.length === 0) return;
  for (const i of indices) tasks[i % tasks.length]!.cancel();
}

/** Let every task run until all are blocked: virtual time passes, so sleeps and timers fire too. */
export function* settle(): Coroutine<void> {
  yield* sleep(1000);
}

/**
 * Wait (virtual time) for every task to end; a task still pending after `limit` seconds means a
 * lost wakeup. Returns the tasks' outcomes: undefined (returned), or the error.
 *
 * @throws Error("tasks never ended: …") when some task is still pending.
 */
export function* allEnd(tasks: readonly Task<unknown>[], limit = 100_000): Coroutine<unknown[]> {
  try {
    yield* asyncWith(timeout(limit), function* () {
      for (const task of tasks) {
        try {
          yield* task;
        } catch {
          // inspected below
        }
      }
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    const pending = tasks.filter((t) => !t.done()).map((t) => t.getName());
    throw new Error(`tasks never ended (lost wakeup?): ${pending.join(', ')}`, { cause: error });
  }
  return tasks.map((t) => (t.cancelled() ? new CancelledError() : (t.exception() ?? undefined)));
}

/** Fail on any outcome that is neither a normal return nor a cancellation. */
export function expectOnlyCancellations(outcomes: readonly unknown[]): void {
  for (const outcome of outcomes) {
    if (outcome !== undefined && !(outcome instanceof CancelledError)) {
      throw outcome instanceof Error ? outcome : new Error(`a task failed with a non-Error: ${typeof outcome}`);
    }
  }
}

/** Hooks of {@link runChaos}. */
export interface ChaosHooks {
  /** runs first at step i (the primitive operations the controller itself performs) */
  onStep?: (i: number) => void;
  /** runs when a step settled: every task is blocked, so the quiescent invariants must hold */
  onSettle?: () => void;
}

/** Run the controller's steps against `tasks` (which may grow while it runs). */
export function* runChaos(
  steps: readonly ChaosStep[],
  tasks: () => readonly Task<unknown>[],
  hooks: ChaosHooks = {},
): Coroutine<void> {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    hooks.onStep?.(i);
    cancelSome(tasks(), step.cancel);
    if (step.settle) {
      yield* settle();
      hooks.onSettle?.();
    } else {
      yield* tick(step.ticks);
    }
  }
}

/** Assert `seqs` is strictly increasing (FIFO: the order in which waiters started waiting). */
export function expectIncreasing(seqs: readonly number[], what: string): void {
  for (let i = 1; i < seqs.length; i++) {
    if (!(seqs[i - 1]! < seqs[i]!)) {
      throw new Error(`${what} out of FIFO order: ${seqs.join(', ')}`);
    }
  }
}
