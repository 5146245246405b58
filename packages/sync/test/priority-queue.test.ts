import { describe, expect, it } from 'vitest';
import { PriorityQueue } from '../src/index.js';
import { pythonCompare } from '../src/priority-queue.js';
import { runLoop } from './helpers.js';

/**
 * Push/pop sequences run through CPython's heapq (3.11) with items that compare on a key only, so
 * equal keys show heapq's exact tie order: `ops` entries are `[key, label]` (push) or null (pop),
 * `out` the labels in the order heapq popped them (the pops, then the rest drained).
 */
const HEAPQ_CASES: { ops: ([number, number] | null)[]; out: number[] }[] = JSON.parse(
  '[{"ops":[[2,0],[3,1],[0,2],[0,3],null,null,[0,4],null,[1,5],null,[4,6],null,null,[0,7],[3,8],null,null,[1,9],null,null,[0,10],[4,11],[1,12],null,[1,13],null,[0,14],[4,15],null,[3,16],[3,17],[3,18],null,null,null,[0,19],[4,20],[2,21],[2,22],[0,23],null,[2,24],null,[0,25],[0,26],[4,27],[2,28],null,null,[3,29],null,null,null,[0,30],null,[4,31],[3,32],null,null,[0,33]],"out":[2,3,4,5,0,1,7,8,9,6,10,12,14,13,18,16,19,23,25,26,22,28,21,30,24,29,33,17,32,11,15,20,27,31]},{"ops":[[3,0],null,[4,1],null,[0,2],null,[2,3],null,[1,4],null,[3,5],null,[3,6],[2,7],[3,8],[2,9],[2,10],[3,11],[1,12],null,null,[0,13],[4,14],null,null,null,[4,15],[1,16],[4,17],[0,18],[4,19],null,null,null,[0,20],null,[3,21],null,null,null,null,null,null,null,[0,22],null,[1,23],[1,24],[2,25],[3,26],null,[3,27],[2,28],null,null,null,null,[1,29],[1,30],[4,31]],"out":[0,1,2,3,4,5,12,7,13,9,10,18,16,11,20,8,21,6,17,14,15,19,22,23,24,25,28,27,29,30,26,31]},{"ops":[[2,0],null,[4,1],[4,2],null,[0,3],[2,4],[1,5],null,null,[4,6],null,null,[1,7],[3,8],[1,9],null,[0,10],[2,11],[1,12],[2,13],[2,14],[2,15],null,null,[2,16],null,[4,17],[3,18],[2,19],[0,20],[0,21],[1,22],[1,23],[2,24],null,[3,25],[0,26],[1,27],[0,28],null,[1,29],[4,30],[2,31],null,[0,32],null,[0,33],[1,34],[1,35],[1,36],null,null,[4,37],null,[1,38],null,[3,39],[4,40],[4,41]],"out":[0,1,3,5,4,2,7,10,12,9,20,21,26,28,32,33,23,22,27,35,36,38,34,29,16,24,15,31,19,11,13,14,25,8,39,18,30,40,41,6,17,37]},{"ops":[[1,0],[4,1],[3,2],[4,3],null,[1,4],null,[0,5],[2,6],[4,7],[0,8],[0,9],null,null,[4,10],[0,11],[0,12],[4,13],[4,14],[2,15],[4,16],[4,17],[4,18],[2,19],[1,20],[1,21],[3,22],[0,23],[3,24],null,[0,25],[1,26],[2,27],null,[3,28],null,[3,29],[1,30],[1,31],null,[4,32],[3,33],null,null,[0,34],null,[0,35],null,[2,36],[0,37],null,[1,38],[0,39],null,null,[1,40],null,null,[2,41],[4,42]],"out":[0,4,5,8,9,11,23,25,12,30,34,35,37,39,31,38,40,26,21,20,15,36,41,27,6,19,29,33,2,22,28,24,10,18,7,3,13,17,16,14,32,42,1]}]',
) as { ops: ([number, number] | null)[]; out: number[] }[];

