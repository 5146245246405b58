// TLS: the SSL cases of CPython's test_events.py (test_create_server_ssl*, test_create_ssl_connection,
// test_create_unix_server_ssl*), test_streams.py test_start_tls, and loop.start_tls() — with a
// certificate made by openssl at test time (CN=localhost, SAN DNS:localhost, IP:127.0.0.1).
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Future, type Coroutine } from '@tsyncio/futures';
import type { BaseTransport, Protocol, StreamReader, StreamWriter, Transport } from '@tsyncio/streams';
import {
  ConnectionAbortedError,
  createConnection,
  createServer,
  createUnixConnection,
  createUnixServer,
  OSError,
  openConnection,
  SSLCertVerificationError,
  SocketTransport,
  SSLError,
  startServer,
  startTls,
  type Server,
} from '../src/index.js';
import { addressOf, b, bareProtocol, caught, HOST, makeCerts, MyProto, netLoop, s, socketDir, until, type Certs } from './helpers.js';

let certs: Certs;
beforeAll(() => {
  certs = makeCerts();
});

function* stop(server: Server): Coroutine<void> {
  server.close();
  server.abortClients();
  yield* server.waitClosed();
}

describe('TLS connections (test_events.py)', () => {
  it('a verified connection: data both ways and the TLS extra info (test_create_server_ssl_verified)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const serverSsl = { cert: certs.cert, key: certs.key };
      const server = yield* createServer(() => proto, HOST, 0, { ssl: serverSsl });
      const [host, port] = addressOf(server);
      expect(host).toBe(HOST);
      const clientSsl = { ca: [certs.cert] };
      const [client, pr] = yield* createConnection(() => new MyProto(), host, port, { ssl: clientSsl, serverHostname: 'localhost' });
      client.write(b('xxx'));
      yield* until(() => proto.nbytes === 3);
      expect(proto.state).toBe('CONNECTED');
      proto.transport!.write(b('back'));
      yield* until(() => pr.nbytes === 4);
      // extra info
      expect(client.getExtraInfo('peername')).toEqual([host, port]);
      expect(client.getExtraInfo('sockname')).not.toBeNull();
      expect(client.getExtraInfo('sslcontext')).toBe(clientSsl);
      expect(proto.transport!.getExtraInfo('sslcontext')).toBe(serverSsl);
      const sslObject = client.getExtraInfo('sslObject');
      expect(sslObject).toBeInstanceOf(TLSSocket);
      expect(client.getExtraInfo('ssl_object')).toBe(sslObject);
      expect((client.getExtraInfo('peercert') as { subject: { CN: string } }).subject.CN).toBe('localhost');
      const cipher = client.getExtraInfo('cipher') as { name: string; version: string };
      expect(typeof cipher.name).toBe('string');
      expect(cipher.version).toMatch(/^TLSv1\.[23]$/);
      expect(client.getExtraInfo('compression')).toBeNull();
      expect(client.canWriteEof()).toBe(false);
      expect((client as unknown as SocketTransport).toString()).toMatch(/ tls /);
      // close from the server side: close_notify, then the client closes too
      proto.transport!.close();
      yield* until(() => proto.state === 'CLOSED' && pr.state === 'CLOSED');
      expect(pr.lostWith).toBeNull();
      expect(proto.lostWith).toBeNull();
      yield* stop(server);
    });
    expect(t.errors).toEqual([]);
  });

  it('ssl: true and the default serverHostname (the host): an IP address is checked against the IP names', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(() => new MyProto(), HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      // trust the certificate through Node's own option; the name checked is 127.0.0.1 (SAN IP)
      const [tr] = yield* createConnection(bareProtocol, host, port, { ssl: { ca: [certs.cert] } });
      tr.close();
      yield* stop(server);
    });
  });

  it('an untrusted (self-signed) certificate is rejected: SSLCertVerificationError (test_create_server_ssl_verify_failed)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const proto = new MyProto();
      const server = yield* createServer(() => proto, HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      let made = false;
      const error = yield* caught(() =>
        createConnection(() => {
          made = true;
          return new MyProto();
        }, host, port, { ssl: true, serverHostname: 'localhost' }),
      );
      expect(error).toBeInstanceOf(SSLCertVerificationError);
      expect(error).toBeInstanceOf(SSLError);
      expect(error).toBeInstanceOf(OSError);
      const e = error as SSLCertVerificationError;
      expect(e.reason).toBe('CERTIFICATE_VERIFY_FAILED');
      expect(e.verifyCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(e.message).toMatch(/^\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed: self[- ]signed certificate/);
      expect(made).toBe(false);
      // the server never made a connection of it
      expect(proto.transport).toBeNull();
      yield* stop(server);
    });
    expect(t.errors).toEqual([]);
  });

  it('a certificate of another CA is rejected too', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      const error = yield* caught(() => createConnection(bareProtocol, host, port, { ssl: { ca: [certs.otherCert] }, serverHostname: 'localhost' }));
      expect(error).toBeInstanceOf(SSLCertVerificationError);
      yield* stop(server);
    });
  });

  it('a certificate for another host name is rejected (test_create_server_ssl_match_failed)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      const error = yield* caught(() =>
        createConnection(bareProtocol, host, port, { ssl: { ca: [certs.cert] }, serverHostname: 'example.com' }),
      );
      expect(error).toBeInstanceOf(SSLCertVerificationError);
      expect((error as SSLCertVerificationError).verifyCode).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
      expect((error as Error).message).toMatch(/certificate verify failed: .*example\.com/);
      // serverHostname '' skips the host name check (asyncio's rule); the chain is still verified
      const [tr] = yield* createConnection(bareProtocol, host, port, { ssl: { ca: [certs.cert] }, serverHostname: '' });
      tr.close();
      // and rejectUnauthorized: false turns verification off altogether
      const [tr2] = yield* createConnection(bareProtocol, host, port, { ssl: { rejectUnauthorized: false } });
      tr2.close();
      yield* stop(server);
    });
  });

  it('over Unix sockets (test_create_unix_server_ssl_verified)', async () => {
    const t = netLoop();
    const path = join(socketDir(), 'tls.sock');
    await t.run(function* () {
      const proto = new MyProto();
      const server = yield* createUnixServer(() => proto, path, { ssl: { cert: certs.cert, key: certs.key } });
      const [client] = yield* createUnixConnection(bareProtocol, path, { ssl: { ca: [certs.cert] }, serverHostname: 'localhost' });
      client.write(b('xxx'));
      yield* until(() => proto.nbytes === 3);
      expect(client.getExtraInfo('peername')).toBe(path);
      expect(proto.transport!.getExtraInfo('sockname')).toBe(path);
      client.close();
      yield* until(() => proto.state === 'CLOSED');
      yield* stop(server);
    });
  });

  it('writeEof() over TLS is NotImplementedError (asyncio: no half-close with SSL)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      const [tr] = yield* createConnection(bareProtocol, host, port, { ssl: { ca: [certs.cert] }, serverHostname: 'localhost' });
      expect(() => {
        tr.writeEof();
      }).toThrow(expect.objectContaining({ name: 'NotImplementedError', message: "SSL doesn't support half-closes" }) as Error);
      tr.close();
      yield* stop(server);
    });
  });

  it('a server-side handshake that takes too long closes the connection; nothing is reported outside debug mode', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0, { ssl: { cert: certs.cert, key: certs.key }, sslHandshakeTimeout: 0.05 });
      const [host, port] = addressOf(server);
      // a plain TCP client that never starts the handshake
      const [tr, pr] = yield* createConnection(() => new MyProto(), host, port);
      yield* until(() => pr.state === 'CLOSED');
      tr.close();
      yield* stop(server);
    });
    expect(t.errors).toEqual([]);
  });
});

