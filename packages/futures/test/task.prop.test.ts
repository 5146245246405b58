import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLoop, VirtualClock, type ExceptionContext } from '@tsyncio/loop';
import { allTasks, CancelledError, createTask, currentTask, sleep, type Coroutine, type Task } from '../src/index.js';
import { outcome } from './helpers.js';

/** One node of a random task tree: node i > 0 is spawned by node `parent` (< i). */
interface NodeSpec {
  parent: number;
  /** whether the parent waits for this child (else the child runs on its own) */
  awaited: boolean;
  sleepBefore: number;
  sleepAfter: number;
  /** seconds of `yield*` cleanup in the coroutine's finally block (0: none) */
  cleanup: number;
  /** throw an error at the end instead of returning */
  fail: boolean;
  /** catch every CancelledError delivered to it and uncancel() every pending request (denies them) */
  deny: boolean;
  /** cancel its children that it does not wait for, during one of its own steps */
  cancelLoners: boolean;
}

interface CancelSpec {
  at: number;
  target: number;
}

/** Times in half seconds (exact in binary floating point, so ties really tie). */
const halves = (max: number): fc.Arbitrary<number> => fc.integer({ min: 0, max: max * 2 }).map((n) => n / 2);

const nodeArb: fc.Arbitrary<NodeSpec> = fc.record({
  parent: fc.nat(),
  awaited: fc.boolean(),
  sleepBefore: halves(2),
  sleepAfter: halves(2),
  cleanup: fc.oneof(fc.constant(0), halves(1)),
  fail: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  deny: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  cancelLoners: fc.integer({ min: 0, max: 8 }).map((n) => n === 0),
});

const scenarioArb = fc.record({
  nodes: fc.array(nodeArb, { minLength: 1, maxLength: 12 }),
  cancels: fc.array(fc.record({ at: halves(8), target: fc.nat() }), { maxLength: 8 }),
});

class NodeError extends Error {}

type Exit = { kind: 'return'; value: number } | { kind: 'cancelled'; error: unknown } | { kind: 'threw'; error: unknown };

