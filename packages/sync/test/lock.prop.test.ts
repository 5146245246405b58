import fc from 'fast-check';
import { describe, it } from 'vitest';
import { Lock } from '../src/index.js';
import { checkPermitSchedule, permitSchedule, type PermitPrimitive } from './permit-harness.js';
import { runs } from './prop-helpers.js';

function lockPrimitive(): PermitPrimitive {
  const lock = new Lock();
  return {
    capacity: 1,
    acquire: () => lock.acquire(),
    release: () => lock.release(),
    wouldBlock: () => lock.locked() || lock._waiters.hasActive(),
    free: () => (lock.locked() ? 0 : 1),
    waiters: lock._waiters,
  };
}

describe('Lock (property)', () => {
  it('under random schedules and cancellations: mutual exclusion, FIFO, no lost wakeup, every task ends', async () => {
    await fc.assert(
      fc.asyncProperty(permitSchedule, (schedule) => checkPermitSchedule(lockPrimitive, schedule)),
      { numRuns: runs(2500) },
    );
  });
});
