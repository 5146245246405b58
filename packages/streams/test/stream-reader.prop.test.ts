// Property tests of StreamReader (fast-check): a random byte stream, cut into random chunks and fed
// by a task (through a transport that honours pauseReading), is read by another task with a random
// mix of read / readExactly / readUntil / readline, some of them cancelled while they wait. Every
// result must be the next bytes of the stream — nothing lost, nothing duplicated — and a cancelled
// read must consume nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CancelledError, createTask, sleep, type Coroutine } from '@tsyncio/futures';
import { IncompleteReadError, LimitOverrunError, StreamReader, type BaseProtocol, type ReadTransport } from '../src/index.js';
import { ByteBuffer } from '../src/internal/byte-buffer.js';
import { testLoop } from './helpers.js';

type Op =
  | { kind: 'read'; n: number }
  | { kind: 'readExactly'; n: number }
  | { kind: 'readUntil'; separators: number[][] }
  | { kind: 'readline' };

interface Step {
  op: Op;
  /** cancel the read after this many loop iterations if it is still waiting (null: never) */
  cancelAfter: number | null;
}

const NL = 10;
/** A small alphabet, so separators occur often. */
const byte = fc.constantFrom(97, 98, 13, NL, 120);
const separatorChoices: number[][][] = [[[NL]], [[97, 98]], [[13, NL], [NL]], [[98], [97, 97]], [[120, 120, 120]]];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('read' as const), n: fc.integer({ min: -1, max: 24 }) }),
  fc.record({ kind: fc.constant('readExactly' as const), n: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('readUntil' as const), separators: fc.constantFrom(...separatorChoices) }),
  fc.record({ kind: fc.constant('readline' as const) }),
);

const step: fc.Arbitrary<Step> = fc.record({
  op,
  cancelAfter: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 3 }),
});

/** A transport stand-in: the feeder only delivers while it is "reading". */
class FeedTransport implements ReadTransport {
  reading = true;
  pauseReading(): void {
    this.reading = false;
  }
  resumeReading(): void {
    this.reading = true;
  }
  isReading(): boolean {
    return this.reading;
  }
  close(): void {}
  isClosing(): boolean {
    return false;
  }
  getExtraInfo(_name: string, defaultValue?: unknown): unknown {
    return defaultValue;
  }
  setProtocol(_protocol: BaseProtocol): void {}
  getProtocol(): BaseProtocol {
    return {};
  }
}

/** Whether `data[start:end]` ends with one of `separators`. */
function endsWithAny(data: Uint8Array, start: number, end: number, separators: readonly number[][]): boolean {
  return separators.some(
    (sep) => sep.length <= end - start && sep.every((byteValue, i) => data[end - sep.length + i] === byteValue),
  );
}

function run(op: Op, reader: StreamReader): Coroutine<Uint8Array> {
  switch (op.kind) {
    case 'read':
      return reader.read(op.n);
    case 'readExactly':
      return reader.readExactly(op.n);
    case 'readUntil':
      return reader.readUntil(op.separators.map((sep) => Uint8Array.from(sep)));
    case 'readline':
      return reader.readline();
  }
}

