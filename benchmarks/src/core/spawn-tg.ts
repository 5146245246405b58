/**
 * Workload 1b — `spawn_tg_<n>`: N tasks whose body returns at once, created in a TaskGroup and
 * awaited by leaving it (bench_core.py `b_spawn_tg`). Metric `tasks_per_s` (+ `seconds`).
 *
 * @module
 */
import { asyncWith, run, TaskGroup, type Coroutine } from '@tsyncio/futures';
import { emit, human, now } from '../common.js';
import type { Workload } from './workload.js';

function* noop(): Coroutine<void> {
  // returns at once
}

export const spawnTg: Workload = {
  summary: 'same through TaskGroup                                   (--n, default 100000)',
  defaults: { n: 100_000 },
  run: (a) =>
    run(function* () {
      const n = a.n;
      const t0 = now();
      yield* asyncWith(new TaskGroup(), function* (group) {
        for (let i = 0; i < n; i++) group.createTask(noop());
      });
      const dt = (now() - t0) / 1e3;
      const name = a.name ?? `spawn_tg_${human(n)}`;
      emit(name, a.system, 'tasks_per_s', n / dt);
      emit(name, a.system, 'seconds', dt);
    }),
};
