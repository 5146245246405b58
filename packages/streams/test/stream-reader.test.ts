import { describe, expect, it } from 'vitest';
import { getEventLoop, RuntimeError, setEventLoop } from '@tsyncio/loop';
import { CancelledError, createTask, Future, sleep, TimeoutError, waitFor, type Coroutine } from '@tsyncio/futures';
import {
  DEFAULT_LIMIT,
  IncompleteReadError,
  LimitOverrunError,
  StreamReader,
  type BaseProtocol,
  type ReadTransport,
} from '../src/index.js';
import { b, buffered, s, testLoop } from './helpers.js';

const DATA = 'line1\nline2\nline3\n';

/** A ReadTransport that only counts pauseReading()/resumeReading() calls. */
class CountingTransport implements ReadTransport {
  reading = true;
  pauses = 0;
  resumes = 0;
  pauseReading(): void {
    this.pauses++;
    this.reading = false;
  }
  resumeReading(): void {
    this.resumes++;
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
  toString(): string {
    return '<Transport>';
  }
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('StreamReader', () => {
  it('feedData() with no bytes leaves the buffer empty', () => {
    // cf. test_streams.py StreamTests.test_feed_empty_data
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(''));
    expect(buffered(stream)).toBe('');
  });

  it('feedData() appends to the buffer', () => {
    // cf. test_streams.py StreamTests.test_feed_nonempty_data
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(DATA));
    expect(buffered(stream)).toBe(DATA);
  });

  it('feedData() keeps the array it is given instead of copying it', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const chunk = b('0123456789'.repeat(100));
    stream.feedData(chunk);
    const data = await run(() => stream.read(1000));
    expect(data).toBe(chunk);
  });

  it('feedData() rejects what is not a Uint8Array, and anything after feedEof()', () => {
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    expect(() => {
      stream.feedData('text' as unknown as Uint8Array);
    }).toThrow(TypeError);
    stream.feedEof();
    expect(() => {
      stream.feedData(b('x'));
    }).toThrow(RuntimeError);
  });

