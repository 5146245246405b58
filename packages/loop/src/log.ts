/**
 * Where the loop reports what it cannot raise: the default exception handler, slow callbacks in
 * debug mode, a task that swallowed its cancellation. Same role as asyncio's `logging.getLogger("asyncio")`.
 *
 * @module
 */

/** The sink for tsyncio's diagnostics. `console` fits it. */
export interface Logger {
  error(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  debug(message: string, ...details: unknown[]): void;
}

let current: Logger | null = null;

/**
 * The logger tsyncio writes diagnostics to: the one passed to {@link setLogger}, else `console`.
 *
 * Differs from asyncio: no `logging` module; a plain object with `error`/`warn`/`info`/`debug`.
 */
export function getLogger(): Logger {
  return current ?? console;
}

/**
 * Send tsyncio's diagnostics to `logger` (`null` restores `console`).
 *
 * @throws TypeError when `logger` lacks one of the four methods.
 */
export function setLogger(logger: Logger | null): void {
  if (logger !== null) {
    for (const method of ['error', 'warn', 'info', 'debug'] as const) {
      if (typeof (logger as Partial<Logger>)[method] !== 'function') {
        throw new TypeError(`setLogger() logger must have an ${method}() method`);
      }
    }
  }
  current = logger;
}
