/**
 * Errors shared by several files of the streams layer (the writer, the flow-control base classes
 * and the pipe transport raise them). Errors raised by one concept only live in its file:
 * `IncompleteReadError` and `LimitOverrunError` are in `stream-reader.ts`.
 *
 * @module
 */
import { brandedHasInstance, CONNECTION_ERROR_BRAND, CONNECTION_RESET_ERROR_BRAND, OS_ERROR_BRAND } from '@tsyncio/loop';

/**
 * The connection was lost or reset by the peer: raised by `StreamWriter.drain()` after the
 * connection is gone ("Connection lost"), and given to `connectionLost()` when a transport is
 * reset. Recognised across installed copies of tsyncio (`instanceof` checks a `Symbol.for` brand),
 * so `@tsyncio/net` raises the same class for `ECONNRESET`.
 *
 * Same as Python's built-in `ConnectionResetError`.
 *
 * Differs from asyncio: an `Error` subclass here; it also carries the brands of `OSError` and
 * `ConnectionError`, so `instanceof` those classes of `@tsyncio/net` (which has Python's
 * hierarchy) is true for it, as for Python's `ConnectionResetError`. Platform transports may set
 * `code` (Node's `'ECONNRESET'`).
 *
 * @example
 * ```ts
 * function* send(writer: StreamWriter, data: Uint8Array): Coroutine<boolean> {
 *   writer.write(data);
 *   try {
 *     yield* writer.drain();
 *     return true;
 *   } catch (e) {
 *     if (e instanceof ConnectionResetError) return false; // the peer went away
 *     throw e;
 *   }
 * }
 * ```
 */
export class ConnectionResetError extends Error {
  override name = 'ConnectionResetError';
  /** A platform error code such as `'ECONNRESET'`, when the error came from the platform. */
  code?: string;

  /** @param message default `'Connection reset by peer'` */
  constructor(message = 'Connection reset by peer', options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.code !== undefined) this.code = options.code;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [CONNECTION_RESET_ERROR_BRAND](): true {
    return true;
  }

  /** @internal it is a ConnectionError (as in Python) */
  get [CONNECTION_ERROR_BRAND](): true {
    return true;
  }

  /** @internal it is an OSError (as in Python) */
  get [OS_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, ConnectionResetError, CONNECTION_RESET_ERROR_BRAND, value);
  }
}
