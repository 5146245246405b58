/**
 * Name resolution: `getaddrinfo()` and `getnameinfo()`, asyncio's `loop.getaddrinfo()` /
 * `loop.getnameinfo()` (which run `socket.getaddrinfo` / `socket.getnameinfo` in the executor)
 * on Node's `dns.lookup(host, { all: true })` and `dns.lookupService()` — the system resolver,
 * like Python's, run on libuv's thread pool.
 *
 * ## The shape of a result
 *
 * An {@link AddrInfo} is Python's 5-tuple, typed: `[family, type, proto, canonname, sockaddr]`,
 * with the family and type spelled the way {@link socket} takes them (`'inet'`/`'inet6'`,
 * `'stream'`/`'dgram'`). So the asyncio idiom ports line for line:
 *
 * ```ts
 * for (const [family, type, proto, , address] of yield* getaddrinfo(host, port, { type: 'stream' })) {
 *   const sock = socket({ family, type });
 *   // …
 * }
 * ```
 *
 * ## Differences from Python's `socket.getaddrinfo` (documented on each function too)
 *
 * - No `SOCK_RAW` entries: without a `type`, each address gives a `'stream'` (proto 6) and a
 *   `'dgram'` (proto 17) entry, where glibc adds a third, raw, one.
 * - Service names (`'http'`) are not resolved: `port` is a number or a numeric string
 *   (gaierror EAI_SERVICE otherwise).
 * - Node's resolver reports no canonical name: with `AI_CANONNAME` the first entry's
 *   `canonname` is the host as given.
 * - Resolver errors are {@link OSError}s with Python's gaierror numbers (`errno` −2 for
 *   "Name or service not known") and Node's `code` (`'ENOTFOUND'`).
 *
 * Cancelling either coroutine cancels its Future at once; the lookup, which Node cannot stop,
 * finishes in the background and its result is dropped.
 *
 * @module
 */
import { lookup, lookupService } from 'node:dns/promises';
import { ADDRCONFIG, ALL, V4MAPPED } from 'node:dns';
import { isIP } from 'node:net';
import { describe, getRunningLoop } from '@tsyncio/loop';
import { fromPromise, type Coroutine } from '@tsyncio/futures';
import { fromNodeError, OSError } from './errors.js';
import { gaierror } from './internal/sock-errors.js';

/** `getaddrinfo()` flag: `host: null` means the wildcard address (for a server), not loopback. */
export const AI_PASSIVE = 0x0001;
/** `getaddrinfo()` flag: fill in the first entry's `canonname` (here: the host as given). */
export const AI_CANONNAME = 0x0002;
/** `getaddrinfo()` flag: `host` must be a numeric address; never look it up. */
export const AI_NUMERICHOST = 0x0004;
/** `getaddrinfo()` flag: with `family: 6`, return IPv4-mapped addresses when there is no IPv6 one. */
export const AI_V4MAPPED = 0x0008;
/** `getaddrinfo()` flag: with `AI_V4MAPPED`, return IPv6 and IPv4-mapped addresses. */
export const AI_ALL = 0x0010;
/** `getaddrinfo()` flag: only families the machine has an address of. */
export const AI_ADDRCONFIG = 0x0020;
/** `getaddrinfo()` flag: `port` must be numeric. */
export const AI_NUMERICSERV = 0x0400;

/** `getnameinfo()` flag: the numeric host, no reverse lookup. */
export const NI_NUMERICHOST = 0x01;
/** `getnameinfo()` flag: the numeric port, no service name. */
export const NI_NUMERICSERV = 0x02;
/** `getnameinfo()` flag: only the host name's first label for local hosts (here: any host). */
export const NI_NOFQDN = 0x04;
/** `getnameinfo()` flag: fail when the address has no name. */
export const NI_NAMEREQD = 0x08;
/** `getnameinfo()` flag: the service is a datagram one (accepted; Node looks up TCP service names). */
export const NI_DGRAM = 0x10;

/** The TCP protocol number (`proto` of `'stream'` entries). */
export const IPPROTO_TCP = 6;
/** The UDP protocol number (`proto` of `'dgram'` entries). */
export const IPPROTO_UDP = 17;

