/**
 * Making client connections: one socket to one address (asyncio's `_connect_sock` +
 * `sock_connect`), the staggered race of Happy Eyeballs (asyncio's `staggered.py`), the one
 * error asyncio raises when every attempt failed, and turning a connected socket into a
 * transport (`_create_connection_transport`).
 *
 * Every coroutine here destroys the sockets it opened when it fails or is cancelled.
 *
 * @module
 */
import { Socket as NetSocket, type IpcNetConnectOpts, type TcpNetConnectOpts } from 'node:net';
import type { EventLoop } from '@tsyncio/loop';
import { createTask, ExceptionGroup, Future, type Coroutine, type Task } from '@tsyncio/futures';
import type { BaseProtocol } from '@tsyncio/streams';
import { formatAddress, fromNodeError, isOSError, OSError } from '../errors.js';
import { SocketTransport } from '../socket-transport.js';
import type { AddrInfo } from './resolve.js';
import { tlsHandshake, type ClientSslOption } from './tls-handshake.js';

function noop(): void {
  // absorbs 'error' events of sockets nobody listens to any more (an unhandled one would crash)
}

/** A new Node socket for a connection (half-open allowed, as every transport needs). */
export function newSocket(): NetSocket {
  const socket = new NetSocket({ allowHalfOpen: true });
  socket.on('error', noop);
  return socket;
}

/**
 * Connect a new socket with `options` and wait for it; `describeError` turns Node's error into
 * the one to raise.
 */
export function* connectOnce(
  loop: EventLoop,
  options: TcpNetConnectOpts | IpcNetConnectOpts,
  describeError: (error: unknown) => unknown,
): Coroutine<NetSocket> {
  const socket = newSocket();
  const future = new Future<void>({ loop });
  const onConnect = (): void => {
    if (!future.done() && !loop.isClosed()) future.setResult(undefined);
  };
  const onError = (error: Error): void => {
    if (!future.done() && !loop.isClosed()) future.setException(describeError(error));
  };
  socket.once('connect', onConnect);
  socket.once('error', onError);
  try {
    socket.connect(options);
    yield* future;
  } catch (error) {
    socket.destroy();
    throw error;
  } finally {
    socket.off('connect', onConnect);
    socket.off('error', onError);
  }
  socket.pause();
  return socket;
}

function familyName(family: 4 | 6): string {
  return family === 6 ? 'AF_INET6' : 'AF_INET';
}

/** asyncio's bind error: "error while attempting to bind on address ('127.0.0.1', 80): [errno 98] address already in use". */
function bindError(error: unknown, local: readonly [string, number]): unknown {
  const plain = fromNodeError(error);
  if (!(plain instanceof OSError) || plain.errno === null) return plain;
  const text = `error while attempting to bind on address ${formatAddress(local)}: ${plain.message.toLowerCase()}`;
  return new OSError(text, {
    errno: plain.errno,
    ...(plain.code === undefined ? {} : { code: plain.code }),
    syscall: 'bind',
    address: local[0],
    port: local[1],
    cause: error,
  });
}

/**
 * Connect to `info`:`port`, from one of `localInfos` of the same family when given (trying the
 * next local address when binding fails). Every error met is appended to `errors`.
 *
 * @throws the last error (an OSError) when it cannot connect.
 */
export function* connectTcp(
  loop: EventLoop,
  info: AddrInfo,
  port: number,
  localInfos: readonly AddrInfo[] | null,
  localPort: number,
  errors: unknown[],
): Coroutine<NetSocket> {
  const target: [string, number] = [info.address, port];
  const connectError = (error: unknown): unknown => {
    const syscall = (error as { syscall?: unknown } | null)?.syscall;
    if (syscall === 'connect') return fromNodeError(error, { message: `Connect call failed ${formatAddress(target)}` });
    return fromNodeError(error);
  };
  if (localInfos === null) {
    try {
      return yield* connectOnce(loop, { host: info.address, port, family: info.family }, connectError);
    } catch (error) {
      if (isOSError(error)) errors.push(error);
      throw error;
    }
  }
  const candidates = localInfos.filter((local) => local.family === info.family);
  if (candidates.length === 0) {
    const error = new OSError(`no matching local address with family=${familyName(info.family)} found`);
    errors.push(error);
    throw error;
  }
  let last: unknown = null;
  for (const local of candidates) {
    const laddr: [string, number] = [local.address, localPort];
    const describe = (error: unknown): unknown => {
      const syscall = (error as { syscall?: unknown } | null)?.syscall;
      return syscall === 'bind' ? bindError(error, laddr) : connectError(error);
    };
    try {
      return yield* connectOnce(
        loop,
        { host: info.address, port, family: info.family, localAddress: local.address, localPort },
        describe,
      );
    } catch (error) {
      if (!isOSError(error)) throw error;
      errors.push(error);
      last = error;
      // only a failed bind moves on to the next local address
      if ((error as OSError).syscall !== 'bind') throw error;
    }
  }
  throw last;
}