  it('read(0) returns empty bytes and consumes nothing', async () => {
    // cf. test_streams.py StreamTests.test_read_zero
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(DATA));
    expect(s(await run(() => stream.read(0)))).toBe('');
    expect(buffered(stream)).toBe(DATA);
  });

  it('read(n) waits for data, then returns what arrived', async () => {
    // cf. test_streams.py StreamTests.test_read
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const data = await run(function* () {
      const task = createTask(stream.read(30));
      loop.callSoon(() => {
        stream.feedData(b(DATA));
      });
      return yield* task;
    });
    expect(s(data)).toBe(DATA);
    expect(buffered(stream)).toBe('');
  });

  it('read(n) returns at most n bytes, without waiting for more', async () => {
    // cf. test_streams.py StreamTests.test_read_line_breaks
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('line1'));
    stream.feedData(b('line2'));
    expect(s(await run(() => stream.read(5)))).toBe('line1');
    expect(buffered(stream)).toBe('line2');
  });

  it('read(n) returns empty bytes at end-of-file', async () => {
    // cf. test_streams.py StreamTests.test_read_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const data = await run(function* () {
      const task = createTask(stream.read(1024));
      loop.callSoon(() => {
        stream.feedEof();
      });
      return yield* task;
    });
    expect(s(data)).toBe('');
    expect(buffered(stream)).toBe('');
  });

  it('read() with no argument reads everything until end-of-file', async () => {
    // cf. test_streams.py StreamTests.test_read_until_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const data = await run(function* () {
      const task = createTask(stream.read());
      loop.callSoon(() => {
        stream.feedData(b('chunk1\n'));
        stream.feedData(b('chunk2'));
        stream.feedEof();
      });
      return yield* task;
    });
    expect(s(data)).toBe('chunk1\nchunk2');
    expect(buffered(stream)).toBe('');
  });

  it('read() raises the exception set with setException()', async () => {
    // cf. test_streams.py StreamTests.test_read_exception
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('line\n'));
    expect(s(await run(() => stream.read(2)))).toBe('li');
    const error = new RangeError('boom');
    stream.setException(error);
    expect(await caught(run(() => stream.read(2)))).toBe(error);
  });

  it('rejects a limit of zero or less with RangeError', () => {
    // cf. test_streams.py StreamTests.test_invalid_limit
    const { loop } = testLoop();
    expect(() => new StreamReader({ loop, limit: 0 })).toThrow(/imit/);
    expect(() => new StreamReader({ loop, limit: -1 })).toThrow(RangeError);
    expect(() => new StreamReader({ loop, limit: Number.NaN })).toThrow(RangeError);
    expect(() => new StreamReader({ loop, limit: '1' as unknown as number })).toThrow(TypeError);
  });

  it('read(n) is not bounded by the limit', async () => {
    // cf. test_streams.py StreamTests.test_read_limit
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('chunk'));
    expect(s(await run(() => stream.read(5)))).toBe('chunk');
    expect(buffered(stream)).toBe('');
  });

  it('read() rejects a count that is not an integer', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    expect(await caught(run(() => stream.read(1.5)))).toBeInstanceOf(TypeError);
    expect(await caught(run(() => stream.readExactly(Number.NaN)))).toBeInstanceOf(TypeError);
  });

  it('readline() waits until a whole line has arrived', async () => {
    // cf. test_streams.py StreamTests.test_readline
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('chunk1 '));
    const line = await run(function* () {
      const task = createTask(stream.readline());
      loop.callSoon(() => {
        stream.feedData(b('chunk2 '));
        stream.feedData(b('chunk3 '));
        stream.feedData(b('\n chunk4'));
      });
      return yield* task;
    });
    expect(s(line)).toBe('chunk1 chunk2 chunk3 \n');
    expect(buffered(stream)).toBe(' chunk4');
  });

  it('readline() over the limit discards the line (or the buffer) and raises RangeError', async () => {
    // cf. test_streams.py StreamTests.test_readline_limit_with_existing_data
    const { loop, run } = testLoop();
    let stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('li'));
    stream.feedData(b('ne1\nline2\n'));
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    // the buffer keeps what follows the too-long line
    expect(buffered(stream)).toBe('line2\n');

    stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('li'));
    stream.feedData(b('ne1'));
    stream.feedData(b('li'));
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    // no newline in the buffer: all of it is discarded
    expect(buffered(stream)).toBe('');
  });

  it('atEof() is true only once end-of-file was fed and the buffer is empty', async () => {
    // cf. test_streams.py StreamTests.test_at_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    expect(stream.atEof()).toBe(false);
    stream.feedData(b('some data\n'));
    expect(stream.atEof()).toBe(false);
    await run(() => stream.readline());
    expect(stream.atEof()).toBe(false);
    stream.feedData(b('some data\n'));
    stream.feedEof();
    await run(() => stream.readline());
    expect(stream.atEof()).toBe(true);
  });

  it('readline() checks the limit strictly, against the line without its newline', async () => {
    // cf. test_streams.py StreamTests.test_readline_limit
    const { loop, run } = testLoop();
    let stream = new StreamReader({ loop, limit: 7 });
    loop.callSoon(() => {
      stream.feedData(b('chunk1'));
      stream.feedData(b('chunk2'));
      stream.feedData(b('chunk3\n'));
      stream.feedEof();
    });
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    expect(buffered(stream)).toBe('');

    stream = new StreamReader({ loop, limit: 7 });
    loop.callSoon(() => {
      stream.feedData(b('chunk1'));
      stream.feedData(b('chunk2\n'));
      stream.feedData(b('chunk3\n'));
      stream.feedEof();
    });
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    expect(buffered(stream)).toBe('chunk3\n');

    stream = new StreamReader({ loop, limit: 7 });
    stream.feedData(b('1234567\n'));
    expect(s(await run(() => stream.readline()))).toBe('1234567\n');
    expect(buffered(stream)).toBe('');

    stream.feedData(b('12345678\n'));
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    expect(buffered(stream)).toBe('');

    stream.feedData(b('12345678'));
    expect(await caught(run(() => stream.readline()))).toBeInstanceOf(RangeError);
    expect(buffered(stream)).toBe('');
  });

  it('readline() returns a buffered line at once', async () => {
    // cf. test_streams.py StreamTests.test_readline_nolimit_nowait
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(DATA.slice(0, 6)));
    stream.feedData(b(DATA.slice(6)));
    expect(s(await run(() => stream.readline()))).toBe('line1\n');
    expect(buffered(stream)).toBe('line2\nline3\n');
  });

  it('readline() at end-of-file returns the partial last line', async () => {
    // cf. test_streams.py StreamTests.test_readline_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('some data'));
    stream.feedEof();
    expect(s(await run(() => stream.readline()))).toBe('some data');
  });

  it('readline() at end-of-file with an empty buffer returns empty bytes', async () => {
    // cf. test_streams.py StreamTests.test_readline_empty_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedEof();
    expect(s(await run(() => stream.readline()))).toBe('');
  });

  it('read(n) after readline() goes on from the next byte', async () => {
    // cf. test_streams.py StreamTests.test_readline_read_byte_count
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(DATA));
    await run(() => stream.readline());
    expect(s(await run(() => stream.read(7)))).toBe('line2\nl');
    expect(buffered(stream)).toBe('ine3\n');
  });

  it('readline() raises the exception set with setException()', async () => {
    // cf. test_streams.py StreamTests.test_readline_exception
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('line\n'));
    expect(s(await run(() => stream.readline()))).toBe('line\n');
    const error = new RangeError('boom');
    stream.setException(error);
    expect(await caught(run(() => stream.readline()))).toBe(error);
    expect(buffered(stream)).toBe('');
  });

  it('readUntil() rejects an empty separator and an empty list of separators with RangeError', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_separator
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    expect(await caught(run(() => stream.readUntil(b(''))))).toMatchObject({
      name: 'RangeError',
      message: expect.stringMatching(/^Separator should be/) as unknown,
    });
    expect(await caught(run(() => stream.readUntil([b('')])))).toBeInstanceOf(RangeError);
    expect(await caught(run(() => stream.readUntil('')))).toBeInstanceOf(RangeError);
    expect(await caught(run(() => stream.readUntil([])))).toMatchObject({
      name: 'RangeError',
      message: expect.stringMatching(/^Separator should contain/) as unknown,
    });
    expect(await caught(run(() => stream.readUntil(42 as unknown as string)))).toBeInstanceOf(TypeError);
  });

  it('readUntil() finds a multi-byte separator and returns it with the data', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_multi_chunks
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('lineAAA'));
    expect(s(await run(() => stream.readUntil(b('AAA'))))).toBe('lineAAA');
    expect(buffered(stream)).toBe('');
    stream.feedData(b('lineAAA'));
    expect(s(await run(() => stream.readUntil('AAA')))).toBe('lineAAA');
    expect(buffered(stream)).toBe('');
    stream.feedData(b('lineAAAxxx'));
    expect(s(await run(() => stream.readUntil('AAA')))).toBe('lineAAA');
    expect(buffered(stream)).toBe('xxx');
  });

  it('readUntil() finds a separator split across fed chunks', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_multi_chunks_1
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const cases: [string[], string][] = [
      [['QWEaa', 'XYaa', 'a'], 'QWEaaXYaaa'],
      [['QWEaa', 'XYa', 'aa'], 'QWEaaXYaaa'],
      [['aaa'], 'aaa'],
      [['Xaaa'], 'Xaaa'],
      [['XXX', 'a', 'a', 'a'], 'XXXaaa'],
    ];
    for (const [chunks, expected] of cases) {
      for (const chunk of chunks) stream.feedData(b(chunk));
      expect(s(await run(() => stream.readUntil('aaa')))).toBe(expected);
      expect(buffered(stream)).toBe('');
    }
  });

  it('readUntil() at end-of-file raises IncompleteReadError with the whole buffer and clears it', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('some dataAA'));
    stream.feedEof();
    const error = await caught(run(() => stream.readUntil('AAA')));
    expect(error).toBeInstanceOf(IncompleteReadError);
    const incomplete = error as IncompleteReadError;
    expect(incomplete.message).toMatch(/undefined expected bytes/);
    expect(s(incomplete.partial)).toBe('some dataAA');
    expect(incomplete.expected).toBeNull();
    expect(buffered(stream)).toBe('');
  });

  it('readUntil() over the limit raises LimitOverrunError and leaves the data in the buffer', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_limit_found_sep
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('some dataAA'));
    const notFound = await caught(run(() => stream.readUntil('AAA')));
    expect(notFound).toBeInstanceOf(LimitOverrunError);
    expect((notFound as LimitOverrunError).message).toMatch(/not found/);
    expect((notFound as LimitOverrunError).consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataAA');

    stream.feedData(b('A'));
    const found = await caught(run(() => stream.readUntil('AAA')));
    expect((found as LimitOverrunError).message).toMatch(/is found/);
    expect((found as LimitOverrunError).consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataAAA');
  });

  it('readUntil() with several separators returns the shortest record', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_multi_separator
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('line 1\nline 2\r'));
    expect(s(await run(() => stream.readUntil(['\r', '\n'])))).toBe('line 1\n');
    expect(s(await run(() => stream.readUntil([b('\r'), b('\n')])))).toBe('line 2\r');
    expect(buffered(stream)).toBe('');
    // the first end position wins, even when that is the longer separator
    stream.feedData(b('ABCDEFG'));
    expect(s(await run(() => stream.readUntil(['DEF', 'BCDE'])))).toBe('ABCDE');
    expect(buffered(stream)).toBe('FG');
  });

  it('readUntil() with several separators ending at the same byte picks the shortest one for the limit check', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_multi_separator_limit
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('some dataA'));
    const error = await caught(run(() => stream.readUntil(['A', 'ome dataA'])));
    expect(error).toBeInstanceOf(LimitOverrunError);
    expect((error as LimitOverrunError).message).toMatch(/is found/);
    expect((error as LimitOverrunError).consumed).toBe(9);
    expect(buffered(stream)).toBe('some dataA');
  });

  it('readUntil() with separators of different lengths never rescans from a negative offset', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_multi_separator_negative_offset
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('data'));
    const data = await run(function* () {
      const task = createTask(stream.readUntil(['A', 'long sep']));
      loop.callSoon(() => {
        stream.feedData(b('Z'));
      });
      loop.callSoon(() => {
        stream.feedData(b('Aaaa'));
      });
      return yield* task;
    });
    expect(s(data)).toBe('dataZA');
    expect(buffered(stream)).toBe('aaa');
  });

  it('readUntil() accepts a separator that is a view into a larger array', async () => {
    // cf. test_streams.py StreamTests.test_readuntil_bytearray
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('some data\r\n'));
    const separator = b('xx\r\nyy').subarray(2, 4);
    expect(s(await run(() => stream.readUntil(separator)))).toBe('some data\r\n');
    expect(buffered(stream)).toBe('');
  });

  it('readUntil() encodes string separators as UTF-8', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('prix: 5€ puis 6€'));
    expect(s(await run(() => stream.readUntil('€')))).toBe('prix: 5€');
  });

  it('readExactly(0) returns empty bytes, and a negative count raises RangeError', async () => {
    // cf. test_streams.py StreamTests.test_readexactly_zero_or_less
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b(DATA));
    expect(s(await run(() => stream.readExactly(0)))).toBe('');
    expect(buffered(stream)).toBe(DATA);
    const error = await caught(run(() => stream.readExactly(-1)));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toMatch(/less than zero/);
    expect(buffered(stream)).toBe(DATA);
  });

  it('readExactly(n) waits until n bytes have arrived', async () => {
    // cf. test_streams.py StreamTests.test_readexactly
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const n = 2 * DATA.length;
    const data = await run(function* () {
      const task = createTask(stream.readExactly(n));
      loop.callSoon(() => {
        stream.feedData(b(DATA));
        stream.feedData(b(DATA));
        stream.feedData(b(DATA));
      });
      return yield* task;
    });
    expect(s(data)).toBe(DATA + DATA);
    expect(buffered(stream)).toBe(DATA);
  });

  it('readExactly(n) is not bounded by the limit', async () => {
    // cf. test_streams.py StreamTests.test_readexactly_limit
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 3 });
    stream.feedData(b('chunk'));
    expect(s(await run(() => stream.readExactly(5)))).toBe('chunk');
    expect(buffered(stream)).toBe('');
  });

  it('readExactly(n) at end-of-file raises IncompleteReadError with the partial bytes and clears the buffer', async () => {
    // cf. test_streams.py StreamTests.test_readexactly_eof
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const n = 2 * DATA.length;
    const error = await caught(
      run(function* () {
        const task = createTask(stream.readExactly(n));
        loop.callSoon(() => {
          stream.feedData(b(DATA));
          stream.feedEof();
        });
        return yield* task;
      }),
    );
    expect(error).toBeInstanceOf(IncompleteReadError);
    const incomplete = error as IncompleteReadError;
    expect(s(incomplete.partial)).toBe(DATA);
    expect(incomplete.expected).toBe(n);
    expect(incomplete.message).toBe('18 bytes read on a total of 36 expected bytes');
    expect(buffered(stream)).toBe('');
  });

  it('readExactly() raises the exception set with setException()', async () => {
    // cf. test_streams.py StreamTests.test_readexactly_exception
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('line\n'));
    expect(s(await run(() => stream.readExactly(2)))).toBe('li');
    const error = new RangeError('boom');
    stream.setException(error);
    expect(await caught(run(() => stream.readExactly(2)))).toBe(error);
  });

  it('exception() returns what setException() set, null before', () => {
    // cf. test_streams.py StreamTests.test_exception
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    expect(stream.exception()).toBeNull();
    const error = new RangeError();
    stream.setException(error);
    expect(stream.exception()).toBe(error);
  });

  it('setException() wakes a waiting read with the exception', async () => {
    // cf. test_streams.py StreamTests.test_exception_waiter
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const error = new RangeError('boom');
    const result = await run(function* () {
      const reading = createTask(stream.readline());
      const failing = createTask(
        (function* (): Coroutine<void> {
          stream.setException(error);
        })(),
      );
      yield* failing;
      try {
        yield* reading;
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(result).toBe(error);
  });

  it('setException() after the waiting read was cancelled leaves no waiter behind', async () => {
    // cf. test_streams.py StreamTests.test_exception_cancel
    const { loop, runBriefly, task } = testLoop();
    const stream = new StreamReader({ loop });
    const t = task(stream.readline());
    await runBriefly();
    t.cancel();
    await runBriefly();
    stream.setException(new RuntimeError('message'));
    await runBriefly();
    expect(stream._waiter).toBeNull();
    expect(t.cancelled()).toBe(true);
  });

  it('uses the running loop, or getEventLoop(), when no loop is given', async () => {
    // cf. test_streams.py StreamTests.test_streamreader_constructor_use_running_loop and _use_global_loop
    const { loop, run } = testLoop();
    const reader = await run(function* () {
      return new StreamReader();
    });
    expect(reader._loop).toBe(loop);
    setEventLoop(loop);
    try {
      expect(new StreamReader()._loop).toBe(loop);
    } finally {
      setEventLoop(null);
    }
    expect(new StreamReader()._loop).toBe(getEventLoop());
  });

  it('toString() shows the state like asyncio repr()', () => {
    // cf. test_streams.py StreamTests.test___repr__, __repr__nondefault_limit, __repr__eof, __repr__data,
    // __repr__exception, __repr__waiter, __repr__transport
    const { loop } = testLoop();
    expect(String(new StreamReader({ loop }))).toBe('<StreamReader>');
    expect(String(new StreamReader({ loop, limit: 123 }))).toBe('<StreamReader limit=123>');
    const eof = new StreamReader({ loop });
    eof.feedEof();
    expect(String(eof)).toBe('<StreamReader eof>');
    const data = new StreamReader({ loop });
    data.feedData(b('data'));
    expect(String(data)).toBe('<StreamReader 4 bytes>');
    const failed = new StreamReader({ loop });
    failed.setException(new RuntimeError());
    expect(String(failed)).toBe('<StreamReader exception=RuntimeError("")>');
    const waiting = new StreamReader({ loop });
    waiting._waiter = new Future<void>({ loop });
    expect(String(waiting)).toMatch(/^<StreamReader waiter=<Future pending[^>]*>>$/);
    const withTransport = new StreamReader({ loop });
    withTransport.setTransport(new CountingTransport());
    expect(String(withTransport)).toBe('<StreamReader transport=<Transport>>');
  });

  it('IncompleteReadError and LimitOverrunError carry their attributes and messages', () => {
    // cf. test_streams.py StreamTests.test_IncompleteReadError_pickleable, test_LimitOverrunError_pickleable
    const incomplete = new IncompleteReadError(b('abc'), 10);
    expect(incomplete.message).toBe('3 bytes read on a total of 10 expected bytes');
    expect(incomplete.name).toBe('IncompleteReadError');
    expect(s(incomplete.partial)).toBe('abc');
    expect(incomplete.expected).toBe(10);
    const overrun = new LimitOverrunError('message', 10);
    expect(overrun.message).toBe('message');
    expect(overrun.consumed).toBe(10);
    expect(overrun.name).toBe('LimitOverrunError');
  });

  it('recognises errors of another installed copy by their brand', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('tsyncio.IncompleteReadError')]: true });
    expect(foreign instanceof IncompleteReadError).toBe(true);
    expect(new Error('x') instanceof LimitOverrunError).toBe(false);
  });

  it('setTransport() twice raises RuntimeError', () => {
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    stream.setTransport(new CountingTransport());
    expect(() => {
      stream.setTransport(new CountingTransport());
    }).toThrow(RuntimeError);
  });

  it('a second read while one is waiting raises RuntimeError', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const error = await run(function* () {
      const first = createTask(stream.readline());
      yield* sleep(0);
      try {
        yield* stream.readExactly(3);
      } catch (e) {
        first.cancel();
        return e;
      }
      return null;
    });
    expect(error).toBeInstanceOf(RuntimeError);
    expect((error as Error).message).toBe(
      'readExactly() called while another coroutine is already waiting for incoming data',
    );
  });

  it('pauses the transport above 2 × limit and resumes it once at most limit bytes are left', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 10 });
    const transport = new CountingTransport();
    stream.setTransport(transport);
    stream.feedData(b('x'.repeat(20)));
    expect(transport.pauses).toBe(0); // 20 is not above 2 × 10
    stream.feedData(b('y'));
    expect(transport.pauses).toBe(1);
    stream.feedData(b('z'.repeat(5)));
    expect(transport.pauses).toBe(1); // already paused
    await run(() => stream.read(10)); // 16 left: still above the limit
    expect(transport.resumes).toBe(0);
    await run(() => stream.read(6)); // 10 left: resumed (hysteresis)
    expect(transport.resumes).toBe(1);
    expect(transport.isReading()).toBe(true);
  });

  it('readExactly(n) with n above 2 × limit resumes the transport while it waits (no deadlock)', async () => {
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop, limit: 4 });
    const transport = new CountingTransport();
    stream.setTransport(transport);
    const data = await run(function* () {
      const task = createTask(stream.readExactly(30));
      for (let i = 0; i < 30; i += 3) {
        yield* sleep(0);
        // a transport only delivers while it is reading
        if (transport.isReading()) stream.feedData(b('abc'));
        else i -= 3;
      }
      return yield* task;
    });
    expect(s(data)).toBe('abc'.repeat(10));
    expect(transport.pauses).toBeGreaterThan(0);
    expect(transport.resumes).toBe(transport.pauses);
  });

  it('forgets a transport that cannot pause and buffers without limit', () => {
    const { loop } = testLoop();
    const stream = new StreamReader({ loop, limit: 1 });
    const transport = new CountingTransport();
    transport.pauseReading = () => {
      throw Object.assign(new Error('cannot pause'), { name: 'NotImplementedError' });
    };
    stream.setTransport(transport);
    stream.feedData(b('abc'));
    expect(stream._transport).toBeNull();
    stream.feedData(b('def'));
    expect(buffered(stream)).toBe('abcdef');
  });

  it('iterates over lines with for await until end-of-file', async () => {
    // cf. test_streams.py (StreamReader.__aiter__ / __anext__)
    const { loop } = testLoop();
    const stream = new StreamReader({ loop });
    stream.feedData(b('one\ntwo\nthree'));
    loop.callSoon(() => {
      stream.feedEof();
    });
    const lines: string[] = [];
    const consuming = (async () => {
      for await (const line of stream) lines.push(s(line));
    })();
    const done = new Future<void>({ loop });
    void consuming.then(() => {
      done.setResult(undefined);
    });
    await loop.runUntilComplete(done);
    expect(lines).toEqual(['one\n', 'two\n', 'three']);
  });

  it('DEFAULT_LIMIT is 64 KiB', () => {
    expect(DEFAULT_LIMIT).toBe(65536);
    const { loop } = testLoop();
    expect(new StreamReader({ loop }).limit).toBe(65536);
  });
});

