/**
 * Property-based tests for TaskGroup: random trees of tasks, each running its children in a
 * TaskGroup of its own, with random sleeps, failures (at once, in the group's body, after the
 * group), cancellations from outside and `tg.cancel()` calls — on virtual time, with lazy or eager
 * tasks, so same-instant races are common.
 *
 * Invariants checked:
 *
 * 1. every task ends, and every child has ended when its group's block ends;
 * 2. every task that started runs its `finally` exactly once;
 * 3. no error is lost or invented: the leaves of the ExceptionGroup tree that `run()` rejects with
 *    are exactly the errors the tasks threw (and it resolves when none threw); no CancelledError
 *    is among them;
 * 4. `cancelling()` returns to 0 where asyncio's does: in a task that finishes normally, and in the
 *    main task after its group raised (nobody cancels it from outside);
 * 5. a task ends cancelled only if it was cancelled — from outside, or by its parent's group.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getRunningLoop } from '@tsyncio/loop';
import { asyncWith, CancelledError, currentTask, ExceptionGroup, sleep, TaskGroup, type Coroutine, type Task } from '../src/index.js';
import { leaves, runVirtual } from './group-helpers.js';

interface Node {
  /** seconds the task (or its group's body) sleeps */
  sleep: number;
  /** where the task throws, if it does */
  fail: 'none' | 'immediate' | 'body' | 'after';
  /** seconds after its creation at which someone outside cancels this task (never the root) */
  cancelAt: number | undefined;
  /** seconds after the group's creation at which `tg.cancel()` is called on it */
  groupCancelAt: number | undefined;
  children: Node[];
}

class Fail extends Error {
  override name = 'Fail';
}

const times = fc.constantFrom(0, 0.5, 1, 1.5, 2);

const { node: nodeArb } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record({
    sleep: times,
    fail: fc.constantFrom(...(['none', 'none', 'none', 'none', 'none', 'immediate', 'body', 'after'] as const)),
    cancelAt: fc.option(times, { nil: undefined, freq: 4 }),
    groupCancelAt: fc.option(times, { nil: undefined, freq: 4 }),
    children: fc.oneof(
      { depthSize: 'medium', maxDepth: 4, depthIdentifier: 'tree' },
      fc.constant([] as Node[]),
      fc.array(tie('node'), { minLength: 1, maxLength: 4, depthIdentifier: 'tree' }),
    ),
  }),
}));

/** What one run observed. */
interface Record {
  thrown: Set<Fail>;
  started: number;
  finallies: Map<number, number>;
  tasks: { task: Task<unknown>; cancelRequested: () => boolean }[];
  violations: string[];
}

function* runNode(node: Node, id: number, record: Record, isRoot: boolean): Coroutine<string> {
  record.started++;
  record.finallies.set(id, 0);
  try {
    if (node.fail === 'immediate') {
      const error = new Fail(`task ${id} at once`);
      record.thrown.add(error);
      throw error;
    }
    if (node.children.length === 0) {
      yield* sleep(node.sleep);
    } else {
      const loop = getRunningLoop();
      const groupTasks: Task<unknown>[] = [];
      const tg = new TaskGroup();
      if (node.groupCancelAt !== undefined) {
        loop.callLater(node.groupCancelAt, () => {
          tg.cancel();
        });
      }
      try {
        yield* asyncWith(tg, function* (g) {
          node.children.forEach((child, index) => {
            const childId = id * 10 + index + 1;
            let cancelRequested = false;
            const task = g.createTask(runNode(child, childId, record, false), { name: `n${childId}` });
            groupTasks.push(task);
            // asked to cancel: from outside, or by its group shutting down
            record.tasks.push({ task, cancelRequested: () => cancelRequested || tg._aborting });
            if (child.cancelAt !== undefined) {
              loop.callLater(child.cancelAt, () => {
                if (task.cancel('from outside')) cancelRequested = true;
              });
            }
          });
          yield* sleep(node.sleep);
          if (node.fail === 'body') {
            const error = new Fail(`task ${id} in its group's body`);
            record.thrown.add(error);
            throw error;
          }
        });
      } finally {
        const pending = groupTasks.filter((t) => !t.done());
        if (pending.length > 0) record.violations.push(`task ${id}: ${pending.length} children still pending after the block`);
      }
    }
    if (node.fail === 'after') {
      const error = new Fail(`task ${id} after its group`);
      record.thrown.add(error);
      throw error;
    }
    const me = currentTask() as Task<unknown>;
    if (me.cancelling() !== 0) record.violations.push(`task ${id} finishes normally with cancelling() = ${me.cancelling()}`);
    return `task ${id} done`;
  } catch (error) {
    if (isRoot && error instanceof ExceptionGroup) {
      const me = currentTask() as Task<unknown>;
      if (me.cancelling() !== 0) record.violations.push(`main task has cancelling() = ${me.cancelling()} after its group raised`);
    }
    throw error;
  } finally {
    record.finallies.set(id, (record.finallies.get(id) ?? 0) + 1);
  }
}

describe('TaskGroup properties', () => {
  it('every task ends, every finally runs once, no error is lost, cancelling() returns to 0', async () => {
    await fc.assert(
      fc.asyncProperty(nodeArb, fc.array(nodeArb, { minLength: 1, maxLength: 4 }), fc.boolean(), async (rootArb, children, eager) => {
        const root: Node = { ...rootArb, cancelAt: undefined, children };
        const record: Record = { thrown: new Set(), started: 0, finallies: new Map(), tasks: [], violations: [] };
        let outcome: { value: string } | { error: unknown };
        try {
          outcome = { value: await runVirtual(() => runNode(root, 0, record, true), { eager }) };
        } catch (error) {
          outcome = { error };
        }

        // 1. every task ended, and no group ended with pending children
        for (const { task } of record.tasks) expect(task.done()).toBe(true);
        expect(record.violations).toEqual([]);
        // 2. every started task ran its finally exactly once
        expect(record.finallies.size).toBe(record.started);
        for (const [id, count] of record.finallies) expect({ id, count }).toEqual({ id, count: 1 });
        // 3. the errors out of run() are exactly the errors thrown
        if (record.thrown.size === 0) {
          expect(outcome).toHaveProperty('value');
        } else {
          expect(outcome).toHaveProperty('error');
          const error = (outcome as { error: unknown }).error;
          const found = error instanceof ExceptionGroup ? leaves(error) : [error];
          expect(found.some((e) => e instanceof CancelledError)).toBe(false);
          expect(new Set(found)).toEqual(record.thrown);
          expect(found).toHaveLength(record.thrown.size); // each once
        }
        // 5. a cancelled task was asked to cancel
        for (const { task, cancelRequested } of record.tasks) {
          if (task.cancelled()) expect(cancelRequested()).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
