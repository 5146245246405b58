import { CancelledError } from '@tsyncio/futures';
import { EventLoop } from '@tsyncio/loop';
import { afterAll, describe, expect, it } from 'vitest';
import { Waiter, WaiterList } from '../../src/internal/waiters.js';

function makeList(loop: EventLoop, n: number): [WaiterList<number>, Waiter<number>[]] {
  const list = new WaiterList<number>();
  const waiters: Waiter<number>[] = [];
  for (let i = 0; i < n; i++) waiters.push(list.add(loop));
  return [list, waiters];
}

/** The members' positions in `all` (futures are iterable, so they are not compared with toEqual). */
function members(list: WaiterList<number>, all: Waiter<number>[]): number[] {
  const out: number[] = [];
  for (let w = list.first(); w !== null; w = w._next) out.push(all.indexOf(w));
  return out;
}

describe('WaiterList', () => {
  const loop = new EventLoop();
  afterAll(() => {
    loop.close();
  });

  it('keeps waiters in FIFO order and removes them from anywhere in O(1)', () => {
    const [list, all] = makeList(loop, 4);
    const [a, b, c, d] = all;
    expect(list.length).toBe(4);
    expect(list.remove(c!)).toBe(true);
    expect(list.remove(c!)).toBe(false); // already left: a no-op, like deque.remove with ValueError ignored
    expect(members(list, all)).toEqual([0, 1, 3]);
    expect(list.remove(a!)).toBe(true);
    expect(list.remove(d!)).toBe(true);
    expect(members(list, all)).toEqual([1]);
    expect(list.shift()).toBe(b);
    expect(list.shift()).toBeNull();
    expect(list.length).toBe(0);
  });

  it('counts cancelled members, so hasActive() is O(1)', () => {
    const [list, [a, b]] = makeList(loop, 2);
    expect(list.hasActive()).toBe(true);
    a!.cancel();
    expect(list.hasActive()).toBe(true);
    b!.cancel();
    expect(list.hasActive()).toBe(false);
    expect(b!.cancel()).toBe(false); // a second cancel() counts nothing
    list.remove(a!);
    expect(list._cancelled).toBe(1);
    list.append(new Waiter<number>(loop));
    expect(list.hasActive()).toBe(true);
    list.remove(b!);
    expect(list._cancelled).toBe(0);
    // cancelling a waiter that left the list does not touch the count
    a!.cancel();
    expect(list._cancelled).toBe(0);
  });

  it('a woken waiter still counts as active (no barging)', () => {
    const [list, [a]] = makeList(loop, 1);
    list.wakeFirst(1);
    expect(a!.result()).toBe(1);
    expect(list.hasActive()).toBe(true);
  });

  it('wakeFirst() looks at the front waiter only', () => {
    const [list, [a, b]] = makeList(loop, 2);
    a!.cancel();
    list.wakeFirst(1);
    expect(b!.done()).toBe(false);
    list.remove(a!);
    list.wakeFirst(2);
    expect(b!.result()).toBe(2);
    list.wakeFirst(3); // the front is done: nothing
    expect(b!.result()).toBe(2);
  });

  it('wakeNext() wakes the first waiter that is not done and leaves it listed', () => {
    const [list, [a, b, c]] = makeList(loop, 3);
    a!.cancel();
    expect(list.wakeNext(1)).toBe(true);
    expect(b!.result()).toBe(1);
    expect(list.wakeNext(2)).toBe(true);
    expect(c!.result()).toBe(2);
    expect(list.wakeNext(3)).toBe(false);
    expect(list.length).toBe(3);
  });

  it('shiftNext() pops done waiters on the way to the one it wakes', () => {
    const [list, all] = makeList(loop, 3);
    const [a, b] = all;
    a!.cancel();
    expect(list.shiftNext(1)).toBe(true);
    expect(b!.result()).toBe(1);
    expect(members(list, all)).toEqual([2]);
    expect(list._cancelled).toBe(0);
    expect(list.shiftNext(2)).toBe(true);
    expect(list.shiftNext(3)).toBe(false);
    expect(list.length).toBe(0);
  });

  it('wakeUpTo(n) wakes at most n waiters that are not done, front to back', () => {
    const [list, [a, b, c, d]] = makeList(loop, 4);
    b!.cancel();
    expect(list.wakeUpTo(2, 7)).toBe(2);
    expect([a!.done(), c!.done(), d!.done()]).toEqual([true, true, false]);
    expect(list.wakeUpTo(Infinity, 8)).toBe(1);
    expect(d!.result()).toBe(8);
    expect(list.wakeUpTo(0, 9)).toBe(0);
  });

  it('shiftAll() empties the list and wakes the waiters that are not done', () => {
    const [list, [a, b]] = makeList(loop, 2);
    a!.cancel();
    list.shiftAll(5);
    expect(list.length).toBe(0);
    expect(list._cancelled).toBe(0);
    expect(() => a!.result()).toThrow(CancelledError);
    expect(b!.result()).toBe(5);
  });
});
