import { CancelledError, currentTask, waitFor, type Coroutine, type Task } from '@tsyncio/futures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown } from '../src/index.js';
import { pythonCompare } from '../src/priority-queue.js';
import { runLoop, spawn, tick } from './helpers.js';
import { allEnd, cancelSome, chaosStep, expectOnlyCancellations, runChaos, runs, settle } from './prop-helpers.js';

type Kind = 'fifo' | 'lifo' | 'priority';
/** An item: [priority, unique id] (the priority only matters to PriorityQueue). */
type Item = [number, number];

const schedule = fc.record({
  maxsize: fc.integer({ min: 0, max: 3 }),
  producers: fc.array(
    fc.record({
      delay: fc.integer({ min: 0, max: 3 }),
      items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }),
      nowait: fc.boolean(),
      retry: fc.boolean(),
      cancelAfterPut: fc.array(fc.nat({ max: 15 }), { maxLength: 1 }),
    }),
    { maxLength: 4 },
  ),
  consumers: fc.array(
    fc.record({
      delay: fc.integer({ min: 0, max: 3 }),
      retry: fc.boolean(),
      hold: fc.integer({ min: 0, max: 2 }),
      cancelAfterGet: fc.array(fc.nat({ max: 15 }), { maxLength: 1 }),
    }),
    { maxLength: 4 },
  ),
  steps: fc.array(fc.tuple(chaosStep, fc.constantFrom('get-nowait', 'put-nowait', 'none', 'none')), { maxLength: 12 }),
  immediate: fc.boolean(),
});

/** The order a queue of `kind` gives: replays the log against a model and fails on any difference. */
class Model {
  readonly items: Item[] = [];
  constructor(private readonly kind: Kind) {}

  put(item: Item): void {
    this.items.push(item);
  }

  get(actual: Item): void {
    if (this.items.length === 0) throw new Error(`got ${JSON.stringify(actual)} from an empty queue`);
    let at: number;
    if (this.kind === 'fifo') at = 0;
    else if (this.kind === 'lifo') at = this.items.length - 1;
    else {
      at = 0;
      for (let i = 1; i < this.items.length; i++) if (pythonCompare(this.items[i], this.items[at]) < 0) at = i;
    }
    const expected = this.items[at]!;
    if (expected[1] !== actual[1]) {
      throw new Error(`${this.kind} queue gave ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    }
    this.items.splice(at, 1);
  }
}

function makeQueue(kind: Kind, maxsize: number): Queue<Item> {
  if (kind === 'fifo') return new Queue<Item>(maxsize);
  if (kind === 'lifo') return new LifoQueue<Item>(maxsize);
  return new PriorityQueue<Item>(maxsize);
}

function checkSchedule(kind: Kind, s: typeof schedule extends fc.Arbitrary<infer S> ? S : never): Promise<void> {
  return runLoop(function* () {
    const q = makeQueue(kind, s.maxsize);
    const model = new Model(kind);
    const tasks: Task<void>[] = [];
    let nextId = 0;

    function* producer(p: (typeof s.producers)[number]): Coroutine<void> {
      yield* tick(p.delay);
      let retried = false;
      for (const priority of p.items) {
        const item: Item = [priority, nextId++];
        for (;;) {
          try {
            if (p.nowait && !q.full()) q.putNowait(item);
            else yield* q.put(item);
          } catch (error) {
            if (error instanceof QueueShutDown) return;
            if (error instanceof CancelledError && p.retry && !retried) {
              retried = true;
              currentTask()!.uncancel();
              continue;
            }
            throw error;
          }
          model.put(item); // the item is in the queue now, nothing ran in between
          cancelSome(tasks, p.cancelAfterPut);
          break;
        }
        yield* tick();
      }
    }

    function* consumer(c: (typeof s.consumers)[number]): Coroutine<void> {
      yield* tick(c.delay);
      let retried = false;
      for (;;) {
        let item: Item;
        try {
          item = yield* q.get();
        } catch (error) {
          if (error instanceof QueueShutDown) return;
          if (error instanceof CancelledError && c.retry && !retried) {
            retried = true;
            currentTask()!.uncancel();
            continue;
          }
          throw error;
        }
        model.get(item);
        q.taskDone();
        cancelSome(tasks, c.cancelAfterGet);
        yield* tick(c.hold);
      }
    }

    function checkQuiescent(): void {
      // a waiting getter beside an item, or a waiting putter beside a free slot: a lost wakeup
      if (q.qsize() > 0) expect(q._getters.length).toBe(0);
      if (!q.full()) expect(q._putters.length).toBe(0);
      expect(q.qsize()).toBe(model.items.length);
      expect(q._unfinishedTasks).toBe(model.items.length);
    }

    for (const p of s.producers) tasks.push(spawn(producer(p)));
    for (const c of s.consumers) tasks.push(spawn(consumer(c)));
    yield* runChaos(
      s.steps.map(([step]) => step),
      () => tasks,
      {
        onStep: (i) => {
          // the controller barges in with the non-waiting methods
          const op = s.steps[i]![1];
          if (op === 'get-nowait') {
            try {
              model.get(q.getNowait());
              q.taskDone();
            } catch (error) {
              if (!(error instanceof QueueEmpty)) throw error;
            }
          } else if (op === 'put-nowait') {
            const item: Item = [i % 4, nextId++];
            try {
              q.putNowait(item);
              model.put(item);
            } catch (error) {
              if (!(error instanceof QueueFull)) throw error;
            }
          }
        },
        onSettle: checkQuiescent,
      },
    );
    yield* settle();
    checkQuiescent();
    // end: shut the queue down; consumers drain it (or it is emptied at once) and everyone leaves
    if (s.immediate) model.items.length = 0;
    q.shutdown(s.immediate);
    const outcomes = yield* allEnd(tasks);
    expectOnlyCancellations(outcomes);
    expect(q.qsize()).toBe(model.items.length);
    expect(q._getters.length).toBe(0);
    expect(q._putters.length).toBe(0);
    if (q.empty()) yield* waitFor(q.join(), 1);
  });
}

describe.each(['fifo', 'lifo', 'priority'] as const)('%s queue (property)', (kind) => {
  it('under random producers, consumers, barging and cancellations: no item lost or duplicated, order kept, every task ends', async () => {
    await fc.assert(
      fc.asyncProperty(schedule, (s) => checkSchedule(kind, s)),
      { numRuns: runs(kind === 'fifo' ? 2000 : 1000) },
    );
  });
});
