/**
 * Workload 6 — `timers_<n>`: N tasks, task i sleeping a deterministic 0..100 ms (the anchors'
 * `delayMs(i)`), on the real clock (bench_core.py `b_timers`). Metrics `wall_ms` (first spawn →
 * last wake), `armed_ms` (until the last task called sleep), and lateness percentiles
 * (actual − requested, from each task's own call to sleep).
 *
 * @module
 */
import { createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { delayMs, emit, human, now, pct } from '../common.js';
import type { Workload } from './workload.js';

export const timers: Workload = {
  summary: 'N tasks each sleeping a deterministic 0..100 ms          (--n 100000)',
  defaults: { n: 100_000 },
  run: (a) =>
    run(function* () {
      const n = a.n;
      const late = new Float64Array(n);
      const starts = new Float64Array(n);
      function* sleeper(i: number): Coroutine<void> {
        const d = delayMs(i);
        const s = (starts[i] = now());
        yield* sleep(d / 1000);
        late[i] = now() - s - d;
      }
      const t0 = now();
      const tasks = new Array<Task<void>>(n);
      for (let i = 0; i < n; i++) tasks[i] = createTask(sleeper(i));
      yield* gather(...tasks);
      const wall = now() - t0;
      late.sort();
      let lastStart = 0;
      for (let i = 0; i < n; i++) if (starts[i]! > lastStart) lastStart = starts[i]!;
      const name = a.name ?? `timers_${human(n)}`;
      emit(name, a.system, 'wall_ms', wall);
      emit(name, a.system, 'armed_ms', lastStart - t0);
      emit(name, a.system, 'late_p50_ms', pct(late, 50));
      emit(name, a.system, 'late_p99_ms', pct(late, 99));
      emit(name, a.system, 'late_max_ms', late[n - 1]!);
    }),
};