describe('StreamReader reads cancelled while waiting', () => {
  const reads: [string, (stream: StreamReader) => Coroutine<Uint8Array>][] = [
    ['read(n)', (stream) => stream.read(100)],
    ['read()', (stream) => stream.read()],
    ['readline()', (stream) => stream.readline()],
    ['readExactly(n)', (stream) => stream.readExactly(100)],
    ['readUntil(separators)', (stream) => stream.readUntil(['\r\n', '!!'])],
  ];
  for (const [name, read] of reads) {
    it(`${name} cancelled after data arrived, before it ran again, consumes nothing`, async () => {
      const { loop, run } = testLoop();
      const stream = new StreamReader({ loop });
      const initial = name === 'read(n)' ? '' : 'abc'; // read(n) would not wait with bytes buffered
      stream.feedData(b(initial));
      const outcome = await run(function* () {
        const task = createTask(read(stream));
        yield* sleep(0);
        expect(stream._waiter).not.toBeNull();
        stream.feedData(b('def')); // wakes the read...
        task.cancel(); // ...which is cancelled before it can take anything
        try {
          yield* task;
        } catch (e) {
          return e;
        }
        return null;
      });
      expect(outcome).toBeInstanceOf(CancelledError);
      expect(buffered(stream)).toBe(`${initial}def`);
      expect(stream._waiter).toBeNull();
    });

    it(`${name} cancelled while waiting leaves the reader usable`, async () => {
      const { loop, run } = testLoop();
      const stream = new StreamReader({ loop });
      const data = await run(function* () {
        const task = createTask(read(stream));
        yield* sleep(0);
        task.cancel();
        yield* sleep(0);
        expect(task.cancelled()).toBe(true);
        stream.feedData(b('hello!!\r\n'));
        stream.feedEof();
        return yield* stream.read();
      });
      expect(s(data)).toBe('hello!!\r\n');
    });
  }
});

describe('StreamReader reads under timeouts', () => {
  it('readExactly() that times out in waitFor() consumes nothing; the next read gets the bytes', async () => {
    // the guide's example (docs/streams.md, "Reads are atomic under cancellation")
    const { loop, run } = testLoop();
    const stream = new StreamReader({ loop });
    const [outcome, header] = await run(function* () {
      loop.callLater(1, () => {
        stream.feedData(b('0123456789'));
      });
      let first: unknown = null;
      try {
        yield* waitFor(stream.readExactly(16), 5);
      } catch (e) {
        first = e;
      }
      expect(buffered(stream)).toBe('0123456789');
      loop.callLater(1, () => {
        stream.feedData(b('abcdef'));
      });
      return [first, yield* waitFor(stream.readExactly(16), 5)] as const;
    });
    expect(outcome).toBeInstanceOf(TimeoutError);
    expect(s(header)).toBe('0123456789abcdef');
  });
});
