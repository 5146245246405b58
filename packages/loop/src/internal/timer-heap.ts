/**
 * The loop's timer heap: a binary min-heap ordered by `(when, seq)`, so timers due at the same
 * time run in the order they were scheduled (FIFO ties), as asyncio's `heapq` of TimerHandles.
 */

/** What the heap orders: a deadline and a tie-breaking sequence number. */
export interface HeapTimer {
  _when: number;
  _seq: number;
}

function before(a: HeapTimer, b: HeapTimer): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

export class TimerHeap<T extends HeapTimer> {
  private _items: T[] = [];

  get size(): number {
    return this._items.length;
  }

  /** The earliest timer, without removing it. */
  peek(): T | undefined {
    return this._items[0];
  }

  push(item: T): void {
    const items = this._items;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex] as T;
      if (!before(item, parent)) break;
      items[index] = parent;
      index = parentIndex;
    }
    items[index] = item;
  }

  /** Remove and return the earliest timer. */
  pop(): T | undefined {
    const items = this._items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    this._siftDown(0, last);
    return top;
  }

  /** Keep only the timers for which `keep` returns true, then restore heap order in O(n). */
  retain(keep: (item: T) => boolean): void {
    const items = this._items;
    let kept = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as T;
      if (keep(item)) items[kept++] = item;
    }
    items.length = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this._siftDown(i, items[i] as T);
  }

  /** Remove every timer and return them (in no particular order). */
  drain(): T[] {
    const items = this._items;
    this._items = [];
    return items;
  }

  /** The timers in heap order (for tests and diagnostics). */
  toArray(): T[] {
    return this._items.slice();
  }

  private _siftDown(start: number, item: T): void {
    const items = this._items;
    const length = items.length;
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && before(items[right] as T, items[child] as T)) child = right;
      const childItem = items[child] as T;
      if (!before(childItem, item)) break;
      items[index] = childItem;
      index = child;
    }
    items[index] = item;
  }
}
