/**
 * Host name resolution for the connection and server functions: numeric hosts without a lookup
 * (asyncio's `_ipaddr_info` shortcut), names through `node:dns` `lookup(host, { all: true })` —
 * the system resolver, in its order, as `getaddrinfo()`.
 *
 * Internal until the socket layer's `getaddrinfo()` lands; it will then be the one place that
 * resolves.
 *
 * @module
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { EventLoop } from '@tsyncio/loop';
import { fromPromise, type Coroutine } from '@tsyncio/futures';
import { fromNodeError } from '../errors.js';

/** One resolved address. */
export interface AddrInfo {
  family: 4 | 6;
  address: string;
}

/**
 * The addresses of `host` (of `family` when it is 4 or 6), in the resolver's order.
 *
 * @throws OSError (Python's gaierror: "[Errno -2] Name or service not known") when the name does not resolve.
 */
export function* resolveHost(loop: EventLoop, host: string, family: 0 | 4 | 6): Coroutine<AddrInfo[]> {
  const numeric = isIP(host);
  if (numeric !== 0) return family === 0 || family === numeric ? [{ family: numeric as 4 | 6, address: host }] : [];
  try {
    const found = yield* fromPromise(lookup(host, { all: true, family }), { loop });
    return found.map((entry) => ({ family: entry.family === 6 ? 6 : 4, address: entry.address }));
  } catch (error) {
    throw fromNodeError(error);
  }
}

/**
 * The addresses of `host`, keeping the first of duplicates.
 */
export function uniqueAddresses(infos: readonly AddrInfo[]): AddrInfo[] {
  const seen = new Set<string>();
  const out: AddrInfo[] = [];
  for (const info of infos) {
    const key = `${info.family}/${info.address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(info);
  }
  return out;
}

/**
 * asyncio's `_interleave_addrinfos`: group the addresses by family (in order of first
 * appearance), take `firstFamilyCount` of the first family, then alternate the families.
 */
export function interleaveAddresses(infos: readonly AddrInfo[], firstFamilyCount = 1): AddrInfo[] {
  const byFamily = new Map<number, AddrInfo[]>();
  for (const info of infos) {
    let list = byFamily.get(info.family);
    if (list === undefined) byFamily.set(info.family, (list = []));
    list.push(info);
  }
  const lists = [...byFamily.values()];
  const out: AddrInfo[] = [];
  if (firstFamilyCount > 1 && lists.length > 0) {
    const first = lists[0] as AddrInfo[];
    out.push(...first.slice(0, firstFamilyCount - 1));
    lists[0] = first.slice(firstFamilyCount - 1);
  }
  for (let i = 0; ; i++) {
    let any = false;
    for (const list of lists) {
      const info = list[i];
      if (info !== undefined) {
        out.push(info);
        any = true;
      }
    }
    if (!any) break;
  }
  return out;
}
