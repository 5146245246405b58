/**
 * Workload 1 — `spawn_<n>`: create N tasks whose body returns at once, then await them all
 * (bench_core.py `b_spawn`: `create_task` + `gather`). Metric `tasks_per_s` (+ `seconds`).
 *
 * V8 cannot spread more than ~124k arguments into one call, so `gather(...tasks)` works for
 * spawn_100k but spawn_1m gathers in chunks of 100k (a gather of gathers).
 *
 * @module
 */
import { createTask, gather, run, type Coroutine, type Future, type Task } from '@tsyncio/futures';
import { emit, human, now } from '../common.js';
import type { Workload } from './workload.js';

function* noop(): Coroutine<void> {
  // returns at once
}

function gatherAll(tasks: readonly Task<void>[]): Future<unknown> {
  const CHUNK = 100_000;
  if (tasks.length <= CHUNK) return gather(...tasks);
  const parts: Future<unknown>[] = [];
  for (let i = 0; i < tasks.length; i += CHUNK) parts.push(gather(...tasks.slice(i, i + CHUNK)));
  return gather(...parts);
}

export const spawn: Workload = {
  summary: 'N tasks that complete at once; createTask + gather      (--n, default 100000)',
  defaults: { n: 100_000 },
  run: (a) =>
    run(function* () {
      const n = a.n;
      const t0 = now();
      const tasks = new Array<Task<void>>(n);
      for (let i = 0; i < n; i++) tasks[i] = createTask(noop());
      yield* gatherAll(tasks);
      const dt = (now() - t0) / 1e3;
      const name = a.name ?? `spawn_${human(n)}`;
      emit(name, a.system, 'tasks_per_s', n / dt);
      emit(name, a.system, 'seconds', dt);
    }),
};
