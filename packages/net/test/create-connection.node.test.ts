// createConnection / createUnixConnection: the client cases of CPython's test_events.py (3.13)
// over 127.0.0.1, the error rules of base_events.create_connection, Happy Eyeballs (staggered.py)
// and cancellation.
import { createServer as createNetServer, type Server as NetServer, type Socket as NetSocket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  ExceptionGroup,
  Future,
  fromPromise,
  sleep,
  TimeoutError,
  type Coroutine,
} from '@tsyncio/futures';
import type { Transport } from '@tsyncio/streams';
import {
  ConnectionRefusedError,
  createConnection,
  createServer,
  createUnixConnection,
  createUnixServer,
  OSError,
  openConnection,
  SocketTransport,
} from '../src/index.js';
import { combinedError, staggeredRace } from '../src/internal/connect.js';
import { interleaveAddresses } from '../src/internal/resolve.js';
import { addressOf, bareProtocol, caught, HOST, MyProto, netLoop, socketDir, until } from './helpers.js';

/** A plain Node server that says hello and closes (test_utils.run_test_server in spirit). */
function* helloServer(): Coroutine<{ server: NetServer; port: number; sockets: Set<NetSocket> }> {
  const sockets = new Set<NetSocket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.end('hello');
  });
  yield* fromPromise(new Promise<void>((resolve) => server.listen(0, HOST, resolve)));
  return { server, port: (server.address() as { port: number }).port, sockets };
}

/** A port with nobody listening (bound, then closed). */
function* freePort(): Coroutine<number> {
  const { server, port } = yield* helloServer();
  yield* fromPromise(new Promise<void>((resolve) => server.close(() => resolve())));
  return port;
}

