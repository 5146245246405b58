import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLoop, VirtualClock, type ExceptionContext, type TimerHandle } from '../src/index.js';
import { TimerHeap } from '../src/internal/timer-heap.js';
import { isHeap } from './helpers.js';

type Op = { kind: 'later'; delay: number; children: Op[] } | { kind: 'cancel'; pick: number };

/** Delays in half seconds (exact in binary floating point, so times compare exactly). */
const delay = (min: number, max: number): fc.Arbitrary<number> =>
  fc.integer({ min: min * 2, max: max * 2 }).map((n) => n / 2);

const cancelOp: fc.Arbitrary<Op> = fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() });
const childOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('later' as const), delay: delay(0, 6), children: fc.constant<Op[]>([]) }),
  cancelOp,
);
/** Top-level operations run before the loop starts: delays may be negative (due at once). */
const topOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('later' as const), delay: delay(-1, 6), children: fc.array(childOp, { maxLength: 3 }) }) },
  { weight: 1, arbitrary: cancelOp },
);

interface Scheduled {
  id: number;
  when: number;
  scheduledAt: number;
  handle: TimerHandle;
  cancelledBeforeFire: boolean;
  firedAt: number | null;
}

function newLoop(): { loop: EventLoop; errors: ExceptionContext[] } {
  const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  return { loop, errors };
}

describe('timers (property-based)', () => {
  it('random interleavings of callLater() and cancel() fire every live timer once, in (when, scheduling order), at its time', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once and test__run_once_cancelled_event_cleanup
    await fc.assert(
      fc.asyncProperty(fc.array(topOp, { maxLength: 30 }), async (ops) => {
        const { loop, errors } = newLoop();
        const timers: Scheduled[] = [];
        const fired: Scheduled[] = [];
        const apply = (op: Op): void => {
          if (op.kind === 'cancel') {
            if (timers.length === 0) return;
            const target = timers[op.pick % timers.length]!;
            if (target.firedAt === null) target.cancelledBeforeFire = true;
            target.handle.cancel();
            return;
          }
          const record: Scheduled = {
            id: timers.length,
            when: loop.time() + op.delay,
            scheduledAt: loop.time(),
            handle: null as unknown as TimerHandle,
            cancelledBeforeFire: false,
            firedAt: null,
          };
          record.handle = loop.callLater(op.delay, () => {
            expect(record.firedAt).toBeNull();
            record.firedAt = loop.time();
            fired.push(record);
            for (const child of op.children) apply(child);
          });
          expect(record.handle.when()).toBe(record.when);
          timers.push(record);
        };
        for (const op of ops) apply(op);
        loop.callLater(1e6, () => loop.stop());
        await loop.runForever();
        loop.close();

        expect(errors).toEqual([]);
        for (const t of timers) {
          expect(t.firedAt !== null).toBe(!t.cancelledBeforeFire);
          if (t.firedAt !== null) expect(t.firedAt).toBe(Math.max(t.when, t.scheduledAt));
        }
        for (let i = 1; i < fired.length; i++) {
          const a = fired[i - 1]!;
          const b = fired[i]!;
          expect(a.when < b.when || (a.when === b.when && a.id < b.id)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('with many timers and random cancellations (purged or not), exactly the live ones fire, in order', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 40 }), cancel: fc.boolean() }), { minLength: 50, maxLength: 250 }),
        async (specs) => {
          const { loop, errors } = newLoop();
          const order: number[] = [];
          const handles = specs.map((spec, i) => loop.callLater(spec.delay, () => order.push(i)));
          specs.forEach((spec, i) => {
            if (spec.cancel) handles[i]!.cancel();
          });
          loop.callLater(1000, () => loop.stop());
          await loop.runForever();
          loop.close();
          const expected = specs
            .map((spec, i) => ({ ...spec, i }))
            .filter((spec) => !spec.cancel)
            .sort((a, b) => a.delay - b.delay || a.i - b.i)
            .map((spec) => spec.i);
          expect(order).toEqual(expected);
          expect(errors).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });
});

type HeapOp = { kind: 'push'; when: number } | { kind: 'pop' } | { kind: 'retain'; modulo: number; drop: number };

describe('TimerHeap (property-based)', () => {
  it('keeps the heap invariant and pops the earliest (when, seq) after random push, pop and retain', () => {
    // cf. test_heapq.py TestHeap.test_push_pop and check_invariant
    const heapOp: fc.Arbitrary<HeapOp> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('push' as const), when: fc.integer({ min: 0, max: 20 }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 2, max: 4 })
          .chain((modulo) =>
            fc.record({ kind: fc.constant('retain' as const), modulo: fc.constant(modulo), drop: fc.integer({ min: 0, max: modulo - 1 }) }),
          ),
      },
    );
    fc.assert(
      fc.property(fc.array(heapOp, { maxLength: 200 }), (ops) => {
        interface Item {
          _when: number;
          _seq: number;
        }
        const heap = new TimerHeap<Item>();
        let model: Item[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op.kind === 'push') {
            const item = { _when: op.when, _seq: seq++ };
            heap.push(item);
            model.push(item);
          } else if (op.kind === 'pop') {
            let earliest: Item | undefined;
            for (const item of model) {
              if (earliest === undefined || item._when < earliest._when || (item._when === earliest._when && item._seq < earliest._seq)) {
                earliest = item;
              }
            }
            expect(heap.pop()).toBe(earliest);
            model = model.filter((item) => item !== earliest);
          } else {
            const keep = (item: Item): boolean => item._seq % op.modulo !== op.drop;
            heap.retain(keep);
            model = model.filter(keep);
          }
          expect(heap.size).toBe(model.length);
          expect(isHeap(heap.toArray())).toBe(true);
          expect(heap.peek()).toBe(heap.toArray()[0]);
        }
        expect(new Set(heap.toArray())).toEqual(new Set(model));
      }),
      { numRuns: 200 },
    );
  });
});
