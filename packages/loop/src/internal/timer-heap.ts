/**
 * The loop's timer heap: a binary min-heap ordered by `(when, seq)`, so timers due at the same
 * time run in the order they were scheduled (FIFO ties), as asyncio's `heapq` of TimerHandles.
 *
 * The keys live in a `Float64Array` beside the items: sifting compares contiguous numbers instead
 * of loading a timer object (a cache miss) per comparison, which is most of the cost of a heap
 * of 100k timers. `seq` is only read on equal deadlines.
 */

/** What the heap orders: a deadline and a tie-breaking sequence number. */
export interface HeapTimer {
  _when: number;
  _seq: number;
}

export class TimerHeap<T extends HeapTimer> {
  private _items: (T | undefined)[] = [];
  private _keys: Float64Array = new Float64Array(64);
  private _size = 0;

  get size(): number {
    return this._size;
  }

  /** The earliest timer, without removing it. */
  peek(): T | undefined {
    return this._size === 0 ? undefined : this._items[0];
  }

  /** The earliest deadline (Infinity when empty). */
  peekWhen(): number {
    return this._size === 0 ? Infinity : (this._keys[0] as number);
  }

  push(item: T): void {
    let index = this._size;
    if (index === this._keys.length) this._grow();
    const items = this._items;
    const keys = this._keys;
    const when = item._when;
    const seq = item._seq;
    this._size = index + 1;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parentWhen = keys[parentIndex] as number;
      if (parentWhen < when || (parentWhen === when && (items[parentIndex] as T)._seq < seq)) break;
      items[index] = items[parentIndex];
      keys[index] = parentWhen;
      index = parentIndex;
    }
    items[index] = item;
    keys[index] = when;
  }

  /** Remove and return the earliest timer. */
  pop(): T | undefined {
    const size = this._size;
    if (size === 0) return undefined;
    const items = this._items;
    const top = items[0];
    const last = size - 1;
    this._size = last;
    if (last > 0) {
      const item = items[last] as T;
      items[last] = undefined;
      this._siftDown(0, item, this._keys[last] as number);
    } else {
      items[0] = undefined;
    }
    return top;
  }

  /** Keep only the timers for which `keep` returns true, then restore heap order in O(n). */
  retain(keep: (item: T) => boolean): void {
    const items = this._items;
    const keys = this._keys;
    const size = this._size;
    let kept = 0;
    for (let i = 0; i < size; i++) {
      const item = items[i] as T;
      if (keep(item)) {
        items[kept] = item;
        keys[kept] = keys[i] as number;
        kept++;
      }
    }
    for (let i = kept; i < size; i++) items[i] = undefined;
    this._size = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this._siftDown(i, items[i] as T, keys[i] as number);
  }

  /** Remove every timer and return them (in no particular order). */
  drain(): T[] {
    const out = this._items.slice(0, this._size) as T[];
    this._items = [];
    this._keys = new Float64Array(64);
    this._size = 0;
    return out;
  }

  /** The timers in heap order (for tests and diagnostics). */
  toArray(): T[] {
    return this._items.slice(0, this._size) as T[];
  }

  private _grow(): void {
    const keys = new Float64Array(this._keys.length * 2);
    keys.set(this._keys);
    this._keys = keys;
  }

  private _siftDown(start: number, item: T, when: number): void {
    const items = this._items;
    const keys = this._keys;
    const size = this._size;
    const seq = item._seq;
    let index = start;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      let childWhen = keys[child] as number;
      const right = child + 1;
      if (right < size) {
        const rightWhen = keys[right] as number;
        if (rightWhen < childWhen || (rightWhen === childWhen && (items[right] as T)._seq < (items[child] as T)._seq)) {
          child = right;
          childWhen = rightWhen;
        }
      }
      if (when < childWhen || (when === childWhen && seq < (items[child] as T)._seq)) break;
      items[index] = items[child];
      keys[index] = childWhen;
      index = child;
    }
    items[index] = item;
    keys[index] = when;
  }
}
