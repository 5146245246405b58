import fc from 'fast-check';
import { describe, it } from 'vitest';
import { BoundedSemaphore, Semaphore } from '../src/index.js';
import { checkPermitSchedule, permitSchedule, type PermitPrimitive } from './permit-harness.js';
import { runs } from './prop-helpers.js';

function semaphorePrimitive(SemaphoreClass: typeof Semaphore, capacity: number): () => PermitPrimitive {
  return () => {
    const sem = new SemaphoreClass(capacity);
    return {
      capacity,
      acquire: () => sem.acquire(),
      release: () => sem.release(),
      wouldBlock: () => sem.locked(),
      free: () => sem._value,
      waiters: sem._waiters,
    };
  };
}

describe('Semaphore (property)', () => {
  it('under random schedules and cancellations: at most `value` holders, FIFO, no permit lost or duplicated', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), permitSchedule, (capacity, schedule) =>
        checkPermitSchedule(semaphorePrimitive(Semaphore, capacity), schedule),
      ),
      { numRuns: runs(2000) },
    );
  });

  it('BoundedSemaphore: the same schedules never release above the bound', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), permitSchedule, (capacity, schedule) =>
        checkPermitSchedule(semaphorePrimitive(BoundedSemaphore, capacity), schedule),
      ),
      { numRuns: runs(1000) },
    );
  });
});
