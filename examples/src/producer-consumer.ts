// Workers taking jobs from a Queue, as in asyncio's queue documentation: a producer puts jobs,
// three workers process them concurrently, `join()` waits until every job is marked done, and
// the workers are then cancelled. Runs on the real clock (about half a second).
//
//   node dist/producer-consumer.js
import { createTask, gather, Queue, run, sleep, type Coroutine, type Task } from 'tsyncio';

interface Job {
  readonly id: number;
  readonly seconds: number;
}

function* worker(name: string, queue: Queue<Job>, done: string[]): Coroutine<void> {
  for (;;) {
    const job = yield* queue.get(); // cancellation lands here once the queue is empty
    try {
      yield* sleep(job.seconds);
      done.push(`${name} finished job ${job.id}`);
    } finally {
      queue.taskDone();
    }
  }
}

await run(function* (): Coroutine<void> {
  const queue = new Queue<Job>(4); // bounded: the producer waits while 4 jobs are pending
  const done: string[] = [];
  const workers: Task<void>[] = [];
  for (let i = 1; i <= 3; i++) workers.push(createTask(worker(`worker-${i}`, queue, done)));

  for (let id = 1; id <= 9; id++) yield* queue.put({ id, seconds: 0.05 * ((id % 3) + 1) });
  yield* queue.join(); // every job was taken and marked done

  for (const task of workers) task.cancel();
  const outcomes = yield* gather(...workers, { returnExceptions: true });
  for (const line of done) console.log(line);
  console.log(`${done.length} jobs done; workers ended with ${outcomes.map((o) => (o instanceof Error ? o.name : String(o))).join(', ')}`);
});
