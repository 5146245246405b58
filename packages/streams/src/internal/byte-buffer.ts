/**
 * The StreamReader's buffer: a queue of byte chunks that is appended to at the back and consumed
 * from the front, searched in place.
 *
 * ## Why not one growing array
 *
 * asyncio keeps a `bytearray`: `feed_data` appends (a copy) and every read deletes a prefix (a
 * memmove of the rest). In JavaScript that design costs a copy per `feedData` and an O(buffer)
 * shift per read, so parsing many small lines out of a large buffer goes quadratic. Here:
 *
 * - `push(chunk)` stores the caller's array itself (no copy). The buffer owns it from then on.
 * - The chunks sit in a {@link Deque}; the first one has a read offset (`_head`). Consuming bytes
 *   moves the offset, and drops chunks once they are used up. Nothing is ever shifted.
 * - Searches (`indexOfByte`, `indexOf`, `startsWith`) walk the chunks where they are, crossing
 *   chunk boundaries without concatenating. A single-byte search reads a chunk four bytes at a
 *   time through a Uint32Array view of it (the SWAR "has a zero byte" test on `word ^ pattern`),
 *   then finds the byte inside the matching word: 2.4× faster than a byte loop, and than
 *   `Uint8Array.prototype.indexOf`, for the short scans of line parsing. The word view of the
 *   chunk being scanned is cached.
 * - `takeThrough(byte)` is readline's fast path: one scan of the first chunk and one view.
 * - Each chunk also records its absolute end position in the stream (`_ends`), so a logical
 *   offset is found with one comparison in the common case (it falls in the first chunk) and a
 *   binary search otherwise: a rescan that starts near the end of a buffer made of many small
 *   chunks does not walk all of them (readuntil's incremental rescans stay linear overall).
 * - `take(n)` returns a view of the first chunk when the `n` bytes are contiguous there, and a
 *   fresh array (the only copy) when they span chunks. (Copying short results out was measured:
 *   the allocation costs more than the whole rest of a `readline()`.)
 *
 * Positions in the API are logical: 0 is the first unread byte.
 *
 * @module
 */
import { Deque } from '@tsyncio/loop';

const EMPTY = /* @__PURE__ */ new Uint8Array(0);

/** Chunks shorter than this are scanned byte by byte (setting up a word view would cost more). */
const WORD_SCAN_MIN = 64;

/** The index of `byte` in `chunk[from, end)`, byte by byte, or −1. */
function findBytewise(chunk: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (chunk[i] === byte) return i;
  }
  return -1;
}

/** A view of `n` bytes of `chunk` from `start` (a plain Uint8Array even for Node Buffers). */
function view(chunk: Uint8Array, start: number, n: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, n);
}

/** @internal A FIFO byte queue made of the chunks it was given. */
export class ByteBuffer {
  private readonly _chunks = new Deque<Uint8Array>();
  /** absolute stream position just after each chunk (parallel to `_chunks`) */
  private readonly _ends = new Deque<number>();
  /** read offset inside the first chunk */
  private _head = 0;
  /** absolute stream position of the first unread byte */
  private _start = 0;
  /** absolute stream position after the last byte pushed */
  private _total = 0;
  private _length = 0;
  /** where {@link _locate} found a position: the offset inside the chunk it returned */
  private _pos = 0;
  /** the chunk whose word view is cached, the view, and the chunk offset where the view starts */
  private _wordsChunk: Uint8Array | null = null;
  private _words: Uint32Array | null = null;
  private _wordsPad = 0;

  /** Unread bytes. */
  get length(): number {
    return this._length;
  }

