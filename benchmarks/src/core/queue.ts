/**
 * Workload 3 — `queue_unbounded` / `queue_bounded<S>`: 1 producer, 1 consumer, N items through a
 * Queue (`yield* q.put(i)` / `yield* q.get()`), then a `null` sentinel; bench_core.py `b_queue`.
 * Metric `items_per_s` (+ `seconds`).
 *
 * Imports @tsyncio/futures and @tsyncio/sync directly rather than the `tsyncio` umbrella, so that
 * building the benchmarks does not build @tsyncio/net.
 *
 * @module
 */
import { createTask, gather, run, type Coroutine } from '@tsyncio/futures';
import { Queue } from '@tsyncio/sync';
import { emit, now } from '../common.js';
import type { Workload } from './workload.js';

export const queue: Workload = {
  summary: '1 producer / 1 consumer through Queue                    (--n 1000000 --maxsize 0 = unbounded)',
  defaults: { n: 1_000_000, maxsize: 0 },
  run: (a) =>
    run(function* () {
      const { n, maxsize } = a;
      const q = new Queue<number | null>(maxsize);
      let received = 0;
      function* producer(): Coroutine<void> {
        for (let i = 0; i < n; i++) yield* q.put(i);
        yield* q.put(null);
      }
      function* consumer(): Coroutine<void> {
        for (;;) {
          const x = yield* q.get();
          if (x === null) break;
          received++;
        }
      }
      const t0 = now();
      yield* gather(createTask(consumer()), createTask(producer()));
      const dt = (now() - t0) / 1e3;
      if (received !== n) throw new Error(`received ${received} of ${n}`);
      const name = a.name ?? (maxsize === 0 ? 'queue_unbounded' : `queue_bounded${maxsize}`);
      emit(name, a.system, 'items_per_s', n / dt);
      emit(name, a.system, 'seconds', dt);
    }),
};
