import { CancelledError, currentTask, type Coroutine, type Task } from '@tsyncio/futures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Event } from '../src/index.js';
import { runLoop, spawn, tick } from './helpers.js';
import { allEnd, chaosStep, expectIncreasing, expectOnlyCancellations, runChaos, runs } from './prop-helpers.js';

type EventOp = 'set' | 'clear' | 'set-clear' | 'none';

const schedule = fc.record({
  workers: fc.array(
    fc.record({
      delay: fc.integer({ min: 0, max: 3 }),
      waits: fc.integer({ min: 1, max: 3 }),
      retry: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  steps: fc.array(
    fc.tuple(chaosStep, fc.constantFrom<EventOp>('set', 'clear', 'set-clear', 'none', 'none')),
    { maxLength: 12 },
  ),
});

describe('Event (property)', () => {
  it('under random set/clear and cancellations: wait() returns only after a set(), every waiter is woken, FIFO', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, ({ workers, steps }) =>
        runLoop(function* () {
          const ev = new Event();
          let sets = 0; // set() calls that changed the flag
          let nextSeq = 0;
          const returned: number[] = [];
          const blockedSince = new Map<number, number>(); // worker -> sets when it blocked
          const tasks: Task<void>[] = [];

          function set(): void {
            if (!ev.isSet()) sets++;
            ev.set();
          }

          function* worker(id: number, script: { delay: number; waits: number; retry: boolean }): Coroutine<void> {
            yield* tick(script.delay);
            let retried = false;
            for (let i = 0; i < script.waits; i++) {
              for (;;) {
                const wasSet = ev.isSet();
                const since = sets;
                const seq = wasSet ? -1 : nextSeq++;
                if (!wasSet) blockedSince.set(id, since);
                try {
                  expect(yield* ev.wait()).toBe(true);
                } catch (error) {
                  if (error instanceof CancelledError && script.retry && !retried) {
                    retried = true;
                    currentTask()!.uncancel();
                    continue;
                  }
                  throw error;
                } finally {
                  blockedSince.delete(id);
                }
                if (!wasSet && sets === since) throw new Error('wait() returned without a set()');
                if (seq >= 0) returned.push(seq);
                break;
              }
              yield* tick();
            }
          }

          workers.forEach((script, id) => tasks.push(spawn(worker(id, script))));
          yield* runChaos(
            steps.map(([step]) => step),
            () => tasks,
            {
              onStep: (i) => {
                const op = steps[i]![1];
                if (op === 'set' || op === 'set-clear') set();
                if (op === 'clear' || op === 'set-clear') ev.clear();
              },
              onSettle: () => {
                // quiescent: nobody still waits for a set() that happened after it started waiting
                if (ev.isSet()) expect(ev._waiters.length).toBe(0);
                for (const since of blockedSince.values()) expect(since).toBe(sets);
              },
            },
          );
          set();
          const outcomes = yield* allEnd(tasks);
          expectOnlyCancellations(outcomes);
          expectIncreasing(returned, 'woken waiters');
          expect(ev._waiters.length).toBe(0);
        }),
      ),
      { numRuns: runs(2500) },
    );
  });
});