describe('startTls (loop.start_tls, StreamWriter.start_tls)', () => {
  it('StreamWriter.startTls() upgrades both ends of a stream connection (test_streams.py test_start_tls)', async () => {
    const t = netLoop();
    const got = await t.run(function* () {
      function* handle(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
        const data1 = yield* reader.readline();
        writer.write(data1);
        yield* writer.drain();
        expect(writer.getExtraInfo('sslcontext')).toBeUndefined();
        yield* writer.startTls({ cert: certs.cert, key: certs.key });
        expect(writer.getExtraInfo('sslcontext')).not.toBeUndefined();
        const data2 = yield* reader.readline();
        writer.write(data2);
        yield* writer.drain();
        writer.close();
        yield* writer.waitClosed();
      }
      const server = yield* startServer(handle, HOST, 0);
      const [host, port] = addressOf(server);
      const [reader, writer] = yield* openConnection(host, port);
      writer.write(b('hello world 1!\n'));
      yield* writer.drain();
      const msg1 = yield* reader.readline();
      expect(writer.getExtraInfo('sslcontext')).toBeUndefined();
      yield* writer.startTls({ ca: [certs.cert] }, { serverHostname: 'localhost' });
      expect(writer.getExtraInfo('sslcontext')).not.toBeUndefined();
      expect(writer.transport.getExtraInfo('sslObject')).toBeInstanceOf(TLSSocket);
      writer.write(b('hello world 2!\n'));
      yield* writer.drain();
      const msg2 = yield* reader.readline();
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
      return [s(msg1), s(msg2)];
    });
    expect(got).toEqual(['hello world 1!\n', 'hello world 2!\n']);
    expect(t.errors).toEqual([]);
  });

  it('startTls() at the protocol level: no second connectionMade, the protocol receives the decrypted data', async () => {
    const t = netLoop();
    await t.run(function* () {
      // server: a protocol that upgrades when it reads "STARTTLS"
      const upgraded = new Future<Transport>();
      class StartTlsServer implements Protocol {
        transport: Transport | null = null;
        made = 0;
        received = '';
        connectionMade(tr: BaseTransport) {
          this.made++;
          this.transport = tr as Transport;
        }
        dataReceived(data: Uint8Array) {
          this.received += s(data);
          if (this.received === 'STARTTLS\n') {
            this.received = '';
            this.transport!.write(b('GO\n'));
            const task = t.task(startTls(this.transport!, this, { cert: certs.cert, key: certs.key }, { serverSide: true }));
            task.addDoneCallback(() => {
              this.transport = task.result();
              upgraded.setResult(this.transport);
            });
          }
        }
      }
      const serverProto = new StartTlsServer();
      const server = yield* createServer(() => serverProto, HOST, 0);
      const [host, port] = addressOf(server);
      const client = new MyProto();
      const [plain] = yield* createConnection(() => client, host, port);
      plain.write(b('STARTTLS\n'));
      yield* until(() => s(client.bytes()) === 'GO\n');
      const secure = yield* startTls(plain, client, { ca: [certs.cert] }, { serverHostname: 'localhost' });
      expect(secure).not.toBe(plain);
      const serverSecure = yield* upgraded;
      secure.write(b('secret'));
      yield* until(() => serverProto.received === 'secret');
      serverSecure.write(b('!'));
      yield* until(() => s(client.bytes()) === 'GO\n!');
      expect(client.events.filter((e) => e === 'made')).toHaveLength(1);
      expect(serverProto.made).toBe(1);
      // the old transport passes reading control and close on to the new one
      plain.pauseReading();
      expect(secure.isReading()).toBe(false);
      plain.resumeReading();
      expect(secure.isReading()).toBe(true);
      secure.close();
      yield* until(() => client.state === 'CLOSED');
      expect(client.lostWith).toBeNull();
      expect(client.events.filter((e) => e === 'lost')).toHaveLength(1);
      yield* stop(server);
    });
    expect(t.errors).toEqual([]);
  });

  it('a failed upgrade raises, closes the connection, and the protocol gets connectionLost(error)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const serverSide = new MyProto();
      const server = yield* createServer(() => serverSide, HOST, 0);
      const [host, port] = addressOf(server);
      const client = new MyProto();
      const [plain] = yield* createConnection(() => client, host, port);
      yield* until(() => serverSide.transport !== null);
      // the server side starts TLS too, with a certificate the client does not trust
      const serverTask = t.task(startTls(serverSide.transport!, serverSide, { cert: certs.cert, key: certs.key }, { serverSide: true }));
      const error = yield* caught(() => startTls(plain, client, { ca: [certs.otherCert] }, { serverHostname: 'localhost' }));
      expect(error).toBeInstanceOf(SSLCertVerificationError);
      yield* until(() => client.state === 'CLOSED');
      expect(client.lostWith).toBe(error);
      yield* caught(() => serverTask);
      yield* stop(server);
    });
  });

  it('refuses transports it cannot upgrade, and bad arguments', async () => {
    const t = netLoop();
    await t.run(function* () {
      const server = yield* createServer(bareProtocol, HOST, 0, { ssl: { cert: certs.cert, key: certs.key } });
      const [host, port] = addressOf(server);
      const [tls, proto] = yield* createConnection(() => new MyProto(), host, port, { ssl: { ca: [certs.cert] }, serverHostname: 'localhost' });
      const already = yield* caught(() => startTls(tls, proto, true));
      expect(already).toBeInstanceOf(TypeError);
      expect(String(already)).toMatch(/is not supported by startTls\(\)/);
      const notTransport = yield* caught(() => startTls({} as Transport, proto, true));
      expect(notTransport).toBeInstanceOf(TypeError);
      const plainServer = yield* createServer(bareProtocol, HOST, 0);
      const [h2, p2] = addressOf(plainServer);
      const [plain, proto2] = yield* createConnection(() => new MyProto(), h2, p2);
      expect(yield* caught(() => startTls(plain, proto2, 'tls' as unknown as boolean))).toBeInstanceOf(TypeError);
      expect(yield* caught(() => startTls(plain, proto2, true, { serverSide: true }))).toBeInstanceOf(TypeError);
      expect(yield* caught(() => startTls(plain, proto2, true, { sslHandshakeTimeout: -1 }))).toBeInstanceOf(RangeError);
      expect(yield* caught(() => startTls(plain, proto2, true, { severSide: true } as object))).toBeInstanceOf(TypeError);
      tls.close();
      plain.close();
      yield* stop(server);
      yield* stop(plainServer);
    });
  });

  it('the client handshake timeout also bounds startTls() (ConnectionAbortedError)', async () => {
    const t = netLoop();
    await t.run(function* () {
      const serverSide = new MyProto();
      const server = yield* createServer(() => serverSide, HOST, 0);
      const [host, port] = addressOf(server);
      const client = new MyProto();
      const [plain] = yield* createConnection(() => client, host, port);
      const error = yield* caught(() => startTls(plain, client, true, { sslHandshakeTimeout: 0.05 }));
      expect(error).toBeInstanceOf(ConnectionAbortedError);
      yield* until(() => client.state === 'CLOSED');
      yield* stop(server);
    });
  });
});