describe('StreamReader under random chunking, reads and cancellations', () => {
  it('returns the stream byte-exact: nothing lost or duplicated, and a cancelled read consumes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(byte, { maxLength: 300 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 8 }),
        fc.array(step, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(3, 8, 64, 4096),
        async (bytes, cuts, pauses, steps, limit) => {
          const data = Uint8Array.from(bytes);
          const { loop, run: runMain, errors } = testLoop();
          const reader = new StreamReader({ loop, limit });
          const transport = new FeedTransport();
          reader.setTransport(transport);
          let fed = 0;

          function* feeder(): Coroutine<void> {
            let at = 0;
            for (let i = 0; at < data.length; i++) {
              while (!transport.reading) yield* sleep(0);
              const size = cuts[i % cuts.length] as number;
              // a fresh array per chunk: the reader keeps what it is fed
              reader.feedData(data.slice(at, at + size));
              fed = Math.min(data.length, at + size);
              at += size;
              for (let k = 0; k < (pauses[i % pauses.length] as number); k++) yield* sleep(0);
            }
            reader.feedEof();
          }

          function* consumer(): Coroutine<void> {
            let pos = 0;
            const consumedNow = (): number => fed - reader._buffer.length;
            for (const { op, cancelAfter } of steps) {
              const task = createTask(run(op, reader));
              if (cancelAfter !== null) {
                for (let k = 0; k < cancelAfter; k++) yield* sleep(0);
                task.cancel();
              }
              let result: Uint8Array | null = null;
              let error: unknown = null;
              try {
                result = yield* task;
              } catch (e) {
                error = e;
              }
              const now = consumedNow();
              const label = `${JSON.stringify(op)} at ${pos}`;
              expect(reader._waiter, label).toBeNull();
              if (error instanceof CancelledError) {
                expect(now, `cancelled ${label} consumed bytes`).toBe(pos);
                continue;
              }
              if (result !== null) {
                // the result is exactly the next bytes of the stream
                expect(Array.from(result), label).toEqual(Array.from(data.subarray(pos, pos + result.length)));
                expect(now, label).toBe(pos + result.length);
                const end = pos + result.length;
                switch (op.kind) {
                  case 'read':
                    if (op.n === 0) expect(result.length).toBe(0);
                    else if (op.n > 0) expect(result.length).toBeLessThanOrEqual(op.n);
                    if (op.n !== 0 && result.length === 0) expect(end).toBe(data.length);
                    if (op.n < 0) expect(end).toBe(data.length);
                    break;
                  case 'readExactly':
                    expect(result.length).toBe(op.n);
                    break;
                  case 'readUntil': {
                    expect(endsWithAny(data, pos, end, op.separators), `${label}: no separator at the end`).toBe(true);
                    for (let e = pos + 1; e < end; e++) {
                      expect(endsWithAny(data, pos, e, op.separators), `${label}: a shorter match ends at ${e}`).toBe(false);
                    }
                    const shortest = Math.min(
                      ...op.separators.filter((sep) => endsWithAny(data, pos, end, [sep])).map((sep) => sep.length),
                    );
                    expect(result.length - shortest, `${label}: longer than the limit`).toBeLessThanOrEqual(limit);
                    break;
                  }
                  case 'readline': {
                    const newline = result.indexOf(NL);
                    if (newline === -1) expect(end, `${label}: a partial line before end-of-file`).toBe(data.length);
                    else {
                      expect(newline).toBe(result.length - 1);
                      expect(newline).toBeLessThanOrEqual(limit);
                    }
                    break;
                  }
                }
                pos = end;
                continue;
              }
              if (error instanceof IncompleteReadError) {
                expect(Array.from(error.partial), label).toEqual(Array.from(data.subarray(pos)));
                expect(error.expected).toBe(op.kind === 'readExactly' ? op.n : null);
                expect(now).toBe(data.length);
                pos = now;
                continue;
              }
              if (error instanceof LimitOverrunError) {
                expect(op.kind).toBe('readUntil');
                expect(now, `${label}: LimitOverrunError consumed bytes`).toBe(pos);
                expect(error.consumed).toBeGreaterThan(limit);
                continue;
              }
              if (error instanceof RangeError && op.kind === 'readline') {
                // overrun: the line (up to its newline) or the whole buffer was discarded
                expect(now).toBeGreaterThan(pos);
                const discarded = data.subarray(pos, now);
                const newline = discarded.indexOf(NL);
                expect(newline === -1 || newline === discarded.length - 1, label).toBe(true);
                pos = now;
                continue;
              }
              throw error;
            }
            const rest = yield* reader.read();
            expect(Array.from(rest)).toEqual(Array.from(data.subarray(pos)));
            expect(reader.atEof()).toBe(true);
            expect(fed).toBe(data.length);
          }

          await runMain(function* () {
            const feeding = createTask(feeder());
            yield* consumer();
            yield* feeding;
          });
          expect(errors).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ByteBuffer against a plain-array model', () => {
  type BufferOp =
    | { kind: 'push'; bytes: number[]; offset: number }
    | { kind: 'take'; n: number }
    | { kind: 'discard'; n: number }
    | { kind: 'indexOf'; sep: number[]; from: number };

  const bufferOp: fc.Arbitrary<BufferOp> = fc.oneof(
    // short chunks are scanned byte by byte, long ones a word at a time: push both, at every alignment
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('push' as const), bytes: fc.array(byte, { maxLength: 12 }), offset: fc.nat({ max: 7 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        bytes: fc.array(fc.constantFrom(97, 97, 97, 98, 10), { minLength: 60, maxLength: 150 }),
        offset: fc.nat({ max: 7 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('take' as const), n: fc.nat({ max: 30 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('discard' as const), n: fc.nat({ max: 30 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('indexOf' as const), sep: fc.array(byte, { minLength: 1, maxLength: 4 }), from: fc.nat({ max: 40 }) }),
    },
  );

  function modelIndexOf(model: number[], sep: number[], from: number): number {
    for (let i = from; i + sep.length <= model.length; i++) {
      if (sep.every((v, k) => model[i + k] === v)) return i;
    }
    return -1;
  }

  it('push / take / discard / indexOf / startsWith / takeThrough agree with the model', () => {
    fc.assert(
      fc.property(fc.array(bufferOp, { maxLength: 80 }), (ops) => {
        const buffer = new ByteBuffer();
        let model: number[] = [];
        for (const o of ops) {
          switch (o.kind) {
            case 'push': {
              // a view at an arbitrary byte offset of a larger array (unaligned for word reads)
              const backing = new Uint8Array(o.bytes.length + o.offset + 3);
              backing.set(o.bytes, o.offset);
              buffer.push(backing.subarray(o.offset, o.offset + o.bytes.length));
              model.push(...o.bytes);
              break;
            }
            case 'take': {
              const n = Math.min(o.n, model.length);
              expect(Array.from(buffer.take(n))).toEqual(model.slice(0, n));
              model = model.slice(n);
              break;
            }
            case 'discard': {
              const n = Math.min(o.n, model.length);
              buffer.discard(n);
              model = model.slice(n);
              break;
            }
            case 'indexOf': {
              const expected = modelIndexOf(model, o.sep, o.from);
              expect(buffer.indexOf(Uint8Array.from(o.sep), o.from)).toBe(expected);
              if (o.sep.length === 1) {
                expect(buffer.indexOfByte(o.sep[0] as number, o.from)).toBe(expected);
                // readline's fast path: only within the first chunk, and within maxStart
                const copy = Array.from(buffer.toUint8Array());
                const lengthBefore = buffer.length;
                const taken = buffer.takeThrough(o.sep[0] as number, o.from);
                if (taken !== null) {
                  const at = modelIndexOf(copy, o.sep, 0);
                  expect(at).toBeGreaterThanOrEqual(0);
                  expect(at).toBeLessThanOrEqual(o.from);
                  expect(Array.from(taken)).toEqual(copy.slice(0, at + 1));
                  expect(buffer.length).toBe(lengthBefore - at - 1);
                  model = model.slice(at + 1);
                } else {
                  expect(buffer.length).toBe(lengthBefore);
                  // null only when the byte is not in the first chunk within maxStart
                  const internals = buffer as unknown as { _chunks: { peekFront(): Uint8Array | undefined }; _head: number };
                  const firstLength = (internals._chunks.peekFront()?.length ?? 0) - (lengthBefore === 0 ? 0 : internals._head);
                  const at = modelIndexOf(copy.slice(0, Math.max(0, firstLength)), o.sep, 0);
                  expect(at === -1 || at > o.from).toBe(true);
                }
              }
              expect(buffer.startsWith(Uint8Array.from(o.sep), o.from)).toBe(modelIndexOf(model, o.sep, o.from) === o.from);
              break;
            }
          }
          expect(buffer.length).toBe(model.length);
          expect(Array.from(buffer.toUint8Array())).toEqual(model);
        }
      }),
      { numRuns: 500 },
    );
  });
});
