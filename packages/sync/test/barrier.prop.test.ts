import { CancelledError, currentTask, type Coroutine, type Task } from '@tsyncio/futures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Barrier } from '../src/index.js';
import { runLoop, spawn, tick } from './helpers.js';
import { allEnd, chaosStep, expectOnlyCancellations, runChaos, runs, settle } from './prop-helpers.js';

const schedule = fc.record({
  parties: fc.integer({ min: 1, max: 3 }),
  workers: fc.array(
    fc.record({
      delay: fc.integer({ min: 0, max: 3 }),
      rounds: fc.integer({ min: 1, max: 3 }),
      retry: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  steps: fc.array(chaosStep, { maxLength: 12 }),
});

/** Split the returned indices into rounds (a round's tripping party returns first) and check each. */
function checkRounds(indices: readonly number[], parties: number): void {
  let round = new Set<number>();
  for (const index of indices) {
    if (!(Number.isInteger(index) && index >= 0 && index < parties)) throw new Error(`index ${index} of ${parties}`);
    if (index === parties - 1) {
      round = new Set([index]);
      continue;
    }
    if (round.size === 0) throw new Error(`index ${index} returned before its round was tripped: ${indices.join(',')}`);
    if (round.has(index)) throw new Error(`index ${index} twice in one round: ${indices.join(',')}`);
    round.add(index);
  }
}

describe('Barrier (property)', () => {
  it('under random cancellations: distinct indices per round, never broken by a cancelled waiter, every task ends', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, ({ parties, workers, steps }) =>
        runLoop(function* () {
          const barrier = new Barrier(parties);
          const indices: number[] = [];
          const tasks: Task<void>[] = [];
          let inWait = 0;

          function* pass(): Coroutine<void> {
            inWait++;
            try {
              indices.push(yield* barrier.wait());
            } finally {
              inWait--;
            }
          }

          function* worker(script: (typeof workers)[number]): Coroutine<void> {
            yield* tick(script.delay);
            let retried = false;
            for (let i = 0; i < script.rounds; i++) {
              try {
                yield* pass();
              } catch (error) {
                if (error instanceof CancelledError && script.retry && !retried) {
                  retried = true;
                  currentTask()!.uncancel();
                  continue;
                }
                throw error;
              }
            }
          }

          function checkQuiescent(): void {
            expect(barrier.broken).toBe(false);
            expect(barrier._state).toBe('filling');
            expect(barrier.nWaiting).toBe(inWait);
            expect(barrier._cond._waiters.length).toBe(inWait);
            expect(barrier._cond.locked()).toBe(false);
          }

          for (const script of workers) tasks.push(spawn(worker(script)));
          yield* runChaos(steps, () => tasks, { onSettle: checkQuiescent });
          // end: fill the last rounds with extra parties until every worker is through
          for (let guard = 0; guard < 20; guard++) {
            yield* settle();
            checkQuiescent();
            if (tasks.every((t) => t.done())) break;
            const missing = parties - barrier.nWaiting;
            for (let i = 0; i < missing; i++) tasks.push(spawn(pass()));
          }
          const outcomes = yield* allEnd(tasks);
          expectOnlyCancellations(outcomes);
          checkRounds(indices, parties);
          expect(barrier.broken).toBe(false);
          expect(barrier.nWaiting).toBe(0);
        }),
      ),
      { numRuns: runs(2000) },
    );
  });
});
