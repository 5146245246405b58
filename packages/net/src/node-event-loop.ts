/**
 * `NodeEventLoop`: the event loop with asyncio's networking methods — `loop.sock_recv(sock, n)`,
 * `loop.create_connection(...)`, `loop.getaddrinfo(...)` and the rest — for code written in
 * asyncio's `loop.*` style. Each method is the `@tsyncio/net` function of the same name, run on
 * this loop. `newEventLoop()` here makes one; the `tsyncio` umbrella's `run()`, `Runner` and
 * `newEventLoop()` use it on Node.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises';
import { _getRunningLoop, EventLoop, RuntimeError, type EventLoopOptions } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import type { Address, BaseProtocol, DatagramProtocol, Transport } from '@tsyncio/streams';
import { createConnection } from './create-connection.js';
import { createServer } from './create-server.js';
import { createDatagramEndpoint, type CreateDatagramEndpointOptions, type DatagramSocketTransport } from './datagram-transport.js';
import { getaddrinfo, getnameinfo, type AddrInfo, type GetaddrinfoOptions, type InetAddress } from './dns.js';
import {
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvfrom,
  sockRecvInto,
  sockSendall,
  sockSendfile,
  sockSendto,
} from './sock-api.js';
import type { Socket } from './socket.js';
import { startTls } from './tls.js';
import { createUnixConnection, createUnixServer } from './unix.js';

/**
 * An event loop with asyncio's networking methods: `loop.sockRecv(sock, n)`,
 * `loop.sockSendall(sock, data)`, `loop.createConnection(...)`, `loop.createServer(...)`,
 * `loop.createUnixConnection/Server(...)`, `loop.createDatagramEndpoint(...)`,
 * `loop.startTls(...)`, `loop.getaddrinfo(...)`, `loop.getnameinfo(...)` and the other `sock*`
 * functions. Each method returns the coroutine of the `@tsyncio/net` function of the same name,
 * which must run on this loop.
 *
 * Same as asyncio's loop methods (a `SelectorEventLoop`'s, on Node). Differs from asyncio: the
 * functions also exist on their own (`yield* sockRecv(sock, n)`), and those are the primary
 * API; a method awaited from a task of another loop raises RuntimeError when it starts.
 *
 * @example
 * ```ts
 * await run(function* () {
 *   const loop = getRunningLoop() as NodeEventLoop;   // run() of the 'tsyncio' package makes one on Node
 *   const [transport, protocol] = yield* loop.createDatagramEndpoint(() => new Ping(), { remoteAddr: ['127.0.0.1', 9999] });
 * });
 * ```
 */
export class NodeEventLoop extends EventLoop {
  /** @internal RuntimeError unless this loop is the one running */
  _checkRunningHere(method: string): void {
    const running = _getRunningLoop();
    if (running !== this) {
      throw new RuntimeError(
        running === null
          ? `loop.${method}() must be awaited in a task of its loop; no loop is running`
          : `loop.${method}() must be awaited in a task of its own loop, not of ${String(running)}`,
      );
    }
  }

  /** {@link sockRecv} on this loop. */
  *sockRecv(sock: Socket, nbytes: number): Coroutine<Uint8Array> {
    this._checkRunningHere('sockRecv');
    return yield* sockRecv(sock, nbytes);
  }

  /** {@link sockRecvInto} on this loop. */
  *sockRecvInto(sock: Socket, buf: Uint8Array): Coroutine<number> {
    this._checkRunningHere('sockRecvInto');
    return yield* sockRecvInto(sock, buf);
  }

  /** {@link sockRecvfrom} on this loop. */
  *sockRecvfrom(sock: Socket, bufsize: number): Coroutine<[Uint8Array, Address]> {
    this._checkRunningHere('sockRecvfrom');
    return yield* sockRecvfrom(sock, bufsize);
  }

  /** {@link sockSendall} on this loop. */
  *sockSendall(sock: Socket, data: Uint8Array): Coroutine<void> {
    this._checkRunningHere('sockSendall');
    yield* sockSendall(sock, data);
  }

