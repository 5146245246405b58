import { describe, expect, it } from 'vitest';
import { TimerHeap, type HeapTimer } from '../../src/internal/timer-heap.js';
import { isHeap } from '../helpers.js';

interface Timer extends HeapTimer {
  name: string;
}

let seq = 0;
function timer(when: number, name = `t${when}`): Timer {
  return { _when: when, _seq: seq++, name };
}

function popAll<T extends HeapTimer>(heap: TimerHeap<T>): T[] {
  const out: T[] = [];
  for (let item = heap.pop(); item !== undefined; item = heap.pop()) out.push(item);
  return out;
}

describe('TimerHeap', () => {
  it('an empty heap has size 0, and peek() and pop() give undefined', () => {
    // cf. test_heapq.py TestHeap.test_empty_merges (an empty heap pops nothing)
    const heap = new TimerHeap<Timer>();
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
    expect(heap.toArray()).toEqual([]);
  });

  it('pops timers in deadline order', () => {
    // cf. test_heapq.py TestHeap.test_push_pop
    const heap = new TimerHeap<Timer>();
    for (const when of [5, 3, 9, 1, 7, 2, 8, 0, 6, 4]) heap.push(timer(when));
    expect(heap.size).toBe(10);
    expect(heap.peek()!._when).toBe(0);
    expect(popAll(heap).map((t) => t._when)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(heap.size).toBe(0);
  });

  it('breaks ties between equal deadlines by sequence number (FIFO)', () => {
    // cf. test_events.py TimerTests.test_timer_comparison
    const heap = new TimerHeap<Timer>();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const timers = names.map((name) => timer(1, name));
    for (const t of [...timers].reverse()) heap.push(t);
    heap.push(timer(0, 'first'));
    heap.push(timer(2, 'last'));
    expect(popAll(heap).map((t) => t.name)).toEqual(['first', ...names, 'last']);
  });

  it('peek() does not remove the earliest timer', () => {
    // cf. test_heapq.py TestHeap.test_push_pop (heap[0] is the smallest)
    const heap = new TimerHeap<Timer>();
    heap.push(timer(2));
    heap.push(timer(1));
    expect(heap.peek()!._when).toBe(1);
    expect(heap.peek()!._when).toBe(1);
    expect(heap.size).toBe(2);
  });

  it('keeps the heap invariant after every push and pop', () => {
    // cf. test_heapq.py TestHeap.check_invariant
    const heap = new TimerHeap<Timer>();
    let x = 7;
    for (let i = 0; i < 500; i++) {
      x = (x * 31 + 17) % 101;
      heap.push(timer(x));
      expect(isHeap(heap.toArray())).toBe(true);
      if (i % 3 === 0) {
        heap.pop();
        expect(isHeap(heap.toArray())).toBe(true);
      }
    }
  });

  it('retain() keeps only the timers it is told to, in heap order', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup (heapify after filtering)
    const heap = new TimerHeap<Timer>();
    for (let i = 0; i < 200; i++) heap.push(timer((i * 73) % 200));
    heap.retain((t) => t._when % 4 === 0);
    expect(heap.size).toBe(50);
    expect(isHeap(heap.toArray())).toBe(true);
    expect(popAll(heap).map((t) => t._when)).toEqual(Array.from({ length: 50 }, (_, i) => i * 4));
  });

  it('retain() can keep everything or nothing', () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once_cancelled_event_cleanup
    const heap = new TimerHeap<Timer>();
    for (const when of [3, 1, 2]) heap.push(timer(when));
    heap.retain(() => true);
    expect(heap.size).toBe(3);
    expect(isHeap(heap.toArray())).toBe(true);
    heap.retain(() => false);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });

  it('drain() returns every timer and leaves the heap empty', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_close (close() clears the scheduled timers)
    const heap = new TimerHeap<Timer>();
    const timers = [timer(3), timer(1), timer(2)];
    for (const t of timers) heap.push(t);
    const drained = heap.drain();
    expect(new Set(drained)).toEqual(new Set(timers));
    expect(heap.size).toBe(0);
    heap.push(timer(5));
    expect(heap.size).toBe(1);
    expect(drained).toHaveLength(3);
  });

  it('toArray() is a copy: changing it does not change the heap', () => {
    // cf. test_heapq.py TestHeap.check_invariant (inspection only)
    const heap = new TimerHeap<Timer>();
    heap.push(timer(1));
    const copy = heap.toArray();
    copy.pop();
    expect(heap.size).toBe(1);
  });

  it('handles infinite and negative deadlines', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_later_negative_delays
    const heap = new TimerHeap<Timer>();
    heap.push(timer(Infinity, 'never'));
    heap.push(timer(-2, 'b'));
    heap.push(timer(0, 'now'));
    heap.push(timer(-Infinity, 'a'));
    expect(popAll(heap).map((t) => t.name)).toEqual(['a', 'b', 'now', 'never']);
  });
});
