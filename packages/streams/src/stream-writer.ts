/**
 * StreamWriter: a transport wrapped for coroutines — write, then `yield* drain()` to respect
 * flow control; close, then `yield* waitClosed()`.
 *
 * @module
 */
import { describe, getEventLoop, INSPECT, type EventLoop } from '@tsyncio/loop';
import { sleep, type Coroutine, type Future } from '@tsyncio/futures';
import { utf8 } from './internal/utf8.js';
import type { BaseProtocol } from './protocol.js';
import type { StreamReader } from './stream-reader.js';
import type { Transport } from './transport.js';

/**
 * What a {@link StreamWriter} needs from its protocol: a {@link FlowControlProtocol} (such as
 * {@link StreamReaderProtocol}) has both. Same as what asyncio's StreamWriter calls on its
 * protocol (`_drain_helper`, `_get_close_waiter`, `_replace_transport`).
 *
 * @example
 * ```ts
 * const protocol: StreamWriterProtocol = new StreamReaderProtocol(reader);
 * const writer = new StreamWriter(transport, protocol, reader);
 * ```
 */
export interface StreamWriterProtocol {
  /** Wait while the transport has paused writing; raise if the connection is lost. */
  _drainHelper(): Coroutine<void>;
  /** The future that completes when the connection is closed (what waitClosed() waits on). */
  _getCloseWaiter(writer: StreamWriter): Future<void>;
  /**
   * Switch to a new transport (TLS upgrade). Optional: only protocols that support `startTls`
   * have it.
   */
  _replaceTransport?(transport: Transport): void;
}

/** Options of {@link StreamWriter.startTls} (asyncio's keywords). */
export interface StreamWriterStartTlsOptions {
  /** Client side: the name the peer's certificate must match (`''` skips the check). */
  serverHostname?: string;
  /** Seconds the handshake may take (the transport's default otherwise: 60 in `@tsyncio/net`). */
  sslHandshakeTimeout?: number;
}

/**
 * A transport that can upgrade its connection to TLS: `@tsyncio/net`'s socket transport. The
 * streams layer stays platform-neutral and only calls this hook.
 */
export interface TlsUpgradableTransport extends Transport {
  /**
   * Upgrade to TLS and return the transport that replaces this one; `protocol` keeps receiving
   * (no second `connectionMade`).
   */
  _startTls(
    protocol: BaseProtocol,
    sslContext: unknown,
    options: { serverSide: boolean; serverHostname: string | null; sslHandshakeTimeout: number | null },
  ): Coroutine<Transport>;
}

/** Encode a string write as UTF-8; reject anything that is not bytes. */
function toBytes(data: unknown, method: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return utf8(data);
  throw new TypeError(`${method}() data must be a Uint8Array or a string, got ${describe(data)}`);
}

/**
 * The writing side of a stream connection: it wraps a {@link Transport} and adds
 * {@link drain} (wait for room in the write buffer) and {@link waitClosed}. Made for you by
 * `openConnection()`/`startServer()` in `@tsyncio/net`, and by {@link openPipe}.
 *
 * Same as asyncio's `StreamWriter`.
 *
 * Differs from asyncio: `write()` also takes strings (encoded as UTF-8); there is no
 * ResourceWarning for a writer that is garbage-collected unclosed; {@link startTls} works on
 * transports that offer the upgrade (`@tsyncio/net`'s sockets) and takes the platform's TLS
 * options instead of an `ssl.SSLContext`.
 *
 * @example
 * ```ts
 * function* send(writer: StreamWriter, lines: string[]): Coroutine<void> {
 *   for (const line of lines) {
 *     writer.write(`${line}\n`);
 *     yield* writer.drain(); // waits only while the transport's buffer is over its high-water mark
 *   }
 *   writer.close();
 *   yield* writer.waitClosed();
 * }
 * ```
 */
export class StreamWriter {
  /** @internal */
  _transport: Transport;
  /** @internal */
  readonly _protocol: StreamWriterProtocol;
  /** @internal */
  readonly _reader: StreamReader | null;
  /** @internal */
  readonly _loop: EventLoop;

  /**
   * @param transport the transport to write to
   * @param protocol its protocol, which implements drain and close waiting (a StreamReaderProtocol)
   * @param reader the reader of the same connection (drain() re-raises its exception), or null
   * @param loop the loop (default: `getEventLoop()`)
   */
  constructor(transport: Transport, protocol: StreamWriterProtocol, reader: StreamReader | null, loop?: EventLoop) {
    this._transport = transport;
    this._protocol = protocol;
    this._reader = reader;
    this._loop = loop ?? getEventLoop();
  }

  /** The underlying transport. */
  get transport(): Transport {
    return this._transport;
  }

