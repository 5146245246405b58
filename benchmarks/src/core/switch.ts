/**
 * Workload 2 — `switch`: K tasks × M iterations of `yield* sleep(0)` (bench_core.py `b_switch`;
 * asyncio's `await asyncio.sleep(0)`: one trip round the loop per switch). Metric
 * `switches_per_s` (+ `seconds`).
 *
 * @module
 */
import { createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { emit, now } from '../common.js';
import type { Workload } from './workload.js';

export const switchWorkload: Workload = {
  summary: 'K tasks x M iterations of `yield* sleep(0)`              (--k 100 --m 10000)',
  defaults: { k: 100, m: 10_000 },
  run: (a) =>
    run(function* () {
      const { k, m } = a;
      function* worker(): Coroutine<void> {
        for (let i = 0; i < m; i++) yield* sleep(0);
      }
      const t0 = now();
      const tasks = new Array<Task<void>>(k);
      for (let i = 0; i < k; i++) tasks[i] = createTask(worker());
      yield* gather(...tasks);
      const dt = (now() - t0) / 1e3;
      const name = a.name ?? 'switch';
      emit(name, a.system, 'switches_per_s', (k * m) / dt);
      emit(name, a.system, 'seconds', dt);
    }),
};
