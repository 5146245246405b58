/**
 * `createConnection()`: asyncio's `loop.create_connection()` — resolve, connect (one address after
 * the other, or staggered with Happy Eyeballs), optionally TLS, then a protocol and its transport.
 *
 * @module
 */
import type { Socket as NetSocket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { describe, getRunningLoop } from '@tsyncio/loop';
import type { Coroutine } from '@tsyncio/futures';
import type { BaseProtocol, Transport } from '@tsyncio/streams';
import { isOSError, OSError } from './errors.js';
import { clientTransport, combinedError, connectTcp, staggeredRace } from './internal/connect.js';
import {
  checkClientSsl,
  checkFamily,
  checkFunction,
  checkHandshakeTimeout,
  checkHost,
  checkOptions,
  checkPort,
  optionalBoolean,
  optionalNumber,
} from './internal/options.js';
import { interleaveAddresses, resolveHost, type AddrInfo } from './internal/resolve.js';

/**
 * Options of {@link createConnection} and `openConnection()`: asyncio's keyword arguments of
 * `loop.create_connection()`.
 */
export interface ConnectOptions {
  /**
   * Use TLS: `true` for the default trust store, or Node's TLS options (`ca`, `cert`, `key`,
   * `rejectUnauthorized`, `ALPNProtocols`, `secureContext`, …). Certificate and host name
   * verification are on unless the options turn them off.
   */
  ssl?: boolean | ConnectionOptions;
  /** The host name the server's certificate must match (default: `host`); `''` skips the check. Only with `ssl`. */
  serverHostname?: string;
  /** Bind the local end to `[host, port]` before connecting (port 0: any). */
  localAddr?: readonly [host: string, port: number];
  /** Seconds the TLS handshake may take (default 60). Only with `ssl`. */
  sslHandshakeTimeout?: number;
  /**
   * Happy Eyeballs (RFC 8305): start the next address's attempt this many seconds after the
   * previous one started (0.25 is the RFC's value), or as soon as it fails; the first to connect
   * wins. Default: one address after the other.
   */
  happyEyeballsDelay?: number;
  /** Reorder the addresses by alternating families, starting with this many of the first family (default 1 with Happy Eyeballs). */
  interleave?: number;
  /** Only this address family: 4 or 6 (default 0: any). */
  family?: 0 | 4 | 6;
  /** When every attempt fails, raise an ExceptionGroup of all the errors instead of one OSError. */
  allErrors?: boolean;
}

/** @internal the option names of {@link ConnectOptions} */
export const CONNECT_OPTIONS: readonly string[] = [
  'ssl',
  'serverHostname',
  'localAddr',
  'sslHandshakeTimeout',
  'happyEyeballsDelay',
  'interleave',
  'family',
  'allErrors',
];

function checkLocalAddr(fn: string, value: unknown): readonly [string, number] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') {
    throw new TypeError(`${fn}() localAddr must be a [host, port] pair, got ${describe(value)}`);
  }
  checkPort(fn, value[1]);
  return value as unknown as readonly [string, number];
}

