// The in-memory pipe as a test kit: delivery rules, re-segmentation, slow readers, latency, failures
// and resets — all on virtual time. (The transport contract itself is pipe.conformance.test.ts.)
import { describe, expect, it } from 'vitest';
import { setLogger, type Logger } from '@tsyncio/loop';
import { sleep } from '@tsyncio/futures';
import { ConnectionResetError, connectPipe, createPipe, openPipe, type BufferedProtocol, type Protocol } from '../src/index.js';
import { RecordingProtocol } from '../src/testing/index.js';
import { b, concat, randomBytes, s, testLoop } from './helpers.js';

describe('createPipe() / connectPipe()', () => {
  it('delivers on the loop, never inside write()', async () => {
    const { loop, run } = testLoop();
    const received: string[] = [];
    const [a] = connectPipe({}, { dataReceived: (d: Uint8Array) => received.push(s(d)) } as Protocol, { loop });
    await run(function* () {
      yield* sleep(0); // connectionMade
      a.write(b('x'));
      expect(received).toEqual([]);
      yield* sleep(0);
      expect(received).toEqual(['x']);
    });
  });

  it('delivers each write as one dataReceived() call with the same bytes (no copy) by default', async () => {
    const { loop, run } = testLoop();
    const b1 = new RecordingProtocol({ loop });
    const [a] = connectPipe(new RecordingProtocol({ loop }), b1, { loop });
    const writes = [b('one'), b('two'), randomBytes(100000)];
    await run(function* () {
      for (const w of writes) a.write(w);
      yield* b1.untilBytes(100006);
    });
    expect(b1.chunks).toHaveLength(3);
    expect(b1.chunks[2]).toBe(writes[2]);
  });

  it('attaches an end with setProtocol(): connectionMade() runs soon, and data waits for it', async () => {
    const { loop, run } = testLoop();
    const [a, bEnd] = createPipe({ loop });
    const events: string[] = [];
    a.setProtocol({});
    a.write(b('early'));
    await run(function* () {
      yield* sleep(1);
      expect(bEnd.getProtocol()).toEqual({});
      bEnd.setProtocol({
        connectionMade: () => events.push('made'),
        dataReceived: (d: Uint8Array) => events.push(`data ${s(d)}`),
      } as Protocol);
      expect(events).toEqual([]);
      yield* sleep(0);
      yield* sleep(0);
    });
    expect(events).toEqual(['made', 'data early']);
  });

  it('setProtocol() again switches protocols without a second connectionMade()', async () => {
    const { loop, run } = testLoop();
    const first = new RecordingProtocol({ loop, name: 'first' });
    const second = new RecordingProtocol({ loop, name: 'second' });
    const [a, bEnd] = connectPipe(new RecordingProtocol({ loop }), first, { loop });
    await run(function* () {
      yield* first.untilMade();
      bEnd.setProtocol(second);
      a.write(b('hi'));
      yield* sleep(0.1);
    });
    expect(first.receivedBytes).toBe(0);
    expect(second.events).toEqual(['data']);
    expect(bEnd.getProtocol()).toBe(second);
  });

  it('re-segments the stream with fixed chunk sizes, across write boundaries', async () => {
    const { loop, run } = testLoop();
    const receiver = new RecordingProtocol({ loop });
    const [a] = connectPipe(new RecordingProtocol({ loop }), receiver, { loop, chunking: [3, 5] });
    await run(function* () {
      a.write(b('abcd'));
      a.write(b('efghijklmnop'));
      yield* receiver.untilBytes(16);
    });
    expect(receiver.chunks.map(s)).toEqual(['abc', 'defgh', 'ijk', 'lmnop']);
  });

  it('random chunking is deterministic for a seed and bounded by maxChunkSize', async () => {
    const { loop, run } = testLoop();
    const sizesFor = function* (seed: number) {
      const receiver = new RecordingProtocol({ loop });
      const [a] = connectPipe(new RecordingProtocol({ loop }), receiver, { loop, chunking: 'random', seed, maxChunkSize: 100 });
      const data = randomBytes(5000, seed);
      a.write(data);
      yield* receiver.untilBytes(5000);
      expect(receiver.bytes()).toEqual(data);
      return receiver.chunks.map((c) => c.length);
    };
    const [one, again, other] = await run(function* () {
      return [yield* sizesFor(7), yield* sizesFor(7), yield* sizesFor(8)];
    });
    expect(again).toEqual(one);
    expect(other).not.toEqual(one);
    expect(Math.max(...one)).toBeLessThanOrEqual(100);
    expect(one.filter((n) => n <= 8).length).toBeGreaterThan(10);
  });

  it('a slow reader gets at most bytesPerTick bytes per loop iteration', async () => {
    const { loop, run } = testLoop();
    let iteration = 0;
    const seen: [number, number][] = [];
    const receiver = {
      dataReceived: (d: Uint8Array) => seen.push([iteration, d.length]),
    } as Protocol;
    const [a] = connectPipe({}, receiver, { loop, slowReader: { bytesPerTick: 10 } });
    await run(function* () {
      yield* sleep(0);
      a.write(randomBytes(35));
      for (let i = 0; i < 10; i++) {
        yield* sleep(0);
        iteration++;
      }
    });
    expect(seen.map(([, n]) => n)).toEqual([10, 10, 10, 5]);
    expect(new Set(seen.map(([it]) => it)).size).toBe(4);
  });

  it('a slow reader with a tick gets at most bytesPerTick bytes per tick of virtual time', async () => {
    const { loop, run } = testLoop();
    const times: number[] = [];
    const receiver = new RecordingProtocol({ loop });
    receiver.onData = () => times.push(loop.time());
    const [a] = connectPipe(new RecordingProtocol({ loop }), receiver, { loop, slowReader: { bytesPerTick: 100, tick: 1 } });
    await run(function* () {
      yield* sleep(0);
      const t0 = loop.time();
      a.write(randomBytes(450));
      yield* receiver.untilBytes(450);
      return t0;
    });
    expect(times.map((t) => Math.round(t - (times[0] as number)))).toEqual([0, 1, 2, 3, 4]);
    expect(receiver.chunks.map((c) => c.length)).toEqual([100, 100, 100, 100, 50]);
  });

  it('latency delays every write and the end-of-file, in order', async () => {
    const { loop, run } = testLoop();
    const log: string[] = [];
    const receiver = new RecordingProtocol({ loop });
    receiver.onData = (d) => log.push(`${s(d)}@${loop.time().toFixed(2)}`);
    receiver.onEof = () => log.push(`eof@${loop.time().toFixed(2)}`);
    const [a] = connectPipe(new RecordingProtocol({ loop }), receiver, { loop, latency: 0.25 });
    await run(function* () {
      yield* sleep(1);
      a.write(b('first'));
      yield* sleep(0.1);
      a.write(b('second'));
      a.writeEof();
      yield* receiver.untilLost();
    });
    expect(log).toEqual(['first@1.25', 'second@1.35', 'eof@1.35']);
  });

  it('failAfter breaks the connection on both ends after exactly that many bytes', async () => {
    const { loop, run } = testLoop();
    const failure = new Error('cable cut');
    const sender = new RecordingProtocol({ loop });
    const receiver = new RecordingProtocol({ loop });
    const [a] = connectPipe(sender, receiver, { loop, failAfter: 1000, failWith: failure });
    await run(function* () {
      for (let i = 0; i < 10; i++) a.write(randomBytes(300, i + 1));
      yield* receiver.untilLost();
      yield* sender.untilLost();
    });
    expect(receiver.receivedBytes).toBe(1000);
    expect(receiver.lostError).toBe(failure);
    expect(sender.lostError).toBe(failure);
    expect(receiver.violations).toEqual([]);
  });

  it('failAfter applies per direction with aToB / bToA', async () => {
    const { loop, run } = testLoop();
    const pa = new RecordingProtocol({ loop, keepOpen: true });
    const pb = new RecordingProtocol({ loop, keepOpen: true });
    const [a, bEnd] = connectPipe(pa, pb, { loop, bToA: { failAfter: 5 } });
    await run(function* () {
      a.write(randomBytes(50));
      yield* pb.untilBytes(50);
      bEnd.write(randomBytes(50));
      yield* pa.untilLost();
    });
    expect(pa.receivedBytes).toBe(5);
    expect(pa.lostError?.message).toMatch(/failed after 5 bytes/);
  });

  it('resetAt resets both ends with ConnectionResetError at that virtual time', async () => {
    const { loop, run } = testLoop();
    const pa = new RecordingProtocol({ loop });
    const pb = new RecordingProtocol({ loop });
    connectPipe(pa, pb, { loop, resetAt: 2.5 });
    const at = await run(function* () {
      yield* pa.untilLost();
      return loop.time();
    });
    expect(at).toBeCloseTo(2.5);
    expect(pa.lostError).toBeInstanceOf(ConnectionResetError);
    expect(pb.lostError).toBeInstanceOf(ConnectionResetError);
  });

  it('reset() discards both buffers and gives both ends ConnectionResetError, without end-of-file', async () => {
    const { loop, run } = testLoop();
    const pa = new RecordingProtocol({ loop });
    const pb = new RecordingProtocol({ loop });
    const [a, bEnd] = connectPipe(pa, pb, { loop });
    await run(function* () {
      yield* pb.untilMade();
      bEnd.pauseReading();
      a.write(randomBytes(1000));
      a.writeEof();
      a.reset();
      expect(a.getWriteBufferSize()).toBe(0);
      yield* pa.untilLost();
      yield* pb.untilLost();
    });
    expect(pb.events).toEqual(['made', 'lost']);
    expect(pa.lostError).toBeInstanceOf(ConnectionResetError);
  });

  it('abort() makes the peer see end-of-file after what was already delivered', async () => {
    const { loop, run } = testLoop();
    const pa = new RecordingProtocol({ loop });
    const pb = new RecordingProtocol({ loop });
    const [a] = connectPipe(pa, pb, { loop });
    await run(function* () {
      a.write(b('delivered'));
      yield* pb.untilBytes(9);
      a.write(b('discarded'));
      a.abort();
      yield* pb.untilLost();
    });
    expect(s(pb.bytes())).toBe('delivered');
    expect(pb.events).toEqual(['made', 'data', 'eof', 'lost']);
    expect(pb.lostError).toBeNull();
    expect(pa.lostError).toBeNull();
  });

  it('writing to an end that has closed resets the writer, as TCP does', async () => {
    const { loop, run } = testLoop();
    const pa = new RecordingProtocol({ loop, keepOpen: true });
    const pb = new RecordingProtocol({ loop });
    const [a, bEnd] = connectPipe(pa, pb, { loop });
    await run(function* () {
      yield* pb.untilMade();
      bEnd.close();
      yield* pa.untilEof(); // half-open: A may still write...
      a.write(b('anyone there?'));
      yield* pa.untilLost(); // ...and is reset
    });
    expect(pa.lostError).toBeInstanceOf(ConnectionResetError);
    expect(pb.receivedBytes).toBe(0);
  });

  it('fills a BufferedProtocol through getBuffer() / bufferUpdated()', async () => {
    const { loop, run } = testLoop();
    const sizes: number[] = [];
    const store = new Uint8Array(7);
    const parts: Uint8Array[] = [];
    const receiver: BufferedProtocol = {
      getBuffer: (hint) => {
        sizes.push(hint);
        return store;
      },
      bufferUpdated: (n) => parts.push(store.slice(0, n)),
    };
    const [a] = connectPipe({}, receiver, { loop });
    await run(function* () {
      a.write(b('0123456789abcdef'));
      yield* sleep(0.1);
    });
    expect(s(concat(parts))).toBe('0123456789abcdef');
    expect(sizes).toEqual([16, 9, 2]);
  });

  it('a protocol callback that throws is reported, and closes its end with that error', async () => {
    const { loop, run, errors } = testLoop();
    const failure = new Error('parser bug');
    const pa = new RecordingProtocol({ loop });
    let lost: unknown = undefined;
    const [a] = connectPipe(
      pa,
      {
        dataReceived: () => {
          throw failure;
        },
        connectionLost: (e: Error | null) => {
          lost = e;
        },
      } as Protocol,
      { loop },
    );
    await run(function* () {
      a.write(b('x'));
      yield* pa.untilLost();
    });
    expect(errors.map((e) => e.message)).toEqual(['Fatal error: protocol.dataReceived() call failed.']);
    expect(errors[0]?.exception).toBe(failure);
    expect(lost).toBe(failure);
    expect(pa.events).toEqual(['made', 'eof', 'lost']);
  });

  it('a getBuffer() that returns an empty buffer is a fatal error', async () => {
    const { loop, run, errors } = testLoop();
    const pa = new RecordingProtocol({ loop });
    const [a] = connectPipe(pa, { getBuffer: () => new Uint8Array(0), bufferUpdated: () => {} } as BufferedProtocol, { loop });
    await run(function* () {
      a.write(b('x'));
      yield* pa.untilLost();
    });
    expect(errors[0]?.message).toBe('Fatal error: protocol.getBuffer() call failed.');
    expect(String(errors[0]?.exception)).toMatch(/empty buffer/);
  });

  it('ignores writes after the connection is lost, with one warning', async () => {
    const { loop, run } = testLoop();
    const warnings: string[] = [];
    const logger: Logger = { error: () => {}, warn: (m) => warnings.push(m), info: () => {}, debug: () => {} };
    setLogger(logger);
    try {
      const pa = new RecordingProtocol({ loop });
      const [a] = connectPipe(pa, {}, { loop });
      await run(function* () {
        a.close();
        yield* pa.untilLost();
        for (let i = 0; i < 10; i++) a.write(b('lost'));
      });
      expect(a.getWriteBufferSize()).toBe(0);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/write\(\) after the connection was lost/);
    } finally {
      setLogger(null);
    }
  });

  it('validates its options', () => {
    const { loop } = testLoop();
    expect(() => createPipe({ loop, latency: -1 })).toThrow(RangeError);
    expect(() => createPipe({ loop, chunking: [] })).toThrow(RangeError);
    expect(() => createPipe({ loop, chunking: [0] })).toThrow(RangeError);
    expect(() => createPipe({ loop, chunking: [1.5] })).toThrow(RangeError);
    expect(() => createPipe({ loop, chunking: 'sometimes' as 'random' })).toThrow(RangeError);
    expect(() => createPipe({ loop, slowReader: { bytesPerTick: 0 } })).toThrow(RangeError);
    expect(() => createPipe({ loop, aToB: { failAfter: -5 } })).toThrow(/aToB\.failAfter/);
    expect(() => createPipe({ loop, highWater: 10, lowWater: 20 })).toThrow(RangeError);
    expect(() => createPipe({ loop, resetAt: Number.NaN })).toThrow(RangeError);
  });

  it('applies highWater / lowWater to both ends, with per-direction overrides', () => {
    const { loop } = testLoop();
    const [a, bEnd] = createPipe({ loop, highWater: 1000, bToA: { highWater: 40, lowWater: 10 } });
    expect(a.getWriteBufferLimits()).toEqual([250, 1000]);
    expect(bEnd.getWriteBufferLimits()).toEqual([10, 40]);
  });

  it('write() rejects what is not a Uint8Array', () => {
    const { loop } = testLoop();
    const [a] = createPipe({ loop });
    expect(() => {
      a.write('text' as unknown as Uint8Array);
    }).toThrow(TypeError);
  });

  it('describes itself and its end', () => {
    const { loop } = testLoop();
    const [a, bEnd] = createPipe({ loop });
    a.write(b('1234'));
    bEnd.pauseReading();
    expect(String(a)).toBe('<PipeTransport a buffer=4>');
    expect(String(bEnd)).toBe('<PipeTransport b paused>');
    expect(a.getExtraInfo('pipeEnd')).toBe('a');
    a.close();
    expect(String(a)).toBe('<PipeTransport a closing buffer=4>');
  });
});

