/**
 * The umbrella's Node entry: run(), Runner and newEventLoop() make a NodeEventLoop (asyncio's
 * run/Runner/new_event_loop give the platform loop), a loopFactory still wins, and the net layer
 * is reachable through it.
 */
import { describe, expect, it } from 'vitest';
import {
  ConnectionResetError,
  EventLoop,
  getEventLoop,
  getRunningLoop,
  newEventLoop,
  NodeEventLoop,
  OSError,
  run,
  Runner,
  RuntimeError,
  socket,
  sockAccept,
  sockConnect,
  sockRecv,
  sockSendall,
  type Coroutine,
} from '../src/index.node.js';
import { ConnectionResetError as StreamsConnectionResetError } from '@tsyncio/streams';

describe('tsyncio (node): run, Runner and newEventLoop make a NodeEventLoop', () => {
  it('run() runs main on a NodeEventLoop that is the current loop until it closes', async () => {
    let seen: EventLoop | null = null;
    let current: EventLoop | null = null;
    const result = await run(function* (): Coroutine<string> {
      seen = getRunningLoop();
      current = getEventLoop();
      const loop = getRunningLoop();
      if (!(loop instanceof NodeEventLoop)) throw new Error('not a NodeEventLoop');
      yield* loop.getaddrinfo('127.0.0.1', 80);
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toBeInstanceOf(NodeEventLoop);
    expect(current).toBe(seen);
    expect(seen!.isClosed()).toBe(true);
    expect(getEventLoop()).not.toBe(seen);
  });

  it('run() passes debug on, and a loopFactory wins over the Node default', async () => {
    await run(
      function* () {
        expect(getRunningLoop()).toBeInstanceOf(NodeEventLoop);
        expect(getRunningLoop().getDebug()).toBe(true);
      },
      { debug: true },
    );
    const plain = new EventLoop();
    await run(
      function* () {
        expect(getRunningLoop()).toBe(plain);
        expect(getRunningLoop()).not.toBeInstanceOf(NodeEventLoop);
      },
      { loopFactory: () => plain },
    );
    expect(plain.isClosed()).toBe(true);
  });

  it('run() refuses to start inside a running loop', async () => {
    let refused: Promise<unknown> | null = null;
    await run(function* () {
      refused = run((function* (): Coroutine<void> {})());
    });
    await expect(refused).rejects.toThrow(new RuntimeError('run() cannot be called from a running event loop'));
  });

  it('Runner uses one NodeEventLoop for its runs, and unsets it on close()', async () => {
    const runner = new Runner();
    const loop = runner.getLoop();
    expect(loop).toBeInstanceOf(NodeEventLoop);
    expect(getEventLoop()).toBe(loop);
    await runner.run(function* () {
      expect(getRunningLoop()).toBe(loop);
    });
    await runner.close();
    expect(loop.isClosed()).toBe(true);
    expect(getEventLoop()).not.toBe(loop);
    expect(() => new Runner({ loopFactory: 42 as never })).toThrow(TypeError);
  });

  it('newEventLoop() makes a NodeEventLoop', () => {
    const loop = newEventLoop();
    expect(loop).toBeInstanceOf(NodeEventLoop);
    loop.close();
  });

  it('the socket layer works through the umbrella', async () => {
    const received = await run(function* () {
      const listener = socket();
      listener.bind(['127.0.0.1', 0]);
      listener.listen();
      const address = yield* listener.waitBound();
      const client = socket();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(listener);
      yield* sockSendall(client, new TextEncoder().encode('through tsyncio'));
      const data = yield* sockRecv(conn, 100);
      for (const s of [client, conn, listener]) s.close();
      return new TextDecoder().decode(data);
    });
    expect(received).toBe('through tsyncio');
  });

  it("ConnectionResetError is net's: an OSError that the streams layer's instanceof accepts too", () => {
    const error = new ConnectionResetError();
    expect(error).toBeInstanceOf(OSError);
    expect(error).toBeInstanceOf(StreamsConnectionResetError);
    expect(new StreamsConnectionResetError()).toBeInstanceOf(ConnectionResetError);
  });
});
