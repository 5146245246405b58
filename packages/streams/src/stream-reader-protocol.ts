/**
 * StreamReaderProtocol: the adapter between a transport (protocol callbacks) and a
 * {@link StreamReader} / {@link StreamWriter} pair (coroutines).
 *
 * ## Life of a connection
 *
 * ```
 *   connectionMade(t) ── reader.setTransport(t); with a clientConnected callback: make a
 *                        StreamWriter and call it (a coroutine result runs as a Task)
 *   dataReceived(d)   ── reader.feedData(d)
 *   eofReceived()     ── reader.feedEof(); return true (stay half-open: the writer may go on)
 *   connectionLost(e) ── reader.feedEof() or reader.setException(e); the close waiter completes;
 *                        drain() waiters wake
 * ```
 *
 * @module
 */
import { type EventLoop } from '@tsyncio/loop';
import { createTask, isCoroutine, type Coroutine, Future, type Task } from '@tsyncio/futures';
import { FlowControlProtocol } from './flow-control.js';
import type { BaseTransport, Transport } from './transport.js';
import type { StreamReader } from './stream-reader.js';
import { StreamWriter } from './stream-writer.js';

/**
 * The callback a server gives for each connection: called with the connection's reader and
 * writer. A coroutine (a `function*`) runs as a Task. Same as asyncio's `client_connected_cb`.
 *
 * @example
 * ```ts
 * const handle: ClientConnectedCallback = function* (reader, writer) {
 *   writer.write(yield* reader.readline());
 *   writer.close();
 * };
 * ```
 */
export type ClientConnectedCallback = (reader: StreamReader, writer: StreamWriter) => Coroutine<void> | void;

/**
 * Options for {@link StreamReaderProtocol} (asyncio's `loop=` argument).
 *
 * @example
 * ```ts
 * new StreamReaderProtocol(reader, null, { loop });
 * ```
 */
export interface StreamReaderProtocolOptions {
  /** The loop (default: the reader's loop). */
  loop?: EventLoop;
}

/**
 * A {@link Protocol} that feeds a {@link StreamReader} and, for servers, calls
 * `clientConnected(reader, writer)` when the connection is made. `@tsyncio/net` builds
 * `openConnection()`/`startServer()` on it; {@link openPipe} does the same in memory.
 *
 * Same as asyncio's `StreamReaderProtocol` (3.12+): when `clientConnected` returns a coroutine it
 * runs as a Task; if that task fails, the failure goes to the loop's exception handler
 * ("Unhandled exception in clientConnected") and the transport is closed; if it is cancelled,
 * the transport is closed.
 *
 * Differs from asyncio: holds the reader strongly (asyncio uses a weak reference); no TLS
 * detection yet beyond the `sslcontext` extra info (`eofReceived()` returns false over TLS).
 *
 * @example
 * ```ts
 * const reader = new StreamReader({ loop });
 * const protocol = new StreamReaderProtocol(reader);
 * const [transport] = connectPipe(protocol, echoServerProtocol);
 * const writer = new StreamWriter(transport, protocol, reader, loop);
 * ```
 */
export class StreamReaderProtocol extends FlowControlProtocol {
  /** @internal */
  _streamReader: StreamReader | null;
  /** @internal */
  readonly _clientConnected: ClientConnectedCallback | null;
  /** @internal the task running clientConnected's coroutine */
  _task: Task<void> | null = null;
  /** @internal */
  _transport: Transport | null = null;
  /** @internal */
  _overSsl = false;
  /** @internal completes when the connection is lost (waitClosed) */
  readonly _closed: Future<void>;

  /**
   * @param reader the reader to feed
   * @param clientConnected for servers: called with `(reader, writer)` once connected
   */
  constructor(reader: StreamReader, clientConnected?: ClientConnectedCallback | null, options: StreamReaderProtocolOptions = {}) {
    super({ loop: options.loop ?? reader._loop });
    if (clientConnected !== undefined && clientConnected !== null && typeof clientConnected !== 'function') {
      throw new TypeError('StreamReaderProtocol clientConnected must be a function');
    }
    this._streamReader = reader;
    this._clientConnected = clientConnected ?? null;
    this._closed = new Future<void>({ loop: this._loop });
  }

  /** @internal switch to a new transport (after a TLS upgrade) */
  _replaceTransport(transport: Transport): void {
    this._transport = transport;
    this._overSsl = transport.getExtraInfo('sslcontext') != null;
  }

  /** Give the reader its transport; for a server connection, call `clientConnected(reader, writer)`. */
  connectionMade(transport: BaseTransport): void {
    const t = transport as Transport;
    this._transport = t;
    const reader = this._streamReader;
    if (reader !== null) reader.setTransport(t);
    this._overSsl = t.getExtraInfo('sslcontext') != null;
    const callback = this._clientConnected;
    if (callback === null || reader === null) return;
    const writer = new StreamWriter(t, this, reader, this._loop);
    const result = callback(reader, writer);
    if (!isCoroutine(result)) return;
    const loop = this._loop;
    const task = createTask(result, { loop });
    this._task = task;
    task.addDoneCallback((done) => {
      if (done.cancelled()) {
        t.close();
        return;
      }
      const exc = done.exception();
      if (exc !== null) {
        loop.callExceptionHandler({
          message: 'Unhandled exception in clientConnected',
          exception: exc,
          transport: t,
        });
        t.close();
      }
    });
  }

  /** End the reader (with the error, if any), complete the close waiter and wake the drains. */
  override connectionLost(exc: Error | null): void {
    const reader = this._streamReader;
    if (reader !== null) {
      if (exc === null) reader.feedEof();
      else reader.setException(exc);
    }
    const closed = this._closed;
    if (!closed.done()) {
      if (exc === null) {
        closed.setResult(undefined);
      } else {
        closed.setException(exc);
        // nobody has to wait for the close: never report this error as unretrieved
        closed.exception();
      }
    }
    super.connectionLost(exc);
    this._streamReader = null;
    this._task = null;
    this._transport = null;
  }

  /** Feed the reader. */
  dataReceived(data: Uint8Array): void {
    this._streamReader?.feedData(data);
  }

  /** Feed end-of-file to the reader; stay half-open (true) unless over TLS. */
  eofReceived(): boolean {
    this._streamReader?.feedEof();
    return !this._overSsl;
  }

  /** @internal what StreamWriter.waitClosed() waits on */
  override _getCloseWaiter(_writer: unknown): Future<void> {
    return this._closed;
  }
}
