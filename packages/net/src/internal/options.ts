/**
 * Argument checks shared by the connection and server functions: each error names the function,
 * the argument and what was expected (DESIGN §7), the way asyncio's messages do.
 *
 * @module
 */
import { describe } from '@tsyncio/loop';

/**
 * The options object of `fn`, checked: an object (or undefined) whose keys are all in `allowed`.
 *
 * @throws TypeError naming the first unknown key ("createConnection() got an unexpected option 'sslTimeout'").
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, allowed: readonly string[]): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${fn}() options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`${fn}() got an unexpected option '${key}' (expected one of: ${allowed.join(', ')})`);
    }
  }
  return options;
}

/**
 * A port number: an integer from 0 to 65535.
 *
 * @throws TypeError when it is not an integer; RangeError ("port must be 0-65535, got 70000").
 */
export function checkPort(fn: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`${fn}() port must be an integer, got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`port must be 0-65535, got ${port}`);
  return port;
}

/** @throws TypeError unless `host` is a non-empty string. */
export function checkHost(fn: string, host: unknown): string {
  if (typeof host !== 'string') throw new TypeError(`${fn}() host must be a string, got ${describe(host)}`);
  if (host === '') throw new RangeError(`${fn}() host must not be empty`);
  return host;
}

/** @throws TypeError unless `path` is a non-empty string. */
export function checkPath(fn: string, path: unknown): string {
  if (typeof path !== 'string') throw new TypeError(`${fn}() path must be a string, got ${describe(path)}`);
  if (path === '') throw new RangeError(`${fn}() path must not be empty`);
  return path;
}

/** @throws TypeError unless `value` is a function. */
export function checkFunction(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'function') throw new TypeError(`${fn}() ${name} must be a function, got ${describe(value)}`);
}

/** An optional boolean option. @throws TypeError otherwise. */
export function optionalBoolean(fn: string, name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new TypeError(`${fn}() ${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * An optional number option.
 *
 * @throws TypeError when it is not a number; RangeError when it is below `min` (or not above it,
 * with `exclusive`), or not an integer with `integer`.
 */
export function optionalNumber(
  fn: string,
  name: string,
  value: unknown,
  limits: { min?: number; exclusive?: boolean; integer?: boolean } = {},
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${fn}() ${name} must be a number, got ${describe(value)}`);
  }
  if (limits.integer === true && !Number.isInteger(value)) {
    throw new RangeError(`${fn}() ${name} must be an integer, got ${value}`);
  }
  const min = limits.min;
  if (min !== undefined && (limits.exclusive === true ? !(value > min) : !(value >= min))) {
    throw new RangeError(`${fn}() ${name} must be ${limits.exclusive === true ? '>' : '>='} ${min}, got ${value}`);
  }
  return value;
}

/** The `family` option: 0 (any), 4 or 6. @throws RangeError otherwise. */
export function checkFamily(fn: string, value: unknown): 0 | 4 | 6 {
  if (value === undefined || value === null) return 0;
  if (value !== 0 && value !== 4 && value !== 6) {
    throw new RangeError(`${fn}() family must be 0, 4 or 6, got ${describe(value)}`);
  }
  return value;
}

/**
 * The `sslHandshakeTimeout` option: a positive number of seconds, only with `ssl`.
 *
 * @throws RangeError as asyncio's ValueErrors ("sslHandshakeTimeout is only meaningful with ssl",
 * "sslHandshakeTimeout should be a positive number, got 0").
 */
export function checkHandshakeTimeout(fn: string, value: unknown, hasSsl: boolean): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!hasSsl) throw new RangeError(`${fn}() sslHandshakeTimeout is only meaningful with ssl`);
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${fn}() sslHandshakeTimeout must be a number of seconds, got ${describe(value)}`);
  }
  if (!(value > 0)) throw new RangeError(`sslHandshakeTimeout should be a positive number, got ${value}`);
  return value;
}

/** The client `ssl` option: true or an object of TLS connect options. */
export function checkClientSsl(fn: string, value: unknown): boolean | object | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (value === true) return true;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${fn}() ssl must be true or an object of TLS options, got ${describe(value)}`);
  }
  return value;
}

/** The server `ssl` option: an object of TLS options (asyncio refuses a bool there too). */
export function checkServerSsl(fn: string, value: unknown): object | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${fn}() ssl must be an object of TLS server options (key, cert, …), got ${describe(value)}`);
  }
  return value;
}
