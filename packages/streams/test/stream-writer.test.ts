// StreamWriter over the in-memory pipe (the socket-based cases of test_streams.py, ported to
// openPipe, keep their asyncio names in the comments).
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import { createTask, sleep, type Coroutine } from '@tsyncio/futures';
import { ConnectionResetError, openPipe, StreamWriter, type StreamWriterProtocol, type Transport } from '../src/index.js';
import { b, s, testLoop } from './helpers.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('StreamWriter', () => {
  it('write() sends bytes and strings (UTF-8); writelines() sends each item in order', async () => {
    const { loop, run } = testLoop();
    const [[, writer], [reader]] = openPipe({ loop });
    writer.write(b('ab'));
    writer.write('cé');
    writer.writelines(['x', b('y'), 'z']);
    writer.writeEof();
    expect(s(await run(() => reader.read()))).toBe('abcéxyz');
  });

  it('write() rejects values that are neither bytes nor strings', () => {
    const { loop } = testLoop();
    const [[, writer]] = openPipe({ loop });
    expect(() => {
      writer.write(42 as unknown as string);
    }).toThrow(TypeError);
    expect(() => {
      writer.writelines([b('ok'), {} as unknown as string]);
    }).toThrow(TypeError);
  });

  it('writeEof() half-closes: the peer reads end-of-file and can still answer', async () => {
    const { loop, run } = testLoop();
    const [[clientReader, clientWriter], [serverReader, serverWriter]] = openPipe({ loop });
    expect(clientWriter.canWriteEof()).toBe(true);
    const answer = await run(function* () {
      clientWriter.write('question');
      clientWriter.writeEof();
      const question = yield* serverReader.read();
      serverWriter.write(`answer to ${s(question)}`);
      serverWriter.close();
      return yield* clientReader.read();
    });
    expect(s(answer)).toBe('answer to question');
    expect(() => {
      clientWriter.write('more');
    }).toThrow(RuntimeError);
  });

  it('close() then waitClosed() completes after the connection is lost', async () => {
    // cf. test_streams.py StreamTests.test_wait_closed_on_close
    const { loop, run } = testLoop();
    const [[reader, writer], [, peerWriter]] = openPipe({ loop });
    await run(function* () {
      peerWriter.write('HTTP/1.0 200 OK\r\n\r\nTest message');
      peerWriter.close();
      expect(s(yield* reader.readline())).toBe('HTTP/1.0 200 OK\r\n');
      expect(s(yield* reader.read())).toBe('\r\nTest message');
      expect(writer.isClosing()).toBe(false);
      writer.close();
      expect(writer.isClosing()).toBe(true);
      yield* writer.waitClosed();
    });
  });

  it('waitClosed() works with unread data left', async () => {
    // cf. test_streams.py StreamTests.test_wait_closed_on_close_with_unread_data
    const { loop, run } = testLoop();
    const [[reader, writer], [, peerWriter]] = openPipe({ loop });
    await run(function* () {
      peerWriter.write('HTTP/1.0 200 OK\r\nmore data that nobody reads');
      expect(s(yield* reader.readline())).toBe('HTTP/1.0 200 OK\r\n');
      writer.close();
      yield* writer.waitClosed();
    });
  });

  it('write() and drain() after close() raise ConnectionResetError', async () => {
    // cf. test_streams.py StreamTests.test_async_writer_api_exception_after_close
    const { loop, run, errors } = testLoop();
    const [[reader, writer], [, peerWriter]] = openPipe({ loop });
    const error = await caught(
      run(function* () {
        peerWriter.write('data');
        peerWriter.close();
        yield* reader.read();
        writer.close();
        writer.write('more');
        yield* writer.drain();
      }),
    );
    expect(error).toBeInstanceOf(ConnectionResetError);
    expect((error as Error).message).toBe('Connection lost');
    expect(errors).toEqual([]);
  });

  it('the reader is at end-of-file once waitClosed() returns', async () => {
    // cf. test_streams.py StreamTests.test_eof_feed_when_closing_writer
    const { loop, run, errors } = testLoop();
    const [[reader, writer]] = openPipe({ loop });
    await run(function* () {
      writer.close();
      yield* writer.waitClosed();
      expect(reader.atEof()).toBe(true);
      expect(s(yield* reader.read())).toBe('');
    });
    expect(errors).toEqual([]);
  });

  it('a write() + drain() loop sees the peer going away instead of spinning', async () => {
    // cf. test_streams.py StreamTests.test_drain_raises
    const { loop, run, errors } = testLoop();
    const [[, writer], [, peerWriter]] = openPipe({ loop });
    const error = await caught(
      run(function* () {
        loop.callLater(0.01, () => {
          peerWriter.transport.abort();
        });
        for (;;) {
          writer.write('foo\n');
          yield* writer.drain();
          yield* sleep(0.001);
        }
      }),
    );
    expect(error).toBeInstanceOf(ConnectionResetError);
    expect(errors).toEqual([]);
  });

  it('drain() blocks while the peer does not read, and resumes once it does', async () => {
    const { loop, run } = testLoop();
    const [[, writer], [reader]] = openPipe({ loop, limit: 1024, highWater: 4096 });
    const result = await run(function* () {
      const chunk = new Uint8Array(1024).fill(1);
      let writes = 0;
      // the reader buffers up to 2 × limit, then pauses the pipe; the writer's buffer fills up
      const filling = createTask(
        (function* (): Coroutine<void> {
          for (;;) {
            writer.write(chunk);
            writes++;
            yield* writer.drain();
          }
        })(),
      );
      yield* sleep(1);
      const blockedAfter = writes;
      // the reader holds more than 2 × limit and paused the pipe; the rest waits in the writer
      expect(reader._paused).toBe(true);
      expect(writer.transport.getWriteBufferSize()).toBeGreaterThan(writer.transport.getWriteBufferLimits()[0]);
      yield* sleep(1);
      expect(writes).toBe(blockedAfter); // still blocked: nobody reads
      const got = yield* reader.readExactly(64 * 1024);
      filling.cancel();
      return { blockedAfter, got: got.length, writes };
    });
    expect(result.got).toBe(65536);
    expect(result.writes).toBeGreaterThan(result.blockedAfter);
  });

  it("drain() re-raises the reader's exception first", async () => {
    const { loop, run } = testLoop();
    const [[reader, writer]] = openPipe({ loop });
    const failure = new RangeError('protocol error');
    reader.setException(failure);
    expect(await caught(run(() => writer.drain()))).toBe(failure);
  });

  it('drain() raises the error the connection was lost with while it waited', async () => {
    const { loop, run } = testLoop();
    const [[, writer], [reader, peerWriter]] = openPipe({ loop, highWater: 64 });
    const error = await caught(
      run(function* () {
        peerWriter.transport.pauseReading();
        writer.write(new Uint8Array(1000));
        expect(writer.transport.getWriteBufferSize()).toBe(1000);
        loop.callLater(1, () => {
          (writer.transport as unknown as { reset(): void }).reset();
        });
        yield* writer.drain();
      }),
    );
    expect(error).toBeInstanceOf(ConnectionResetError);
    expect(reader.exception()).toBeInstanceOf(ConnectionResetError);
  });

  it('getExtraInfo() and transport come from the transport', () => {
    const { loop } = testLoop();
    const [[, writer]] = openPipe({ loop, extra: { a: { peername: ['10.0.0.2', 4242] } } });
    expect(writer.getExtraInfo('peername')).toEqual(['10.0.0.2', 4242]);
    expect(writer.getExtraInfo('pipeEnd')).toBe('a');
    expect(writer.getExtraInfo('socket', 'none')).toBe('none');
    expect(writer.transport.getExtraInfo('pipeEnd')).toBe('a');
  });

  it('toString() shows the transport and the reader', () => {
    const { loop } = testLoop();
    const [[, writer]] = openPipe({ loop });
    expect(String(writer)).toBe('<StreamWriter transport=<PipeTransport a> reader=<StreamReader>>');
  });

  it('_replaceTransport() swaps the transport in the writer and the protocol (the startTls hook)', () => {
    const { loop } = testLoop();
    const replaced: Transport[] = [];
    const protocol: StreamWriterProtocol = {
      _drainHelper: function* () {},
      _getCloseWaiter: () => {
        throw new Error('unused');
      },
      _replaceTransport: (t) => replaced.push(t),
    };
    const [[, first]] = openPipe({ loop });
    const [[, second]] = openPipe({ loop });
    const writer = new StreamWriter(first.transport, protocol, null, loop);
    writer._replaceTransport(second.transport);
    expect(writer.transport).toBe(second.transport);
    expect(replaced).toEqual([second.transport]);
  });
});