const KNOWN_AI_FLAGS = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG | AI_NUMERICSERV;
const KNOWN_NI_FLAGS = NI_NUMERICHOST | NI_NUMERICSERV | NI_NOFQDN | NI_NAMEREQD | NI_DGRAM;

/** An IPv4 socket address `[host, port]` or an IPv6 one `[host, port, flowInfo, scopeId]`. */
export type InetAddress =
  | readonly [host: string, port: number]
  | readonly [host: string, port: number, flowInfo: number, scopeId: number];

/**
 * One result of {@link getaddrinfo}: Python's `(family, type, proto, canonname, sockaddr)`
 * tuple, with `family` and `type` as {@link socket} takes them. `sockaddr` is `[host, port]` for
 * `'inet'` and `[host, port, 0, 0]` for `'inet6'`.
 */
export type AddrInfo = readonly [
  family: 'inet' | 'inet6',
  type: 'stream' | 'dgram',
  proto: number,
  canonname: string,
  sockaddr: InetAddress,
];

/** Options of {@link getaddrinfo}: Python's keyword arguments. */
export interface GetaddrinfoOptions {
  /** 0 (default: any), 4 or 6 — or a socket's family, `'inet'` / `'inet6'`. */
  family?: 0 | 4 | 6 | 'inet' | 'inet6';
  /** Only entries of this socket type (default 0: `'stream'` and `'dgram'` entries). */
  type?: 0 | 'stream' | 'dgram';
  /** Only entries of this protocol: 0 (default), {@link IPPROTO_TCP} or {@link IPPROTO_UDP}. */
  proto?: number;
  /** `AI_*` flags, or-ed together (default 0). */
  flags?: number;
}

function checkFlags(fn: string, value: unknown, known: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${fn}() flags must be an integer, got ${describe(value)}`);
  }
  if ((value & ~known) !== 0) throw new RangeError(`${fn}() flags has unknown bits: 0x${(value & ~known).toString(16)}`);
  return value;
}

function checkGaiOptions(options: unknown): GetaddrinfoOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`getaddrinfo() options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'family' && key !== 'type' && key !== 'proto' && key !== 'flags') {
      throw new TypeError(`getaddrinfo() got an unexpected option '${key}' (expected one of: family, type, proto, flags)`);
    }
  }
  return options;
}

/** The `family` option as 0, 4 or 6. */
export function familyNumber(fn: string, value: unknown): 0 | 4 | 6 {
  switch (value) {
    case undefined:
    case null:
    case 0:
      return 0;
    case 4:
    case 'inet':
      return 4;
    case 6:
    case 'inet6':
      return 6;
    default:
      throw new RangeError(`${fn}() family must be 0, 4, 6, 'inet' or 'inet6', got ${describe(value)}`);
  }
}

function portNumber(value: unknown, flags: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new TypeError(`getaddrinfo() port must be an integer, got ${value}`);
    if (value < 0 || value > 65535) throw new RangeError(`getaddrinfo() port must be 0-65535, got ${value}`);
    return value;
  }
  if (typeof value !== 'string') {
    throw new TypeError(`getaddrinfo() port must be a number, a numeric string or null, got ${describe(value)}`);
  }
  if (/^[0-9]+$/.test(value) && Number(value) <= 65535) return Number(value);
  if ((flags & AI_NUMERICSERV) !== 0) throw gaierror(-2, 'EAI_NONAME', 'Name or service not known');
  throw gaierror(
    -8,
    'EAI_SERVICE',
    `Servname not supported for ai_socktype (service names such as ${JSON.stringify(value)} are not resolved on Node: pass a port number)`,
  );
}

