/**
 * Transports: the byte pipes that protocols talk to. These are interfaces only; the in-memory
 * implementation is `pipe.ts` and the socket one lives in `@tsyncio/net`. Same split and the same
 * contract as asyncio's `transports.py`.
 *
 * ## The contract every transport keeps
 *
 * - It owns one protocol at a time (`setProtocol`/`getProtocol`) and calls it on the loop:
 *   `connectionMade(transport)` first, then `dataReceived(data)` any number of times, then at
 *   most one `eofReceived()`, then `connectionLost(error | null)` exactly once. Nothing is called
 *   after `connectionLost`.
 * - `write()` never blocks and never raises for lack of room: it buffers. When the buffer grows
 *   above the high-water mark the transport calls `protocol.pauseWriting()`; when it drains to
 *   the low-water mark, `protocol.resumeWriting()` (always in that alternation).
 * - `close()` stops reading, sends what is buffered, then calls `connectionLost(null)` — later,
 *   on the loop, never inside `close()`. `abort()` does the same at once, discarding the buffer.
 * - If `eofReceived()` returns true the transport stays half-open (it can still write);
 *   otherwise it closes itself after `eofReceived()` returns.
 *
 * `@tsyncio/streams/testing` checks these rules on any implementation (`checkTransport`).
 *
 * @module
 */
import type { BaseProtocol } from './protocol.js';

/**
 * A network address, as asyncio passes them: a Unix socket path, `[host, port]` for IPv4, or
 * `[host, port, flowInfo, scopeId]` for IPv6.
 *
 * @example
 * ```ts
 * const v4: Address = ['127.0.0.1', 8080];
 * const unix: Address = '/run/app.sock';
 * ```
 */
export type Address =
  | string
  | readonly [host: string, port: number]
  | readonly [host: string, port: number, flowInfo: number, scopeId: number];

/**
 * Options of {@link WriteTransport.setWriteBufferLimits}: asyncio's `high=` / `low=` arguments.
 *
 * @example
 * ```ts
 * transport.setWriteBufferLimits({ high: 256 * 1024, low: 64 * 1024 });
 * ```
 */
export interface WriteBufferLimitsOptions {
  /** High-water mark in bytes (default 64 KiB, or `4 × low` when only `low` is given). */
  high?: number;
  /** Low-water mark in bytes (default `high / 4`, rounded down). */
  low?: number;
}

/**
 * What every transport has. Same as asyncio's `BaseTransport`.
 *
 * @example
 * ```ts
 * const peer = transport.getExtraInfo('peername', null); // null when the transport has no peer name
 * transport.close(); // connectionLost(null) follows on the loop
 * ```
 */
export interface BaseTransport {
  /**
   * Close the transport: stop reading, flush the buffered data, then call the protocol's
   * `connectionLost(null)` on the loop (never synchronously). Calling it again does nothing.
   */
  close(): void;
  /** Whether the transport is closing or closed (`close()` or `abort()` was called, or it failed). */
  isClosing(): boolean;
  /**
   * Optional transport information: `'peername'`, `'sockname'`, `'socket'`, `'sslcontext'`,
   * `'peercert'`, `'cipher'`, `'compression'`, `'pipe'`… whatever the implementation has.
   *
   * @returns the value, or `defaultValue` (undefined by default) when the transport has none.
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  /** Switch to another protocol; the new one gets the following calls (no `connectionMade`). */
  setProtocol(protocol: BaseProtocol): void;
  /** The current protocol. */
  getProtocol(): BaseProtocol;
}

/**
 * The reading half of a transport. Same as asyncio's `ReadTransport`.
 *
 * @example
 * ```ts
 * transport.pauseReading();  // no dataReceived() until resumeReading()
 * transport.pauseReading();  // idempotent
 * transport.isReading();     // false
 * transport.resumeReading();
 * ```
 */
export interface ReadTransport extends BaseTransport {
  /** Whether the transport is receiving (not paused and not closing). */
  isReading(): boolean;
  /** Stop calling `dataReceived()` until {@link resumeReading}. Idempotent. */
  pauseReading(): void;
  /** Resume calling `dataReceived()` (what arrived meanwhile is delivered). Idempotent. */
  resumeReading(): void;
}

/**
 * The writing half of a transport, with write-side flow control. Same as asyncio's
 * `WriteTransport`.
 *
 * @example
 * ```ts
 * transport.setWriteBufferLimits({ high: 1 << 20 }); // low defaults to high / 4
 * transport.write(new TextEncoder().encode('hello'));
 * transport.getWriteBufferSize(); // bytes not sent yet
 * transport.writeEof();           // half-close: the peer sees eofReceived()
 * ```
 */
export interface WriteTransport extends BaseTransport {
  /**
   * Buffer `data` and send it as soon as possible; never blocks. The transport keeps a reference
   * to `data` until it is sent: do not modify the array afterwards.
   *
   * @throws TypeError when `data` is not a Uint8Array. RuntimeError after `writeEof()`.
   */
  write(data: Uint8Array): void;
  /** Write each array of `list` in order (one flow-control check at the end). */
  writelines(list: Iterable<Uint8Array>): void;
  /** Half-close: send the buffered data, then end-of-file. The transport can still receive. */
  writeEof(): void;
  /** Whether {@link writeEof} is supported. */
  canWriteEof(): boolean;
  /** Close at once, discarding the buffered data; `connectionLost(null)` follows on the loop. */
  abort(): void;
  /** Bytes buffered and not sent yet. */
  getWriteBufferSize(): number;
  /** The current `[low, high]` water marks. */
  getWriteBufferLimits(): [low: number, high: number];
  /**
   * Set the water marks; `pauseWriting()` is called if the buffer is already above the new high.
   *
   * @throws RangeError unless `high >= low >= 0`. TypeError when a mark is not a number.
   */
  setWriteBufferLimits(options?: WriteBufferLimitsOptions): void;
}

/**
 * A bidirectional stream transport (TCP, Unix socket, in-memory pipe). Same as asyncio's
 * `Transport`.
 *
 * @example
 * ```ts
 * const [a, b] = connectPipe(clientProtocol, serverProtocol);
 * a.write(new TextEncoder().encode('ping'));
 * ```
 */
export interface Transport extends ReadTransport, WriteTransport {}

/**
 * A datagram transport (UDP). Same as asyncio's `DatagramTransport`.
 *
 * @example
 * ```ts
 * transport.sendto(new TextEncoder().encode('ping'), ['127.0.0.1', 9999]);
 * ```
 */
export interface DatagramTransport extends BaseTransport {
  /** Send one datagram to `addr` (default: the address the transport is connected to). */
  sendto(data: Uint8Array, addr?: Address): void;
  /** Close at once, discarding the buffered datagrams. */
  abort(): void;
}