/** @internal createConnection, with the name of the public function that called it for messages */
export function* createConnectionAs<P extends BaseProtocol>(
  fn: string,
  protocolFactory: () => P,
  host: string,
  port: number,
  options: ConnectOptions | undefined,
): Coroutine<[Transport, P]> {
  checkFunction(fn, 'protocolFactory', protocolFactory);
  checkHost(fn, host);
  checkPort(fn, port);
  const o = checkOptions(fn, options, CONNECT_OPTIONS);
  const ssl = checkClientSsl(fn, o.ssl) as boolean | ConnectionOptions | undefined;
  let serverHostname: string | null = null;
  if (o.serverHostname !== undefined && o.serverHostname !== null) {
    if (typeof o.serverHostname !== 'string') {
      throw new TypeError(`${fn}() serverHostname must be a string, got ${describe(o.serverHostname)}`);
    }
    if (ssl === undefined) throw new RangeError(`${fn}() serverHostname is only meaningful with ssl`);
    serverHostname = o.serverHostname;
  } else if (ssl !== undefined) {
    serverHostname = host;
  }
  const handshakeTimeout = checkHandshakeTimeout(fn, o.sslHandshakeTimeout, ssl !== undefined) ?? null;
  const localAddr = checkLocalAddr(fn, o.localAddr);
  const delay = optionalNumber(fn, 'happyEyeballsDelay', o.happyEyeballsDelay, { min: 0 });
  let interleave = optionalNumber(fn, 'interleave', o.interleave, { min: 0, integer: true });
  const family = checkFamily(fn, o.family);
  const allErrors = optionalBoolean(fn, 'allErrors', o.allErrors) ?? false;
  if (delay !== undefined && interleave === undefined) interleave = 1;

  const loop = getRunningLoop();
  let infos = yield* resolveHost(loop, host, family);
  if (infos.length === 0) throw new OSError('getaddrinfo() returned empty list');
  let localInfos: AddrInfo[] | null = null;
  if (localAddr !== undefined) {
    localInfos = yield* resolveHost(loop, localAddr[0], family);
    if (localInfos.length === 0) throw new OSError('getaddrinfo() returned empty list');
  }
  if (interleave !== undefined && interleave > 0) infos = interleaveAddresses(infos, interleave);
  const localPort = localAddr?.[1] ?? 0;

  const errors: unknown[][] = [];
  let socket: NetSocket | null = null;
  if (delay === undefined) {
    for (const info of infos) {
      const mine: unknown[] = [];
      errors.push(mine);
      try {
        socket = yield* connectTcp(loop, info, port, localInfos, localPort, mine);
        break;
      } catch (error) {
        if (!isOSError(error)) throw error;
      }
    }
  } else {
    const attempts = infos.map((info) => {
      const mine: unknown[] = [];
      errors.push(mine);
      return () => connectTcp(loop, info, port, localInfos, localPort, mine);
    });
    socket = yield* staggeredRace(loop, attempts, delay);
  }
  if (socket === null) throw combinedError(errors.flat(), allErrors);
  return yield* clientTransport(loop, socket, protocolFactory, {
    ssl,
    serverHostname,
    sslHandshakeTimeout: handshakeTimeout,
    unix: false,
  });
}

/**
 * Open a TCP connection to `host`:`port` and return `[transport, protocol]` once the protocol's
 * `connectionMade()` has been called. `protocolFactory()` makes the protocol.
 *
 * The host is resolved (every address, in the resolver's order) and tried in turn; with
 * `happyEyeballsDelay` the attempts are staggered and the first to connect wins. With `ssl` the
 * connection is upgraded to TLS before the protocol is made: the server's certificate and host
 * name (`serverHostname`, default `host`) are verified unless the options say otherwise. The
 * socket has TCP_NODELAY set.
 *
 * Same as asyncio's `loop.create_connection()` (3.13), run on the current loop.
 *
 * Differs from asyncio: no `sock`, `proto`, `flags` or `sslShutdownTimeout` options; the TLS
 * handshake runs before `protocolFactory()` is called (so a failed handshake makes no protocol).
 *
 * @throws OSError (ConnectionRefusedError, …) when no address accepts the connection: the single
 * error, or OSError("Multiple exceptions: …") naming each (ExceptionGroup with `allErrors`).
 * SSLCertVerificationError when the certificate or host name is rejected. ConnectionAbortedError
 * when the TLS handshake times out. TypeError/RangeError for bad arguments (naming them).
 * RuntimeError outside a running loop.
 *
 * @example
 * ```ts
 * class Client implements Protocol {
 *   connectionMade(transport: BaseTransport) { (transport as Transport).write(new TextEncoder().encode('ping')); }
 *   dataReceived(data: Uint8Array) { console.log(new TextDecoder().decode(data)); }
 * }
 * const [transport] = yield* createConnection(() => new Client(), '127.0.0.1', 8888);
 * ```
 */
export function createConnection<P extends BaseProtocol>(
  protocolFactory: () => P,
  host: string,
  port: number,
  options?: ConnectOptions,
): Coroutine<[Transport, P]> {
  return createConnectionAs('createConnection', protocolFactory, host, port, options);
}
