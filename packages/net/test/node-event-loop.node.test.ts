/**
 * NodeEventLoop: asyncio's `loop.sock_recv(sock, n)` style — every @tsyncio/net function as a
 * method that runs on its own loop — and newEventLoop().
 */
import { describe, expect, it } from 'vitest';
import { EventLoop, RuntimeError } from '@tsyncio/loop';
import { createTask, type Coroutine } from '@tsyncio/futures';
import type { BaseTransport, DatagramProtocol, Protocol, Transport } from '@tsyncio/streams';
import { AI_PASSIVE, newEventLoop, NI_NUMERICHOST, NI_NUMERICSERV, NodeEventLoop, type Server } from '../src/index.js';
import { b, LOCALHOST, runOn, text, tracked } from './sock-helpers.js';

function* catching(coro: Coroutine<unknown>): Coroutine<unknown> {
  try {
    yield* coro;
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const METHODS = [
  'sockConnect',
  'sockAccept',
  'sockRecv',
  'sockRecvInto',
  'sockSendall',
  'sockRecvfrom',
  'sockSendto',
  'sockSendfile',
  'getaddrinfo',
  'getnameinfo',
  'createDatagramEndpoint',
  'createConnection',
  'createServer',
  'createUnixConnection',
  'createUnixServer',
  'startTls',
] as const;

describe('NodeEventLoop', () => {
  it('newEventLoop() makes one; it is an EventLoop with every networking method', () => {
    const loop = newEventLoop({ debug: true });
    expect(loop).toBeInstanceOf(NodeEventLoop);
    expect(loop).toBeInstanceOf(EventLoop);
    expect(loop.getDebug()).toBe(true);
    for (const name of METHODS) expect(typeof loop[name]).toBe('function');
    expect(String(loop)).toBe('<NodeEventLoop running=false closed=false debug=true>');
    loop.close();
  });

  // cf. test_sock_lowlevel.py _basetest_sock_client_ops, in loop.sock_* form
  it('the sock* methods, getaddrinfo and getnameinfo run on the loop', async () => {
    const loop = new NodeEventLoop();
    await runOn(
      function* () {
        const listener = tracked();
        listener.bind([LOCALHOST, 0]);
        listener.listen();
        const address = (yield* listener.waitBound()) as [string, number];
        const infos = yield* loop.getaddrinfo(null, address[1], { family: 4, type: 'stream', flags: AI_PASSIVE });
        expect(infos[0]![4]).toEqual(['0.0.0.0', address[1]]);
        expect(yield* loop.getnameinfo(address, NI_NUMERICHOST | NI_NUMERICSERV)).toEqual([LOCALHOST, String(address[1])]);
        const client = tracked();
        const accepting = createTask(loop.sockAccept(listener));
        yield* loop.sockConnect(client, address);
        const [conn] = yield* accepting;
        yield* loop.sockSendall(client, b('ping'));
        expect(text(yield* loop.sockRecv(conn, 10))).toBe('ping');
        yield* loop.sockSendall(conn, b('pong'));
        const buf = new Uint8Array(10);
        expect(yield* loop.sockRecvInto(client, buf)).toBe(4);
        conn.close();

        const udp = tracked({ type: 'dgram' });
        udp.bind([LOCALHOST, 0]);
        const udpAddress = yield* udp.waitBound();
        const sender = tracked({ type: 'dgram' });
        expect(yield* loop.sockSendto(sender, b('dgram'), udpAddress)).toBe(5);
        const [data] = yield* loop.sockRecvfrom(udp, 100);
        expect(text(data)).toBe('dgram');
      },
      { loop },
    );
    loop.close();
  });

  it('createServer, createConnection and createDatagramEndpoint methods', async () => {
    const loop = new NodeEventLoop();
    await runOn(
      function* () {
        const server: Server = yield* loop.createServer(
          (): Protocol => {
            let transport: Transport | null = null;
            return {
              connectionMade(t: BaseTransport) {
                transport = t as Transport;
              },
              dataReceived(data: Uint8Array) {
                transport?.write(data);
              },
            };
          },
          LOCALHOST,
          0,
        );
        const [, port] = server.sockets[0]!.getsockname() as [string, number];
        const echoed: string[] = [];
        const [transport] = yield* loop.createConnection(
          (): Protocol => ({
            dataReceived(data: Uint8Array) {
              echoed.push(text(data));
            },
          }),
          LOCALHOST,
          port,
        );
        transport.write(b('echo me'));
        while (echoed.join('') !== 'echo me') yield;
        transport.close();
        server.close();
        yield* server.waitClosed();

        const mine: DatagramProtocol = { errorReceived() {} };
        const [udp, protocol] = yield* loop.createDatagramEndpoint(() => mine, { localAddr: [LOCALHOST, 0] });
        expect(protocol).toBe(mine);
        udp.close();
      },
      { loop },
    );
    loop.close();
  });

  it('a method awaited in a task of another loop raises RuntimeError', async () => {
    const owner = new NodeEventLoop();
    await runOn(function* () {
      const error = yield* catching(owner.sockRecv(tracked(), 10));
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toMatch(/^loop\.sockRecv\(\) must be awaited in a task of its own loop, not of <EventLoop/);
      expect(yield* catching(owner.getaddrinfo(LOCALHOST, 80))).toBeInstanceOf(RuntimeError);
    });
    expect(() => owner.sockAccept(tracked()).next()).toThrow(
      new RuntimeError('loop.sockAccept() must be awaited in a task of its loop; no loop is running'),
    );
    owner.close();
  });

  it('startTls through the loop checks its arguments as the function does', async () => {
    const loop = new NodeEventLoop();
    await runOn(
      function* () {
        expect(yield* catching(loop.startTls({} as Transport, {}, true))).toBeInstanceOf(TypeError);
      },
      { loop },
    );
    loop.close();
  });
});
