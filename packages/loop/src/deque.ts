/**
 * A double-ended queue on a growable ring buffer: O(1) `push`/`pop`/`shift`/`unshift`, no array
 * shifting, no per-item allocation. The loop's ready queue, the sync primitives' waiter lists and
 * the queues are built on it.
 *
 * Names follow JavaScript arrays; asyncio code uses `collections.deque`: `append` → {@link push},
 * `appendleft` → {@link unshift}, `popleft` → {@link shift}, `pop` → {@link pop}.
 *
 * @module
 */

/**
 * A FIFO/LIFO double-ended queue with O(1) operations at both ends.
 *
 * Differs from asyncio: Python's `collections.deque`, with JavaScript array names.
 *
 * @example
 * ```ts
 * const d = new Deque<number>();
 * d.push(1); d.push(2); d.unshift(0);
 * d.shift(); // 0
 * d.pop();   // 2
 * ```
 */
export class Deque<T> implements Iterable<T> {
  private _buffer: (T | undefined)[];
  private _mask: number;
  private _head = 0;
  private _length = 0;

  /** @param capacity initial capacity, rounded up to a power of two (default 16) */
  constructor(capacity = 16) {
    let size = 4;
    while (size < capacity) size <<= 1;
    this._buffer = new Array<T | undefined>(size);
    this._mask = size - 1;
  }

  /** The number of items. */
  get length(): number {
    return this._length;
  }

  /** Add `item` at the back. */
  push(item: T): void {
    if (this._length === this._buffer.length) this._grow();
    this._buffer[(this._head + this._length) & this._mask] = item;
    this._length++;
  }

  /** Add `item` at the front. */
  unshift(item: T): void {
    if (this._length === this._buffer.length) this._grow();
    this._head = (this._head - 1) & this._mask;
    this._buffer[this._head] = item;
    this._length++;
  }

  /** Remove and return the front item (undefined when empty). */
  shift(): T | undefined {
    if (this._length === 0) return undefined;
    const buffer = this._buffer;
    const head = this._head;
    const item = buffer[head];
    buffer[head] = undefined;
    this._head = (head + 1) & this._mask;
    this._length--;
    return item;
  }

  /** Remove and return the back item (undefined when empty). */
  pop(): T | undefined {
    if (this._length === 0) return undefined;
    const index = (this._head + this._length - 1) & this._mask;
    const item = this._buffer[index];
    this._buffer[index] = undefined;
    this._length--;
    return item;
  }

  /** The front item, without removing it. */
  peekFront(): T | undefined {
    return this._length === 0 ? undefined : this._buffer[this._head];
  }

  /** The back item, without removing it. */
  peekBack(): T | undefined {
    return this._length === 0 ? undefined : this._buffer[(this._head + this._length - 1) & this._mask];
  }

  /** The item at `index` from the front (negative counts from the back); undefined when out of range. */
  at(index: number): T | undefined {
    if (index < 0) index += this._length;
    if (index < 0 || index >= this._length) return undefined;
    return this._buffer[(this._head + index) & this._mask];
  }

  /**
   * Remove the first item identical to `item` (O(n), like `deque.remove`).
   * @returns whether an item was removed.
   */
  remove(item: T): boolean {
    const buffer = this._buffer;
    const mask = this._mask;
    for (let i = 0; i < this._length; i++) {
      if (buffer[(this._head + i) & mask] === item) {
        for (let j = i; j < this._length - 1; j++) {
          buffer[(this._head + j) & mask] = buffer[(this._head + j + 1) & mask];
        }
        buffer[(this._head + this._length - 1) & mask] = undefined;
        this._length--;
        return true;
      }
    }
    return false;
  }

  /** Remove every item. */
  clear(): void {
    this._buffer = new Array<T | undefined>(this._buffer.length > 64 ? 16 : this._buffer.length);
    this._mask = this._buffer.length - 1;
    this._head = 0;
    this._length = 0;
  }

  /** The items, front to back, as a new array. */
  toArray(): T[] {
    const out = new Array<T>(this._length);
    for (let i = 0; i < this._length; i++) out[i] = this._buffer[(this._head + i) & this._mask] as T;
    return out;
  }

  *[Symbol.iterator](): Generator<T, void, undefined> {
    for (let i = 0; i < this._length; i++) yield this._buffer[(this._head + i) & this._mask] as T;
  }

  private _grow(): void {
    const old = this._buffer;
    const size = old.length;
    const next = new Array<T | undefined>(size * 2);
    for (let i = 0; i < size; i++) next[i] = old[(this._head + i) & this._mask];
    this._buffer = next;
    this._mask = size * 2 - 1;
    this._head = 0;
  }
}
