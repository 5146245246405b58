/**
 * Protocols: the objects a transport calls when bytes, end-of-file or connection events arrive.
 * Interfaces only, with every callback optional as in asyncio's base classes (whose methods do
 * nothing). Same as asyncio's `protocols.py`.
 *
 * ## Call order (the transport guarantees it; `@tsyncio/streams/testing` checks it)
 *
 * ```
 *   connectionMade ──▶ dataReceived* ──▶ eofReceived? ──▶ connectionLost   (exactly once)
 *                    (pauseWriting ⇄ resumeWriting any time between made and lost)
 * ```
 *
 * - `eofReceived()` returning `true` keeps the transport half-open: it can still write, and the
 *   protocol closes it when done. Any other result makes the transport close itself.
 * - `pauseWriting()` and `resumeWriting()` strictly alternate, starting with a pause.
 * - Errors thrown by a callback go to the loop's exception handler, and the transport is closed
 *   with that error (`connectionLost(error)`).
 *
 * @module
 */
import type { Address, BaseTransport } from './transport.js';

/**
 * Callbacks every protocol may have. Same as asyncio's `BaseProtocol`.
 *
 * @example
 * ```ts
 * const protocol: BaseProtocol = {
 *   connectionMade(transport) { console.log('connected', transport.getExtraInfo('peername')); },
 *   connectionLost(error) { console.log('lost', error ?? 'cleanly'); },
 * };
 * ```
 */
export interface BaseProtocol {
  /** The connection is made; `transport` is the transport to write to. Called once, first. */
  connectionMade?(transport: BaseTransport): void;
  /**
   * The connection is gone: `null` after a regular close or end-of-file, else the error. Called
   * exactly once, last.
   */
  connectionLost?(exc: Error | null): void;
  /** The transport's write buffer went above its high-water mark: stop writing if you can. */
  pauseWriting?(): void;
  /** The write buffer drained to the low-water mark: writing may go on. */
  resumeWriting?(): void;
}

/**
 * A stream protocol: receives bytes through {@link dataReceived}. Same as asyncio's `Protocol`.
 *
 * @example
 * ```ts
 * class Echo implements Protocol {
 *   private transport: Transport | null = null;
 *   connectionMade(transport: Transport) { this.transport = transport; }
 *   dataReceived(data: Uint8Array) { this.transport?.write(data); }
 *   eofReceived() { return false; } // close our side too
 * }
 * ```
 */
export interface Protocol extends BaseProtocol {
  /**
   * Some bytes arrived (any split: the bytes of one `write()` may arrive in pieces, and several
   * writes may arrive together). The array is yours; the transport does not reuse it.
   */
  dataReceived?(data: Uint8Array): void;
  /**
   * The peer sent end-of-file (half-closed). Return `true` to keep the transport open for
   * writing; otherwise the transport closes itself.
   */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  eofReceived?(): boolean | void;
}

/**
 * A stream protocol that receives bytes into its own buffer (no allocation per read): the
 * transport asks for a buffer with {@link getBuffer}, fills a prefix, then calls
 * {@link bufferUpdated}. Same as asyncio's `BufferedProtocol`.
 *
 * @example
 * ```ts
 * class Counter implements BufferedProtocol {
 *   private readonly buffer = new Uint8Array(65536);
 *   total = 0;
 *   getBuffer(_sizeHint: number) { return this.buffer; }
 *   bufferUpdated(nbytes: number) { this.total += nbytes; }
 * }
 * ```
 */
export interface BufferedProtocol extends BaseProtocol {
  /**
   * A non-empty buffer to write received bytes into. `sizeHint` is how many bytes are waiting
   * (−1 when unknown); the buffer may be smaller or larger.
   */
  getBuffer(sizeHint: number): Uint8Array;
  /** The first `nbytes` bytes of the last {@link getBuffer} result were filled. */
  bufferUpdated(nbytes: number): void;
  /** Same as {@link Protocol.eofReceived}. */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  eofReceived?(): boolean | void;
}

/**
 * A datagram (UDP) protocol. Same as asyncio's `DatagramProtocol`.
 *
 * @example
 * ```ts
 * const protocol: DatagramProtocol = {
 *   datagramReceived(data, addr) { console.log(addr, data.length); },
 *   errorReceived(error) { console.error(error); },
 * };
 * ```
 */
export interface DatagramProtocol extends BaseProtocol {
  /** One datagram arrived from `addr`. */
  datagramReceived?(data: Uint8Array, addr: Address): void;
  /** A send or receive failed (e.g. ICMP port unreachable); the transport stays open. */
  errorReceived?(exc: Error): void;
}

/**
 * Whether `protocol` is a {@link BufferedProtocol} (it has `getBuffer` and `bufferUpdated`), so
 * a transport should fill its buffers rather than call `dataReceived`.
 *
 * tsyncio only: asyncio checks `isinstance(protocol, BufferedProtocol)`.
 *
 * @example
 * ```ts
 * if (isBufferedProtocol(protocol)) protocol.bufferUpdated(copyInto(protocol.getBuffer(-1)));
 * ```
 */
export function isBufferedProtocol(protocol: BaseProtocol): protocol is BufferedProtocol {
  const p = protocol as Partial<BufferedProtocol>;
  return typeof p.getBuffer === 'function' && typeof p.bufferUpdated === 'function';
}
