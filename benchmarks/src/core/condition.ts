/**
 * Workload 5 — `condition_<n>`: N tasks in `cond.wait()` (each inside `async with cond`), one
 * `notifyAll()` under the lock; time until all have finished; median of R rounds after one
 * warm-up round (bench_core.py `b_condition`). Metric `wake_all_ms` (+ `wakeups_per_s`).
 *
 * Imports @tsyncio/futures and @tsyncio/sync directly rather than the `tsyncio` umbrella, so that
 * building the benchmarks does not build @tsyncio/net.
 *
 * @module
 */
import { asyncWith, createTask, gather, run, sleep, type Coroutine, type Task } from '@tsyncio/futures';
import { Condition } from '@tsyncio/sync';
import { emit, human, median, now } from '../common.js';
import type { Workload } from './workload.js';

export const condition: Workload = {
  summary: 'N waiters in Condition.wait(), woken by notifyAll()     (--n 10000 --rounds 10)',
  defaults: { n: 10_000, rounds: 10 },
  run: (a) =>
    run(function* () {
      const { n, rounds } = a;
      function* oneRound(): Coroutine<number> {
        const cond = new Condition();
        let waiting = 0;
        // the body of `async with cond:` is written once, not as a new closure per waiter: V8
        // runs each new generator closure in its interpreter (a fresh feedback vector), which
        // would measure closure creation rather than the Condition
        function* critical(): Coroutine<void> {
          waiting++;
          yield* cond.wait();
        }
        function* waiter(): Coroutine<void> {
          yield* asyncWith(cond, critical);
        }
        const tasks = new Array<Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = createTask(waiter());
        while (waiting < n) yield* sleep(0);
        const t0 = now();
        yield* asyncWith(cond, function* () {
          cond.notifyAll(); // once per round
        });
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
      const name = a.name ?? `condition_${human(n)}`;
      emit(name, a.system, 'wake_all_ms', med);
      emit(name, a.system, 'wakeups_per_s', n / (med / 1e3));
    }),
};