  /** {@link sockSendto} on this loop. */
  *sockSendto(sock: Socket, data: Uint8Array, address: Address): Coroutine<number> {
    this._checkRunningHere('sockSendto');
    return yield* sockSendto(sock, data, address);
  }

  /** {@link sockConnect} on this loop. */
  *sockConnect(sock: Socket, address: Address): Coroutine<void> {
    this._checkRunningHere('sockConnect');
    yield* sockConnect(sock, address);
  }

  /** {@link sockAccept} on this loop. */
  *sockAccept(sock: Socket): Coroutine<[Socket, Address]> {
    this._checkRunningHere('sockAccept');
    return yield* sockAccept(sock);
  }

  /** {@link sockSendfile} on this loop. */
  *sockSendfile(sock: Socket, file: string | FileHandle, offset?: number, count?: number | null): Coroutine<number> {
    this._checkRunningHere('sockSendfile');
    return yield* sockSendfile(sock, file, offset, count);
  }

  /** {@link getaddrinfo} on this loop. */
  *getaddrinfo(host: string | null, port: number | string | null, options?: GetaddrinfoOptions): Coroutine<AddrInfo[]> {
    this._checkRunningHere('getaddrinfo');
    return yield* getaddrinfo(host, port, options);
  }

  /** {@link getnameinfo} on this loop. */
  *getnameinfo(sockaddr: InetAddress, flags?: number): Coroutine<[host: string, service: string]> {
    this._checkRunningHere('getnameinfo');
    return yield* getnameinfo(sockaddr, flags);
  }

  /** {@link createDatagramEndpoint} on this loop. */
  *createDatagramEndpoint<P extends DatagramProtocol>(
    protocolFactory: () => P,
    options?: CreateDatagramEndpointOptions,
  ): Coroutine<[DatagramSocketTransport, P]> {
    this._checkRunningHere('createDatagramEndpoint');
    return yield* createDatagramEndpoint(protocolFactory, options);
  }

  /** `createConnection()` on this loop. */
  *createConnection<P extends BaseProtocol>(
    protocolFactory: () => P,
    host: string,
    port: number,
    options?: Parameters<typeof createConnection>[3],
  ): Coroutine<[Transport, P]> {
    this._checkRunningHere('createConnection');
    return yield* createConnection(protocolFactory, host, port, options);
  }

  /** `createServer()` on this loop. */
  *createServer(...args: Parameters<typeof createServer>): ReturnType<typeof createServer> {
    this._checkRunningHere('createServer');
    return yield* createServer(...args);
  }

  /** `createUnixConnection()` on this loop. */
  *createUnixConnection<P extends BaseProtocol>(
    protocolFactory: () => P,
    path: string,
    options?: Parameters<typeof createUnixConnection>[2],
  ): Coroutine<[Transport, P]> {
    this._checkRunningHere('createUnixConnection');
    return yield* createUnixConnection(protocolFactory, path, options);
  }

  /** `createUnixServer()` on this loop. */
  *createUnixServer(...args: Parameters<typeof createUnixServer>): ReturnType<typeof createUnixServer> {
    this._checkRunningHere('createUnixServer');
    return yield* createUnixServer(...args);
  }

  /** `startTls()` on this loop. */
  *startTls(...args: Parameters<typeof startTls>): ReturnType<typeof startTls> {
    this._checkRunningHere('startTls');
    return yield* startTls(...args);
  }
}

/**
 * A new {@link NodeEventLoop}: asyncio's `new_event_loop()` on Node, with the networking
 * methods. The `tsyncio` umbrella exports it as `newEventLoop` under the `node` condition.
 *
 * @example
 * ```ts
 * const loop = newEventLoop();
 * const infos = await loop.runUntilComplete(createTask(loop.getaddrinfo('localhost', 80), { loop }));
 * loop.close();
 * ```
 */
export function newEventLoop(options?: Omit<EventLoopOptions, 'selfRunning'>): NodeEventLoop {
  return new NodeEventLoop(options);
}
