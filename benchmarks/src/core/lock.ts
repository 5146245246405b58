/**
 * Workload 4 — `lock`: K tasks × M times `async with lock: await sleep(0)` (a loop-visiting yield
 * inside the critical section), checking mutual exclusion; bench_core.py `b_lock`. Metric
 * `ops_per_s` (+ `seconds`).
 *
 * Imports @tsyncio/futures and @tsyncio/sync directly rather than the `tsyncio` umbrella, so that
 * building the benchmarks does not build @tsyncio/net.
 *
 * @module
 */
import { asyncWith, createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { Lock } from '@tsyncio/sync';
import { emit, now } from '../common.js';
import type { Workload } from './workload.js';

export const lock: Workload = {
  summary: 'K tasks x M `asyncWith(lock, …sleep(0)…)`                (--k 100 --m 10000)',
  defaults: { k: 100, m: 10_000 },
  run: (a) =>
    run(function* () {
      const { k, m } = a;
      const lock = new Lock();
      let inside = 0;
      let ops = 0;
      function* critical(): Coroutine<void> {
        inside++;
        if (inside !== 1) throw new Error('mutual exclusion broken');
        yield* sleep(0);
        inside--;
        ops++;
      }
      function* worker(): Coroutine<void> {
        for (let i = 0; i < m; i++) yield* asyncWith(lock, critical);
      }
      const t0 = now();
      const tasks: Task<void>[] = [];
      for (let i = 0; i < k; i++) tasks.push(createTask(worker()));
      yield* gather(...tasks);
      const dt = (now() - t0) / 1e3;
      if (ops !== k * m) throw new Error(`ops ${ops} != ${k * m}`);
      const name = a.name ?? 'lock';
      emit(name, a.system, 'ops_per_s', (k * m) / dt);
      emit(name, a.system, 'seconds', dt);
    }),
};
