// White-box tests of the ring buffer behind the ready queue and the waiter lists (it reads the
// private `_buffer`/`_head` fields to check growth and wrap-around). Deque is exported, so this
// file mirrors src/deque.ts rather than sitting under test/internal/.
import { describe, expect, it } from 'vitest';
import { Deque } from '../src/index.js';

interface DequeInternals {
  _buffer: unknown[];
  _head: number;
  _mask: number;
}

function internals<T>(deque: Deque<T>): DequeInternals {
  return deque as unknown as DequeInternals;
}

describe('Deque', () => {
  it('push() and shift() are first in, first out', () => {
    // cf. test_deque.py TestBasic.test_basics (append / popleft)
    const d = new Deque<number>();
    for (let i = 0; i < 10; i++) d.push(i);
    expect(d.length).toBe(10);
    const out: (number | undefined)[] = [];
    while (d.length > 0) out.push(d.shift());
    expect(out).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('push() and pop() are last in, first out; unshift() adds at the front', () => {
    // cf. test_deque.py TestBasic.test_basics (append / pop / appendleft)
    const d = new Deque<string>();
    d.push('b');
    d.push('c');
    d.unshift('a');
    expect(d.toArray()).toEqual(['a', 'b', 'c']);
    expect(d.pop()).toBe('c');
    expect(d.shift()).toBe('a');
    expect(d.pop()).toBe('b');
    expect(d.length).toBe(0);
  });

  it('shift(), pop(), peekFront() and peekBack() give undefined when empty', () => {
    // cf. test_deque.py TestBasic.test_underflow
    const d = new Deque<number>();
    expect(d.shift()).toBeUndefined();
    expect(d.pop()).toBeUndefined();
    expect(d.peekFront()).toBeUndefined();
    expect(d.peekBack()).toBeUndefined();
    expect(d.length).toBe(0);
    d.push(1);
    d.shift();
    expect(d.shift()).toBeUndefined();
    expect(d.length).toBe(0);
  });

  it('peekFront() and peekBack() look without removing', () => {
    // cf. test_deque.py TestBasic.test_getitem (d[0], d[-1])
    const d = new Deque<number>();
    d.push(1);
    d.push(2);
    d.push(3);
    expect(d.peekFront()).toBe(1);
    expect(d.peekBack()).toBe(3);
    expect(d.length).toBe(3);
  });

  it('at() indexes from the front, or from the back when negative; out of range is undefined', () => {
    // cf. test_deque.py TestBasic.test_getitem
    const d = new Deque<number>();
    for (let i = 0; i < 5; i++) d.push(i * 10);
    expect(d.at(0)).toBe(0);
    expect(d.at(4)).toBe(40);
    expect(d.at(-1)).toBe(40);
    expect(d.at(-5)).toBe(0);
    expect(d.at(5)).toBeUndefined();
    expect(d.at(-6)).toBeUndefined();
  });

  it('remove() takes out the first identical item and keeps the order of the rest', () => {
    // cf. test_deque.py TestBasic.test_remove
    const d = new Deque<object>();
    const a = {};
    const b = {};
    const c = {};
    d.push(a);
    d.push(b);
    d.push(c);
    d.push(b);
    expect(d.remove(b)).toBe(true);
    expect(d.toArray()).toEqual([a, c, b]);
    expect(d.toArray()[2]).toBe(b);
    expect(d.remove({})).toBe(false);
    expect(d.remove(a)).toBe(true);
    expect(d.remove(b)).toBe(true);
    expect(d.toArray()).toEqual([c]);
    expect(d.remove(c)).toBe(true);
    expect(d.length).toBe(0);
    expect(d.remove(c)).toBe(false);
  });

  it('remove() works when the items wrap around the end of the buffer', () => {
    // cf. test_deque.py TestBasic.test_remove
    const d = new Deque<number>(4);
    for (let i = 0; i < 3; i++) d.push(i);
    d.shift();
    d.shift();
    d.push(3);
    d.push(4); // [2, 3, 4] now spans the end of the 4-slot buffer
    expect(internals(d)._buffer).toHaveLength(4);
    expect(internals(d)._head).toBe(2);
    expect(d.remove(3)).toBe(true);
    expect(d.toArray()).toEqual([2, 4]);
    d.push(5);
    d.push(6);
    expect(d.toArray()).toEqual([2, 4, 5, 6]);
  });

  it('clear() empties it, and it is usable afterwards', () => {
    // cf. test_deque.py TestBasic.test_clear
    const d = new Deque<number>();
    for (let i = 0; i < 100; i++) d.push(i);
    d.clear();
    expect(d.length).toBe(0);
    expect(d.toArray()).toEqual([]);
    expect(d.shift()).toBeUndefined();
    d.push(7);
    expect(d.toArray()).toEqual([7]);
  });

  it('clear() releases a large buffer', () => {
    // cf. test_deque.py TestBasic.test_clear
    const d = new Deque<number>();
    for (let i = 0; i < 1000; i++) d.push(i);
    expect(internals(d)._buffer.length).toBeGreaterThanOrEqual(1000);
    d.clear();
    expect(internals(d)._buffer.length).toBeLessThanOrEqual(64);
  });

  it('iterates and copies front to back', () => {
    // cf. test_deque.py TestBasic.test_iterator_pickle (iteration order)
    const d = new Deque<number>();
    d.push(2);
    d.push(3);
    d.unshift(1);
    expect([...d]).toEqual([1, 2, 3]);
    expect(d.toArray()).toEqual([1, 2, 3]);
    expect(Array.from(new Deque<number>())).toEqual([]);
  });

  it('rounds its capacity up to a power of two, at least 4', () => {
    // cf. collections.deque's block allocation (no CPython test: a white-box check of the ring)
    expect(internals(new Deque<number>())._buffer).toHaveLength(16);
    expect(internals(new Deque<number>(1))._buffer).toHaveLength(4);
    expect(internals(new Deque<number>(5))._buffer).toHaveLength(8);
    expect(internals(new Deque<number>(64))._buffer).toHaveLength(64);
    expect(internals(new Deque<number>(65))._mask).toBe(127);
  });

  it('grows by doubling and keeps the order of the items', () => {
    // cf. test_deque.py TestBasic.test_big_queue_popleft
    const d = new Deque<number>(4);
    for (let i = 0; i < 4; i++) d.push(i);
    expect(internals(d)._buffer).toHaveLength(4);
    d.push(4);
    expect(internals(d)._buffer).toHaveLength(8);
    for (let i = 5; i < 1000; i++) d.push(i);
    expect(internals(d)._buffer).toHaveLength(1024);
    expect(d.toArray()).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('grows correctly while its items wrap around the end of the buffer', () => {
    // cf. test_deque.py TestBasic.test_big_queue_popright
    const d = new Deque<number>(4);
    d.push(0);
    d.push(1);
    d.push(2);
    d.shift();
    d.shift();
    d.push(3);
    d.push(4);
    d.push(5); // buffer full, head in the middle: [2, 3, 4, 5]
    expect(internals(d)._head).toBe(2);
    d.push(6); // grows while wrapped
    expect(internals(d)._buffer).toHaveLength(8);
    expect(internals(d)._head).toBe(0);
    expect(d.toArray()).toEqual([2, 3, 4, 5, 6]);
  });

  it('unshift() on a fresh deque wraps its head to the end of the buffer, and grows while wrapped', () => {
    // cf. test_deque.py TestBasic.test_big_stack_left
    const d = new Deque<number>(4);
    d.unshift(1);
    expect(internals(d)._head).toBe(3);
    d.unshift(0);
    d.push(2);
    d.push(3);
    expect(d.toArray()).toEqual([0, 1, 2, 3]);
    d.unshift(-1);
    expect(internals(d)._buffer).toHaveLength(8);
    expect(d.toArray()).toEqual([-1, 0, 1, 2, 3]);
    expect(d.pop()).toBe(3);
    expect(d.shift()).toBe(-1);
    expect(d.toArray()).toEqual([0, 1, 2]);
  });

  it('used as a queue for a long time, it stays as small as its largest content', () => {
    // cf. test_deque.py TestBasic.test_long_steadystate_queue_popleft
    const d = new Deque<number>(4);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 10_000; round++) {
      d.push(next++);
      d.push(next++);
      expect(d.shift()).toBe(expected++);
      expect(d.shift()).toBe(expected++);
    }
    expect(d.length).toBe(0);
    expect(internals(d)._buffer).toHaveLength(4);
  });

  it('does not keep references to the items it gave back', () => {
    // cf. test_deque.py TestBasic.test_weakref (no stale references)
    const d = new Deque<object>(4);
    d.push({});
    d.push({});
    d.push({});
    d.shift();
    d.pop();
    expect(internals(d)._buffer.filter((x) => x !== undefined)).toHaveLength(1);
    d.clear();
    expect(internals(d)._buffer.filter((x) => x !== undefined)).toHaveLength(0);
  });

  it('a random mix of operations matches an array model', () => {
    // cf. test_deque.py TestBasic.test_maxlen (checked against a list model)
    const d = new Deque<number>(4);
    const model: number[] = [];
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      switch (random(5)) {
        case 0:
          d.push(i);
          model.push(i);
          break;
        case 1:
          d.unshift(i);
          model.unshift(i);
          break;
        case 2:
          expect(d.shift()).toBe(model.shift());
          break;
        case 3:
          expect(d.pop()).toBe(model.pop());
          break;
        default:
          if (model.length > 0) {
            const item = model[random(model.length)]!;
            expect(d.remove(item)).toBe(true);
            model.splice(model.indexOf(item), 1);
          }
      }
      expect(d.length).toBe(model.length);
      expect(d.peekFront()).toBe(model[0]);
      expect(d.peekBack()).toBe(model[model.length - 1]);
    }
    expect(d.toArray()).toEqual(model);
  });
});
