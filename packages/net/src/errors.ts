/**
 * The errors of the network layer: Python's `OSError` family as asyncio raises it, built from
 * Node's system errors (`err.code`, `err.errno`, `err.syscall`, `err.address`, `err.port`).
 *
 * ## The hierarchy (as in Python)
 *
 * ```
 *   OSError
 *   ├── ConnectionError
 *   │   ├── ConnectionRefusedError   ECONNREFUSED
 *   │   ├── ConnectionResetError     ECONNRESET   (the streams layer's class, extended)
 *   │   ├── ConnectionAbortedError   ECONNABORTED, TLS handshake timeout
 *   │   └── BrokenPipeError          EPIPE, ESHUTDOWN
 *   ├── SSLError                     TLS failures (ERR_SSL_…)
 *   │   └── SSLCertVerificationError certificate or host name rejected
 *   └── (TimeoutError)               ETIMEDOUT: the futures layer's TimeoutError, also an OSError
 * ```
 *
 * Every class is recognised by a `Symbol.for` brand (DESIGN §6), so `instanceof` works across
 * installed copies. JavaScript has single inheritance; brands give the two cases where Python's
 * classes have two parents: `@tsyncio/streams`' `ConnectionResetError` (raised by `drain()`) is
 * an `OSError` and a `ConnectionError` here, and an `ETIMEDOUT` error is both the futures layer's
 * `TimeoutError` and an `OSError`.
 *
 * @module
 */
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import {
  brandedHasInstance,
  BROKEN_PIPE_ERROR_BRAND,
  CONNECTION_ABORTED_ERROR_BRAND,
  CONNECTION_ERROR_BRAND,
  CONNECTION_REFUSED_ERROR_BRAND,
  CONNECTION_RESET_ERROR_BRAND,
  hasBrand,
  OS_ERROR_BRAND,
  SSL_CERT_VERIFICATION_ERROR_BRAND,
  SSL_ERROR_BRAND,
} from '@tsyncio/loop';
import { TimeoutError } from '@tsyncio/futures';
import { ConnectionResetError as StreamsConnectionResetError, type Address } from '@tsyncio/streams';

/** Options of {@link OSError} and its subclasses: the details Node gives with a system error. */
export interface OSErrorOptions {
  /**
   * The positive POSIX error number (Python's `errno`; Node's `err.errno` is its negation). When
   * given, the message reads `[Errno N] <message>` and `strerror` is the message, as in Python.
   */
  errno?: number | null;
  /** Node's error code: `'ECONNREFUSED'`, `'EADDRINUSE'`, … */
  code?: string;
  /** The system call that failed (`'connect'`, `'read'`, `'listen'`, …). */
  syscall?: string;
  /** The address involved, when there is one. */
  address?: string;
  /** The port involved, when there is one. */
  port?: number;
  /** The file involved (a Unix socket path), when there is one. */
  filename?: string;
  /** The original error (Node's), kept as `cause`. */
  cause?: unknown;
}

/** The fields every error of the OSError family carries. */
interface OSErrorFields {
  errno: number | null;
  strerror: string | null;
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  filename?: string;
}

function errorMessage(message: string, options: OSErrorOptions | undefined): string {
  const errno = options?.errno;
  return typeof errno === 'number' ? `[Errno ${errno}] ${message}` : message;
}

function errorOptions(options: OSErrorOptions | undefined): { cause: unknown } | undefined {
  return options?.cause === undefined ? undefined : { cause: options.cause };
}

function setFields(target: OSErrorFields, message: string, options: OSErrorOptions | undefined): void {
  const errno = options?.errno;
  target.errno = typeof errno === 'number' ? errno : null;
  target.strerror = typeof errno === 'number' ? message : null;
  if (options === undefined) return;
  if (options.code !== undefined) target.code = options.code;
  if (options.syscall !== undefined) target.syscall = options.syscall;
  if (options.address !== undefined) target.address = options.address;
  if (options.port !== undefined) target.port = options.port;
  if (options.filename !== undefined) target.filename = options.filename;
}

