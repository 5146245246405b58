/**
 * Host name resolution for the connection and server functions, through the socket layer's
 * `getaddrinfo()` (the system resolver, in its order; numeric hosts without a lookup, asyncio's
 * `_ipaddr_info` shortcut), reduced to what connecting and binding need.
 *
 * @module
 */
import type { EventLoop } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import { AI_PASSIVE, getaddrinfo } from '../dns.js';

/** One resolved address. */
export interface AddrInfo {
  family: 4 | 6;
  address: string;
}

function toInfos(entries: readonly (readonly [string, unknown, unknown, unknown, readonly unknown[]])[]): AddrInfo[] {
  return entries.map(([family, , , , sockaddr]) => ({ family: family === 'inet6' ? 6 : 4, address: sockaddr[0] as string }));
}

/**
 * The addresses of `host` (of `family` when it is 4 or 6), in the resolver's order.
 *
 * @throws OSError (Python's gaierror: "[Errno -2] Name or service not known") when the name does
 * not resolve, or a numeric host is of the other family.
 */
export function* resolveHost(_loop: EventLoop, host: string, family: 0 | 4 | 6): Coroutine<AddrInfo[]> {
  return toInfos(yield* getaddrinfo(host, 0, { family, type: 'stream' }));
}

/** The wildcard addresses (every interface) of `family`, as getaddrinfo(None, AI_PASSIVE): IPv4 first. */
export function* passiveAddresses(family: 0 | 4 | 6): Coroutine<AddrInfo[]> {
  return toInfos(yield* getaddrinfo(null, 0, { family, type: 'stream', flags: AI_PASSIVE }));
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
