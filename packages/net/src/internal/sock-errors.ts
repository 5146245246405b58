/**
 * The OS errors the socket layer raises itself (not from a Node error): Python's messages, the
 * POSIX errno and Node's code, built with the OSError family of `../errors.ts`.
 *
 * @module
 */
import { errnoOf, fromNodeError, OSError, osErrorFor, strerror } from '../errors.js';

/**
 * The OSError-family error for the system error `code` (`'EBADF'`, `'ENOTCONN'`, …), with the
 * system's description — Python's `[Errno 9] Bad file descriptor` — unless `message` is given.
 */
export function sockError(code: string, syscall: string, message?: string): Error {
  return osErrorFor(code, message ?? strerror(code), { errno: errnoOf(code), code, syscall });
}

/** A Node error as the OSError family (`fromNodeError`), anything else unchanged. */
export function fromNode(error: unknown, message?: string): unknown {
  return fromNodeError(error, message === undefined ? {} : { message });
}

/** A resolver error as Python's `socket.gaierror`: an OSError with a negative errno (−2, −9, …). */
export function gaierror(errno: number, code: string, message: string): OSError {
  return new OSError(message, { errno, code });
}