/**
 * A system error: a failed connect, bind, read or write. Carries Python's `errno` and `strerror`
 * and Node's `code`, `syscall`, `address` and `port`.
 *
 * `instanceof OSError` is also true for every `ConnectionResetError` (including the streams
 * layer's "Connection lost" from `drain()`), as in Python.
 *
 * Same as Python's `OSError` (with `errno` and `strerror`).
 *
 * Differs from Python: `new OSError(...)` does not pick a subclass from the errno; the network
 * functions raise the right subclass themselves. Node's `code` is kept beside `errno`.
 *
 * @example
 * ```ts
 * try {
 *   yield* openConnection('127.0.0.1', port);
 * } catch (e) {
 *   if (e instanceof ConnectionRefusedError) console.log('nobody listens on', port);
 *   else if (e instanceof OSError) console.log(e.code, e.errno, e.strerror);
 *   else throw e;
 * }
 * ```
 */
export class OSError extends Error implements OSErrorFields {
  override name = 'OSError';
  /** The positive POSIX error number, or null. */
  errno!: number | null;
  /** The error's description without the `[Errno N]` prefix, or null when there is no errno. */
  strerror!: string | null;
  /** Node's error code (`'ECONNREFUSED'`, …), when the error came from Node. */
  code?: string;
  /** The system call that failed. */
  syscall?: string;
  /** The address involved. */
  address?: string;
  /** The port involved. */
  port?: number;
  /** The file involved (a Unix socket path). */
  filename?: string;

  /**
   * @param message what went wrong (Python's `strerror` when `options.errno` is given)
   * @param options the system error's details
   */
  constructor(message: string, options?: OSErrorOptions) {
    super(errorMessage(message, options), errorOptions(options));
    setFields(this, message, options);
  }

  /** @internal brand for cross-copy `instanceof` */
  get [OS_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === OSError) return hasBrand(value, OS_ERROR_BRAND) || hasBrand(value, CONNECTION_RESET_ERROR_BRAND);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * A connection-related system error: the base of {@link ConnectionRefusedError},
 * {@link ConnectionResetError}, {@link ConnectionAbortedError} and {@link BrokenPipeError}.
 *
 * Same as Python's `ConnectionError`.
 */
export class ConnectionError extends OSError {
  override name = 'ConnectionError';

  /** @internal brand for cross-copy `instanceof` */
  get [CONNECTION_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ConnectionError) {
      return hasBrand(value, CONNECTION_ERROR_BRAND) || hasBrand(value, CONNECTION_RESET_ERROR_BRAND);
    }
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/**
 * Nobody listens at the address (`ECONNREFUSED`). Same as Python's `ConnectionRefusedError`.
 *
 * @example
 * ```ts
 * try { yield* openConnection('127.0.0.1', 1); } catch (e) { if (!(e instanceof ConnectionRefusedError)) throw e; }
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {
  override name = 'ConnectionRefusedError';

  /** @internal brand for cross-copy `instanceof` */
  get [CONNECTION_REFUSED_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, ConnectionRefusedError, CONNECTION_REFUSED_ERROR_BRAND, value);
  }
}

/**
 * The connection was aborted (`ECONNABORTED`), or a TLS handshake took longer than its timeout.
 * Same as Python's `ConnectionAbortedError`.
 */
export class ConnectionAbortedError extends ConnectionError {
  override name = 'ConnectionAbortedError';

  /** @internal brand for cross-copy `instanceof` */
  get [CONNECTION_ABORTED_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, ConnectionAbortedError, CONNECTION_ABORTED_ERROR_BRAND, value);
  }
}

/**
 * Writing to a connection whose other end is closed (`EPIPE`, `ESHUTDOWN`). Same as Python's
 * `BrokenPipeError`.
 */
export class BrokenPipeError extends ConnectionError {
  override name = 'BrokenPipeError';

  /** @internal brand for cross-copy `instanceof` */
  get [BROKEN_PIPE_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, BrokenPipeError, BROKEN_PIPE_ERROR_BRAND, value);
  }
}

/**
 * The peer reset the connection (`ECONNRESET`). This class extends `@tsyncio/streams`'
 * `ConnectionResetError` (what `StreamWriter.drain()` raises once a connection is lost), and
 * `instanceof` accepts instances of either class in both directions; it is also an
 * {@link OSError} and a {@link ConnectionError}, and carries their fields.
 *
 * Same as Python's `ConnectionResetError`.
 *
 * @example
 * ```ts
 * try { yield* writer.drain(); } catch (e) { if (e instanceof ConnectionResetError) return; throw e; }
 * ```
 */
export class ConnectionResetError extends StreamsConnectionResetError implements OSErrorFields {
  override name = 'ConnectionResetError';
  /** The positive POSIX error number, or null. */
  errno!: number | null;
  /** The error's description without the `[Errno N]` prefix, or null. */
  strerror!: string | null;
  /** The system call that failed. */
  syscall?: string;
  /** The address involved. */
  address?: string;
  /** The port involved. */
  port?: number;
  /** The file involved. */
  filename?: string;