describe('createConnection (test_events.py)', () => {
  it('returns [transport, protocol] after connectionMade; data arrives (test_create_connection)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const [tr, pr] = yield* createConnection(() => new MyProto(), HOST, port);
      expect(tr).toBeInstanceOf(SocketTransport);
      expect(pr.transport).toBe(tr);
      expect(pr.state).toBe('CONNECTED');
      expect(tr.getExtraInfo('sockname')).not.toBeNull();
      expect(tr.getExtraInfo('peername')).toEqual([HOST, port]);
      yield* until(() => pr.state === 'CLOSED');
      expect(pr.nbytes).toBeGreaterThan(0);
      expect(pr.events.join(' ')).toBe('made data eof lost');
      tr.close();
      server.close();
    });
  });

  it('a Unix connection has the path as peername and "" as sockname (test_create_unix_connection)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'h.sock');
    await t.run(function* () {
      const server = yield* createUnixServer(() => {
        const p = new MyProto();
        p.connectionMade = function (this: MyProto, transport) {
          MyProto.prototype.connectionMade.call(this, transport);
          this.transport!.write(new TextEncoder().encode('hello'));
          this.transport!.close();
        };
        return p;
      }, path);
      const [tr, pr] = yield* createUnixConnection(() => new MyProto(), path);
      expect(tr.getExtraInfo('peername')).toBe(path);
      expect(tr.getExtraInfo('sockname')).toBe('');
      yield* until(() => pr.state === 'CLOSED');
      expect(pr.nbytes).toBe(5);
      server.close();
    });
  });

  it('localAddr binds the local end (test_create_connection_local_addr)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const localPort = yield* freePort();
      const [tr] = yield* createConnection(() => new MyProto(), HOST, port, { localAddr: [HOST, localPort] });
      expect((tr.getExtraInfo('sockname') as [string, number])[1]).toBe(localPort);
      tr.close();
      server.close();
    });
  });

  it('localAddr in use: OSError EADDRINUSE whose strerror names the address (test_create_connection_local_addr_in_use)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const error = yield* caught(() => createConnection(() => new MyProto(), HOST, port, { localAddr: [HOST, port] }));
      expect(error).toBeInstanceOf(OSError);
      expect((error as OSError).errno).toBe(98);
      expect((error as OSError).strerror).toContain(`('127.0.0.1', ${port})`);
      server.close();
    });
  });

  it('localAddr of another family: "no matching local address" (test_create_connection_local_addr_nomatch_family)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const error = yield* caught(() => createConnection(() => new MyProto(), HOST, port, { localAddr: ['::1', 0] }));
      expect(error).toBeInstanceOf(OSError);
      expect((error as Error).message).toBe('no matching local address with family=AF_INET found');
      server.close();
    });
  });

  it('a refused connection raises ConnectionRefusedError, as asyncio words it', async () => {
    const t = netLoop();
    await t.run(function* () {
      const port = yield* freePort();
      const error = yield* caught(() => createConnection(() => new MyProto(), HOST, port));
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect(error).toBeInstanceOf(OSError);
      const e = error as ConnectionRefusedError;
      expect(e.errno).toBe(111);
      expect(e.code).toBe('ECONNREFUSED');
      expect(e.syscall).toBe('connect');
      expect(e.address).toBe(HOST);
      expect(e.port).toBe(port);
      expect(e.message).toBe(`[Errno 111] Connect call failed ('127.0.0.1', ${port})`);
      expect(e.strerror).toBe(`Connect call failed ('127.0.0.1', ${port})`);
    });
  });

  it('a Unix path with nothing there raises OSError ENOENT; allErrors gives an ExceptionGroup', async () => {
    const t = netLoop();
    const dir = socketDir();
    await t.run(function* () {
      const error = yield* caught(() => createUnixConnection(bareProtocol, join(dir, 'none.sock')));
      expect(error).toBeInstanceOf(OSError);
      expect((error as OSError).code).toBe('ENOENT');
      expect((error as OSError).message).toBe('[Errno 2] No such file or directory');
      const port = yield* freePort();
      const group = yield* caught(() => createConnection(bareProtocol, HOST, port, { allErrors: true }));
      expect(group).toBeInstanceOf(ExceptionGroup);
      expect((group as ExceptionGroup).message).toMatch(/^createConnection failed/);
      expect((group as ExceptionGroup).exceptions[0]).toBeInstanceOf(ConnectionRefusedError);
    });
  });

  it('resolves a host name through the system resolver (localhost, IPv4 only)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const [tr] = yield* createConnection(() => new MyProto(), 'localhost', port, { family: 4 });
      expect((tr.getExtraInfo('peername') as [string, number])[0]).toBe(HOST);
      tr.close();
      server.close();
    });
  });

  it('happyEyeballsDelay connects through the staggered race', async () => {
    const t = netLoop();
    await t.run(function* () {
      const { server, port } = yield* helloServer();
      const [tr, pr] = yield* createConnection(() => new MyProto(), HOST, port, { happyEyeballsDelay: 0.25 });
      yield* until(() => pr.nbytes === 5);
      tr.close();
      server.close();
      const nobody = yield* freePort();
      const refused = yield* caught(() => createConnection(bareProtocol, HOST, nobody, { happyEyeballsDelay: 0.25 }));
      expect(refused).toBeInstanceOf(ConnectionRefusedError);
    });
  });

  it('cancelling the connecting task closes the socket (during the TLS handshake)', async () => {
    const t = netLoop();
    await t.run(function* () {
      // a server that accepts and never answers: the client's TLS handshake waits
      const accepted: NetSocket[] = [];
      const closed = new Future<void>();
      const silent = createNetServer((socket) => {
        accepted.push(socket);
        socket.on('error', () => undefined);
        socket.resume(); // read (and ignore) the ClientHello, so the client's close is seen
        socket.on('close', () => {
          if (!closed.done()) closed.setResult(undefined);
        });
      });
      yield* fromPromise(new Promise<void>((resolve) => silent.listen(0, HOST, resolve)));
      const port = (silent.address() as { port: number }).port;
      const task = createTask(createConnection(bareProtocol, HOST, port, { ssl: true }));
      yield* until(() => accepted.length === 1);
      yield* sleep(0.01);
      task.cancel();
      expect(yield* caught(() => task)).toBeInstanceOf(CancelledError);
      yield* closed; // the server sees the client's socket close
      silent.close();
    });
  });

  it('a TLS handshake that takes too long is aborted with ConnectionAbortedError (sslHandshakeTimeout)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const silent = createNetServer((socket) => {
        socket.on('error', () => undefined);
      });
      yield* fromPromise(new Promise<void>((resolve) => silent.listen(0, HOST, resolve)));
      const port = (silent.address() as { port: number }).port;
      const error = yield* caught(() => openConnection(HOST, port, { ssl: true, sslHandshakeTimeout: 0.05 }));
      expect((error as Error).name).toBe('ConnectionAbortedError');
      expect((error as Error).message).toBe('SSL handshake is taking longer than 0.05 seconds: aborting the connection');
      silent.close();
    });
  });

  it('outside a running loop it raises RuntimeError; bad arguments are errors naming them', async () => {
    expect(() => createConnection(bareProtocol, HOST, 1).next()).toThrow(RuntimeError);
    const t = netLoop();
    await t.run(function* () {
      const cases: [() => Coroutine<unknown>, new (...args: never[]) => Error, RegExp][] = [
        [() => createConnection(bareProtocol, HOST, 70000), RangeError, /^port must be 0-65535, got 70000$/],
        [() => createConnection(bareProtocol, HOST, -1), RangeError, /^port must be 0-65535, got -1$/],
        [() => createConnection(bareProtocol, HOST, '80' as unknown as number), TypeError, /createConnection\(\) port must be an integer, got "80"/],
        [() => createConnection(bareProtocol, 127 as unknown as string, 80), TypeError, /createConnection\(\) host must be a string, got 127/],
        [() => createConnection(bareProtocol, '', 80), RangeError, /host must not be empty/],
        [() => createConnection(null as unknown as () => MyProto, HOST, 80), TypeError, /protocolFactory must be a function/],
        [() => createConnection(bareProtocol, HOST, 80, { sll: true } as object), TypeError, /createConnection\(\) got an unexpected option 'sll'/],
        [() => openConnection(HOST, 80, { limitt: 1 } as object), TypeError, /openConnection\(\) got an unexpected option 'limitt'/],
        [() => createConnection(bareProtocol, HOST, 80, { serverHostname: 'x' }), RangeError, /serverHostname is only meaningful with ssl/],
        [() => createConnection(bareProtocol, HOST, 80, { sslHandshakeTimeout: 1 }), RangeError, /sslHandshakeTimeout is only meaningful with ssl/],
        [() => createConnection(bareProtocol, HOST, 80, { ssl: true, sslHandshakeTimeout: 0 }), RangeError, /sslHandshakeTimeout should be a positive number, got 0/],
        [() => createConnection(bareProtocol, HOST, 80, { ssl: 'yes' as unknown as boolean }), TypeError, /ssl must be true or an object/],
        [() => createConnection(bareProtocol, HOST, 80, { localAddr: HOST as unknown as [string, number] }), TypeError, /localAddr must be a \[host, port\] pair/],
        [() => createConnection(bareProtocol, HOST, 80, { localAddr: [HOST, 99999] }), RangeError, /port must be 0-65535, got 99999/],
        [() => createConnection(bareProtocol, HOST, 80, { happyEyeballsDelay: -1 }), RangeError, /happyEyeballsDelay must be >= 0/],
        [() => createConnection(bareProtocol, HOST, 80, { family: 5 as 4 }), RangeError, /family must be 0, 4 or 6/],
        [() => createUnixConnection(bareProtocol, '/x', { ssl: true }), RangeError, /you have to pass serverHostname when using ssl/],
        [() => createUnixConnection(bareProtocol, '/x', { serverHostname: 'h' }), RangeError, /serverHostname is only meaningful with ssl/],
      ];
      for (const [call, cls, message] of cases) {
        const error = yield* caught(call);
        expect(error, String(message)).toBeInstanceOf(cls);
        expect((error as Error).message).toMatch(message);
      }
    });
  });

  it('a protocolFactory that throws closes the connected socket and raises', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(() => new MyProto(), HOST, 0);
      const [host, port] = addressOf(server);
      const error = yield* caught(() =>
        createConnection(() => {
          throw new Error('no protocol');
        }, host, port),
      );
      expect((error as Error).message).toBe('no protocol');
      server.close();
      server.abortClients();
      yield* server.waitClosed();
    });
  });
});