describe('PriorityQueue', () => {
  it('orders numbers, strings and arrays like Python (arrays element by element, like tuples)', () => {
    const q = new PriorityQueue<unknown>();
    for (const item of [[1, 'b'], [1, 'a'], [0, 'z'], [1], [1, 'a', 'x']]) q.putNowait(item);
    const out: unknown[] = [];
    while (!q.empty()) out.push(q.getNowait());
    expect(out).toEqual([[0, 'z'], [1], [1, 'a'], [1, 'a', 'x'], [1, 'b']]);

    const words = new PriorityQueue<string>();
    for (const w of ['pear', 'apple', 'Zebra', 'apples', '']) words.putNowait(w);
    const sorted: string[] = [];
    while (!words.empty()) sorted.push(words.getNowait());
    expect(sorted).toEqual(['', 'Zebra', 'apple', 'apples', 'pear']);
  });

  it('compares strings by code point, as Python does', () => {
    // UTF-16 code units would put U+1F600 (a surrogate pair) before U+FF01
    expect(pythonCompare('\u{1F600}', '\uFF01')).toBeGreaterThan(0);
    expect(pythonCompare('a', 'b')).toBeLessThan(0);
    expect(pythonCompare('ab', 'a')).toBeGreaterThan(0);
    expect(pythonCompare('x', 'x')).toBe(0);
  });

  it('orders numbers, bigints and booleans together, like Python ints and floats', () => {
    expect(pythonCompare(1n, 2)).toBeLessThan(0);
    expect(pythonCompare(true, 0.5)).toBeGreaterThan(0);
    expect(pythonCompare([1n, 'a'], [1, 'b'])).toBeLessThan(0);
  });

  it('raises TypeError for values Python cannot order, and leaves the queue unchanged', () => {
    const q = new PriorityQueue<unknown>();
    q.putNowait([1, 'a']);
    q.putNowait([0, 'b']);
    expect(() => q.putNowait([0, 2])).toThrow(TypeError);
    expect(() => q.putNowait([0, 2])).toThrow("'<' not supported between instances of 'number' and 'string'");
    expect(() => q.putNowait('x')).toThrow(TypeError);
    expect(() => q.putNowait({})).toThrow("'<' not supported between instances of 'Object' and 'array'");
    expect(q.qsize()).toBe(2);
    expect(q._unfinishedTasks).toBe(2);
    expect(q.getNowait()).toEqual([0, 'b']);
    expect(q.getNowait()).toEqual([1, 'a']);
    expect(() => pythonCompare(null, null)).toThrow("'<' not supported between instances of 'null' and 'null'");
  });

  it('a get() whose comparison fails raises TypeError and leaves the heap intact', () => {
    let failing = false;
    const q = new PriorityQueue<number>(0, {
      compare: (a, b) => {
        if (failing) throw new TypeError('cannot compare');
        return a - b;
      },
    });
    for (const n of [5, 3, 8, 1, 9, 2]) q.putNowait(n);
    const before = [...q._heap];
    failing = true;
    expect(() => q.getNowait()).toThrow(TypeError);
    expect(q._heap).toEqual(before);
    failing = false;
    const out: number[] = [];
    while (!q.empty()) out.push(q.getNowait());
    expect(out).toEqual([1, 2, 3, 5, 8, 9]);
  });

  it('takes a compare option for any other order', () => {
    const q = new PriorityQueue<{ deadline: number }>(0, { compare: (a, b) => b.deadline - a.deadline });
    for (const deadline of [3, 9, 1]) q.putNowait({ deadline });
    expect(q.getNowait().deadline).toBe(9);
    expect(() => new PriorityQueue(0, { compare: 1 as unknown as () => number })).toThrow(TypeError);
  });

  it('returns equal items in exactly the order of CPython heapq', () => {
    for (const { ops, out } of HEAPQ_CASES) {
      const q = new PriorityQueue<[number, number]>(0, { compare: (a, b) => a[0] - b[0] });
      const got: number[] = [];
      for (const op of ops) {
        if (op === null) got.push(q.getNowait()[1]);
        else q.putNowait(op);
      }
      while (!q.empty()) got.push(q.getNowait()[1]);
      expect(got).toEqual(out);
    }
  });

  it('toString() lists the heap', async () => {
    await runLoop(function* () {
      const q = new PriorityQueue<number>(3);
      for (const n of [3, 1, 2]) yield* q.put(n);
      expect(String(q)).toBe('<PriorityQueue maxsize=3 _queue=[1, 3, 2] tasks=3>');
    });
  });
});
