/**
 * The property harness shared by Lock, Semaphore and BoundedSemaphore: workers acquire, hold (for
 * some loop iterations, or until the controller opens their gate) and release, some of them
 * cancelling other workers right after they release (the "woken and cancelled at once" race), and
 * some retrying once after a cancellation. A controller cancels workers at random await points.
 *
 * Checked: never more holders than permits; waiters that block acquire in the order they started
 * waiting (FIFO, skipping the cancelled ones); at every quiescent point no permit is free while a
 * task waits; every task ends; all permits are back at the end.
 */
import { CancelledError, currentTask, Future, type Coroutine, type Task } from '@tsyncio/futures';
import { getRunningLoop } from '@tsyncio/loop';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { WaiterList } from '../src/internal/waiters.js';
import { runLoop, spawn, tick } from './helpers.js';
import {
  allEnd,
  cancelSome,
  chaosStep,
  expectIncreasing,
  expectOnlyCancellations,
  runChaos,
  type ChaosStep,
} from './prop-helpers.js';

/** What the harness needs from a primitive. */
export interface PermitPrimitive {
  readonly capacity: number;
  acquire(): Coroutine<true>;
  release(): void;
  /** whether acquire() would block now */
  wouldBlock(): boolean;
  /** permits not held (Lock: 1 when unlocked) */
  free(): number;
  readonly waiters: WaiterList<unknown>;
}

interface Round {
  /** loop iterations inside; -1: until the gate opens */
  hold: number;
  /** workers to cancel right after releasing */
  cancelAfterRelease: number[];
  /** right after releasing, cancel the oldest blocked worker (the one the release woke) */
  cancelWoken: boolean;
}

interface WorkerScript {
  delay: number;
  retry: boolean;
  rounds: Round[];
}

export interface PermitSchedule {
  workers: WorkerScript[];
  steps: ChaosStep[];
  /** gates the controller opens at each step (indices modulo the workers) */
  opens: number[][];
}

const round: fc.Arbitrary<Round> = fc.record({
  hold: fc.integer({ min: -1, max: 3 }),
  cancelAfterRelease: fc.array(fc.nat({ max: 15 }), { maxLength: 1 }),
  cancelWoken: fc.boolean(),
});

export const permitSchedule: fc.Arbitrary<PermitSchedule> = fc.record({
  workers: fc.array(
    fc.record({
      delay: fc.integer({ min: 0, max: 3 }),
      retry: fc.boolean(),
      rounds: fc.array(round, { minLength: 1, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  steps: fc.array(chaosStep, { maxLength: 12 }),
  opens: fc.array(fc.array(fc.nat({ max: 15 }), { maxLength: 2 }), { maxLength: 12 }),
});

/** Run one schedule against a fresh primitive from `make()`; throws when a check fails. */
export async function checkPermitSchedule(make: () => PermitPrimitive, schedule: PermitSchedule): Promise<void> {
  await runLoop(function* () {
    const prim = make();
    const capacity = prim.capacity;
    const tasks: Task<void>[] = [];
    const gates = new Map<number, Future<void>>();
    let allOpen = false;
    let inside = 0;
    let nextSeq = 0;
    const acquiredSeqs: number[] = [];
    const blocked = new Map<number, number>(); // blocked worker -> its seq

    function* gate(id: number): Coroutine<void> {
      if (allOpen) return;
      const future = new Future<void>({ loop: getRunningLoop() });
      gates.set(id, future);
      try {
        yield* future;
      } finally {
        gates.delete(id);
      }
    }

    function openGate(id: number): void {
      const future = gates.get(id);
      if (future !== undefined && !future.done()) future.setResult();
    }

    function* worker(id: number, script: WorkerScript): Coroutine<void> {
      yield* tick(script.delay);
      let retried = false;
      for (const r of script.rounds) {
        for (;;) {
          const seq = prim.wouldBlock() ? nextSeq++ : -1;
          if (seq >= 0) blocked.set(id, seq);
          try {
            yield* prim.acquire();
          } catch (error) {
            blocked.delete(id);
            if (error instanceof CancelledError && script.retry && !retried) {
              retried = true;
              currentTask()!.uncancel();
              continue;
            }
            throw error;
          }
          blocked.delete(id);
          if (seq >= 0) acquiredSeqs.push(seq);
          break;
        }
        inside++;
        if (inside > capacity) throw new Error(`${inside} holders of ${capacity} permits`);
        try {
          if (r.hold < 0) yield* gate(id);
          else yield* tick(r.hold);
        } finally {
          inside--;
          let oldest = -1;
          for (const [other, seq] of blocked) if (oldest < 0 || seq < blocked.get(oldest)!) oldest = other;
          prim.release();
          if (r.cancelWoken && oldest >= 0) tasks[oldest]!.cancel();
          cancelSome(tasks, r.cancelAfterRelease);
        }
      }
    }

    function checkQuiescent(): void {
      // nothing is ready: every worker is done, at its gate, or waiting for a permit
      expect(prim.free()).toBe(capacity - inside);
      if (prim.free() > 0) expect(prim.waiters.length).toBe(0); // a free permit and a waiter: lost wakeup
      expect(prim.wouldBlock()).toBe(prim.free() === 0 || prim.waiters.length > 0);
    }

    schedule.workers.forEach((script, id) => tasks.push(spawn(worker(id, script))));
    yield* runChaos(schedule.steps, () => tasks, {
      onStep: (i) => {
        for (const id of schedule.opens[i] ?? []) openGate(id % tasks.length);
      },
      onSettle: checkQuiescent,
    });
    // end: no more cancellations, every gate opens
    allOpen = true;
    for (const id of [...gates.keys()]) openGate(id);
    const outcomes = yield* allEnd(tasks);
    expectOnlyCancellations(outcomes);
    expectIncreasing(acquiredSeqs, 'blocked acquirers');
    expect(inside).toBe(0);
    expect(prim.free()).toBe(capacity);
    expect(prim.waiters.length).toBe(0);
    expect(prim.wouldBlock()).toBe(capacity === 0);
  });
}
