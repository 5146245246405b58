/**
 * Workload 5 — `event_<n>`: N tasks blocked in `ev.wait()`, one `ev.set()`; time from set until
 * all have finished; median of R rounds after one warm-up round (bench_core.py `b_event`).
 * Metric `wake_all_ms` (+ `wakeups_per_s`).
 *
 * Imports @tsyncio/futures and @tsyncio/sync directly rather than the `tsyncio` umbrella, so that
 * building the benchmarks does not build @tsyncio/net.
 *
 * @module
 */
import { createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { Event } from '@tsyncio/sync';
import { emit, human, median, now } from '../common.js';
import type { Workload } from './workload.js';

export const event: Workload = {
  summary: 'N waiters on one Event, woken by one set()              (--n 10000 --rounds 10)',
  defaults: { n: 10_000, rounds: 10 },
  run: (a) =>
    run(function* () {
      const { n, rounds } = a;
      function* oneRound(): Coroutine<number> {
        const ev = new Event();
        let waiting = 0;
        function* waiter(): Coroutine<void> {
          waiting++;
          yield* ev.wait();
        }
        const tasks = new Array<Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = createTask(waiter());
        while (waiting < n) yield* sleep(0);
        const t0 = now();
        ev.set();
        yield* gather(...tasks);
        return now() - t0;
      }
      const times: number[] = [];
      for (let r = 0; r <= rounds; r++) {
        // round 0 is warm-up
        const ms = yield* oneRound();
        if (r > 0) times.push(ms);
      }
      const med = median(times);
      const name = a.name ?? `event_${human(n)}`;
      emit(name, a.system, 'wake_all_ms', med);
      emit(name, a.system, 'wakeups_per_s', n / (med / 1e3));
    }),
};
