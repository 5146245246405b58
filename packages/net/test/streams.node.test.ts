// The network half of CPython's test_streams.py (3.13): openConnection/startServer and their Unix
// variants over real sockets on 127.0.0.1, StreamWriter over a socket transport, and the
// clientConnected task rules. Each case names the test it ports.
import { createServer as createNetServer, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTask, currentTask, fromPromise, gather, sleep, type Coroutine } from '@tsyncio/futures';
import { ConnectionResetError as StreamsConnectionResetError, type StreamReader, type StreamWriter } from '@tsyncio/streams';
import {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionResetError,
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
  type Server,
} from '../src/index.js';
import { addressOf, b, caught, HOST, netLoop, s, socketDir } from './helpers.js';

/** A plain Node server standing in for test_utils.run_test_server(): answers one HTTP-ish request. */
function* httpLikeServer(): Coroutine<{ port: number; close: () => void }> {
  const sockets = new Set<NetSocket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let got = '';
    socket.on('data', (d) => {
      got += d.toString();
      if (got.includes('\r\n\r\n')) socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message');
    });
  });
  yield* fromPromise(new Promise<void>((resolve) => server.listen(0, HOST, resolve)));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}


function* echoLine(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const data = yield* reader.readline();
  writer.write(data);
  yield* writer.drain();
  writer.close();
  yield* writer.waitClosed();
}

function* clientRoundTrip(open: Coroutine<[StreamReader, StreamWriter]>): Coroutine<string> {
  const [reader, writer] = yield* open;
  writer.write(b('hello world!\n'));
  const back = yield* reader.readline();
  writer.close();
  yield* writer.waitClosed();
  return s(back);
}

function* stop(server: Server): Coroutine<void> {
  server.close();
  yield* server.waitClosed();
}