describe('the connection error rules (base_events.create_connection)', () => {
  const refused = (port: number): OSError => new OSError(`Connect call failed ('127.0.0.1', ${port})`, { errno: 111 });

  it('one error is raised as is; the same message several times raises the first', () => {
    const a = refused(1);
    expect(combinedError([a], false)).toBe(a);
    const b = refused(1);
    expect(combinedError([a, b], false)).toBe(a);
  });

  it('different errors become one OSError("Multiple exceptions: …")', () => {
    const error = combinedError([refused(1), refused(2)], false) as OSError;
    expect(error).toBeInstanceOf(OSError);
    expect(error.message).toBe(
      "Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 1), [Errno 111] Connect call failed ('127.0.0.1', 2)",
    );
    const group = combinedError([refused(1), refused(2)], true) as ExceptionGroup;
    expect(group).toBeInstanceOf(ExceptionGroup);
    expect(group.exceptions).toHaveLength(2);
  });

  it('interleave alternates the families, starting with firstFamilyCount of the first (_interleave_addrinfos)', () => {
    const six = (n: number) => ({ family: 6 as const, address: `::${n}` });
    const four = (n: number) => ({ family: 4 as const, address: `10.0.0.${n}` });
    const infos = [six(1), six(2), six(3), four(1), four(2)];
    expect(interleaveAddresses(infos, 1).map((i) => i.address)).toEqual(['::1', '10.0.0.1', '::2', '10.0.0.2', '::3']);
    expect(interleaveAddresses(infos, 2).map((i) => i.address)).toEqual(['::1', '::2', '10.0.0.1', '::3', '10.0.0.2']);
  });
});