/** Run one scenario on a fresh loop and check the invariants. */
async function check(nodes: NodeSpec[], cancels: CancelSpec[]): Promise<void> {
  const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  const count = nodes.length;
  const parentOf = nodes.map((node, i) => (i === 0 ? -1 : node.parent % i));
  const childrenOf = nodes.map((_node, i) => nodes.map((_n, j) => j).filter((j) => j > 0 && parentOf[j] === i));
  const tasks: (Task<number> | undefined)[] = new Array<Task<number> | undefined>(count);
  const started = new Array<number>(count).fill(0);
  const finallies = new Array<number>(count).fill(0);
  const exits: (Exit | undefined)[] = new Array<Exit | undefined>(count);
  const acceptedCancels = new Array<number>(count).fill(0);
  const uncancels = new Array<number>(count).fill(0);
  /** the error a parent caught when it waited on the child (the exception was retrieved there) */
  const caughtByParent = new Map<number, unknown>();
  /** nodes whose exception was retrieved by a cancel() after they failed (asyncio does that too) */
  const cancelledAfterFailing = new Set<number>();

  function cancel(id: number, msg: string): void {
    const task = tasks[id];
    if (task === undefined) return;
    if (task.done() && !task.cancelled() && task._logTraceback) cancelledAfterFailing.add(id);
    task.cancel(msg);
  }

  /** Wait on `aw` inside node `id`, denying cancellations if the node does. */
  function* guarded<T>(id: number, aw: Coroutine<T> | Task<T>): Coroutine<T | undefined> {
    try {
      return yield* aw;
    } catch (error) {
      const self = currentTask()!;
      if (error instanceof CancelledError && nodes[id]!.deny && self.cancelling() > 0) {
        // several requests may arrive as one CancelledError: withdraw them all
        while (self.cancelling() > 0) {
          self.uncancel();
          uncancels[id]!++;
        }
        return undefined;
      }
      throw error;
    }
  }

  /** Count the cancel() calls `task` accepts, including those made by the task waiting on it. */
  function track(id: number, task: Task<number>): Task<number> {
    tasks[id] = task;
    const cancelMethod = task.cancel;
    task.cancel = (msg?: unknown): boolean => {
      const accepted = cancelMethod.call(task, msg);
      if (accepted) acceptedCancels[id]!++;
      return accepted;
    };
    return task;
  }

  function* body(id: number): Coroutine<number> {
    const node = nodes[id]!;
    const children = childrenOf[id]!.map(
      (child) => [child, track(child, createTask(run(child), { name: `node-${child}` }))] as const,
    );
    yield* guarded(id, sleep(node.sleepBefore));
    if (node.cancelLoners) {
      for (const [child] of children) if (!nodes[child]!.awaited) cancel(child, `loner ${child}`);
    }
    for (const [child, task] of children) {
      if (!nodes[child]!.awaited) continue;
      try {
        yield* guarded(id, task);
      } catch (error) {
        if (error instanceof CancelledError) {
          // our own cancellation goes on up; a child cancelled on its own is just noted
          if (currentTask()!.cancelling() > 0) throw error;
        } else {
          caughtByParent.set(child, error);
        }
      }
    }
    yield* guarded(id, sleep(node.sleepAfter));
    if (node.fail) throw new NodeError(`node ${id} failed`);
    return id;
  }

  function* withFinally(id: number): Coroutine<number> {
    started[id]!++;
    try {
      return yield* body(id);
    } finally {
      finallies[id]!++;
      if (nodes[id]!.cleanup > 0) yield* sleep(nodes[id]!.cleanup);
    }
  }

  function* run(id: number): Coroutine<number> {
    try {
      const value = yield* withFinally(id);
      exits[id] = { kind: 'return', value };
      return value;
    } catch (error) {
      exits[id] = error instanceof CancelledError ? { kind: 'cancelled', error } : { kind: 'threw', error };
      throw error;
    }
  }

  for (const { at, target } of cancels) {
    loop.callLater(at, () => {
      cancel(target % count, `random ${target % count}`);
    });
  }
  const root = track(0, createTask(run(0), { loop, name: 'node-0' }));
  const rootOutcome = await outcome(loop.runUntilComplete(root));
  function* drain(): Coroutine<void> {
    while (allTasks().size > 1) yield* sleep(1);
  }
  await loop.runUntilComplete(createTask(drain(), { loop }));

  // every task ended
  expect(allTasks(loop).size).toBe(0);
  for (let id = 0; id < count; id++) {
    const task = tasks[id];
    if (task === undefined) continue; // its parent never got to spawn it
    expect(task.done()).toBe(true);
    // every accepted cancel() counts once, every uncancel() takes one back
    expect(task.cancelling()).toBe(acceptedCancels[id]! - uncancels[id]!);
    const exit = exits[id];
    // every finally ran exactly once, for every coroutine that started; one that never started
    // was cancelled before its first step
    expect(started[id]).toBeLessThanOrEqual(1);
    expect(finallies[id]).toBe(started[id]);
    if (started[id] === 0) {
      expect(task.cancelled()).toBe(true);
      continue;
    }
    expect(exit).toBeDefined();
    // the task's outcome is the coroutine's
    if (task.cancelled()) {
      // a CancelledError ended it, or a cancel() came in during the step in which it returned
      expect(exit!.kind).not.toBe('threw');
    } else if (task._state === 3) {
      expect(exit).toEqual({ kind: 'threw', error: task._value });
      // no exception is lost: the parent that waited on it caught it, or it is still flagged
      // to be reported when collected
      const retrieved =
        cancelledAfterFailing.has(id) ||
        (id === 0 ? !rootOutcome.ok && rootOutcome.error === task._value : caughtByParent.get(id) === task._value);
      if (!retrieved) expect(task._logTraceback).toBe(true);
      if (!task._logTraceback) expect(retrieved).toBe(true);
      task.exception();
    } else {
      expect(exit).toEqual({ kind: 'return', value: id });
      expect(task.result()).toBe(id);
    }
    // a task that denies every cancellation and has no other suspension point ends with a result
    // and cancelling() back at 0
    const node = nodes[id]!;
    const waitsOnChildren = childrenOf[id]!.some((child) => nodes[child]!.awaited);
    if (node.deny && node.cleanup === 0 && !waitsOnChildren) {
      expect(task.cancelled()).toBe(false);
      expect(task.cancelling()).toBe(0);
    }
  }
  expect(errors).toEqual([]);
  loop.close();
}

describe('Task: random task trees with random cancellations', () => {
  it('every task ends, every finally runs once, no exception is lost, cancelling() counts exactly and deniers get back to 0', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ nodes, cancels }) => {
        await check(nodes, cancels);
      }),
      { numRuns: 80 },
    );
  });
});
