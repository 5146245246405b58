/**
 * Workload 6 — `timers_<n>`: N tasks, task i sleeps `delayMs(i)` = `((i*2654435761) mod 2^32) mod
 * 101` ms (bench_core.py `b_timers`). Metrics `wall_ms` (first spawn → last wake), `armed_ms`
 * (until the last task has called sleep), `late_p50_ms` / `late_p99_ms` / `late_max_ms` (actual −
 * requested, from each task's own call to sleep).
 *
 * STUB: waiting for @tsyncio/futures. When it lands, replace `run` below with this code (and add
 * `../packages/tsyncio/tsconfig.build.json` to tsconfig.build.json's references):
 *
 * ```ts
 * import { createTask, gather, run, sleep, type Coroutine, type Task } from 'tsyncio';
 * import { delayMs, emit, human, now, pct } from '../common.js';
 *
 * run: (a) => run(function* () {
 *   const n = a.n;
 *   const late = new Float64Array(n);
 *   const starts = new Float64Array(n);
 *   function* sleeper(i: number): Coroutine<void> {
 *     const d = delayMs(i);
 *     const s = (starts[i] = now());
 *     yield* sleep(d / 1000);
 *     late[i] = now() - s - d;
 *   }
 *   const t0 = now();
 *   const tasks = new Array<Task<void>>(n);
 *   for (let i = 0; i < n; i++) tasks[i] = createTask(sleeper(i));
 *   yield* gather(...tasks);
 *   const wall = now() - t0;
 *   let armed = 0;
 *   for (let i = 0; i < n; i++) armed = Math.max(armed, starts[i]! - t0);
 *   late.sort();
 *   const name = a.name ?? `timers_${human(n)}`;
 *   emit(name, a.system, 'wall_ms', wall);
 *   emit(name, a.system, 'armed_ms', armed);
 *   emit(name, a.system, 'late_p50_ms', pct(late, 50));
 *   emit(name, a.system, 'late_p99_ms', pct(late, 99));
 *   emit(name, a.system, 'late_max_ms', late[n - 1]!);
 * }),
 * ```
 *
 * @module
 */
import { notAvailable, type Workload } from './workload.js';

export const timers: Workload = {
  summary: 'N tasks each sleeping a deterministic 0..100 ms          (--n 100000)',
  defaults: { n: 100_000 },
  run: () => notAvailable('timers', '@tsyncio/futures'),
};