describe('staggeredRace (staggered.py, Happy Eyeballs)', () => {
  /** An attempt that connects (returns a fake socket) or fails after `delay` seconds. */
  function attempt(log: string[], name: string, delay: number, ok: boolean) {
    return function* (): Coroutine<NetSocket> {
      log.push(`start ${name}`);
      try {
        yield* sleep(delay);
      } catch (error) {
        log.push(`cancelled ${name}`);
        throw error;
      }
      if (!ok) {
        log.push(`fail ${name}`);
        throw new OSError(`attempt ${name} failed`, { errno: 111 });
      }
      log.push(`ok ${name}`);
      return { name, destroy: () => log.push(`destroy ${name}`) } as unknown as NetSocket;
    };
  }

  it('starts the next attempt after the delay; the first to connect wins and the others are cancelled', async () => {
    const t = netLoop();
    const log: string[] = [];
    const winner = await t.run(function* () {
      return yield* staggeredRace(t.loop, [attempt(log, 'a', 1, true), attempt(log, 'b', 0.01, true), attempt(log, 'c', 1, true)], 0.02);
    });
    expect((winner as unknown as { name: string }).name).toBe('b');
    expect(log.slice(0, 3)).toEqual(['start a', 'start b', 'ok b']);
    expect(log).toContain('cancelled a');
    expect(log).not.toContain('start c');
  });

  it('starts the next attempt at once when the previous one fails', async () => {
    const t = netLoop();
    const log: string[] = [];
    const started = performance.now();
    const winner = await t.run(function* () {
      return yield* staggeredRace(t.loop, [attempt(log, 'a', 0, false), attempt(log, 'b', 0, true)], 5);
    });
    expect((winner as unknown as { name: string }).name).toBe('b');
    expect(log).toEqual(['start a', 'fail a', 'start b', 'ok b']);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('returns null when every attempt fails', async () => {
    const t = netLoop();
    const log: string[] = [];
    const winner = await t.run(function* () {
      return yield* staggeredRace(t.loop, [attempt(log, 'a', 0, false), attempt(log, 'b', 0.01, false)], 0.001);
    });
    expect(winner).toBeNull();
  });

  it('cancelling the race cancels every running attempt', async () => {
    const t = netLoop();
    const log: string[] = [];
    await t.run(function* () {
      const race = createTask(staggeredRace(t.loop, [attempt(log, 'a', 10, true), attempt(log, 'b', 10, true)], 0.01));
      yield* sleep(0.05);
      race.cancel();
      expect(yield* caught(() => race)).toBeInstanceOf(CancelledError);
      yield* sleep(0);
      yield* sleep(0);
    });
    expect(log).toEqual(['start a', 'start b', 'cancelled a', 'cancelled b']);
  });

  it('a non-OSError of an attempt (a bug) is raised', async () => {
    const t = netLoop();
    const error = await t
      .run(function* () {
        return yield* staggeredRace(
          t.loop,
          [
            function* (): Coroutine<NetSocket> {
              yield* sleep(0);
              throw new TimeoutError('boom');
            },
          ],
          0.01,
        );
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });
});

describe('the transport a connection makes', () => {
  it('is a Transport with the full interface', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(() => new MyProto(), HOST, 0);
      const [host, port] = addressOf(server);
      const [tr]: [Transport, MyProto] = yield* createConnection(() => new MyProto(), host, port);
      for (const method of ['write', 'writelines', 'writeEof', 'canWriteEof', 'abort', 'close', 'isClosing', 'pauseReading', 'resumeReading', 'isReading', 'getExtraInfo', 'setProtocol', 'getProtocol', 'getWriteBufferSize', 'getWriteBufferLimits', 'setWriteBufferLimits']) {
        expect(typeof (tr as unknown as Record<string, unknown>)[method]).toBe('function');
      }
      tr.close();
      server.close();
      server.closeClients();
      yield* server.waitClosed();
    });
  });
});
