// Server and createServer: CPython's test_server.py (3.13) and the server parts of
// test_events.py, over real sockets on 127.0.0.1 (and Unix sockets in a private directory).
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { connect as netConnect, createServer as createNetServer, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import { asyncWith, CancelledError, createTask, Future, fromPromise, sleep, type Coroutine } from '@tsyncio/futures';
import type { StreamReader, StreamWriter } from '@tsyncio/streams';
import {
  ConnectionRefusedError,
  createServer,
  createUnixServer,
  OSError,
  openConnection,
  Server,
  Socket,
  startServer,
  startUnixServer,
} from '../src/index.js';
import { supportsReusePort } from '../src/create-server.js';
import { passiveAddresses } from '../src/internal/resolve.js';
import { addressOf, b, bareProtocol, caught, HOST, MyProto, netLoop, socketDir, until } from './helpers.js';

/** A raw Node client (the tests' blocking socket threads), resolved once connected. */
function* rawClient(port: number, host = HOST): Coroutine<NetSocket> {
  return yield* fromPromise(
    new Promise<NetSocket>((resolve, reject) => {
      const socket = netConnect({ host, port }, () => resolve(socket));
      socket.on('error', reject);
    }),
  );
}

function* rawUnixClient(path: string): Coroutine<NetSocket> {
  return yield* fromPromise(
    new Promise<NetSocket>((resolve, reject) => {
      const socket = netConnect({ path }, () => resolve(socket));
      socket.on('error', reject);
    }),
  );
}

/** serve(rd, wr) of TestServer2: read until EOF, then close. */
function* readThenClose(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  try {
    yield* reader.read();
  } finally {
    writer.close();
    yield* writer.waitClosed();
  }
}

describe('Server (test_server.py)', () => {
  it('startServing: false, then serveForever(); cancelled, it closes the server (test_start_server_1)', async () => {
    const t = netLoop();
    await t.run(function* () {
      let mainTask: ReturnType<typeof createTask<void>> | null = null;
      const server = yield* startServer(
        function* (reader, writer) {
          yield* reader.readline();
          mainTask!.cancel();
          writer.write(b('1'));
          writer.close();
          yield* writer.waitClosed();
        },
        HOST,
        0,
        { startServing: false },
      );
      expect(server.isServing()).toBe(false);
      mainTask = createTask(
        asyncWith(server, function* (srv) {
          yield* srv.serveForever();
        }),
      );
      const [, port] = addressOf(server);
      const client = yield* rawClient(port);
      client.write('1'.repeat(1024 * 5) + '\n');
      const error = yield* caught(() => mainTask);
      expect(error).toBeInstanceOf(CancelledError);
      client.destroy();
      expect(server.sockets).toEqual([]);
      expect(server._listeners).toBeNull();
      expect(server._waiters).toBeNull();
      expect(server.isServing()).toBe(false);
      const closed = yield* caught(() => server.serveForever());
      expect(closed).toBeInstanceOf(RuntimeError);
      expect(String(closed)).toMatch(/is closed/);
    });
  });

  it('the Unix variant: startServing() yields and then serves (test_start_unix_server_1)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'u.sock');
    await t.run(function* () {
      let mainTask: ReturnType<typeof createTask<void>> | null = null;
      const started = new Future<void>();
      const server = yield* startUnixServer(
        function* (reader, writer) {
          yield* reader.readline();
          mainTask!.cancel();
          writer.write(b('1'));
          writer.close();
          yield* writer.waitClosed();
        },
        path,
        { startServing: false },
      );
      mainTask = createTask(
        asyncWith(server, function* (srv) {
          expect(srv.isServing()).toBe(false);
          yield* srv.startServing();
          expect(srv.isServing()).toBe(true);
          started.setResult(undefined);
          yield* srv.serveForever();
        }),
      );
      yield* started;
      const client = yield* rawUnixClient(path);
      client.write('1'.repeat(1024 * 5) + '\n');
      expect(yield* caught(() => mainTask)).toBeInstanceOf(CancelledError);
      client.destroy();
      expect(server.sockets).toEqual([]);
      expect(server.isServing()).toBe(false);
      expect(String(yield* caught(() => server.serveForever()))).toMatch(/is closed/);
    });
  });

  it('waitClosed() waits for close() and for the last client, in either order (test_wait_closed_basic)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* startServer(readThenClose, HOST, 0);
      // no client, not closed: blocks
      const task1 = createTask(server.waitClosed());
      yield* sleep(0);
      expect(task1.done()).toBe(false);
      // a client, not closed: blocks
      const [host, port] = addressOf(server);
      const [, writer] = yield* openConnection(host, port);
      const task2 = createTask(server.waitClosed());
      yield* sleep(0);
      expect(task1.done()).toBe(false);
      expect(task2.done()).toBe(false);
      server.close();
      yield* sleep(0);
      // a client, closed: blocks
      const task3 = createTask(server.waitClosed());
      yield* sleep(0);
      expect([task1.done(), task2.done(), task3.done()]).toEqual([false, false, false]);
      writer.close();
      yield* writer.waitClosed();
      // no client, closed: returns
      yield* task1;
      yield* task2;
      yield* task3;
      yield* server.waitClosed(); // at once
    });
  });

  it('close() and the client closing in the same iteration still end waitClosed() (test_wait_closed_race)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* startServer(readThenClose, HOST, 0);
      const task = createTask(server.waitClosed());
      yield* sleep(0);
      expect(task.done()).toBe(false);
      const [host, port] = addressOf(server);
      const [, writer] = yield* openConnection(host, port);
      t.loop.callSoon(() => {
        server.close();
      });
      t.loop.callSoon(() => {
        writer.close();
      });
      yield* server.waitClosed();
    });
  });

  it('closeClients() closes the accepted connections (test_close_clients)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* startServer(readThenClose, HOST, 0);
      const [host, port] = addressOf(server);
      const [, writer] = yield* openConnection(host, port);
      yield* until(() => server._clients.size === 1);
      const task = createTask(server.waitClosed());
      yield* sleep(0);
      expect(task.done()).toBe(false);
      server.close();
      server.closeClients();
      yield* until(() => task.done());
      writer.close();
      yield* writer.waitClosed();
    });
  });

  it('abortClients() ends connections whose write buffers are full (test_abort_clients)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const accepted = new Future<[StreamReader, StreamWriter]>();
      const server = yield* startServer(function* (reader, writer) {
        accepted.setResult([reader, writer]);
        try {
          yield* writer.waitClosed();
        } catch {
          // aborted: the close waiter may carry an error
        }
      }, HOST, 0);
      const [host, port] = addressOf(server);
      const [, clientWriter] = yield* openConnection(host, port, { limit: 4096 });
      const [, serverWriter] = yield* accepted;
      // get the client's reader paused, then fill the server's buffer
      for (let i = 0; i < 3; i++) serverWriter.write(new Uint8Array(4096));
      yield* until(() => !clientWriter.transport.isReading());
      for (let i = 0; i < 200 && serverWriter.transport.getWriteBufferSize() === 0; i++) {
        serverWriter.write(new Uint8Array(1 << 20));
        yield* sleep(0);
      }
      expect(serverWriter.transport.getWriteBufferSize()).not.toBe(0);
      const task = createTask(server.waitClosed());
      yield* sleep(0);
      expect(task.done()).toBe(false);
      server.close();
      server.abortClients();
      yield* sleep(0);
      yield* sleep(0);
      expect(task.done()).toBe(true);
      clientWriter.close();
    });
  });

  it('serveForever() a second time while one runs raises RuntimeError', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0);
      const forever = createTask(server.serveForever());
      yield* sleep(0);
      const error = yield* caught(() => server.serveForever());
      expect(error).toBeInstanceOf(RuntimeError);
      expect(String(error)).toMatch(/already being awaited on serveForever\(\)/);
      // close() cancels the running serveForever()
      server.close();
      expect(yield* caught(() => forever)).toBeInstanceOf(CancelledError);
      yield* server.waitClosed();
    });
  });

  it('asyncWith(server) closes it and waits; await using does the same', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0);
      const inside = yield* asyncWith(server, function* (srv) {
        expect(srv).toBe(server);
        return srv.sockets.length;
      });
      expect(inside).toBe(1);
      expect(server.sockets).toEqual([]);
      const second = yield* createServer(bareProtocol, HOST, 0);
      yield* fromPromise(second[Symbol.asyncDispose]());
      expect(second.sockets).toEqual([]);
      expect(second._waiters).toBeNull();
    });
  });

  it('sockets are the socket layer\'s Socket objects with getsockname() and fileno(); getLoop() and toString()', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0);
      expect(server).toBeInstanceOf(Server);
      expect(server.getLoop()).toBe(t.loop);
      const [sock] = server.sockets;
      expect(sock).toBeInstanceOf(Socket);
      const [host, port] = sock!.getsockname() as [string, number];
      expect(host).toBe(HOST);
      expect(port).toBeGreaterThan(0);
      expect(sock!.fileno()).toBeGreaterThan(2);
      expect(sock!.family).toBe('inet');
      expect(String(server)).toMatch(/^<Server sockets=\[<Socket fd=\d+, family=inet, type=stream, proto=0, laddr=\('127\.0\.0\.1', \d+\)>\]>$/);
      // the server owns it: closing it is the server's job
      expect(() => {
        sock!.close();
      }).toThrow();
      server.close();
      expect(server.sockets).toEqual([]);
      yield* server.waitClosed();
    });
  });
});