describe('openConnection / startServer (test_streams.py)', () => {
  it('a coroutine clientConnected echoes a line (test_start_server, coroutine variant)', async () => {
    const t = netLoop();
    const msg = await t.run(function* () {
      const server = yield* startServer(echoLine, HOST, 0);
      const [host, port] = addressOf(server);
      const got = yield* clientRoundTrip(openConnection(host, port));
      yield* stop(server);
      return got;
    });
    expect(msg).toBe('hello world!\n');
  });

  it('a plain-function clientConnected that starts its own task works too (test_start_server, callback variant)', async () => {
    const t = netLoop();
    const msg = await t.run(function* () {
      const server = yield* startServer((reader, writer) => {
        createTask(echoLine(reader, writer));
      }, HOST, 0);
      const [host, port] = addressOf(server);
      const got = yield* clientRoundTrip(openConnection(host, port));
      yield* stop(server);
      return got;
    });
    expect(msg).toBe('hello world!\n');
  });

  it('startUnixServer / openUnixConnection echo a line (test_start_unix_server, test_open_unix_connection)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 's.sock');
    const msg = await t.run(function* () {
      const server = yield* startUnixServer(echoLine, path);
      const got = yield* clientRoundTrip(openUnixConnection(path));
      yield* stop(server);
      return got;
    });
    expect(msg).toBe('hello world!\n');
  });

  it('openConnection reads a whole reply until end-of-file (test_open_connection, test_async_writer_api)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const httpd = yield* httpLikeServer();
      try {
        const [reader, writer] = yield* openConnection(HOST, httpd.port);
        writer.write(b('GET / HTTP/1.0\r\n\r\n'));
        expect(s(yield* reader.readline())).toBe('HTTP/1.0 200 OK\r\n');
        expect(s(yield* reader.read()).endsWith('\r\n\r\nTest message')).toBe(true);
        expect(writer.isClosing()).toBe(false);
        writer.close();
        expect(writer.isClosing()).toBe(true);
        yield* writer.waitClosed();
      } finally {
        httpd.close();
      }
    });
  });

  it('waitClosed() returns with unread data in the reader (test_wait_closed_on_close_with_unread_data)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const httpd = yield* httpLikeServer();
      try {
        const [reader, writer] = yield* openConnection(HOST, httpd.port);
        writer.write(b('GET / HTTP/1.0\r\n\r\n'));
        expect(s(yield* reader.readline())).toBe('HTTP/1.0 200 OK\r\n');
        writer.close();
        yield* writer.waitClosed();
      } finally {
        httpd.close();
      }
    });
  });

  it('write() + drain() after close() raises ConnectionResetError (test_async_writer_api_exception_after_close)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const httpd = yield* httpLikeServer();
      try {
        const [reader, writer] = yield* openConnection(HOST, httpd.port);
        writer.write(b('GET / HTTP/1.0\r\n\r\n'));
        yield* reader.readline();
        yield* reader.read();
        writer.close();
        let error: unknown = null;
        try {
          writer.write(b('data'));
          yield* writer.drain();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ConnectionResetError);
        expect(error).toBeInstanceOf(StreamsConnectionResetError);
      } finally {
        httpd.close();
      }
    });
  });

  it('closing the writer feeds end-of-file to the reader (test_eof_feed_when_closing_writer)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const httpd = yield* httpLikeServer();
      try {
        const [reader, writer] = yield* openConnection(HOST, httpd.port);
        writer.close();
        yield* writer.waitClosed();
        expect(reader.atEof()).toBe(true);
        expect((yield* reader.read()).length).toBe(0);
      } finally {
        httpd.close();
      }
    });
  });

  it('an error given to connectionLost() is raised by the next read, and nothing is reported (test_open_connection_error)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const httpd = yield* httpLikeServer();
      try {
        const [reader, writer] = yield* openConnection(HOST, httpd.port);
        class ZeroDivisionError extends Error {}
        (writer as unknown as { _protocol: { connectionLost(e: Error): void } })._protocol.connectionLost(new ZeroDivisionError());
        let error: unknown = null;
        try {
          yield* reader.read();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(ZeroDivisionError);
        writer.close();
        yield* sleep(0.01);
      } finally {
        httpd.close();
      }
    });
    expect(t.errors).toEqual([]);
  });

  it('write()+drain() to a peer that closed ends with a connection error, not a hang (test_drain_raises)', async () => {
    const t = netLoop();
    await t.run(function* () {
      // a plain server that accepts and closes at once (the test's thread)
      const server = createNetServer((socket) => {
        socket.on('error', () => undefined);
        socket.destroy();
      });
      yield* fromPromise(new Promise<void>((resolve) => server.listen(0, HOST, resolve)));
      const port = (server.address() as { port: number }).port;
      const error = yield* caught(function* () {
        const [, writer] = yield* openConnection(HOST, port);
        for (;;) {
          writer.write(b('foo\n'));
          yield* writer.drain();
        }
      });
      server.close();
      expect(
        error instanceof ConnectionResetError || error instanceof ConnectionAbortedError || error instanceof BrokenPipeError,
      ).toBe(true);
    });
    expect(t.errors).toEqual([]);
  });

  it('several drains wait together and all return on resume (test_multiple_drain, over a socket)', async () => {
    const t = netLoop();
    await t.run(function* () {
      let serverReader: StreamReader | null = null;
      const server = yield* startServer((reader) => {
        serverReader = reader;
      }, HOST, 0);
      const [host, port] = addressOf(server);
      const [, writer] = yield* openConnection(host, port);
      writer.transport.setWriteBufferLimits({ high: 1024 });
      // fill until the system's buffers are full and ours holds 1 MiB (the server does not read:
      // its reader pauses at 2 × limit); a timer between writes gives Node a turn to hand the
      // bytes to the system, so that what stays buffered is really stuck
      const chunk = new Uint8Array(256 * 1024);
      for (let written = 0; writer.transport.getWriteBufferSize() < 1 << 20; written += chunk.length) {
        expect(written).toBeLessThan(256 << 20);
        writer.write(chunk);
        yield* sleep(0.001);
      }
      let drained = 0;
      const drainer = function* (): Coroutine<void> {
        yield* writer.drain();
        drained++;
      };
      const all = gather(...Array.from({ length: 10 }, () => createTask(drainer())));
      yield* sleep(0.01);
      expect(drained).toBe(0);
      // the server reads everything: the client's buffer drains and every drain returns
      const readAll = createTask((function* () {
        while (drained < 10) yield* (serverReader as unknown as StreamReader).read(1 << 20);
      })());
      yield* all;
      expect(drained).toBe(10);
      writer.close();
      yield* writer.waitClosed();
      yield* readAll;
      server.close();
      server.closeClients();
      yield* server.waitClosed();
    });
  });

  it('an exception in a clientConnected task is reported and closes the connection (test_unhandled_exception)', async () => {
    const t = netLoop();
    await t.run(
      function* () {
        const server = yield* startServer(function* () {
          yield* sleep(0);
          throw new Error('test');
        }, HOST, 0);
        const [host, port] = addressOf(server);
        const [reader, writer] = yield* openConnection(host, port);
        // the server closes the connection: we read end-of-file
        expect((yield* reader.read()).length).toBe(0);
        writer.close();
        yield* writer.waitClosed();
        yield* stop(server);
      },
      { allowErrors: true },
    );
    expect(t.errors.map((e) => e.message)).toEqual(['Unhandled exception in clientConnected']);
    expect(String(t.errors[0]!.exception)).toMatch(/test/);
  });

  it('a clientConnected task that cancels itself is not reported (test_unhandled_cancel)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* startServer(function* (_reader, writer) {
        writer.close();
        currentTask()!.cancel();
        yield* sleep(0);
      }, HOST, 0);
      const [host, port] = addressOf(server);
      const [reader, writer] = yield* openConnection(host, port);
      expect((yield* reader.read()).length).toBe(0);
      writer.close();
      yield* writer.waitClosed();
      yield* stop(server);
    });
    expect(t.errors).toEqual([]);
  });

  it('openConnection() limit reaches the reader; a bad limit is a RangeError before connecting', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* startServer(echoLine, HOST, 0);
      const [host, port] = addressOf(server);
      const [reader, writer] = yield* openConnection(host, port, { limit: 10 });
      expect((reader as unknown as { _limit: number })._limit).toBe(10);
      writer.write(b('a much longer line than ten bytes\n'));
      let error: unknown = null;
      try {
        yield* reader.readline();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RangeError); // readline's ValueError for an overrun
      writer.close();
      yield* writer.waitClosed();
      let bad: unknown = null;
      try {
        yield* openConnection(host, port, { limit: 0 });
      } catch (e) {
        bad = e;
      }
      expect(bad).toBeInstanceOf(RangeError);
      yield* stop(server);
    });
  });
});
