// StreamReaderProtocol: the server-side cases of test_streams.py (start_server with a coroutine or
// a plain callback, unhandled exceptions and cancellations in client_connected_cb), over the pipe.
import { describe, expect, it } from 'vitest';
import { type EventLoop } from '@tsyncio/loop';
import { createTask, currentTask, sleep, type Coroutine } from '@tsyncio/futures';
import {
  connectPipe,
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  type ClientConnectedCallback,
  type StreamPair,
} from '../src/index.js';
import { b, s, testLoop } from './helpers.js';

/** A client stream pair connected to a server protocol that calls `clientConnected` (start_server in memory). */
function serve(loop: EventLoop, clientConnected: ClientConnectedCallback): StreamPair {
  const serverProtocol = new StreamReaderProtocol(new StreamReader({ loop }), clientConnected);
  const clientReader = new StreamReader({ loop });
  const clientProtocol = new StreamReaderProtocol(clientReader);
  const [clientTransport] = connectPipe(clientProtocol, serverProtocol, { loop });
  return [clientReader, new StreamWriter(clientTransport, clientProtocol, clientReader, loop)];
}

function* handleClient(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const data = yield* reader.readline();
  writer.write(data);
  yield* writer.drain();
  writer.close();
  yield* writer.waitClosed();
}

function* client([reader, writer]: StreamPair): Coroutine<string> {
  writer.write('hello world!\n');
  const back = yield* reader.readline();
  writer.close();
  yield* writer.waitClosed();
  return s(back);
}

describe('StreamReaderProtocol', () => {
  it('runs a clientConnected coroutine as a task for each connection', async () => {
    // cf. test_streams.py StreamTests.test_start_server (coroutine handler)
    const { loop, run, errors } = testLoop();
    const message = await run(() => client(serve(loop, handleClient)));
    expect(message).toBe('hello world!\n');
    expect(errors).toEqual([]);
  });

  it('calls a plain clientConnected callback, which may start its own task', async () => {
    // cf. test_streams.py StreamTests.test_start_server (callback handler)
    const { loop, run, errors } = testLoop();
    const pair = serve(loop, (reader, writer) => {
      createTask(handleClient(reader, writer));
    });
    expect(await run(() => client(pair))).toBe('hello world!\n');
    expect(errors).toEqual([]);
  });

  it('reports a failing clientConnected task to the exception handler and closes the transport', async () => {
    // cf. test_streams.py StreamTests.test_unhandled_exception
    const { loop, run, errors } = testLoop();
    const failure = new Error('test');
    const [reader, writer] = serve(loop, function* () {
      throw failure;
    });
    const rest = await run(function* () {
      writer.write('test msg');
      yield* writer.drain();
      return yield* reader.read();
    });
    expect(s(rest)).toBe('');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('Unhandled exception in clientConnected');
    expect(errors[0]?.exception).toBe(failure);
    expect(errors[0]?.transport).toBeDefined();
  });

  it('closes the transport without a report when the clientConnected task is cancelled', async () => {
    // cf. test_streams.py StreamTests.test_unhandled_cancel
    const { loop, run, errors } = testLoop();
    const [reader] = serve(loop, function* (serverReader) {
      // the handler never closes its writer: the protocol does, once the task is cancelled
      currentTask()?.cancel();
      yield* serverReader.read();
    });
    const rest = await run(() => reader.read());
    expect(s(rest)).toBe('');
    expect(errors).toEqual([]);
  });

  it('connectionMade() gives the reader its transport; dataReceived() feeds it', () => {
    const { loop } = testLoop();
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader);
    const [transport] = connectPipe(protocol, {}, { loop });
    protocol.connectionMade(transport);
    expect(reader._transport).toBe(transport);
    protocol.dataReceived(b('abc'));
    expect(reader._buffer.length).toBe(3);
  });

  it('eofReceived() feeds end-of-file and keeps the transport open, except over TLS', () => {
    const { loop } = testLoop();
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader);
    expect(protocol.eofReceived()).toBe(true);
    expect(reader.atEof()).toBe(true);
    const [plain] = connectPipe({}, {}, { loop });
    const [tls] = connectPipe({}, {}, { loop, extra: { a: { sslcontext: {} } } });
    const overTls = new StreamReaderProtocol(new StreamReader({ loop }));
    overTls.connectionMade(tls);
    expect(overTls.eofReceived()).toBe(false);
    overTls._replaceTransport(plain);
    expect(overTls.eofReceived()).toBe(true);
  });

  it('connectionLost(error) fails the reader and waitClosed() with that error', async () => {
    const { loop, run } = testLoop();
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader);
    const [transport] = connectPipe(protocol, {}, { loop });
    const writer = new StreamWriter(transport, protocol, reader, loop);
    const failure = new Error('reset');
    const outcome = await run(function* () {
      const reading = createTask(reader.read());
      yield* sleep(0);
      protocol.connectionLost(failure);
      const results: unknown[] = [];
      for (const work of [reading, createTask(writer.waitClosed())]) {
        try {
          yield* work;
          results.push('ok');
        } catch (e) {
          results.push(e);
        }
      }
      return results;
    });
    expect(outcome).toEqual([failure, failure]);
    expect(reader.exception()).toBe(failure);
  });

  it('connectionLost(null) ends the reader and completes waitClosed()', async () => {
    const { loop, run } = testLoop();
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader);
    const [transport] = connectPipe(protocol, {}, { loop });
    const writer = new StreamWriter(transport, protocol, reader, loop);
    await run(function* () {
      reader.feedData(b('tail'));
      protocol.connectionLost(null);
      yield* writer.waitClosed();
      expect(s(yield* reader.read())).toBe('tail');
      expect(reader.atEof()).toBe(true);
    });
  });

  it("uses the reader's loop unless given one", () => {
    // cf. test_streams.py StreamTests.test_streamreaderprotocol_constructor_use_running_loop
    const { loop } = testLoop();
    const other = testLoop().loop;
    const reader = new StreamReader({ loop });
    expect(new StreamReaderProtocol(reader)._loop).toBe(loop);
    expect(new StreamReaderProtocol(reader, null, { loop: other })._loop).toBe(other);
  });

  it('rejects a clientConnected that is not a function', () => {
    const { loop } = testLoop();
    expect(() => new StreamReaderProtocol(new StreamReader({ loop }), 'nope' as unknown as ClientConnectedCallback)).toThrow(TypeError);
  });
});