describe('createServer (test_events.py server cases)', () => {
  it('accepts a connection: connectionMade, dataReceived, extra info, close (test_create_server)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const server = yield* createServer(() => proto, HOST, 0);
      expect(server.sockets).toHaveLength(1);
      const [, port] = addressOf(server);
      const client = yield* rawClient(port);
      client.write('xxx');
      yield* until(() => proto.nbytes >= 3);
      expect(proto.state).toBe('CONNECTED');
      expect(proto.nbytes).toBe(3);
      expect(proto.transport!.getExtraInfo('sockname')).toEqual([HOST, port]);
      expect((proto.transport!.getExtraInfo('peername') as [string, number])[0]).toBe(HOST);
      proto.transport!.close();
      yield* until(() => proto.state === 'CLOSED');
      client.destroy();
      server.close();
      yield* server.waitClosed();
    });
  });

  it('a host list binds each distinct address once (test_create_server_multiple_hosts)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, [HOST, HOST], 0);
      expect(server.sockets).toHaveLength(1);
      server.close();
    });
  });

  it('host null or "" means every interface: one wildcard address per family, IPv4 first (no bind in this test)', async () => {
    const t = netLoop();
    await t.run(function* () {
      expect(yield* passiveAddresses(0)).toEqual([
        { family: 4, address: '0.0.0.0' },
        { family: 6, address: '::' },
      ]);
      expect(yield* passiveAddresses(6)).toEqual([{ family: 6, address: '::' }]);
    });
  });

  it('binding a port in use raises OSError EADDRINUSE naming the address (test_create_server_addr_in_use)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0);
      const [, port] = addressOf(server);
      const error = yield* caught(() => createServer(bareProtocol, HOST, port));
      expect(error).toBeInstanceOf(OSError);
      expect((error as OSError).errno).toBe(98);
      expect((error as OSError).code).toBe('EADDRINUSE');
      expect((error as OSError).message).toBe(
        `[Errno 98] error while attempting to bind on address ('127.0.0.1', ${port}): [errno 98] address already in use`,
      );
      server.close();
    });
  });

  it('after close() new connections are refused (test_server_close)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(() => new MyProto(), HOST, 0);
      const [, port] = addressOf(server);
      const client = yield* rawClient(port);
      client.write('xxx');
      client.destroy();
      server.close();
      const error = yield* caught(() => rawClient(port));
      expect((error as { code?: string }).code).toBe('ECONNREFUSED');
      const ours = yield* caught(() => openConnection(HOST, port));
      expect(ours).toBeInstanceOf(ConnectionRefusedError);
      yield* server.waitClosed();
    });
  });

  it('a connection that arrives before serving starts waits for startServing()', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const server = yield* createServer(() => proto, HOST, 0, { startServing: false });
      const [, port] = addressOf(server);
      const client = yield* rawClient(port);
      client.write('early');
      yield* sleep(0.02);
      expect(proto.state).toBe('INITIAL');
      yield* server.startServing();
      yield* until(() => proto.nbytes === 5);
      client.destroy();
      yield* until(() => proto.state === 'CLOSED');
      server.close();
      yield* server.waitClosed();
    });
  });

  it('a protocolFactory that throws is reported and the connection is closed', async () => {
    const t = netLoop();
    await t.run(
      function* () {
        const server = yield* createServer(() => {
          throw new Error('no protocol today');
        }, HOST, 0);
        const [, port] = addressOf(server);
        const client = yield* rawClient(port);
        const closed = new Future<void>();
        client.on('close', () => {
          if (!closed.done()) closed.setResult(undefined);
        });
        yield* closed;
        server.close();
      },
      { allowErrors: true },
    );
    expect(t.errors.map((e) => e.message)).toEqual(['Error on transport creation for incoming connection']);
  });

  it('reusePort on a Node without SO_REUSEPORT support raises RangeError', async () => {
    const t = netLoop();
    await t.run(function* () {
      if (supportsReusePort()) {
        const a = yield* createServer(bareProtocol, HOST, 0, { reusePort: true });
        const [, port] = addressOf(a);
        const second = yield* createServer(bareProtocol, HOST, port, { reusePort: true });
        second.close();
        a.close();
      } else {
        const error = yield* caught(() => createServer(bareProtocol, HOST, 0, { reusePort: true }));
        expect(error).toBeInstanceOf(RangeError);
        expect(String(error)).toMatch(/reusePort is not supported by Node v\d+.* 22\.12/);
      }
    });
    expect(supportsReusePort('20.19.0')).toBe(false);
    expect(supportsReusePort('22.11.0')).toBe(false);
    expect(supportsReusePort('22.12.0')).toBe(true);
    expect(supportsReusePort('23.0.0')).toBe(false);
    expect(supportsReusePort('23.1.0')).toBe(true);
    expect(supportsReusePort('24.0.0')).toBe(true);
  });

  it('bad arguments are errors naming them', async () => {
    const t = netLoop();
    await t.run(function* () {
      const cases: [() => Coroutine<unknown>, new (...args: never[]) => Error, RegExp][] = [
        [() => createServer(bareProtocol, HOST, 70000), RangeError, /^port must be 0-65535, got 70000$/],
        [() => createServer(bareProtocol, HOST, 1.5), TypeError, /port must be an integer, got 1\.5/],
        [() => createServer(bareProtocol, 42 as unknown as string, 0), TypeError, /host must be a string, a list of strings or null/],
        [() => createServer(bareProtocol, [HOST, 7] as unknown as string[], 0), TypeError, /host\[1\] must be a string/],
        [() => createServer('nope' as unknown as () => MyProto, HOST, 0), TypeError, /protocolFactory must be a function/],
        [() => createServer(bareProtocol, HOST, 0, { backlg: 5 } as object), TypeError, /unexpected option 'backlg'/],
        [() => createServer(bareProtocol, HOST, 0, { backlog: -1 }), RangeError, /backlog must be >= 0/],
        [() => createServer(bareProtocol, HOST, 0, { sslHandshakeTimeout: 5 }), RangeError, /sslHandshakeTimeout is only meaningful with ssl/],
        [() => createServer(bareProtocol, HOST, 0, { ssl: true as unknown as object }), TypeError, /ssl must be an object of TLS server options/],
        [() => createServer(bareProtocol, HOST, 0, { family: 5 as 4 }), RangeError, /family must be 0, 4 or 6/],
        [() => startServer(bareProtocol as never, HOST, 0, { limit: -1 }), RangeError, /Limit cannot be <= 0/],
        [() => startServer(bareProtocol as never, HOST, 0, { limt: 1 } as object), TypeError, /unexpected option 'limt'/],
        [() => createUnixServer(bareProtocol, 3 as unknown as string), TypeError, /path must be a string/],
      ];
      for (const [call, cls, message] of cases) {
        const error = yield* caught(call);
        expect(error).toBeInstanceOf(cls);
        expect((error as Error).message).toMatch(message);
      }
    });
  });
});

