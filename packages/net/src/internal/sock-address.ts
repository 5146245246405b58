/**
 * Socket addresses for the socket layer: checking what users pass to `bind()`, `sockConnect()`
 * and `sockSendto()` (with Python's messages), and turning Node's address objects into asyncio's
 * tuples: `[host, port]` for IPv4, `[host, port, flowInfo, scopeId]` for IPv6, a path for Unix.
 *
 * @module
 */
import type { AddressInfo } from 'node:net';
import { describe } from '@tsyncio/loop';
import type { Address } from '@tsyncio/streams';

/** An IPv4 or IPv6 address, checked: host, port and (IPv6) flow info and scope id. */
export interface InetSockAddr {
  host: string;
  port: number;
  flowInfo: number;
  scopeId: number;
}

/** The address families of {@link Socket}. */
export type Family = 'inet' | 'inet6' | 'unix';

/**
 * Check `address` for a socket of `family`: a path for `'unix'`; `[host, port]` for `'inet'`;
 * `[host, port]` or `[host, port, flowInfo, scopeId]` for `'inet6'`.
 *
 * @throws TypeError naming `fn` and what was expected; RangeError for a port outside 0-65535
 * (Python's OverflowError "port must be 0-65535").
 */
export function checkSockAddr(fn: string, family: Family, address: unknown): InetSockAddr | string {
  if (family === 'unix') {
    if (typeof address !== 'string') {
      throw new TypeError(`${fn}(): a Unix socket address must be a path string, got ${describe(address)}`);
    }
    if (address === '') throw new RangeError(`${fn}(): a Unix socket path must not be empty`);
    return address;
  }
  const sizes = family === 'inet' ? '[host, port]' : '[host, port] or [host, port, flowInfo, scopeId]';
  if (!Array.isArray(address)) {
    throw new TypeError(`${fn}(): an ${family === 'inet' ? 'AF_INET' : 'AF_INET6'} address must be ${sizes}, got ${describe(address)}`);
  }
  const items = address as readonly unknown[];
  if (items.length !== 2 && !(family === 'inet6' && items.length === 4)) {
    throw new TypeError(`${fn}(): an ${family === 'inet' ? 'AF_INET' : 'AF_INET6'} address must be ${sizes}, got ${items.length} items`);
  }
  const [host, port, flowInfo = 0, scopeId = 0] = items;
  if (typeof host !== 'string') throw new TypeError(`${fn}(): address host must be a string, got ${describe(host)}`);
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`${fn}(): address port must be an integer, got ${describe(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`${fn}(): port must be 0-65535, got ${port}`);
  if (typeof flowInfo !== 'number' || !Number.isInteger(flowInfo) || flowInfo < 0 || flowInfo > 0xfffff) {
    throw new RangeError(`${fn}(): flowinfo must be 0-1048575, got ${describe(flowInfo)}`);
  }
  if (typeof scopeId !== 'number' || !Number.isInteger(scopeId) || scopeId < 0) {
    throw new RangeError(`${fn}(): scope id must be a non-negative integer, got ${describe(scopeId)}`);
  }
  return { host, port, flowInfo, scopeId };
}

/** The wildcard host of a family: `'0.0.0.0'` or `'::'` (what Python's `''` means). */
export function anyHost(family: Family): string {
  return family === 'inet6' ? '::' : '0.0.0.0';
}

/** `addr` as asyncio's tuple for a socket of `family`. */
export function inetTuple(family: Family, host: string, port: number, flowInfo = 0, scopeId = 0): Address {
  return family === 'inet6' ? [host, port, flowInfo, scopeId] : [host, port];
}

/** Node's `{ address, port, family }` (from `address()`, `remoteAddress`, a datagram's `rinfo`) as asyncio's tuple. */
export function fromAddressInfo(family: Family, info: Partial<AddressInfo> | string | null | undefined): Address | null {
  if (typeof info === 'string') return info;
  if (info === null || info === undefined || typeof info.address !== 'string' || typeof info.port !== 'number') return null;
  return inetTuple(family, info.address, info.port);
}

/** Whether two addresses are the same (host and port; flow info and scope id when both have them). */
export function sameAddress(a: Address, b: Address): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a[0] !== b[0] || a[1] !== b[1]) return false;
  if (a.length === 4 && b.length === 4) return a[2] === b[2] && a[3] === b[3];
  return true;
}