  /** Append `chunk` (kept as is, not copied). Empty chunks are ignored. */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    this._total += n;
    this._chunks.push(chunk);
    this._ends.push(this._total);
    this._length += n;
  }

  /**
   * The index of the chunk holding logical position `p` (`0 <= p < length`); the offset inside
   * it is left in `_pos`.
   */
  private _locate(p: number): number {
    const first = this._chunks.peekFront() as Uint8Array;
    const inFirst = this._head + p;
    if (inFirst < first.length) {
      this._pos = inFirst;
      return 0;
    }
    const ends = this._ends;
    const abs = this._start + p;
    let lo = 1;
    let hi = this._chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ends.at(mid) as number) > abs) hi = mid;
      else lo = mid + 1;
    }
    const chunk = this._chunks.at(lo) as Uint8Array;
    this._pos = abs - ((ends.at(lo) as number) - chunk.length);
    return lo;
  }

  /**
   * The index of `byte` in `chunk` at or after `from`, or −1: a word-at-a-time scan for chunks
   * of at least {@link WORD_SCAN_MIN} bytes, byte by byte otherwise.
   */
  private _find(chunk: Uint8Array, byte: number, from: number): number {
    const n = chunk.length;
    if (n < WORD_SCAN_MIN) return findBytewise(chunk, byte, from, n);
    let words = this._words;
    if (this._wordsChunk !== chunk) {
      // a Uint32Array over the chunk's bytes from its first 4-byte-aligned address
      const pad = (4 - (chunk.byteOffset & 3)) & 3;
      words = new Uint32Array(chunk.buffer, chunk.byteOffset + pad, (n - pad) >>> 2);
      this._wordsChunk = chunk;
      this._words = words;
      this._wordsPad = pad;
    }
    const w = words as Uint32Array;
    const pad = this._wordsPad;
    let i = from;
    // bytes before the next word boundary
    while (((i - pad) & 3) !== 0 && i < n) {
      if (chunk[i] === byte) return i;
      i++;
    }
    const pattern = byte * 0x01010101;
    const count = w.length;
    let k = (i - pad) >> 2;
    for (; k < count; k++) {
      // a byte of `word ^ pattern` is zero where the word holds `byte`
      const x = (w[k] as number) ^ pattern;
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
    }
    // inside the matching word, or the bytes after the last whole word
    const start = k < count ? pad + (k << 2) : Math.max(i, pad + (count << 2));
    return findBytewise(chunk, byte, start, n);
  }

  /**
   * readline's fast path: if the first chunk holds `byte` at most `maxStart` bytes after the
   * read position, remove and return everything up to and including it (a view, or the chunk
   * itself); otherwise null (use the general search).
   */
  takeThrough(byte: number, maxStart: number): Uint8Array | null {
    const first = this._chunks.peekFront();
    if (first === undefined) return null;
    const head = this._head;
    const at = this._find(first, byte, head);
    if (at === -1 || at - head > maxStart) return null;
    const n = at + 1 - head;
    let out: Uint8Array;
    if (at + 1 === first.length) {
      out = head === 0 ? first : view(first, head, n);
      this._chunks.shift();
      this._ends.shift();
      this._head = 0;
    } else {
      out = view(first, head, n);
      this._head = at + 1;
    }
    this._length -= n;
    this._start += n;
    return out;
  }

  /**
   * The logical position of the first `byte` in `[from, to)` (default: to the end), or −1.
   */
  indexOfByte(byte: number, from: number, to: number = this._length): number {
    if (to > this._length) to = this._length;
    if (from < 0) from = 0;
    if (from >= to) return -1;
    const chunks = this._chunks;
    const ends = this._ends;
    const count = chunks.length;
    let i = 0;
    let pos = this._head;
    if (from > 0) {
      i = this._locate(from);
      pos = this._pos;
    }
    const absTo = this._start + to;
    for (; i < count; i++) {
      const chunk = chunks.at(i) as Uint8Array;
      const end = ends.at(i) as number;
      const chunkStart = end - chunk.length;
      const found = this._find(chunk, byte, pos);
      if (found !== -1) {
        const abs = chunkStart + found;
        return abs < absTo ? abs - this._start : -1;
      }
      if (end >= absTo) return -1;
      pos = 0;
    }
    return -1;
  }

  /**
   * The logical position of the first occurrence of `sep` that starts in `[from, maxStart]`
   * (default: anywhere it fits), or −1. `sep` must not be empty.
   */
  indexOf(sep: Uint8Array, from: number, maxStart: number = this._length - sep.length): number {
    const n = sep.length;
    if (maxStart > this._length - n) maxStart = this._length - n;
    const first = sep[0] as number;
    if (n === 1) return this.indexOfByte(first, from, maxStart + 1);
    let p = from < 0 ? 0 : from;
    while (p <= maxStart) {
      const q = this.indexOfByte(first, p, maxStart + 1);
      if (q === -1) return -1;
      if (this._matchesAt(sep, q)) return q;
      p = q + 1;
    }
    return -1;
  }

  /** Whether the unread bytes at logical position `at` start with `sep`. */
  startsWith(sep: Uint8Array, at: number): boolean {
    if (at < 0 || at + sep.length > this._length) return false;
    if (sep.length === 0) return true;
    return this._matchesAt(sep, at);
  }

  /** Whether `sep` occurs at `at` (the caller checked that it fits). */
  private _matchesAt(sep: Uint8Array, at: number): boolean {
    const chunks = this._chunks;
    let i = this._locate(at);
    let chunk = chunks.at(i) as Uint8Array;
    let pos = this._pos;
    for (let k = 0; k < sep.length; k++) {
      while (pos >= chunk.length) {
        chunk = chunks.at(++i) as Uint8Array;
        pos = 0;
      }
      if (chunk[pos] !== sep[k]) return false;
      pos++;
    }
    return true;
  }

  /**
   * Remove and return the first `n` bytes (`0 <= n <= length`): a view of the first chunk when
   * they are contiguous there (no copy), else a fresh array.
   */
  take(n: number): Uint8Array {
    if (n <= 0) return EMPTY;
    const chunks = this._chunks;
    const first = chunks.peekFront() as Uint8Array;
    const head = this._head;
    const available = first.length - head;
    let out: Uint8Array;
    if (n < available) {
      out = view(first, head, n);
      this._head = head + n;
    } else if (n === available) {
      out = head === 0 ? first : view(first, head, n);
      chunks.shift();
      this._ends.shift();
      this._head = 0;
    } else {
      out = new Uint8Array(n);
      out.set(head === 0 ? first : view(first, head, available), 0);
      chunks.shift();
      this._ends.shift();
      let filled = available;
      while (filled < n) {
        const chunk = chunks.peekFront() as Uint8Array;
        const need = n - filled;
        if (chunk.length <= need) {
          out.set(chunk, filled);
          filled += chunk.length;
          chunks.shift();
          this._ends.shift();
          this._head = 0;
        } else {
          out.set(view(chunk, 0, need), filled);
          filled = n;
          this._head = need;
        }
      }
    }
    this._length -= n;
    this._start += n;
    return out;
  }

  /** Remove and return everything (a copy unless it is one chunk). */
  takeAll(): Uint8Array {
    return this.take(this._length);
  }

  /** Drop the first `n` bytes (`0 <= n <= length`). */
  discard(n: number): void {
    if (n <= 0) return;
    if (n >= this._length) {
      this.clear();
      return;
    }
    const chunks = this._chunks;
    let left = n;
    for (;;) {
      const chunk = chunks.peekFront() as Uint8Array;
      const available = chunk.length - this._head;
      if (left < available) {
        this._head += left;
        break;
      }
      left -= available;
      chunks.shift();
      this._ends.shift();
      this._head = 0;
      if (left === 0) break;
    }
    this._length -= n;
    this._start += n;
  }

  /** Drop everything. */
  clear(): void {
    this._wordsChunk = null;
    this._words = null;
    this._start = this._total;
    this._length = 0;
    this._head = 0;
    if (this._chunks.length > 0) {
      this._chunks.clear();
      this._ends.clear();
    }
  }

  /** A copy of the unread bytes, without consuming them (for tests and descriptions). */
  toUint8Array(): Uint8Array {
    const out = new Uint8Array(this._length);
    let filled = 0;
    let head = this._head;
    for (const chunk of this._chunks) {
      out.set(head === 0 ? chunk : chunk.subarray(head), filled);
      filled += chunk.length - head;
      head = 0;
    }
    return out;
  }

  /** How many chunks are held (white-box tests). */
  get chunkCount(): number {
    return this._chunks.length;
  }
}
