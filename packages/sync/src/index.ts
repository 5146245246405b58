/**
 * `@tsyncio/sync` — asyncio's synchronization primitives and queues for tsyncio tasks: Lock,
 * Event, Condition, Semaphore, BoundedSemaphore, Barrier, Queue, PriorityQueue, LifoQueue.
 * Corresponds to asyncio's `locks.py`, `queues.py` and `mixins.py`.
 *
 * All of them are FIFO-fair and cancellation-safe (a task cancelled while it waits never loses or
 * duplicates a wakeup, a permit or an item), bind lazily to the loop that first makes a task wait,
 * and need no loop argument.
 *
 * @packageDocumentation
 */
export { Barrier, BrokenBarrierError } from './barrier.js';
export { Condition } from './condition.js';
export { Event } from './event.js';
export { LifoQueue } from './lifo-queue.js';
export { Lock } from './lock.js';
export { PriorityQueue, type PriorityQueueOptions } from './priority-queue.js';
export { Queue, QueueEmpty, QueueFull, QueueShutDown } from './queue.js';
export { BoundedSemaphore, Semaphore } from './semaphore.js';
