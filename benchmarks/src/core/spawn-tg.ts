/**
 * Workload 1b — `spawn_tg_<n>`: the same N instant tasks, created through a TaskGroup and awaited
 * by leaving it (bench_core.py `b_spawn_tg`). Metric `tasks_per_s` (+ `seconds`).
 *
 * STUB: waiting for @tsyncio/futures. When it lands, replace `run` below with this code (and add
 * `../packages/tsyncio/tsconfig.build.json` to tsconfig.build.json's references):
 *
 * ```ts
 * import { asyncWith, run, TaskGroup, type Coroutine } from 'tsyncio';
 * import { emit, human, now } from '../common.js';
 *
 * function* noop(): Coroutine<void> {}
 *
 * run: (a) => run(function* () {
 *   const n = a.n;
 *   const t0 = now();
 *   yield* asyncWith(new TaskGroup(), function* (tg) {
 *     for (let i = 0; i < n; i++) tg.createTask(noop());
 *   });
 *   const dt = (now() - t0) / 1e3;
 *   const name = a.name ?? `spawn_tg_${human(n)}`;
 *   emit(name, a.system, 'tasks_per_s', n / dt);
 *   emit(name, a.system, 'seconds', dt);
 * }),
 * ```
 *
 * @module
 */
import { notAvailable, type Workload } from './workload.js';

export const spawnTg: Workload = {
  summary: 'same through TaskGroup                                   (--n, default 100000)',
  defaults: { n: 100_000 },
  run: () => notAvailable('spawn_tg', '@tsyncio/futures'),
};
