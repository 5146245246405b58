/**
 * Workload 8 — `memory_<n>`: resident memory with N tasks blocked on one Event (bench_core.py
 * `b_memory`). Metrics `rss_MiB` and `bytes_per_task` ((RSS after − RSS before) / N, both after a
 * full GC). Needs `node --expose-gc` (the `core` script passes it).
 *
 * @module
 */
import { createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { Event } from '@tsyncio/sync';
import { collectGarbage, emit, human, rssBytes } from '../common.js';
import type { Workload } from './workload.js';

export const memory: Workload = {
  summary: 'RSS with N tasks blocked on one Event                    (--n 100000)',
  defaults: { n: 100_000 },
  run: (a) =>
    run(function* () {
      const n = a.n;
      collectGarbage();
      const base = rssBytes();
      const ev = new Event();
      let waiting = 0;
      function* waiter(): Coroutine<void> {
        waiting++;
        yield* ev.wait();
      }
      const tasks = new Array<Task<void>>(n);
      for (let i = 0; i < n; i++) tasks[i] = createTask(waiter());
      while (waiting < n) yield* sleep(0);
      collectGarbage();
      const full = rssBytes();
      ev.set();
      yield* gather(...tasks);
      const name = a.name ?? `memory_${human(n)}`;
      emit(name, a.system, 'rss_MiB', full / 2 ** 20);
      emit(name, a.system, 'bytes_per_task', (full - base) / n);
    }),
};