describe('Unix servers (test_server.py UnixServerCleanupTests, test_events.py)', () => {
  it('accept a connection (test_create_unix_server)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'a.sock');
    await t.run(function* () {
      const proto = new MyProto();
      const server = yield* createUnixServer(() => proto, path);
      expect(server.sockets).toHaveLength(1);
      expect(server.sockets[0]!.getsockname()).toBe(path);
      expect(server.sockets[0]!.family).toBe('unix');
      const client = yield* rawUnixClient(path);
      client.write('xxx');
      yield* until(() => proto.nbytes === 3);
      expect(proto.transport!.getExtraInfo('sockname')).toBe(path);
      expect(proto.transport!.getExtraInfo('peername')).toBe('');
      proto.transport!.close();
      yield* until(() => proto.state === 'CLOSED');
      client.destroy();
      server.close();
    });
  });

  it('close() removes the socket file (test_unix_server_addr_cleanup)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'c.sock');
    await t.run(function* () {
      const server = yield* startUnixServer(() => undefined, path);
      expect(existsSync(path)).toBe(true);
      server.close();
      expect(existsSync(path)).toBe(false);
    });
  });

  it('close() after someone else removed the file is fine (test_unix_server_cleanup_gone)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'g.sock');
    await t.run(function* () {
      const server = yield* startUnixServer(() => undefined, path);
      unlinkSync(path);
      server.close();
      expect(existsSync(path)).toBe(false);
    });
  });

  it('close() leaves a socket file that replaced ours (test_unix_server_cleanup_replaced)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'r.sock');
    await t.run(function* () {
      const server = yield* startUnixServer(() => undefined, path);
      unlinkSync(path);
      const other = createNetServer();
      yield* fromPromise(new Promise<void>((resolve) => other.listen(path, resolve)));
      const inode = statSync(path).ino;
      server.close();
      expect(existsSync(path)).toBe(true);
      expect(statSync(path).ino).toBe(inode);
      // the other server still accepts connections through the file
      const client = yield* rawUnixClient(path);
      client.destroy();
      other.close();
    });
  });

  it('cleanupSocket: false keeps the file (test_unix_server_cleanup_prevented)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'p.sock');
    await t.run(function* () {
      const server = yield* startUnixServer(() => undefined, path, { cleanupSocket: false });
      server.close();
      expect(existsSync(path)).toBe(true);
    });
  });

  it('a stale socket file is removed before binding', async () => {
    const t = netLoop();
    const path = join(socketDir(), 's.sock');
    await t.run(function* () {
      const first = yield* startUnixServer(() => undefined, path, { cleanupSocket: false });
      first.close();
      expect(existsSync(path)).toBe(true); // stale now
      const second = yield* startUnixServer(() => undefined, path);
      second.close();
      expect(existsSync(path)).toBe(false);
    });
  });
});
