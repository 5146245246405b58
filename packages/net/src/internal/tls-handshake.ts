/**
 * The TLS handshake over a connected Node socket, as a coroutine: client side with
 * `tls.connect({ socket })`, server side with `new tls.TLSSocket(socket, { isServer: true })`.
 * Used by `createConnection({ ssl })`, `createServer({ ssl })` and `startTls()`.
 *
 * - Certificate and host name verification are on by default on the client (Node's default,
 *   and asyncio's with `ssl=True`). `serverHostname: ''` turns the host name check off (asyncio's
 *   rule); an IP address is checked against the certificate's IP names and sent without SNI.
 * - The handshake is bounded by `sslHandshakeTimeout` seconds of loop time (default 60):
 *   `ConnectionAbortedError("SSL handshake is taking longer than 60 seconds: aborting the
 *   connection")`.
 * - Cancelling the waiting task, a timeout or a failure destroys the socket.
 *
 * @module
 */
import { isIP, type Socket as NetSocket } from 'node:net';
import { connect as tlsConnect, createSecureContext, TLSSocket, type ConnectionOptions, type SecureContext, type TlsOptions } from 'node:tls';
import type { EventLoop } from '@tsyncio/loop';
import { Future, type Coroutine } from '@tsyncio/futures';
import { ConnectionAbortedError, ConnectionResetError, fromNodeError } from '../errors.js';

/** asyncio's `constants.SSL_HANDSHAKE_TIMEOUT`: 60 seconds. */
export const SSL_HANDSHAKE_TIMEOUT = 60;

/** What a client's `ssl` option may be: `true` (the default trust store) or Node's TLS connect options. */
export type ClientSslOption = boolean | ConnectionOptions;

/** Options of {@link tlsHandshake}. */
export interface HandshakeOptions {
  serverSide: boolean;
  /** Client side: the name to verify (and send as SNI); '' disables the host name check. */
  serverHostname?: string | null;
  /** Seconds (default {@link SSL_HANDSHAKE_TIMEOUT}). */
  timeout?: number | null;
}

/** A server's TLS configuration, prepared once per server. */
export interface ServerTls {
  secureContext: SecureContext;
  options: TlsOptions;
}

/** Prepare a server's TLS configuration (one SecureContext for every connection). */
export function serverTls(options: TlsOptions): ServerTls {
  const secureContext = options.secureContext ?? createSecureContext(options);
  return { secureContext, options };
}

function noop(): void {
  // absorbs late 'error' events of sockets nobody listens to any more
}

/**
 * Run the TLS handshake on `socket` (connected, paused) and return the TLSSocket wrapping it.
 *
 * @throws SSLCertVerificationError, SSLError, ConnectionResetError, ConnectionAbortedError (timeout).
 */
export function* tlsHandshake(
  loop: EventLoop,
  socket: NetSocket,
  ssl: ClientSslOption | ServerTls,
  options: HandshakeOptions,
): Coroutine<TLSSocket> {
  let tlsSocket: TLSSocket;
  let doneEvent: string;
  if (options.serverSide) {
    const server = ssl as ServerTls;
    const o = server.options;
    // allowHalfOpen: the transport decides what a peer's end-of-file means (as on the client)
    const serverOptions = {
      isServer: true,
      secureContext: server.secureContext,
      requestCert: o.requestCert === true,
      rejectUnauthorized: o.rejectUnauthorized !== false,
      allowHalfOpen: true,
    } as NonNullable<ConstructorParameters<typeof TLSSocket>[1]>;
    if (o.ALPNProtocols !== undefined) serverOptions.ALPNProtocols = o.ALPNProtocols;
    if (o.SNICallback !== undefined) serverOptions.SNICallback = o.SNICallback;
    tlsSocket = new TLSSocket(socket, serverOptions);
    doneEvent = 'secure';
  } else {
    const user: ConnectionOptions = ssl === true ? {} : (ssl as ConnectionOptions);
    // allowHalfOpen is passed on to the TLSSocket (tls.connect reads it; @types/node omits it)
    const connectOptions: ConnectionOptions = { ...user, socket, allowHalfOpen: true } as ConnectionOptions;
    const name = options.serverHostname;
    if (name === '') {
      // asyncio: server_hostname='' bypasses the host name check
      connectOptions.checkServerIdentity = () => undefined;
    } else if (name !== undefined && name !== null) {
      connectOptions.host = name;
      if (isIP(name) === 0) connectOptions.servername = name;
      else delete connectOptions.servername;
    }
    tlsSocket = tlsConnect(connectOptions);
    doneEvent = 'secureConnect';
  }
  tlsSocket.on('error', noop);
  const future = new Future<void>({ loop });
  const settle = (error: unknown): void => {
    if (future.done() || loop.isClosed()) return;
    if (error === null) future.setResult(undefined);
    else future.setException(error);
  };
  const onDone = (): void => {
    settle(null);
  };
  const onError = (error: Error): void => {
    settle(fromNodeError(error));
  };
  const onClose = (): void => {
    settle(new ConnectionResetError('Connection lost during the TLS handshake'));
  };
  // read during the handshake, so that the peer's end-of-file is seen (a TLSSocket nobody reads
  // never reports it); application data arriving right after the handshake is kept and put back
  const early: Buffer[] = [];
  const onData = (chunk: Buffer): void => {
    early.push(chunk);
  };
  tlsSocket.once(doneEvent, onDone);
  tlsSocket.once('error', onError);
  tlsSocket.once('close', onClose);
  tlsSocket.once('end', onClose);
  tlsSocket.on('data', onData);
  const timeout = options.timeout ?? SSL_HANDSHAKE_TIMEOUT;
  const timer = loop.callLater(timeout, () => {
    settle(
      new ConnectionAbortedError(`SSL handshake is taking longer than ${timeout} seconds: aborting the connection`),
    );
  });
  try {
    yield* future;
  } catch (error) {
    tlsSocket.destroy();
    socket.destroy();
    throw error;
  } finally {
    timer.cancel();
    tlsSocket.off(doneEvent, onDone);
    tlsSocket.off('error', onError);
    tlsSocket.off('close', onClose);
    tlsSocket.off('end', onClose);
    tlsSocket.off('data', onData);
    tlsSocket.pause();
  }
  for (let i = early.length - 1; i >= 0; i--) tlsSocket.unshift(early[i]);
  return tlsSocket;
}
