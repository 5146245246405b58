/**
 * `startServer()`: asyncio's `streams.start_server()` — a TCP server whose connections arrive as
 * `(reader, writer)` pairs.
 *
 * @module
 */
import { getRunningLoop, type EventLoop } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import { StreamReader, StreamReaderProtocol, type ClientConnectedCallback } from '@tsyncio/streams';
import { createServerAs, SERVER_OPTIONS, type ServerOptions } from './create-server.js';
import { checkFunction } from './internal/options.js';
import { splitLimit } from './open-connection.js';
import type { Server } from './server.js';

/** Options of {@link startServer}: {@link ServerOptions} plus the readers' `limit`. */
export interface StartServerOptions extends ServerOptions {
  /** Each connection's StreamReader limit in bytes (default 64 KiB). */
  limit?: number;
}

/** @internal the protocol factory of a stream server (checks `limit` at once) */
export function streamProtocolFactory(
  loop: EventLoop,
  clientConnected: ClientConnectedCallback,
  limit: number | undefined,
): () => StreamReaderProtocol {
  const readerOptions = limit === undefined ? { loop } : { limit, loop };
  // a bad limit fails here, not at the first connection
  new StreamReader(readerOptions);
  return () => new StreamReaderProtocol(new StreamReader(readerOptions), clientConnected, { loop });
}

/**
 * Start a TCP server: for each connection, `clientConnected(reader, writer)` is called. A
 * `clientConnected` that is a generator function runs as a Task per connection; if that task
 * fails, the error goes to the loop's exception handler and the connection is closed.
 *
 * Same as asyncio's `asyncio.start_server()`: a thin wrapper over `createServer()` with a
 * `StreamReaderProtocol`; every option of `createServer()` applies.
 *
 * @throws what `createServer()` throws; RangeError for a bad `limit`; TypeError when
 * `clientConnected` is not a function.
 *
 * @example
 * ```ts
 * function* handle(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
 *   const line = yield* reader.readline();
 *   writer.write(line);
 *   yield* writer.drain();
 *   writer.close();
 *   yield* writer.waitClosed();
 * }
 * const server = yield* startServer(handle, '127.0.0.1', 8888);
 * yield* server.serveForever();
 * ```
 */
export function* startServer(
  clientConnected: ClientConnectedCallback,
  host: string | readonly string[] | null,
  port: number,
  options?: StartServerOptions,
): Coroutine<Server> {
  checkFunction('startServer', 'clientConnected', clientConnected);
  const [limit, rest] = splitLimit('startServer', options, SERVER_OPTIONS);
  const factory = streamProtocolFactory(getRunningLoop(), clientConnected, limit);
  return yield* createServerAs('startServer', factory, host, port, rest);
}
