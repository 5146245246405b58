/**
 * Workload 8 — `memory_<n>`: RSS with N tasks blocked on one Event, after a full GC (bench_core.py
 * `b_memory`). Metrics `rss_MiB`, `bytes_per_task` ((RSS − RSS before) / N); bench:compare adds
 * the whole process's `peak_rss_MiB` from `/usr/bin/time`. Needs `node --expose-gc` (bench:core
 * passes it).
 *
 * STUB: waiting for @tsyncio/futures and @tsyncio/sync. When they land, replace `run` below with
 * this code (and add `../packages/tsyncio/tsconfig.build.json` to tsconfig.build.json's references):
 *
 * ```ts
 * import { createTask, Event, gather, run, sleep, type Coroutine, type Task } from 'tsyncio';
 * import { collectGarbage, emit, human, rssBytes } from '../common.js';
 *
 * run: (a) => run(function* () {
 *   const n = a.n;
 *   collectGarbage();
 *   const base = rssBytes();
 *   const ev = new Event();
 *   let waiting = 0;
 *   function* waiter(): Coroutine<void> {
 *     waiting++;
 *     yield* ev.wait();
 *   }
 *   const tasks = new Array<Task<void>>(n);
 *   for (let i = 0; i < n; i++) tasks[i] = createTask(waiter());
 *   while (waiting < n) yield* sleep(0);
 *   collectGarbage();
 *   const full = rssBytes();
 *   ev.set();
 *   yield* gather(...tasks);
 *   const name = a.name ?? `memory_${human(n)}`;
 *   emit(name, a.system, 'rss_MiB', full / 2 ** 20);
 *   emit(name, a.system, 'bytes_per_task', (full - base) / n);
 * }),
 * ```
 *
 * @module
 */
import { notAvailable, type Workload } from './workload.js';

export const memory: Workload = {
  summary: 'RSS with N tasks blocked on one Event                    (--n 100000)',
  defaults: { n: 100_000 },
  run: () => notAvailable('memory', '@tsyncio/futures and @tsyncio/sync'),
};
