import { asyncWith, createTask, gather, run, sleep, type Coroutine } from '@tsyncio/futures';
import { EventLoop, VirtualClock } from '@tsyncio/loop';
import { expect, it } from 'vitest';
import { Lock, Queue, Semaphore } from '../src/index.js';

// The README's example, on virtual time: it must keep compiling and running.
it("the README's example processes every url with at most three downloads at a time", async () => {
  const fetched: string[] = [];
  let active = 0;
  let mostActive = 0;

  const queue = new Queue<string>(100); // put() waits while 100 items are queued
  const downloads = new Semaphore(3); // at most three downloads at a time
  const log = new Lock();

  function* worker(name: string): Coroutine<void> {
    for (;;) {
      const url = yield* queue.get();
      try {
        yield* asyncWith(downloads, function* () {
          mostActive = Math.max(mostActive, ++active);
          yield* sleep(0.1); // download url here
          active--;
        });
        yield* asyncWith(log, function* () {
          fetched.push(`${name} ${url}`);
        });
      } finally {
        queue.taskDone();
      }
    }
  }

  await run(
    function* () {
      const workers = ['a', 'b', 'c', 'd'].map((name) => createTask(worker(name)));
      for (let i = 0; i < 10; i++) yield* queue.put(`https://example.com/${i}`);
      yield* queue.join(); // every url processed
      queue.shutdown(); // the workers' get() now raises QueueShutDown...
      for (const w of workers) w.cancel(); // ...or cancel them, as asyncio's example does
      yield* gather(...workers, { returnExceptions: true });
    },
    { loopFactory: () => new EventLoop({ clock: new VirtualClock({ autojump: true }) }) },
  );
  expect(fetched.length).toBe(10);
  expect(mostActive).toBe(3);
});
