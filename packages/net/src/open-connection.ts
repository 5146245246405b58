/**
 * `openConnection()`: asyncio's `streams.open_connection()` — a TCP connection as a
 * `[StreamReader, StreamWriter]` pair.
 *
 * @module
 */
import { getRunningLoop } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import { StreamReader, StreamReaderProtocol, StreamWriter } from '@tsyncio/streams';
import { CONNECT_OPTIONS, createConnectionAs, type ConnectOptions } from './create-connection.js';
import { checkOptions } from './internal/options.js';

/** Options of {@link openConnection}: {@link ConnectOptions} plus the reader's `limit`. */
export interface OpenConnectionOptions extends ConnectOptions {
  /** The StreamReader's limit in bytes (default 64 KiB): the longest line, and the read-ahead before pausing. */
  limit?: number;
}

/** @internal */
export function splitLimit<T extends { limit?: number }>(fn: string, options: T | undefined, allowed: readonly string[]): [number | undefined, Omit<T, 'limit'>] {
  const o = checkOptions(fn, options, [...allowed, 'limit']) as T;
  const { limit, ...rest } = o;
  return [limit, rest];
}

/**
 * Connect to `host`:`port` and return the connection's `[reader, writer]`.
 *
 * Same as asyncio's `asyncio.open_connection()`: a thin wrapper over `createConnection()` with a
 * `StreamReaderProtocol`; every option of `createConnection()` applies (`ssl`, `localAddr`,
 * `happyEyeballsDelay`, …).
 *
 * @throws what `createConnection()` throws; RangeError for a bad `limit`.
 *
 * @example
 * ```ts
 * function* client(port: number): Coroutine<string> {
 *   const [reader, writer] = yield* openConnection('127.0.0.1', port);
 *   writer.write('hello\n');
 *   yield* writer.drain();
 *   const line = yield* reader.readline();
 *   writer.close();
 *   yield* writer.waitClosed();
 *   return new TextDecoder().decode(line);
 * }
 * ```
 */
export function* openConnection(
  host: string,
  port: number,
  options?: OpenConnectionOptions,
): Coroutine<[StreamReader, StreamWriter]> {
  const [limit, rest] = splitLimit('openConnection', options, CONNECT_OPTIONS);
  const loop = getRunningLoop();
  const reader = new StreamReader(limit === undefined ? { loop } : { limit, loop });
  const protocol = new StreamReaderProtocol(reader, null, { loop });
  const [transport] = yield* createConnectionAs('openConnection', () => protocol, host, port, rest);
  return [reader, new StreamWriter(transport, protocol, reader, loop)];
}
