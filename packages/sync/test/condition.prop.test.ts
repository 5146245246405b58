import { asyncWith, CancelledError, currentTask, type Coroutine, type Task } from '@tsyncio/futures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Condition } from '../src/index.js';
import { runLoop, spawn, tick } from './helpers.js';
import {
  allEnd,
  cancelSome,
  chaosStep,
  expectIncreasing,
  expectOnlyCancellations,
  runChaos,
  runs,
  settle,
} from './prop-helpers.js';

const role = fc.record({
  producer: fc.boolean(),
  delay: fc.integer({ min: 0, max: 3 }),
  rounds: fc.integer({ min: 1, max: 3 }),
  retry: fc.boolean(),
  /** producers: how many to notify (0: notifyAll) */
  notify: fc.constantFrom(1, 1, 1, 2, 0),
  /** producers: cancel the consumer that notify() just woke (the oldest waiter), still holding the lock */
  cancelWoken: fc.boolean(),
  /** tasks to cancel right after notifying (producers) or consuming (consumers) */
  cancelAfter: fc.array(fc.nat({ max: 15 }), { maxLength: 1 }),
  /** loop iterations spent holding the lock after notifying or consuming */
  hold: fc.integer({ min: 0, max: 2 }),
});

const schedule = fc.record({
  roles: fc.array(role, { minLength: 1, maxLength: 6 }),
  steps: fc.array(chaosStep, { maxLength: 12 }),
});

describe('Condition (property)', () => {
  it('producers and consumers under random cancellations: the lock is held around wait(), no notification is lost, FIFO', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, ({ roles, steps }) =>
        runLoop(function* () {
          const cond = new Condition();
          let items = 0;
          let produced = 0;
          let consumed = 0;
          let closed = false;
          let inside = 0; // tasks holding the lock (by our own accounting)
          let nextSeq = 0;
          const returned: number[] = [];
          const waiting = new Map<number, number>(); // waiting consumer -> its seq
          const tasks: Task<void>[] = [];

          function enter(): void {
            expect(cond.locked()).toBe(true);
            inside++;
            if (inside !== 1) throw new Error(`${inside} tasks hold the condition's lock`);
          }

          function* consume(id: number, r: (typeof roles)[number]): Coroutine<void> {
            yield* asyncWith(cond, function* () {
              enter();
              try {
                while (!(items > 0 || closed)) {
                  const seq = nextSeq++;
                  waiting.set(id, seq);
                  inside--;
                  try {
                    yield* cond.wait();
                  } finally {
                    // returned or raised: wait() holds the lock again either way
                    waiting.delete(id);
                    enter();
                  }
                  returned.push(seq);
                }
                if (items > 0) {
                  items--;
                  consumed++;
                }
                cancelSome(tasks, r.cancelAfter);
                yield* tick(r.hold);
              } finally {
                inside--;
              }
            });
          }

          function* produce(r: (typeof roles)[number]): Coroutine<void> {
            yield* asyncWith(cond, function* () {
              enter();
              try {
                items++;
                produced++;
                let oldest = -1;
                for (const [id, seq] of waiting) if (oldest < 0 || seq < waiting.get(oldest)!) oldest = id;
                if (r.notify === 0) cond.notifyAll();
                else cond.notify(r.notify);
                if (r.cancelWoken && oldest >= 0) tasks[oldest]!.cancel();
                cancelSome(tasks, r.cancelAfter);
                yield* tick(r.hold);
              } finally {
                inside--;
              }
            });
          }

          function* worker(id: number, r: (typeof roles)[number]): Coroutine<void> {
            yield* tick(r.delay);
            let retried = false;
            for (let i = 0; i < r.rounds; i++) {
              try {
                if (r.producer) yield* produce(r);
                else yield* consume(id, r);
              } catch (error) {
                if (error instanceof CancelledError && r.retry && !retried) {
                  retried = true;
                  currentTask()!.uncancel();
                  continue;
                }
                throw error;
              }
            }
          }

          roles.forEach((r, id) => tasks.push(spawn(worker(id, r))));
          yield* runChaos(steps, () => tasks, {
            onSettle: () => {
              // quiescent: an item left over while a consumer still waits is a lost notification
              if (items > 0) expect(waiting.size).toBe(0);
              expect(cond.locked()).toBe(false);
              expect(cond._waiters.length).toBe(waiting.size);
            },
          });
          // a last quiescent check, then let everyone out
          yield* settle();
          if (items > 0) expect(waiting.size).toBe(0);
          yield* asyncWith(cond, function* () {
            closed = true;
            cond.notifyAll();
          });
          const outcomes = yield* allEnd(tasks);
          expectOnlyCancellations(outcomes);
          expectIncreasing(returned, 'notified waiters');
          expect(consumed + items).toBe(produced);
          expect(inside).toBe(0);
          expect(cond.locked()).toBe(false);
          expect(cond._waiters.length).toBe(0);
        }),
      ),
      { numRuns: runs(2500) },
    );
  });
});
