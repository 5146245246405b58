// SocketTransport details beyond the conformance suite: callbacks on the loop and in the transport's
// Context, asyncio's fatal-error messages, BufferedProtocol, resets, extra information, writes
// after loss — cf. test_selector_events.py SelectorSocketTransportTests (3.13), on real sockets.
import { connect as netConnect, Socket as NetSocket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { _getRunningLoop, ContextVar, EventLoop, getLogger, RuntimeError, setLogger, type Logger } from '@tsyncio/loop';
import { Future, fromPromise, sleep, type Coroutine } from '@tsyncio/futures';
import type { BaseTransport, BufferedProtocol, Protocol, Transport } from '@tsyncio/streams';
import {
  ConnectionResetError,
  createConnection,
  createServer,
  OSError,
  SocketTransport,
  type Server,
} from '../src/index.js';
import { addressOf, b, concat, HOST, MyProto, netLoop, randomBytes, s, until } from './helpers.js';

/** A server whose connections use `factory`; returns it and a raw Node client connected to it. */
function* serverAndRawClient(factory: () => Protocol | BufferedProtocol, options: { allowHalfOpen?: boolean } = {}): Coroutine<[Server, NetSocket]> {
  const server = yield* createServer(factory, HOST, 0);
  const [, port] = addressOf(server);
  const client = yield* fromPromise(
    new Promise<NetSocket>((resolve, reject) => {
      const socket = netConnect({ host: HOST, port, allowHalfOpen: options.allowHalfOpen ?? false }, () => resolve(socket));
      socket.on('error', reject);
    }),
  );
  client.on('error', () => undefined);
  return [server, client];
}

function* shutdown(server: Server, client: NetSocket): Coroutine<void> {
  client.destroy();
  server.close();
  server.abortClients();
  yield* server.waitClosed();
}

describe('SocketTransport', () => {
  it('calls every protocol callback on the loop, in the Context current when the connection was made', async () => {
    const t = netLoop();
    const seen: string[] = [];
    const request = new ContextVar<string>('request', { default: 'none' });
    await t.run(function* () {
      const server = yield* createServer(() => new MyProto(), HOST, 0);
      const [host, port] = addressOf(server);
      request.set('connection-1');
      const proto = new MyProto();
      const check = (what: string): void => {
        seen.push(`${what}:${_getRunningLoop() === t.loop ? 'loop' : 'OUTSIDE'}:${request.get()}`);
      };
      proto.connectionMade = function (this: MyProto, tr: BaseTransport) {
        check('made');
        MyProto.prototype.connectionMade.call(this, tr);
      };
      proto.dataReceived = function (this: MyProto, data: Uint8Array) {
        check('data');
        MyProto.prototype.dataReceived.call(this, data);
      };
      proto.connectionLost = function (this: MyProto, exc: Error | null) {
        check('lost');
        MyProto.prototype.connectionLost.call(this, exc);
      };
      const [tr] = yield* createConnection(() => proto, host, port);
      request.set('changed later');
      (server._clients.values().next().value as Transport).write(b('ping'));
      yield* until(() => proto.nbytes === 4);
      tr.close();
      yield* until(() => proto.state === 'CLOSED');
      server.close();
      server.closeClients();
      yield* server.waitClosed();
    });
    expect(seen).toEqual(['made:loop:connection-1', 'data:loop:connection-1', 'lost:loop:connection-1']);
  });

  it('has extra info: peername, sockname, the Node socket; no TLS keys', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const [server, client] = yield* serverAndRawClient(() => proto);
      yield* until(() => proto.transport !== null);
      const tr = proto.transport!;
      expect(tr.getExtraInfo('peername')).toEqual([HOST, client.localPort]);
      expect(tr.getExtraInfo('sockname')).toEqual([HOST, client.remotePort]);
      expect(tr.getExtraInfo('socket')).toBeInstanceOf(NetSocket);
      expect(tr.getExtraInfo('sslcontext')).toBeUndefined();
      expect(tr.getExtraInfo('peercert', 'none')).toBe('none');
      expect(tr.canWriteEof()).toBe(true);
      expect((tr as unknown as SocketTransport).toString()).toMatch(/^<SocketTransport fd=\d+ read=polling write=<idle, bufsize=0>>$/);
      yield* shutdown(server, client);
    });
  });

  it('peer end-of-file: eofReceived() returning true keeps the transport open for writing', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      proto.keepOpen = true;
      const [server, client] = yield* serverAndRawClient(() => proto, { allowHalfOpen: true });
      const received: Buffer[] = [];
      const ended = new Future<void>();
      client.on('data', (d: Buffer) => received.push(d));
      client.on('end', () => ended.setResult(undefined));
      client.end('request');
      yield* until(() => proto.state === 'EOF');
      expect(proto.transport!.isClosing()).toBe(false);
      proto.transport!.write(b('reply after eof'));
      proto.transport!.close();
      yield* ended;
      expect(s(concat(received))).toBe('reply after eof');
      yield* until(() => proto.state === 'CLOSED');
      expect(proto.events.join(' ')).toBe('made data eof lost');
      yield* shutdown(server, client);
    });
  });

  it('a dataReceived() that throws is reported with asyncio\'s message and closes the transport with the error', async () => {
    const t = netLoop();
    const boom = new Error('boom');
    await t.run(
      function* () {
        const proto = new MyProto();
        proto.dataReceived = () => {
          throw boom;
        };
        const [server, client] = yield* serverAndRawClient(() => proto);
        client.write('x');
        yield* until(() => proto.state === 'CLOSED');
        expect(proto.lostWith).toBe(boom);
        yield* shutdown(server, client);
      },
      { allowErrors: true },
    );
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]!.message).toBe('Fatal error: protocol.dataReceived() call failed.');
    expect(t.errors[0]!.exception).toBe(boom);
    expect(t.errors[0]!.transport).toBeInstanceOf(SocketTransport);
  });

  it('an eofReceived() that throws is reported (Fatal error: protocol.eofReceived() call failed.)', async () => {
    const t = netLoop();
    await t.run(
      function* () {
        const proto = new MyProto();
        proto.eofReceived = () => {
          throw new Error('eof boom');
        };
        const [server, client] = yield* serverAndRawClient(() => proto);
        client.end();
        yield* until(() => proto.state === 'CLOSED');
        yield* shutdown(server, client);
      },
      { allowErrors: true },
    );
    expect(t.errors.map((e) => e.message)).toEqual(['Fatal error: protocol.eofReceived() call failed.']);
  });

  it('a BufferedProtocol gets the bytes through small buffers, with the remaining size as the hint', async () => {
    const t = netLoop();
    const data = randomBytes(300_000, 7);
    await t.run(function* () {
      const got: Uint8Array[] = [];
      const hints: number[] = [];
      const buffer = new Uint8Array(1000);
      let lost = false;
      const proto: BufferedProtocol = {
        getBuffer(hint) {
          hints.push(hint);
          return buffer;
        },
        bufferUpdated(n) {
          got.push(buffer.slice(0, n));
        },
        connectionLost() {
          lost = true;
        },
      };
      const [server, client] = yield* serverAndRawClient(() => proto);
      client.end(data);
      yield* until(() => lost);
      expect(Buffer.from(concat(got)).equals(data)).toBe(true);
      expect(hints.every((h) => h > 0)).toBe(true);
      expect(Math.max(...hints)).toBeGreaterThan(1000);
      yield* shutdown(server, client);
    });
  });

  it('a getBuffer() that returns an empty buffer is a fatal error', async () => {
    const t = netLoop();
    let lostWith: unknown;
    await t.run(
      function* () {
        const proto: BufferedProtocol = {
          getBuffer: () => new Uint8Array(0),
          bufferUpdated: () => undefined,
          connectionLost(exc) {
            lostWith = exc;
          },
        };
        const [server, client] = yield* serverAndRawClient(() => proto);
        client.write('x');
        yield* until(() => lostWith !== undefined);
        yield* shutdown(server, client);
      },
      { allowErrors: true },
    );
    expect(t.errors.map((e) => e.message)).toEqual(['Fatal error: protocol.getBuffer() call failed.']);
    expect(lostWith).toBeInstanceOf(RuntimeError);
  });

  it('a reset by the peer ends with connectionLost(ConnectionResetError), not reported to the handler', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const [server, client] = yield* serverAndRawClient(() => proto);
      yield* until(() => proto.transport !== null);
      client.resetAndDestroy();
      yield* until(() => proto.state === 'CLOSED');
      expect(proto.lostWith).toBeInstanceOf(ConnectionResetError);
      expect(proto.lostWith).toBeInstanceOf(OSError);
      expect((proto.lostWith as ConnectionResetError).errno).toBe(104);
      expect((proto.lostWith as ConnectionResetError).code).toBe('ECONNRESET');
      expect(proto.transport!.isClosing()).toBe(true);
      yield* shutdown(server, client);
    });
    expect(t.errors).toEqual([]);
  });

  it('write() checks its argument and refuses after writeEof()', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const [server, client] = yield* serverAndRawClient(() => proto);
      yield* until(() => proto.transport !== null);
      const tr = proto.transport!;
      expect(() => {
        tr.write('text' as unknown as Uint8Array);
      }).toThrow(/data argument must be a bytes-like object \(Uint8Array\), not "text"/);
      expect(() => {
        tr.writelines([b('a'), 3 as unknown as Uint8Array]);
      }).toThrow(TypeError);
      tr.write(new Uint8Array(0)); // nothing
      tr.writeEof();
      tr.writeEof(); // idempotent
      expect(() => {
        tr.write(b('late'));
      }).toThrow(new RuntimeError('Cannot call write() after writeEof()'));
      expect(() => {
        tr.writelines([b('late')]);
      }).toThrow(new RuntimeError('Cannot call writelines() after writeEof()'));
      yield* shutdown(server, client);
    });
  });

  it('writes after the connection is lost are ignored, with a warning after the fifth', async () => {
    const t = netLoop();
    const warnings: string[] = [];
    const previous = getLogger();
    const logger: Logger = { ...console, warn: (message: string) => warnings.push(message), debug: () => undefined };
    setLogger(logger);
    try {
      await t.run(function* () {
        const proto = new MyProto();
        const [server, client] = yield* serverAndRawClient(() => proto);
        yield* until(() => proto.transport !== null);
        proto.transport!.abort();
        yield* until(() => proto.state === 'CLOSED');
        for (let i = 0; i < 7; i++) proto.transport!.write(b('x'));
        expect(proto.transport!.getWriteBufferSize()).toBe(0);
        yield* shutdown(server, client);
      });
    } finally {
      setLogger(previous === console ? null : previous);
    }
    expect(warnings).toEqual(['socket.send() raised exception.', 'socket.send() raised exception.', 'socket.send() raised exception.']);
  });

  it('setProtocol() sends the following data to the new protocol', async () => {
    const t = netLoop();
    await t.run(function* () {
      const first = new MyProto();
      const second = new MyProto();
      const [server, client] = yield* serverAndRawClient(() => first);
      client.write('one');
      yield* until(() => first.nbytes === 3);
      first.transport!.setProtocol(second);
      expect(first.transport!.getProtocol()).toBe(second);
      client.write('two');
      yield* until(() => second.nbytes === 3);
      expect(first.nbytes).toBe(3);
      expect(() => {
        first.transport!.setProtocol(null as unknown as MyProto);
      }).toThrow(TypeError);
      yield* shutdown(server, client);
    });
  });

  it('close() inside dataReceived() stops the delivery of what was already received', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      proto.dataReceived = function (this: MyProto, data: Uint8Array) {
        MyProto.prototype.dataReceived.call(this, data);
        this.transport!.close();
      };
      const [server, client] = yield* serverAndRawClient(() => proto);
      // several chunks in one burst
      for (let i = 0; i < 50; i++) client.write(new Uint8Array(70_000));
      yield* until(() => proto.state === 'CLOSED');
      expect(proto.events.filter((e) => e === 'data')).toHaveLength(1);
      expect(proto.lostWith).toBeNull();
      yield* shutdown(server, client);
    });
  });

  it('pauseReading() stops delivery and pushes back on the peer; resumeReading() delivers the rest', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const [server, client] = yield* serverAndRawClient(() => proto);
      yield* until(() => proto.transport !== null);
      proto.transport!.pauseReading();
      expect(proto.transport!.isReading()).toBe(false);
      const chunk = new Uint8Array(1 << 20).fill(7);
      let sent = 0;
      // the peer fills the kernel buffers, then Node buffers: back-pressure
      while (client.writableLength < 4 << 20 && sent < 64 << 20) {
        client.write(chunk);
        sent += chunk.length;
        yield* sleep(0);
      }
      expect(proto.nbytes).toBeLessThan(sent);
      const before = proto.nbytes;
      yield* sleep(0.02);
      expect(proto.nbytes).toBe(before);
      proto.transport!.resumeReading();
      yield* until(() => proto.nbytes === sent);
      yield* shutdown(server, client);
    });
  });

  it('data arriving after the loop was closed destroys the socket instead of crashing', async () => {
    const t = netLoop();
    let client: NetSocket | null = null;
    let server: Server | null = null;
    const proto = new MyProto();
    await t.run(function* () {
      [server, client] = yield* serverAndRawClient(() => proto);
      yield* until(() => proto.transport !== null);
    });
    t.loop.close();
    const closed = new Promise<void>((resolve) => client!.on('close', () => resolve()));
    client!.write('after the loop closed');
    await closed;
    (server as unknown as Server)._listeners?.forEach((l) => l.server.close());
  });
});

describe('SocketTransport over a loop that is not running yet', () => {
  it('needs a running loop to be made (createConnection outside the loop raises)', () => {
    const loop = new EventLoop();
    expect(() => createConnection(() => new MyProto(), HOST, 1).next()).toThrow(RuntimeError);
    loop.close();
  });
});