  /**
   * @param message default `'Connection reset by peer'`
   * @param options the system error's details
   */
  constructor(message = 'Connection reset by peer', options?: OSErrorOptions) {
    super(
      errorMessage(message, options),
      options?.code === undefined ? errorOptions(options) : { ...errorOptions(options), code: options.code },
    );
    setFields(this, message, options);
  }

  /** @internal brand: an OSError too */
  override get [OS_ERROR_BRAND](): true {
    return true;
  }

  /** @internal brand: a ConnectionError too */
  override get [CONNECTION_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // the streams layer's class and this one accept each other's instances
    return brandedHasInstance(this, ConnectionResetError, CONNECTION_RESET_ERROR_BRAND, value);
  }
}

/**
 * A TLS error (`ERR_SSL_…` from Node's OpenSSL). `reason` is OpenSSL's reason code in Python's
 * spelling (`'WRONG_VERSION_NUMBER'`, `'TLSV1_ALERT_UNKNOWN_CA'`, `'CERTIFICATE_VERIFY_FAILED'`).
 *
 * Same as Python's `ssl.SSLError` (an OSError).
 */
export class SSLError extends OSError {
  override name = 'SSLError';
  /** OpenSSL's reason, e.g. `'CERTIFICATE_VERIFY_FAILED'`; null when unknown. */
  reason: string | null = null;

  /** @internal brand for cross-copy `instanceof` */
  get [SSL_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, SSLError, SSL_ERROR_BRAND, value);
  }
}

/**
 * The peer's certificate was rejected: not trusted, expired, or not valid for the host name.
 * `verifyCode` is Node's code (`'DEPTH_ZERO_SELF_SIGNED_CERT'`, `'ERR_TLS_CERT_ALTNAME_INVALID'`, …)
 * and `verifyMessage` its description; `reason` is `'CERTIFICATE_VERIFY_FAILED'`.
 *
 * Same as Python's `ssl.SSLCertVerificationError` (alias `ssl.CertificateError`).
 *
 * Differs from Python: `verifyCode` is Node's string code, not OpenSSL's number.
 */
export class SSLCertVerificationError extends SSLError {
  override name = 'SSLCertVerificationError';
  /** Node's verification code, e.g. `'DEPTH_ZERO_SELF_SIGNED_CERT'`. */
  verifyCode: string | null = null;
  /** What was wrong with the certificate, e.g. `'self-signed certificate'`. */
  verifyMessage: string | null = null;

  /** @internal brand for cross-copy `instanceof` */
  get [SSL_CERT_VERIFICATION_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, SSLCertVerificationError, SSL_CERT_VERIFICATION_ERROR_BRAND, value);
  }
}

/**
 * @internal An `ETIMEDOUT` error: the futures layer's `TimeoutError` (so `instanceof TimeoutError`
 * holds, as Python's TimeoutError is an OSError) that is an {@link OSError} too.
 */
export class SocketTimeoutError extends TimeoutError implements OSErrorFields {
  override name = 'TimeoutError';
  errno!: number | null;
  strerror!: string | null;
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  filename?: string;

  constructor(message: string, options?: OSErrorOptions) {
    super(errorMessage(message, options), errorOptions(options));
    setFields(this, message, options);
  }

  /** @internal brand: an OSError too */
  get [OS_ERROR_BRAND](): true {
    return true;
  }
}

// ---------------------------------------------------------------- from Node's errors

