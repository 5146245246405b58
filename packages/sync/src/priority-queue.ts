/**
 * `PriorityQueue`: a queue that returns the smallest item first — asyncio's
 * `queues.PriorityQueue` (a binary heap, Python's `heapq`).
 *
 * ## Order
 *
 * Without a `compare` option, items are ordered the way Python orders them: numbers (and
 * bigints, booleans) by value, strings by code point, and arrays element by element like Python
 * tuples — the first pair of unequal elements decides, and a shorter array that is a prefix of a
 * longer one comes first. So `[priority, data]` pairs work as in asyncio. Values Python cannot
 * order (a string against a number, `null`, plain objects) raise a TypeError, as Python's
 * "'<' not supported between instances of …" does; give `compare` to order anything else.
 *
 * The heap is `heapq`'s: the same comparisons and moves, so equal items come out in the same
 * (unstable) order as in asyncio. A comparison that throws leaves the heap untouched.
 *
 * @module
 */
import { describe } from '@tsyncio/loop';
import { Queue } from './queue.js';

/**
 * Options for {@link PriorityQueue}.
 *
 * tsyncio only: asyncio's `PriorityQueue` always compares the items themselves with `<`.
 *
 * @example
 * ```ts
 * const options: PriorityQueueOptions<Job> = { compare: (a, b) => a.deadline - b.deadline };
 * const jobs = new PriorityQueue<Job>(0, options);
 * ```
 */
export interface PriorityQueueOptions<T> {
  /**
   * Orders two items: negative when `a` comes first, positive when `b` does, 0 when either may
   * (like `Array.prototype.sort`'s comparator). Default: Python's ordering (see the class notes).
   */
  compare?: (a: T, b: T) => number;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' || typeof value === 'function') {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'object';
  }
  return typeof value;
}

function unorderable(a: unknown, b: unknown): TypeError {
  return new TypeError(
    `'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}' ` +
      '(pass PriorityQueue a compare option to order other values)',
  );
}

function isNumeric(value: unknown): value is number | bigint | boolean {
  const type = typeof value;
  return type === 'number' || type === 'bigint' || type === 'boolean';
}

/** Strings by code point (UTF-16 code units order them, except astral against U+E000–U+FFFF). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xSurrogate = x >= 0xd800 && x <= 0xdfff;
      const ySurrogate = y >= 0xd800 && y <= 0xdfff;
      if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

/** Python's `==` on the values {@link pythonCompare} orders (no TypeError: unequal types are unequal). */
function pythonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNumeric(a) && isNumeric(b)) {
    // loose equality: numeric equality across number, bigint and boolean
    return a == b || (Number.isNaN(a) && Number.isNaN(b));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pythonEqual(a[i], b[i])) return false;
    return true;
  }
  return false;
}

/**
 * Python's ordering: numbers, strings, and arrays compared like tuples.
 *
 * @throws TypeError when the values cannot be ordered.
 * @internal
 */
export function pythonCompare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = a.length < b.length ? a.length : b.length;
    for (let i = 0; i < n; i++) {
      const x: unknown = a[i];
      const y: unknown = b[i];
      if (!pythonEqual(x, y)) return pythonCompare(x, y);
    }
    return a.length - b.length;
  }
  if (isNumeric(a) && isNumeric(b)) {
    // number, bigint and boolean compare by value in JavaScript as in Python
    return a < b ? -1 : a > b ? 1 : 0;
  }
  throw unorderable(a, b);
}

/**
 * A queue that returns its smallest item first (lowest priority number first for
 * `[priority, data]` pairs). Everything else — `maxsize`, waiting, `taskDone()`/`join()`,
 * `shutdown()` — works as in {@link Queue}.
 *
 * Same as asyncio's `asyncio.PriorityQueue`: a `heapq` heap, not stable among equal items, and
 * `put` of a value that cannot be compared with the others raises TypeError (the queue is left
 * unchanged).
 *
 * Differs from asyncio: JavaScript has no tuples, so arrays are compared like tuples; pass
 * `options.compare` to order other values (objects, dates, …).
 *
 * @example
 * ```ts
 * const jobs = new PriorityQueue<[number, string]>();
 * jobs.putNowait([2, 'write docs']);
 * jobs.putNowait([1, 'fix bug']);
 * jobs.getNowait(); // [1, 'fix bug']
 *
 * const byDeadline = new PriorityQueue<Task>(0, { compare: (a, b) => a.deadline - b.deadline });
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  /** @internal the heap (heapq layout: the smallest item at index 0) */
  declare _heap: T[];
  /** @internal */
  readonly _compare: (a: T, b: T) => number;

  /**
   * @param maxsize the most items the queue holds; `<= 0` (the default): unbounded.
   * @param options `compare`: the order of the items (default: Python's).
   * @throws TypeError when `maxsize` is not a number or `options.compare` is not a function.
   */
  constructor(maxsize = 0, options?: PriorityQueueOptions<T>) {
    super(maxsize);
    const compare = options?.compare;
    if (compare !== undefined && typeof compare !== 'function') {
      throw new TypeError(`PriorityQueue() options.compare must be a function, got ${describe(compare)}`);
    }
    this._compare = compare ?? pythonCompare;
  }

  /** @internal */
  override _init(_maxsize: number): void {
    this._heap = [];
  }

  /** The number of items in the queue. */
  override qsize(): number {
    return this._heap.length;
  }

  /** @internal heapq.heappush: all comparisons first, then the moves */
  override _put(item: T): void {
    const heap = this._heap;
    const compare = this._compare;
    let pos = heap.length;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      if (!(compare(item, heap[parent] as T) < 0)) break;
      pos = parent;
    }
    let hole = heap.length;
    heap.push(item);
    while (hole > pos) {
      const parent = (hole - 1) >> 1;
      heap[hole] = heap[parent] as T;
      hole = parent;
    }
    heap[pos] = item;
  }

  /** @internal heapq.heappop (with its bottom-up sift): all comparisons first, then the moves */
  override _get(): T {
    const heap = this._heap;
    const size = heap.length - 1; // the size once the last item has moved
    if (size === 0) return heap.pop() as T;
    const compare = this._compare;
    const last = heap[size] as T;
    // the path of smaller children from the root down to a leaf
    let pos = 0;
    let child = 1;
    while (child < size) {
      const right = child + 1;
      if (right < size && !(compare(heap[child] as T, heap[right] as T) < 0)) child = right;
      pos = child;
      child = 2 * pos + 1;
    }
    // where the last item settles on that path, climbing back from the leaf
    while (pos > 0 && compare(last, heap[pos] as T) < 0) pos = (pos - 1) >> 1;
    // move the path above it up one level, put the last item in place, drop the root
    let carry = last;
    for (;;) {
      const moved = heap[pos] as T;
      heap[pos] = carry;
      if (pos === 0) {
        heap.length = size;
        return moved;
      }
      carry = moved;
      pos = (pos - 1) >> 1;
    }
  }

  /** @internal */
  override _items(limit: number): T[] {
    return this._heap.slice(0, limit);
  }
}
