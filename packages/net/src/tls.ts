/**
 * `startTls()`: asyncio's `loop.start_tls()` — upgrade a live connection to TLS (STARTTLS-style
 * protocols: SMTP, IMAP, PostgreSQL…).
 *
 * @module
 */
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { describe } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import type { BaseProtocol, Transport } from '@tsyncio/streams';
import { checkOptions, optionalBoolean } from './internal/options.js';

/** Options of {@link startTls} (asyncio's keywords). */
export interface StartTlsOptions {
  /** Act as the TLS server (default false: client). */
  serverSide?: boolean;
  /** Client side: the name the peer's certificate must match; `''` skips the check. */
  serverHostname?: string;
  /** Seconds the handshake may take (default 60). */
  sslHandshakeTimeout?: number;
}

/** What the socket transport offers for the upgrade (kept structural: any transport with the hook works). */
interface TlsUpgradable {
  _startTls(protocol: BaseProtocol, sslContext: unknown, options: StartTlsOptions): Coroutine<Transport>;
}

/**
 * Upgrade the connection of `transport` to TLS and return the new transport: `protocol` (the
 * transport's protocol) now gets the decrypted data from it and writes to it. The protocol gets no
 * second `connectionMade()`. `transport` must not be used any more (its reading controls and
 * `close()` are passed on to the new one).
 *
 * `sslContext` is Node's TLS options: for a client `true` (the default trust store) or
 * `ConnectionOptions` (`ca`, `rejectUnauthorized`, …); for `serverSide` `TlsOptions` (`key`,
 * `cert`, …). Client-side verification of the certificate and host name is on by default.
 *
 * Same as asyncio's `loop.start_tls()`: if the handshake fails (or times out, or the waiting task
 * is cancelled) the connection is closed, the protocol gets `connectionLost()`, and the error is
 * raised.
 *
 * Differs from asyncio: takes Node's TLS options where asyncio takes an `ssl.SSLContext`; no
 * `sslShutdownTimeout`.
 *
 * @throws TypeError when `transport` is not a socket transport (or already TLS), or for bad
 * arguments. SSLError / SSLCertVerificationError / ConnectionAbortedError from the handshake.
 *
 * @example
 * ```ts
 * transport.write(new TextEncoder().encode('STARTTLS\r\n'));
 * // … after the server's go-ahead:
 * const secure = yield* startTls(transport, protocol, { ca: [caPem] }, { serverHostname: 'mail.example.com' });
 * secure.write(new TextEncoder().encode('EHLO me\r\n'));
 * ```
 */
export function* startTls(
  transport: Transport,
  protocol: BaseProtocol,
  sslContext: boolean | ConnectionOptions | TlsOptions,
  options?: StartTlsOptions,
): Coroutine<Transport> {
  const o = checkOptions('startTls', options, ['serverSide', 'serverHostname', 'sslHandshakeTimeout']);
  const serverSide = optionalBoolean('startTls', 'serverSide', o.serverSide) ?? false;
  if (typeof (transport as Partial<TlsUpgradable> | null)?._startTls !== 'function') {
    throw new TypeError(`transport ${describe(transport)} is not supported by startTls()`);
  }
  if (typeof protocol !== 'object' || protocol === null) {
    throw new TypeError(`startTls() protocol must be a protocol object, got ${describe(protocol)}`);
  }
  if (serverSide ? typeof sslContext !== 'object' || sslContext === null : sslContext !== true && (typeof sslContext !== 'object' || sslContext === null)) {
    throw new TypeError(
      `startTls() sslContext must be ${serverSide ? 'an object of TLS server options' : 'true or an object of TLS options'}, got ${describe(sslContext)}`,
    );
  }
  if (o.serverHostname !== undefined && o.serverHostname !== null && typeof o.serverHostname !== 'string') {
    throw new TypeError(`startTls() serverHostname must be a string, got ${describe(o.serverHostname)}`);
  }
  const timeout = o.sslHandshakeTimeout;
  if (timeout !== undefined && timeout !== null && !(typeof timeout === 'number' && timeout > 0)) {
    throw new RangeError(`sslHandshakeTimeout should be a positive number, got ${describe(timeout)}`);
  }
  return yield* (transport as unknown as TlsUpgradable)._startTls(protocol, sslContext, { ...o, serverSide });
}
