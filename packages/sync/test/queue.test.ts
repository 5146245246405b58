import { asyncWith, CancelledError, Future, sleep, TaskGroup, TimeoutError, waitFor, type Coroutine } from '@tsyncio/futures';
import { getRunningLoop } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, QueueEmpty, QueueFull, QueueShutDown } from '../src/index.js';
import { Waiter } from '../src/internal/waiters.js';
import { raises, runLoop, spawn, tick } from './helpers.js';

describe('Queue', () => {
  // cf. test_queues.py QueueBasicTests.test_repr and test_str
  it('toString() shows maxsize, the items, the waiting getters and putters and the unfinished tasks', async () => {
    await runLoop(function* () {
      expect(String(new Queue())).toBe('<Queue maxsize=0>');
      // getters
      let q = new Queue<number>();
      const getter = spawn(q.get());
      yield* tick();
      expect(String(q)).toContain('_getters[1]');
      q.putNowait(0);
      expect(yield* getter).toBe(0);
      // putters
      q = new Queue<number>(1);
      q.putNowait(1);
      const putter = spawn(q.put(2));
      yield* tick();
      expect(String(q)).toContain('_putters[1]');
      q.getNowait();
      yield* putter;
      // items
      q = new Queue<number>();
      q.putNowait(1);
      expect(String(q)).toContain('_queue=[1]');
      q.putNowait(2);
      expect(String(q)).toBe('<Queue maxsize=0 _queue=[1, 2] tasks=2>');
      for (let i = 0; i < 30; i++) q.putNowait(i);
      expect(String(q)).toContain(', ... 12 more]');
    });
  });

  // cf. test_queues.py QueueBasicTests.test_empty
  it('empty() tells whether the queue holds items', async () => {
    await runLoop(function* () {
      const q = new Queue<number>();
      expect(q.empty()).toBe(true);
      yield* q.put(1);
      expect(q.empty()).toBe(false);
      expect(yield* q.get()).toBe(1);
      expect(q.empty()).toBe(true);
    });
  });

  // cf. test_queues.py QueueBasicTests.test_full
  it('full() is never true for an unbounded queue and true at maxsize items', async () => {
    await runLoop(function* () {
      expect(new Queue().full()).toBe(false);
      const q = new Queue<number>(1);
      yield* q.put(1);
      expect(q.full()).toBe(true);
    });
  });

  // cf. test_queues.py QueueBasicTests.test_order
  it('items come out in the order they were put', async () => {
    await runLoop(function* () {
      const q = new Queue<number>();
      for (const i of [1, 3, 2]) yield* q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(yield* q.get());
      expect(items).toEqual([1, 3, 2]);
    });
  });

  // cf. test_queues.py QueueBasicTests.test_maxsize
  it('put() blocks while the queue holds maxsize items', async () => {
    await runLoop(function* () {
      const q = new Queue<number>(2);
      expect(q.maxsize).toBe(2);
      const haveBeenPut: number[] = [];
      const t = spawn(
        (function* (): Coroutine<boolean> {
          for (let i = 0; i < 3; i++) {
            yield* q.put(i);
            haveBeenPut.push(i);
          }
          return true;
        })(),
      );
      yield* tick(2);
      // the putter is blocked after two items
      expect(haveBeenPut).toEqual([0, 1]);
      expect(yield* q.get()).toBe(0);
      // let the putter put the last item
      yield* tick();
      expect(haveBeenPut).toEqual([0, 1, 2]);
      expect(yield* q.get()).toBe(1);
      expect(yield* q.get()).toBe(2);
      expect(t.result()).toBe(true);
    });
  });

  it('maxsize must be a number', () => {
    expect(() => new Queue('1' as unknown as number)).toThrow(TypeError);
    expect(() => new Queue('1' as unknown as number)).toThrow('Queue maxsize must be a number');
    expect(() => new Queue(NaN)).toThrow(RangeError);
    expect(new Queue(-5).full()).toBe(false);
  });

  it('1M putNowait() with no consumer stays linear (O(1) at both ends)', () => {
    const q = new Queue<number>();
    const n = 1_000_000;
    for (let i = 0; i < n; i++) q.putNowait(i);
    expect(q.qsize()).toBe(n);
    for (let i = 0; i < n; i++) {
      if (q.getNowait() !== i) throw new Error(`item ${i} out of order`);
    }
    expect(q.empty()).toBe(true);
  });

  describe('get', () => {
    // cf. test_queues.py QueueGetTests.test_blocking_get
    it('get() returns an item at once when there is one', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        q.putNowait(1);
        expect(yield* q.get()).toBe(1);
      });
    });

    // cf. test_queues.py QueueGetTests.test_get_with_putters
    it('get() of an item wakes a waiting putter', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        yield* q.put(1);
        const waiter = new Waiter<undefined>(getRunningLoop());
        q._putters.append(waiter);
        expect(yield* q.get()).toBe(1);
        expect(waiter.done()).toBe(true);
        expect(waiter.result()).toBeUndefined();
      });
    });

    // cf. test_queues.py QueueGetTests.test_blocking_get_wait
    it('get() waits until an item is put', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        let started = false;
        let finished = false;
        const t = spawn(
          (function* (): Coroutine<number> {
            started = true;
            const res = yield* q.get();
            finished = true;
            return res;
          })(),
        );
        yield* tick();
        expect(started).toBe(true);
        expect(finished).toBe(false);
        getRunningLoop().callLater(0.01, () => q.putNowait(1));
        expect(yield* t).toBe(1);
        expect(finished).toBe(true);
      });
    });

    // cf. test_queues.py QueueGetTests.test_nonblocking_get
    it('getNowait() returns an item', () => {
      const q = new Queue<number>();
      q.putNowait(1);
      expect(q.getNowait()).toBe(1);
    });

    // cf. test_queues.py QueueGetTests.test_nonblocking_get_exception
    it('getNowait() of an empty queue raises QueueEmpty', () => {
      const q = new Queue<number>();
      expect(() => q.getNowait()).toThrow(QueueEmpty);
    });

    // cf. test_queues.py QueueGetTests.test_get_cancelled_race
    it('a getter cancelled before any put does not take the next item', async () => {
      await runLoop(function* () {
        const q = new Queue<string>();
        const t1 = spawn(q.get());
        const t2 = spawn(q.get());
        yield* tick();
        t1.cancel();
        yield* tick();
        expect(t1.done()).toBe(true);
        yield* q.put('a');
        yield* tick();
        expect(yield* t2).toBe('a');
      });
    });

    // cf. test_queues.py QueueGetTests.test_get_with_waiting_putters
    it('get() takes the items of waiting putters in order', async () => {
      await runLoop(function* () {
        const q = new Queue<string>(1);
        spawn(q.put('a'));
        spawn(q.put('b'));
        expect(yield* q.get()).toBe('a');
        expect(yield* q.get()).toBe('b');
      });
    });

    // cf. test_queues.py QueueGetTests.test_why_are_getters_waiting
    it('a producer and a consumer through a queue of one finish (no lost wakeup)', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        const n = 5;
        function* consumer(): Coroutine<void> {
          for (let i = 0; i < n; i++) yield* q.get();
        }
        function* producer(): Coroutine<void> {
          for (let i = 0; i < n; i++) yield* q.put(i);
        }
        yield* asyncWith(new TaskGroup(), function* (tg) {
          tg.createTask(producer());
          tg.createTask(consumer());
        });
      });
    });

    // cf. test_queues.py QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
    it('a get() cancelled by a timeout leaves the getter list', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(5);
        expect(yield* raises(waitFor(q.get(), 0.1))).toBeInstanceOf(TimeoutError);
        expect(q._getters.length).toBe(0);
      });
    });

    it('a getter woken by putNowait() can lose the item to a getNowait() and waits again at the back', async () => {
      await runLoop(function* () {
        const q = new Queue<string>();
        const first = spawn(q.get());
        yield* tick();
        const second = spawn(q.get());
        yield* tick();
        q.putNowait('a'); // wakes `first`
        expect(q.getNowait()).toBe('a'); // barging: asyncio's queue is not a strict handoff
        yield* tick(); // `first` finds the queue empty and queues again, behind `second`
        expect(q._getters.length).toBe(2);
        q.putNowait('b');
        q.putNowait('c');
        expect(yield* second).toBe('b');
        expect(yield* first).toBe('c');
      });
    });
  });

  describe('put', () => {
    // cf. test_queues.py QueuePutTests.test_blocking_put
    it('put() into an unbounded queue does not block', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        yield* q.put(1);
        expect(yield* q.get()).toBe(1);
      });
    });

    // cf. test_queues.py QueuePutTests.test_blocking_put_wait
    it('put() into a full queue waits until an item is taken', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        let started = false;
        let finished = false;
        getRunningLoop().callLater(0.01, () => q.getNowait());
        const t = spawn(
          (function* (): Coroutine<void> {
            started = true;
            yield* q.put(1);
            yield* q.put(2);
            finished = true;
          })(),
        );
        yield* tick();
        expect(started).toBe(true);
        expect(finished).toBe(false);
        yield* t;
        expect(finished).toBe(true);
      });
    });

    // cf. test_queues.py QueuePutTests.test_nonblocking_put
    it('putNowait() stores the item', () => {
      const q = new Queue<number>();
      q.putNowait(1);
      expect(q.getNowait()).toBe(1);
    });

    // cf. test_queues.py QueuePutTests.test_get_cancel_drop_one_pending_reader
    it('a reader cancelled as it is woken does not drop the item', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        let reader = spawn(q.get());
        yield* tick();
        q.putNowait(1);
        q.putNowait(2);
        reader.cancel();
        try {
          yield* reader;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          // try again
          reader = spawn(q.get());
          yield* reader;
        }
        // 2 would mean 1 was dropped
        expect(reader.result()).toBe(1);
      });
    });

    // cf. test_queues.py QueuePutTests.test_get_cancel_drop_many_pending_readers
    it('a reader cancelled as it is woken passes the item on to another reader', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        const readers = yield* asyncWith(new TaskGroup(), function* (tg) {
          const reader1 = tg.createTask(q.get());
          const reader2 = tg.createTask(q.get());
          const reader3 = tg.createTask(q.get());
          yield* tick();
          q.putNowait(1);
          q.putNowait(2);
          reader1.cancel();
          expect(yield* raises(reader1)).toBeInstanceOf(CancelledError);
          yield* reader3;
          return [reader2, reader3];
        });
        const [reader2, reader3] = readers;
        // the order in which concurrent readers get the items is not specified
        expect(new Set([reader2!.result(), reader3!.result()])).toEqual(new Set([1, 2]));
      });
    });

    // cf. test_queues.py QueuePutTests.test_put_cancel_drop
    it('a writer cancelled as it is woken does not put its item, and can put it again', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        q.putNowait(1);
        // a second item has to wait
        let writer = spawn(q.put(2));
        yield* tick();
        expect(q.getNowait()).toBe(1);
        writer.cancel();
        try {
          yield* writer;
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
          writer = spawn(q.put(2));
          yield* writer;
        }
        expect(q.getNowait()).toBe(2);
        expect(q.qsize()).toBe(0);
      });
    });

    // cf. test_queues.py QueuePutTests.test_nonblocking_put_exception
    it('putNowait() into a full queue raises QueueFull', () => {
      const q = new Queue<number>(1);
      q.putNowait(1);
      expect(() => q.putNowait(2)).toThrow(QueueFull);
    });

    // cf. test_queues.py QueuePutTests.test_float_maxsize
    it('a fractional maxsize is full once the size reaches it', async () => {
      await runLoop(function* () {
        let q = new Queue<number>(1.3);
        q.putNowait(1);
        q.putNowait(2);
        expect(q.full()).toBe(true);
        expect(() => q.putNowait(3)).toThrow(QueueFull);
        q = new Queue<number>(1.3);
        yield* q.put(1);
        yield* q.put(2);
        expect(q.full()).toBe(true);
      });
    });

    // cf. test_queues.py QueuePutTests.test_put_cancelled
    it('a put() into an unbounded queue completes before any get()', async () => {
      await runLoop(function* () {
        const q = new Queue<number>();
        const t = spawn(
          (function* (): Coroutine<boolean> {
            yield* q.put(1);
            return true;
          })(),
        );
        expect(yield* q.get()).toBe(1);
        expect(t.done()).toBe(true);
        expect(t.result()).toBe(true);
      });
    });

    // cf. test_queues.py QueuePutTests.test_put_cancelled_race
    it('a putter cancelled while it waits does not disturb the others', async () => {
      await runLoop(function* () {
        const q = new Queue<string>(1);
        const putA = spawn(q.put('a'));
        const putB = spawn(q.put('b'));
        const putC = spawn(q.put('X'));
        yield* tick();
        expect(putA.done()).toBe(true);
        expect(putB.done()).toBe(false);
        putC.cancel();
        yield* tick();
        expect(putC.done()).toBe(true);
        expect(q.getNowait()).toBe('a');
        yield* tick();
        expect(q.getNowait()).toBe('b');
        yield* putB;
      });
    });

    // cf. test_queues.py QueuePutTests.test_put_with_waiting_getters
    it('put() hands the item to a waiting getter', async () => {
      await runLoop(function* () {
        const q = new Queue<string>();
        const t = spawn(q.get());
        yield* tick();
        yield* q.put('a');
        expect(yield* t).toBe('a');
      });
    });

    // cf. test_queues.py QueuePutTests.test_why_are_putters_waiting
    it('putters blocked on a full queue all finish as a getter empties it', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(2);
        function* getter(): Coroutine<void> {
          yield* tick();
          const num = q.qsize();
          for (let i = 0; i < num; i++) q.getNowait();
        }
        yield* asyncWith(new TaskGroup(), function* (tg) {
          tg.createTask(getter());
          for (let i = 0; i < 4; i++) tg.createTask(q.put(i));
        });
      });
    });

    // cf. test_queues.py QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
    it('a cancelled put() leaves the putter list', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        q.putNowait(1);
        const putTask = spawn(q.put(1));
        yield* tick();
        expect(q._putters.length).toBe(1);
        putTask.cancel();
        expect(yield* raises(putTask)).toBeInstanceOf(CancelledError);
        expect(q._putters.length).toBe(0);
      });
    });

    // cf. test_queues.py QueuePutTests.test_cancelled_put_silence_value_error_exception
    it('a putter popped by getNowait() and then cancelled raises only CancelledError', async () => {
      await runLoop(function* () {
        const q = new Queue<number>(1);
        q.putNowait(1);
        const putTask = spawn(q.put(1));
        yield* tick();
        // getNowait() pops the putter from the list; put() must not fail to remove it again
        q.getNowait();
        putTask.cancel();
        expect(yield* raises(putTask)).toBeInstanceOf(CancelledError);
      });
    });
  });

  // cf. test_queues.py LifoQueueTests.test_order
  it('a LifoQueue returns the newest item first', async () => {
    await runLoop(function* () {
      const q = new LifoQueue<number>();
      for (const i of [1, 3, 2]) yield* q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(yield* q.get());
      expect(items).toEqual([2, 3, 1]);
    });
  });

  // cf. test_queues.py PriorityQueueTests.test_order
  it('a PriorityQueue returns the smallest item first', async () => {
    await runLoop(function* () {
      const q = new PriorityQueue<number>();
      for (const i of [1, 3, 2]) yield* q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(yield* q.get());
      expect(items).toEqual([1, 2, 3]);
    });
  });

  const queueClasses = [
    ['Queue', Queue],
    ['LifoQueue', LifoQueue],
    ['PriorityQueue', PriorityQueue],
  ] as const;

  describe.each(queueClasses)('%s join', (name, QueueClass) => {
    // cf. test_queues.py _QueueJoinTestMixin.test_task_done_underflow
    it('taskDone() more times than items were put raises RangeError', () => {
      const q = new QueueClass<number>();
      expect(() => q.taskDone()).toThrow(RangeError);
      expect(() => q.taskDone()).toThrow('taskDone() called too many times');
    });

    // cf. test_queues.py _QueueJoinTestMixin.test_task_done
    it('join() returns once every item was marked done', async () => {
      await runLoop(function* () {
        const q = new QueueClass<number>();
        for (let i = 0; i < 100; i++) q.putNowait(i);
        let accumulator = 0;
        let running = true;
        function* worker(): Coroutine<void> {
          while (running) {
            const item = yield* q.get();
            accumulator += item;
            q.taskDone();
          }
        }
        yield* asyncWith(new TaskGroup(), function* (tg) {
          const tasks = [tg.createTask(worker()), tg.createTask(worker())];
          yield* q.join();
          expect(accumulator).toBe(4950);
          // stop the workers
          running = false;
          for (let i = 0; i < tasks.length; i++) q.putNowait(0);
        });
      });
    });

    // cf. test_queues.py _QueueJoinTestMixin.test_join_empty_queue
    it('join() of an empty queue returns at once', async () => {
      await runLoop(function* () {
        const q = new QueueClass<number>();
        const before = getRunningLoop().time();
        yield* q.join();
        yield* q.join();
        expect(getRunningLoop().time()).toBe(before);
      });
    });

    // cf. test_queues.py _QueueJoinTestMixin.test_format
    it('toString() shows the unfinished tasks', () => {
      const q = new QueueClass<number>();
      expect(String(q)).toBe(`<${name} maxsize=0>`);
      q._unfinishedTasks = 2;
      expect(String(q)).toBe(`<${name} maxsize=0 tasks=2>`);
    });
  });

  describe.each(queueClasses)('%s shutdown', (name, QueueClass) => {
    function* expectShutDown(q: Queue<string>): Coroutine<void> {
      expect(yield* raises(q.put('data'))).toBeInstanceOf(QueueShutDown);
      expect(() => q.putNowait('data')).toThrow(QueueShutDown);
      expect(yield* raises(q.get())).toBeInstanceOf(QueueShutDown);
      expect(() => q.getNowait()).toThrow(QueueShutDown);
    }

    // cf. test_queues.py _QueueShutdownTestMixin.test_format
    it('toString() shows that the queue is shut down', () => {
      const q = new QueueClass<string>();
      q.shutdown();
      expect(String(q)).toBe(`<${name} maxsize=0 shutdown>`);
    });

    // cf. test_queues.py _QueueShutdownTestMixin.test_shutdown_empty
    it('shutdown() of an empty queue wakes a blocked get() with QueueShutDown', async () => {
      await runLoop(function* () {
        const q = new QueueClass<string>();
        const getTask = spawn(q.get());
        yield* tick(); // the getter waits before the shutdown
        q.shutdown(false); // unfinished tasks: 0 -> 0
        expect(q.qsize()).toBe(0);
        yield* q.join();
        yield* tick();
        expect(getTask.done()).toBe(true);
        expect(yield* raises(getTask)).toBeInstanceOf(QueueShutDown);
        yield* expectShutDown(q);
      });
    });

    // cf. test_queues.py _QueueShutdownTestMixin.test_shutdown_nonempty
    it('shutdown() of a full queue wakes a blocked put() with QueueShutDown and lets get() drain it', async () => {
      await runLoop(function* () {
        const q = new QueueClass<string>(1);
        q.putNowait('data');
        const joinTask = spawn(q.join());
        const putTask = spawn(q.put('data2'));
        yield* tick();
        expect(putTask.done()).toBe(false);
        q.shutdown(false); // unfinished tasks: 1 -> 1
        expect(q.qsize()).toBe(1);
        yield* tick();
        expect(putTask.done()).toBe(true);
        expect(yield* raises(putTask)).toBeInstanceOf(QueueShutDown);
        expect(yield* q.get()).toBe('data');
        yield* tick();
        expect(joinTask.done()).toBe(false);
        yield* expectShutDown(q);
        // one unfinished task: join() returns once it is done
        q.taskDone();
        yield* tick();
        expect(joinTask.done()).toBe(true);
        yield* joinTask;
        expect(() => q.taskDone()).toThrow(RangeError);
      });
    });

    // cf. test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate
    it('shutdown(true) empties the queue, marks the items done and releases join()', async () => {
      await runLoop(function* () {
        const q = new QueueClass<string>();
        q.putNowait('data');
        const joinTask = spawn(q.join());
        q.shutdown(true); // unfinished tasks: 1 -> 0
        expect(q.qsize()).toBe(0);
        yield* tick();
        expect(joinTask.done()).toBe(true);
        yield* joinTask;
        yield* expectShutDown(q);
        expect(() => q.taskDone()).toThrow(RangeError);
      });
    });

    // cf. test_queues.py _QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
    it('shutdown(true) marks only the removed items done', async () => {
      await runLoop(function* () {
        const q = new QueueClass<string>();
        q.putNowait('data');
        q.putNowait('data');
        const joinTask = spawn(q.join());
        expect(yield* q.get()).toBe('data');
        q.shutdown(true); // unfinished tasks: 2 -> 1
        expect(q.qsize()).toBe(0);
        yield* tick();
        expect(joinTask.done()).toBe(false);
        yield* expectShutDown(q);
        // one unfinished task
        q.taskDone();
        expect(() => q.taskDone()).toThrow(RangeError);
        yield* tick();
        expect(joinTask.done()).toBe(true);
        yield* joinTask;
      });
    });
  });

  it('shutdown() wakes every blocked getter and putter', async () => {
    await runLoop(function* () {
      const empty = new Queue<number>();
      const getters = [spawn(empty.get()), spawn(empty.get())];
      const full = new Queue<number>(1);
      full.putNowait(0);
      const putters = [spawn(full.put(1)), spawn(full.put(2))];
      yield* tick();
      empty.shutdown();
      full.shutdown();
      for (const t of [...getters, ...putters]) expect(yield* raises(t)).toBeInstanceOf(QueueShutDown);
      expect(full.getNowait()).toBe(0);
      expect(() => full.getNowait()).toThrow(QueueShutDown);
    });
  });

  it('join() waits on virtual time while consumers work', async () => {
    await runLoop(function* () {
      const q = new Queue<number>();
      const done: number[] = [];
      const worker = spawn(
        (function* (): Coroutine<void> {
          for (;;) {
            const item = yield* q.get();
            yield* sleep(1);
            done.push(item);
            q.taskDone();
          }
        })(),
      );
      for (let i = 0; i < 3; i++) q.putNowait(i);
      const start = getRunningLoop().time();
      yield* q.join();
      expect(getRunningLoop().time() - start).toBe(3);
      expect(done).toEqual([0, 1, 2]);
      worker.cancel();
    });
  });

  it('an item is never lost when a waiting getter is cancelled with a future it did not own', async () => {
    await runLoop(function* () {
      const q = new Queue<number>();
      const blocker = new Future<void>({ loop: getRunningLoop() });
      const a = spawn(q.get());
      const b = spawn(q.get());
      yield* tick();
      q.putNowait(1);
      a.cancel();
      blocker.setResult();
      expect(yield* raises(a)).toBeInstanceOf(CancelledError);
      expect(yield* b).toBe(1);
    });
  });
});