/**
 * asyncio's `staggered_race` for Happy Eyeballs (RFC 8305): start the first attempt; start the
 * next one when the previous one failed or `delay` seconds after it started; the first attempt
 * that connects wins, the others are cancelled (their sockets destroyed) and a socket that
 * connected too late is closed.
 *
 * @returns the winning socket, or null when every attempt failed.
 * @throws the first error that is not an OSError (a bug rather than a failed connection).
 */
export function* staggeredRace(
  loop: EventLoop,
  attempts: readonly (() => Coroutine<NetSocket>)[],
  delay: number,
): Coroutine<NetSocket | null> {
  const tasks: Task<NetSocket>[] = [];
  let wake: Future<void> | null = null;
  const notify = (): void => {
    if (wake !== null && !wake.done()) wake.setResult(undefined);
  };
  let next = 0;
  let lastStart = 0;
  const start = (): void => {
    const attempt = attempts[next++] as () => Coroutine<NetSocket>;
    const task = createTask(attempt(), { loop });
    task.addDoneCallback(notify);
    tasks.push(task);
    lastStart = loop.time();
  };
  let winner: NetSocket | null = null;
  try {
    start();
    for (;;) {
      for (const task of tasks) {
        if (task.done() && !task.cancelled() && task.exception() === null) {
          winner = task.result();
          break;
        }
      }
      if (winner !== null) break;
      const previous = tasks[tasks.length - 1] as Task<NetSocket>;
      if (next < attempts.length && (previous.done() || loop.time() >= lastStart + delay)) {
        start();
        continue;
      }
      if (next >= attempts.length && tasks.every((task) => task.done())) break;
      wake = new Future<void>({ loop });
      const timer = next < attempts.length ? loop.callAt(lastStart + delay, notify) : null;
      try {
        yield* wake;
      } finally {
        timer?.cancel();
        wake = null;
      }
    }
  } finally {
    for (const task of tasks) {
      if (!task.done()) {
        task.cancel();
      } else if (!task.cancelled() && task.exception() === null && task.result() !== winner) {
        task.result().destroy();
      }
    }
  }
  if (winner === null) {
    for (const task of tasks) {
      const error = task.cancelled() ? null : task.exception();
      if (error !== null && !isOSError(error)) throw error as Error;
    }
  }
  return winner;
}

/**
 * The error when every attempt failed (asyncio's rules): an ExceptionGroup with `allErrors`;
 * the only error; the first when they all say the same; else one OSError "Multiple exceptions: …".
 */
export function combinedError(errors: readonly unknown[], allErrors: boolean): unknown {
  if (allErrors) return new ExceptionGroup('createConnection failed', errors);
  if (errors.length === 0) return new OSError('createConnection failed: no address could be tried');
  if (errors.length === 1) return errors[0];
  const text = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  const model = text(errors[0]);
  if (errors.every((error) => text(error) === model)) return errors[0];
  return new OSError(`Multiple exceptions: ${errors.map(text).join(', ')}`);
}

/** Options of {@link clientTransport}. */
export interface ClientTransportOptions {
  ssl: ClientSslOption | undefined;
  serverHostname: string | null;
  sslHandshakeTimeout: number | null;
  unix: boolean;
  extra?: Record<string, unknown>;
}

/**
 * asyncio's `_create_connection_transport`: TLS handshake if asked, then the protocol, the
 * transport, and a wait until `connectionMade()` has been called. Destroys the socket (closes the
 * transport) on failure or cancellation.
 */
export function* clientTransport<P extends BaseProtocol>(
  loop: EventLoop,
  socket: NetSocket,
  protocolFactory: () => P,
  options: ClientTransportOptions,
): Coroutine<[SocketTransport, P]> {
  let connected: NetSocket = socket;
  if (options.ssl !== undefined) {
    connected = yield* tlsHandshake(loop, socket, options.ssl, {
      serverSide: false,
      serverHostname: options.serverHostname,
      timeout: options.sslHandshakeTimeout,
    });
  }
  let protocol: P;
  try {
    protocol = protocolFactory();
    if (typeof protocol !== 'object' || protocol === null) {
      throw new TypeError(`protocolFactory() must return a protocol object, got ${String(protocol)}`);
    }
  } catch (error) {
    connected.destroy();
    throw error;
  }
  const waiter = new Future<void>({ loop });
  const transport = new SocketTransport(loop, connected, protocol, {
    waiter,
    tls: options.ssl !== undefined,
    sslContext: options.ssl ?? null,
    unix: options.unix,
    ...(options.extra === undefined ? {} : { extra: options.extra }),
  });
  try {
    yield* waiter;
  } catch (error) {
    transport.close();
    throw error;
  }
  return [transport, protocol];
}
