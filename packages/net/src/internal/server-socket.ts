/**
 * The listening sockets a Server exposes as `server.sockets` (asyncio's `trsock.TransportSocket`
 * of each listening socket): a small read-only view of a Node `net.Server`.
 *
 * Minimal until the socket layer's `Socket` class lands (then `server.sockets` holds those).
 *
 * @module
 */
import type { Server as NetServer } from 'node:net';
import { INSPECT } from '@tsyncio/loop';
import type { Address } from '@tsyncio/streams';

/**
 * A listening socket of a {@link Server}: its address and file descriptor.
 *
 * Same as asyncio's `TransportSocket` of a server socket, reduced to `getsockname()`,
 * `fileno()`, `family` and `type`.
 */
export class ServerSocket {
  /** @internal */
  readonly _server: NetServer;
  /** @internal the path of a Unix socket (null for TCP) */
  readonly _path: string | null;
  /** `'inet'`, `'inet6'` or `'unix'`. */
  readonly family: 'inet' | 'inet6' | 'unix';
  /** Always `'stream'`. */
  readonly type = 'stream' as const;

  /** @internal */
  constructor(server: NetServer, path: string | null) {
    this._server = server;
    this._path = path;
    if (path !== null) {
      this.family = 'unix';
    } else {
      const address = server.address();
      this.family = typeof address === 'object' && address !== null && address.family === 'IPv6' ? 'inet6' : 'inet';
    }
  }

  /** The bound address: `[host, port]` (IPv4), `[host, port, 0, 0]` (IPv6), or the path of a Unix socket. */
  getsockname(): Address {
    if (this._path !== null) return this._path;
    const address = this._server.address();
    if (typeof address !== 'object' || address === null) return ['', 0];
    return address.family === 'IPv6' ? [address.address, address.port, 0, 0] : [address.address, address.port];
  }

  /** The file descriptor, or -1 once closed (or where the platform has none). */
  fileno(): number {
    const fd = (this._server as unknown as { _handle?: { fd?: number } | null })._handle?.fd;
    return typeof fd === 'number' ? fd : -1;
  }

  /** `<ServerSocket fd=12 family=inet laddr=('127.0.0.1', 8000)>` */
  toString(): string {
    const name = this.getsockname();
    const laddr = typeof name === 'string' ? `'${name}'` : `(${name.map((p) => (typeof p === 'string' ? `'${p}'` : String(p))).join(', ')})`;
    return `<ServerSocket fd=${this.fileno()} family=${this.family} laddr=${laddr}>`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