/** The socket types to list, from the `type` and `proto` options. */
function socketTypes(type: unknown, proto: unknown): ('stream' | 'dgram')[] {
  if (type !== undefined && type !== null && type !== 0 && type !== 'stream' && type !== 'dgram') {
    throw new RangeError(`getaddrinfo() type must be 0, 'stream' or 'dgram', got ${describe(type)}`);
  }
  if (proto !== undefined && proto !== null && typeof proto !== 'number') {
    throw new TypeError(`getaddrinfo() proto must be a number, got ${describe(proto)}`);
  }
  const p = (proto ?? 0);
  if (p !== 0 && p !== IPPROTO_TCP && p !== IPPROTO_UDP) {
    throw gaierror(-8, 'EAI_SERVICE', 'Servname not supported for ai_socktype');
  }
  const wanted: ('stream' | 'dgram')[] = type === 'stream' || type === 'dgram' ? [type] : ['stream', 'dgram'];
  const out = wanted.filter((t) => p === 0 || (t === 'stream' ? p === IPPROTO_TCP : p === IPPROTO_UDP));
  if (out.length === 0) throw gaierror(-7, 'EAI_SOCKTYPE', 'ai_socktype not supported');
  return out;
}

function entries(
  addresses: readonly { address: string; family: number }[],
  port: number,
  types: readonly ('stream' | 'dgram')[],
  canonname: string,
): AddrInfo[] {
  const out: AddrInfo[] = [];
  for (const { address, family } of addresses) {
    for (const type of types) {
      const sockaddr: InetAddress = family === 6 ? [address, port, 0, 0] : [address, port];
      out.push([
        family === 6 ? 'inet6' : 'inet',
        type,
        type === 'stream' ? IPPROTO_TCP : IPPROTO_UDP,
        out.length === 0 ? canonname : '',
        sockaddr,
      ]);
    }
  }
  return out;
}

/**
 * Resolve `host` and `port` into socket addresses, as Python's `socket.getaddrinfo(host, port,
 * family, type, proto, flags)` — asyncio's `loop.getaddrinfo()`. `host: null` gives the loopback
 * addresses (IPv6 first), or with {@link AI_PASSIVE} the wildcard ones (IPv4 first), as glibc.
 * Names go through the system resolver (`dns.lookup`), in its order.
 *
 * Same as asyncio. Differs from Python: no raw-socket entries; service names are not resolved;
 * `AI_CANONNAME` reports the host as given (see the module notes); the family and type of an
 * entry are strings.
 *
 * @param host a host name, a numeric IPv4/IPv6 address, or null.
 * @param port a port number, a numeric string, or null (port 0).
 * @returns the entries, in the resolver's order.
 * @throws OSError (Python's gaierror) when the name does not resolve (errno −2, code
 * `'ENOTFOUND'`), the family does not match a numeric host (errno −9), or the service is not a
 * number (errno −8). TypeError / RangeError for bad arguments, naming them.
 *
 * @example
 * ```ts
 * const infos = yield* getaddrinfo('localhost', 8080, { type: 'stream' });
 * const [family, , , , address] = infos[0]!;  // e.g. 'inet', ['127.0.0.1', 8080]
 * ```
 */
export function* getaddrinfo(
  host: string | null,
  port: number | string | null,
  options?: GetaddrinfoOptions,
): Coroutine<AddrInfo[]> {
  const opts = checkGaiOptions(options);
  if (host !== null && host !== undefined && typeof host !== 'string') {
    throw new TypeError(`getaddrinfo() host must be a string or null, got ${describe(host)}`);
  }
  const family = familyNumber('getaddrinfo', opts.family);
  const flags = checkFlags('getaddrinfo', opts.flags, KNOWN_AI_FLAGS);
  const types = socketTypes(opts.type, opts.proto);
  const portNo = portNumber(port, flags);
  const loop = getRunningLoop();

  if (host === null || host === undefined) {
    const passive = (flags & AI_PASSIVE) !== 0;
    const v6 = { address: passive ? '::' : '::1', family: 6 };
    const v4 = { address: passive ? '0.0.0.0' : '127.0.0.1', family: 4 };
    const both = family === 4 ? [v4] : family === 6 ? [v6] : passive ? [v4, v6] : [v6, v4];
    return entries(both, portNo, types, '');
  }
  const canonname = (flags & AI_CANONNAME) !== 0 ? host : '';
  const numeric = isIP(host);
  if (numeric !== 0) {
    if (family !== 0 && family !== numeric) {
      throw gaierror(-9, 'EAI_ADDRFAMILY', 'Address family for hostname not supported');
    }
    return entries([{ address: host, family: numeric }], portNo, types, canonname);
  }
  if (host === '' || (flags & AI_NUMERICHOST) !== 0) {
    throw gaierror(-2, 'EAI_NONAME', 'Name or service not known');
  }
  let hints = 0;
  if ((flags & AI_ADDRCONFIG) !== 0) hints |= ADDRCONFIG;
  if (family === 6 && (flags & AI_V4MAPPED) !== 0) {
    hints |= V4MAPPED;
    if ((flags & AI_ALL) !== 0) hints |= ALL;
  }
  let found: { address: string; family: number }[];
  try {
    found = yield* fromPromise(lookup(host, { all: true, family, hints }), { loop });
  } catch (error) {
    throw fromNodeError(error);
  }
  return entries(found, portNo, types, canonname);
}