/** Node's codes for a rejected certificate (OpenSSL's X509 verification results, and the host name check). */
const CERT_VERIFY_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Resolver failures (Python's `socket.gaierror`): Node's code → [Python's EAI number, message]. */
const GAI_ERRORS: Record<string, [number, string]> = {
  ENOTFOUND: [-2, 'Name or service not known'],
  EAI_NONAME: [-2, 'Name or service not known'],
  EAI_AGAIN: [-3, 'Temporary failure in name resolution'],
  EAI_FAIL: [-4, 'Non-recoverable failure in name resolution'],
  EAI_FAMILY: [-6, 'ai_family not supported'],
  EAI_NODATA: [-5, 'No address associated with hostname'],
  EAI_SERVICE: [-8, 'Servname not supported for ai_socktype'],
};

let systemErrors: Map<number, [string, string]> | null = null;

/** libuv's description of a system error code (`'connection refused'`), capitalised as C's strerror. */
export function strerror(code: string): string {
  const errno = (osConstants.errno as Record<string, number | undefined>)[code];
  if (errno === undefined) return code;
  systemErrors ??= getSystemErrorMap();
  const text = systemErrors.get(-errno)?.[1];
  if (text === undefined) return code;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The positive errno of a system error code, or null. */
export function errnoOf(code: string): number | null {
  return (osConstants.errno as Record<string, number | undefined>)[code] ?? null;
}

/** What Node puts on its errors. */
interface NodeErrorLike {
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  address?: unknown;
  port?: unknown;
  message?: unknown;
  reason?: unknown;
}

/** Python's `repr()` of an address: `('127.0.0.1', 8000)`, `'/tmp/sock'`. */
export function formatAddress(address: Address | readonly unknown[]): string {
  if (typeof address === 'string') return `'${address}'`;
  const parts = (address as readonly unknown[]).map((part) => (typeof part === 'string' ? `'${part}'` : String(part)));
  return `(${parts.join(', ')})`;
}

/** Options for {@link fromNodeError}. */
export interface FromNodeErrorOptions {
  /** Use this as the error's strerror (Python's message) instead of the system's description. */
  message?: string;
}

/**
 * The OSError-family error for a Node error: a system error (`ECONNREFUSED`, `EPIPE`, …) becomes
 * the matching subclass, a resolver error an OSError (Python's gaierror), a TLS error an
 * {@link SSLError} or {@link SSLCertVerificationError}. The Node error is the `cause`. Anything
 * else (a bug, not an I/O failure) is returned unchanged; so is an error of this family.
 */
export function fromNodeError(error: unknown, options: FromNodeErrorOptions = {}): unknown {
  if (typeof error !== 'object' || error === null) return error;
  if (hasBrand(error, OS_ERROR_BRAND) || hasBrand(error, CONNECTION_RESET_ERROR_BRAND)) return error;
  const e = error as NodeErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === undefined) return error;
  const details: OSErrorOptions = { code, cause: error };
  if (typeof e.syscall === 'string') details.syscall = e.syscall;
  if (typeof e.address === 'string') details.address = e.address;
  if (typeof e.port === 'number') details.port = e.port;
  const nodeMessage = typeof e.message === 'string' ? e.message : code;

  if (CERT_VERIFY_CODES.has(code)) {
    const exc = new SSLCertVerificationError(
      `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${options.message ?? nodeMessage}`,
      details,
    );
    exc.reason = 'CERTIFICATE_VERIFY_FAILED';
    exc.verifyCode = code;
    exc.verifyMessage = nodeMessage;
    return exc;
  }
  if (code.startsWith('ERR_SSL_')) {
    const reason = code.slice('ERR_SSL_'.length);
    const text = typeof e.reason === 'string' ? e.reason : nodeMessage;
    const exc = new SSLError(`[SSL: ${reason}] ${options.message ?? text}`, details);
    exc.reason = reason;
    return exc;
  }
  const gai = GAI_ERRORS[code];
  if (gai !== undefined) {
    return new OSError(options.message ?? gai[1], { ...details, errno: gai[0] });
  }
  const errno = errnoOf(code);
  if (errno === null || typeof e.errno !== 'number') return error;
  details.errno = errno;
  const message = options.message ?? strerror(code);
  return osErrorFor(code, message, details);
}

/** A new error of the class Python picks for `code` (`ECONNREFUSED` → ConnectionRefusedError, …). */
export function osErrorFor(code: string, message: string, details: OSErrorOptions): Error {
  switch (code) {
    case 'ECONNREFUSED':
      return new ConnectionRefusedError(message, details);
    case 'ECONNRESET':
      return new ConnectionResetError(message, details);
    case 'ECONNABORTED':
      return new ConnectionAbortedError(message, details);
    case 'EPIPE':
    case 'ESHUTDOWN':
      return new BrokenPipeError(message, details);
    case 'ETIMEDOUT':
      return new SocketTimeoutError(message, details);
    default:
      return new OSError(message, details);
  }
}

/** Whether `error` belongs to the OSError family (what asyncio's transports do not report). */
export function isOSError(error: unknown): boolean {
  return hasBrand(error, OS_ERROR_BRAND) || hasBrand(error, CONNECTION_RESET_ERROR_BRAND);
}