  /**
   * Write `data` (a string is encoded as UTF-8). Never blocks: follow a series of writes with
   * `yield* drain()`. The transport keeps the array until it is sent: do not modify it.
   *
   * @throws TypeError when `data` is neither bytes nor a string. The transport's errors (e.g.
   * RuntimeError after {@link writeEof}).
   */
  write(data: Uint8Array | string): void {
    this._transport.write(toBytes(data, 'write'));
  }

  /** Write every item of `list` in order (strings as UTF-8). */
  writelines(list: Iterable<Uint8Array | string>): void {
    const items: Uint8Array[] = [];
    for (const item of list) items.push(toBytes(item, 'writelines'));
    this._transport.writelines(items);
  }

  /** Half-close: flush, then send end-of-file. Reading goes on. */
  writeEof(): void {
    this._transport.writeEof();
  }

  /** Whether the transport supports {@link writeEof}. */
  canWriteEof(): boolean {
    return this._transport.canWriteEof();
  }

  /** Close the transport (buffered data is still sent). Follow with `yield* waitClosed()`. */
  close(): void {
    this._transport.close();
  }

  /** Whether the transport is closing or closed. */
  isClosing(): boolean {
    return this._transport.isClosing();
  }

  /**
   * Wait until the connection is closed (the protocol's `connectionLost` ran).
   *
   * @throws the error the connection was lost with, if any.
   */
  *waitClosed(): Coroutine<void> {
    yield* this._protocol._getCloseWaiter(this);
  }

  /** The transport's extra information (see {@link BaseTransport.getExtraInfo}). */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return this._transport.getExtraInfo(name, defaultValue);
  }

  /**
   * Wait until it is appropriate to write again: returns at once unless the transport's buffer
   * is above its high-water mark, then waits until it drains to the low-water mark.
   *
   * Same as asyncio's `drain()`: it re-raises the reader's exception first; if the transport is
   * closing it gives the loop one iteration (so `connectionLost` can run) before checking.
   *
   * @throws the reader's exception, if set. ConnectionResetError("Connection lost") once the
   * connection is lost. The connection's error when it is lost while waiting.
   *
   * @example
   * ```ts
   * writer.write(bigChunk);
   * yield* writer.drain();
   * ```
   */
  *drain(): Coroutine<void> {
    const reader = this._reader;
    if (reader !== null) {
      const exc = reader.exception();
      if (exc !== null) throw exc as Error;
    }
    if (this._transport.isClosing()) {
      // let connectionLost() run, so a write()+drain() loop sees a closed connection
      yield* sleep(0);
    }
    yield* this._protocol._drainHelper();
  }

  /**
   * Upgrade the connection to TLS: flush with {@link drain}, then hand the connection to the
   * transport's TLS upgrade and use the new transport from now on (the reader keeps reading,
   * now decrypted). The server side is the end made by a server (whose protocol has a
   * `clientConnected` callback), as in asyncio.
   *
   * `sslContext` is the platform's TLS options: with `@tsyncio/net`, `true` or Node's TLS connect
   * options for a client, Node's TLS server options (`key`, `cert`, …) for a server.
   *
   * Same as asyncio's `StreamWriter.start_tls()` (3.11+).
   *
   * @throws TypeError when the transport cannot upgrade (an in-memory pipe, or already TLS).
   * The handshake's errors (the connection is then closed).
   *
   * @example
   * ```ts
   * writer.write('STARTTLS\r\n');
   * yield* reader.readline(); // the server's go-ahead
   * yield* writer.startTls({ ca: [caPem] }, { serverHostname: 'mail.example.com' });
   * writer.write('EHLO me\r\n'); // encrypted
   * ```
   */
  *startTls(sslContext: unknown, options: StreamWriterStartTlsOptions = {}): Coroutine<void> {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`startTls() options must be an object, got ${describe(options)}`);
    }
    const serverSide = (this._protocol as { _clientConnected?: unknown })._clientConnected != null;
    yield* this.drain();
    const transport = this._transport as Partial<TlsUpgradableTransport>;
    if (typeof transport._startTls !== 'function') {
      throw new TypeError(`transport ${describe(this._transport)} is not supported by startTls()`);
    }
    const upgraded = yield* (transport as TlsUpgradableTransport)._startTls(this._protocol as unknown as BaseProtocol, sslContext, {
      serverSide,
      serverHostname: options.serverHostname ?? null,
      sslHandshakeTimeout: options.sslHandshakeTimeout ?? null,
    });
    this._replaceTransport(upgraded);
  }

  /**
   * @internal Put the TLS transport in place in both the writer and the protocol (what
   * {@link startTls} does after the upgrade).
   */
  _replaceTransport(transport: Transport): void {
    this._transport = transport;
    this._protocol._replaceTransport?.(transport);
  }

  /** `<StreamWriter transport=… reader=…>` (asyncio's repr). */
  toString(): string {
    const info = ['StreamWriter', `transport=${describe(this._transport)}`];
    if (this._reader !== null) info.push(`reader=${String(this._reader)}`);
    return `<${info.join(' ')}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