describe('openPipe()', () => {
  it('gives two connected stream pairs', async () => {
    const { loop, run } = testLoop();
    const [[clientReader, clientWriter], [serverReader, serverWriter]] = openPipe({ loop });
    const reply = await run(function* () {
      clientWriter.write('ping\n');
      const line = yield* serverReader.readline();
      serverWriter.write(line);
      yield* serverWriter.drain();
      return yield* clientReader.readline();
    });
    expect(s(reply)).toBe('ping\n');
  });

  it('passes limit to both readers and the pipe options to the transports', () => {
    const { loop } = testLoop();
    const [[readerA, writerA], [readerB]] = openPipe({ loop, limit: 100, highWater: 800 });
    expect(readerA.limit).toBe(100);
    expect(readerB.limit).toBe(100);
    expect(writerA.transport.getWriteBufferLimits()).toEqual([200, 800]);
  });

  it('reads the same bytes whatever the chunking', async () => {
    const { loop, run } = testLoop();
    const data = randomBytes(20000, 3);
    for (const chunking of [[1], [2, 3], 'random'] as const) {
      const [[, writer], [reader]] = openPipe({ loop, chunking, seed: 11 });
      const got = await run(function* () {
        writer.write(data);
        writer.close();
        return yield* reader.read();
      });
      expect(got).toEqual(data);
    }
  });
});