/**
 * The host name and service name of a numeric socket address, as Python's
 * `socket.getnameinfo(sockaddr, flags)` — asyncio's `loop.getnameinfo()`. With
 * `NI_NUMERICHOST | NI_NUMERICSERV` nothing is looked up.
 *
 * Same as asyncio. Differs from Python: an address without a name gives the numeric host and the
 * numeric port (Python still names the service); `NI_DGRAM` is accepted but Node looks up TCP
 * service names; `NI_NOFQDN` keeps the first label of any host name.
 *
 * @param sockaddr `[host, port]` with a numeric IPv4 host, or `[host, port, flowInfo, scopeId]`
 * (or `[host, port]`) with a numeric IPv6 host.
 * @param flags `NI_*` flags, or-ed together (default 0).
 * @returns `[host, service]`.
 * @throws OSError (gaierror, errno −2) when the host is not numeric, or has no name and
 * {@link NI_NAMEREQD} is set; OSError("IPv4 sockaddr must be 2 tuple") for a 4-element IPv4
 * address. TypeError / RangeError for bad arguments, naming them.
 *
 * @example
 * ```ts
 * const [host, service] = yield* getnameinfo(['127.0.0.1', 80]); // e.g. ['localhost', 'http']
 * ```
 */
export function* getnameinfo(sockaddr: InetAddress, flags = 0): Coroutine<[host: string, service: string]> {
  if (!Array.isArray(sockaddr) || (sockaddr.length !== 2 && sockaddr.length !== 4)) {
    throw new TypeError(`getnameinfo() sockaddr must be [host, port] or [host, port, flowInfo, scopeId], got ${describe(sockaddr)}`);
  }
  const [host, port] = sockaddr as readonly unknown[];
  if (typeof host !== 'string') throw new TypeError(`getnameinfo() sockaddr host must be a string, got ${describe(host)}`);
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`getnameinfo() sockaddr port must be an integer, got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`getnameinfo() port must be 0-65535, got ${port}`);
  const f = checkFlags('getnameinfo', flags, KNOWN_NI_FLAGS);
  const loop = getRunningLoop();
  const numeric = isIP(host);
  if (numeric === 0) throw gaierror(-2, 'EAI_NONAME', 'Name or service not known');
  if (numeric === 4 && sockaddr.length === 4) throw new OSError('IPv4 sockaddr must be 2 tuple');
  const numericHost = (f & NI_NUMERICHOST) !== 0;
  const numericServ = (f & NI_NUMERICSERV) !== 0;
  if (numericHost && numericServ) return [host, String(port)];
  let name: string;
  let service: string;
  try {
    const found = yield* fromPromise(lookupService(host, port), { loop });
    name = found.hostname;
    service = found.service;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== 'ENOTFOUND' && code !== 'EAI_NONAME') throw fromNodeError(error);
    if ((f & NI_NAMEREQD) !== 0) throw gaierror(-2, 'EAI_NONAME', 'Name or service not known');
    name = host;
    service = String(port);
  }
  if (numericHost) name = host;
  else if ((f & NI_NOFQDN) !== 0 && isIP(name) === 0) name = name.split('.')[0] ?? name;
  if (numericServ) service = String(port);
  return [name, service];
}
