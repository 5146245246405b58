/**
 * createDatagramEndpoint() and its transport, on UDP over 127.0.0.1: the UDP parts of CPython's
 * Lib/test/test_asyncio/test_events.py (3.13) — _test_create_datagram_endpoint, the sock=
 * variant, test_datagram_send_to_non_listening_address — and the option checks of
 * test_base_events.py's test_create_datagram_endpoint_* cases.
 */
import { describe, expect, it } from 'vitest';
import { getRunningLoop, type EventLoop } from '@tsyncio/loop';
import { Future, sleep, waitFor, type Coroutine } from '@tsyncio/futures';
import type { Address, BaseTransport, DatagramProtocol, DatagramTransport } from '@tsyncio/streams';
import {
  ConnectionRefusedError,
  createDatagramEndpoint,
  DatagramSocketTransport,
  getnameinfo,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  sockSendto,
  Socket,
} from '../src/index.js';
import { hasReusePort } from '../src/socket.js';
import { b, LOCALHOST, runOn, text, tracked } from './sock-helpers.js';

/** cf. test_events.py MyDatagramProto: checks the call order and counts the bytes. */
class MyDatagramProto implements DatagramProtocol {
  state = 'INITIAL';
  nbytes = 0;
  transport: DatagramTransport | null = null;
  readonly done: Future<void>;
  readonly received: [string, Address][] = [];
  readonly errors: Error[] = [];
  private arrived: Future<void> | null = null;

  constructor(loop: EventLoop) {
    this.done = new Future<void>({ loop });
  }

  private assertState(expected: string): void {
    if (this.state !== expected) throw new Error(`state: ${this.state}, expected: ${expected}`);
  }

  connectionMade(transport: BaseTransport): void {
    this.transport = transport as DatagramTransport;
    this.assertState('INITIAL');
    this.state = 'INITIALIZED';
  }

  datagramReceived(data: Uint8Array, addr: Address): void {
    this.assertState('INITIALIZED');
    this.nbytes += data.length;
    this.received.push([text(data), addr]);
    this.arrived?.setResult(undefined);
    this.arrived = null;
  }

  errorReceived(exc: Error): void {
    this.assertState('INITIALIZED');
    this.errors.push(exc);
    this.arrived?.setResult(undefined);
    this.arrived = null;
  }

  connectionLost(): void {
    this.assertState('INITIALIZED');
    this.state = 'CLOSED';
    this.done.setResult(undefined);
  }

  /** Wait (at most 5 s) for the next datagram or error that arrives from now on. */
  next(): Coroutine<void> {
    this.arrived = new Future<void>({ loop: getRunningLoop() });
    return waitFor(this.arrived, 5);
  }
}

/** Echoes every datagram back as 'resp:' + data. */
class EchoProto extends MyDatagramProto {
  override datagramReceived(data: Uint8Array, addr: Address): void {
    super.datagramReceived(data, addr);
    this.transport?.sendto(new Uint8Array([...b('resp:'), ...data]), addr);
  }
}

function* catching(coro: Coroutine<unknown>): Coroutine<unknown> {
  try {
    yield* coro;
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('createDatagramEndpoint', () => {
  // cf. test_events.py EventLoopTestsMixin._test_create_datagram_endpoint
  it('a server endpoint and a connected client endpoint exchange datagrams', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const [sTransport, server] = yield* createDatagramEndpoint(() => new EchoProto(loop), {
        localAddr: [LOCALHOST, 0],
        family: 4,
      });
      const sockname = sTransport.getExtraInfo('sockname') as [string, number];
      const [host, port] = yield* getnameinfo(sockname, NI_NUMERICHOST | NI_NUMERICSERV);
      expect(sTransport).toBeInstanceOf(DatagramSocketTransport);
      expect(server.state).toBe('INITIALIZED');
      expect(server.transport).toBe(sTransport);
      expect(sTransport.getExtraInfo('peername')).toBeNull();

      const [transport, client] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), {
        remoteAddr: [host, Number(port)],
      });
      expect(client.state).toBe('INITIALIZED');
      expect(client.transport).toBe(transport);
      expect(transport.getExtraInfo('peername')).toEqual([LOCALHOST, Number(port)]);

      const reply = client.next();
      transport.sendto(b('xxx'));
      yield* reply;
      expect(server.nbytes).toBe(3);
      expect(client.nbytes).toBe(8);
      expect(client.received[0]![0]).toBe('resp:xxx');
      expect(transport.getExtraInfo('sockname')).not.toBeNull();
      expect(transport.getExtraInfo('nothing', 'default')).toBe('default');

      transport.close();
      yield* client.done;
      expect(client.state).toBe('CLOSED');
      sTransport.close();
      yield* server.done;
    });
  });

  // cf. test_events.py test_create_datagram_endpoint_ipv6
  it('works over IPv6 when the machine has ::1', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      let endpoint: [DatagramSocketTransport, EchoProto];
      try {
        endpoint = yield* createDatagramEndpoint(() => new EchoProto(loop), { localAddr: ['::1', 0], family: 6 });
      } catch (error) {
        expect((error as { code?: string }).code).toMatch(/^(EADDRNOTAVAIL|EAFNOSUPPORT)$/);
        return;
      }
      const [sTransport, server] = endpoint;
      const [, port] = sTransport.getExtraInfo('sockname') as [string, number, number, number];
      const [transport, client] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { remoteAddr: ['::1', port] });
      const reply = client.next();
      transport.sendto(b('six'));
      yield* reply;
      expect(client.received[0]).toEqual(['resp:six', ['::1', port, 0, 0]]);
      transport.close();
      sTransport.close();
      yield* client.done;
      yield* server.done;
    });
  });

  // cf. test_events.py test_create_datagram_endpoint_sock
  it('adopts a bound datagram Socket (sock=)', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const sock = tracked({ type: 'dgram' });
      sock.bind([LOCALHOST, 0]);
      const address = yield* sock.waitBound();
      const [transport, protocol] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { sock });
      expect(transport.getExtraInfo('socket')).toBe(sock);
      expect(transport.getExtraInfo('sockname')).toEqual(address);
      // the transport owns the socket now
      expect(() => {
        sock.close();
      }).toThrow(/belongs to/);
      transport.close();
      yield* protocol.done;
      expect(sock.fileno()).toBe(-1);
    });
  });

  // cf. test_events.py test_datagram_send_to_non_listening_address
  it('sending to an address nobody listens on does not stop the transport receiving', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const endpoint = function* (): Coroutine<[DatagramSocketTransport, MyDatagramProto, Address]> {
        const sock = tracked({ type: 'dgram' });
        sock.bind([LOCALHOST, 0]);
        const address = yield* sock.waitBound();
        const [transport, protocol] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { sock });
        return [transport, protocol, address];
      };
      const [transport1, protocol1, addr1] = yield* endpoint();
      const [transport2, protocol2, addr2] = yield* endpoint();
      const [transport3, , addr3] = yield* endpoint();
      transport3.abort();

      let wait = protocol2.next();
      transport1.sendto(b('a'), addr2);
      yield* wait;
      expect(protocol2.received.at(-1)![0]).toBe('a');

      wait = protocol1.next();
      transport2.sendto(b('b'), addr1);
      yield* wait;
      expect(protocol1.received.at(-1)![0]).toBe('b');

      // this one goes to an address that is not listening
      transport1.sendto(b('c'), addr3);
      yield* sleep(0.01);

      wait = protocol1.next();
      transport2.sendto(b('d'), addr1);
      yield* wait;
      expect(protocol1.received.at(-1)![0]).toBe('d');
      transport1.close();
      transport2.close();
      yield* protocol1.done;
      yield* protocol2.done;
    });
  });

  it('a connected endpoint gets ConnectionRefusedError in errorReceived and stays open', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const gone = tracked({ type: 'dgram' });
      gone.bind([LOCALHOST, 0]);
      const [, port] = (yield* gone.waitBound()) as [string, number];
      gone.close();
      const [transport, protocol] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { remoteAddr: [LOCALHOST, port] });
      const wait = protocol.next();
      transport.sendto(b('anyone?'));
      yield* wait;
      expect(protocol.errors[0]).toBeInstanceOf(ConnectionRefusedError);
      expect(transport.isClosing()).toBe(false);
      transport.close();
      yield* protocol.done;
    });
  });

  it('sendto() checks data and address; the connected address may be repeated', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const [sTransport, server] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { localAddr: [LOCALHOST, 0] });
      const address = sTransport.getExtraInfo('sockname') as [string, number];
      const [transport, client] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { remoteAddr: address });
      expect(() => {
        transport.sendto('text' as never);
      }).toThrow(TypeError);
      expect(() => {
        transport.sendto(b('x'), [LOCALHOST, address[1] + 1]);
      }).toThrow(new RangeError(`Invalid address: must be None or ('${LOCALHOST}', ${address[1]})`));
      const wait = server.next();
      const data = b('same');
      transport.sendto(data, address);
      // the transport copied the data: changing it now changes nothing
      data.fill(0);
      yield* wait;
      expect(server.received[0]).toEqual(['same', transport.getExtraInfo('sockname')]);
      expect(() => {
        sTransport.sendto(b('x'));
      }).toThrow(/addr is required/);
      transport.close();
      sTransport.close();
      yield* client.done;
      yield* server.done;
    });
  });

  it('close() waits for pending sends; abort() does not; connectionLost comes once, later sends are dropped', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const [sTransport, server] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { localAddr: [LOCALHOST, 0] });
      const address = sTransport.getExtraInfo('sockname') as [string, number];
      const [transport, client] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { family: 4 });
      const wait = server.next();
      transport.sendto(b('before close'), address);
      transport.close();
      transport.close();
      expect(transport.isClosing()).toBe(true);
      expect(client.state).toBe('INITIALIZED');
      yield* client.done;
      yield* wait;
      expect(server.received[0]![0]).toBe('before close');
      transport.sendto(b('after close'), address);
      transport.abort();
      sTransport.abort();
      sTransport.abort();
      yield* server.done;
      yield* sleep(0);
      expect(client.state).toBe('CLOSED');
    });
  });

  it('datagrams that arrive before connectionMade are delivered after it, in order', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const sock = tracked({ type: 'dgram' });
      sock.bind([LOCALHOST, 0]);
      const address = yield* sock.waitBound();
      const sender = tracked({ type: 'dgram' });
      yield* sockSendto(sender, b('1'), address);
      yield* sockSendto(sender, b('2'), address);
      yield* sleep(0.02);
      const [transport, protocol] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { sock });
      yield* sleep(0.01);
      expect(protocol.received.map(([data]) => data)).toEqual(['1', '2']);
      transport.close();
      yield* protocol.done;
    });
  });
});

describe('createDatagramEndpoint option checks', () => {
  // cf. test_base_events.py (3.13 has no reuse_address at all)
  it('reuseAddress is refused: removed from asyncio for security', async () => {
    await runOn(function* () {
      const error = yield* catching(createDatagramEndpoint(() => ({}), { reuseAddress: true } as never));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/reuseAddress: it was removed from asyncio for security/);
    });
  });

  // cf. test_base_events.py test_create_datagram_endpoint_noaddr_nofamily, _addr_error, _wrong_sock, _sock_sockopts
  it('names what is wrong: family, addresses, sock with other options, unknown options', async () => {
    await runOn(function* () {
      expect(yield* catching(createDatagramEndpoint(() => ({})))).toMatchObject({ name: 'RangeError', message: 'unexpected address family' });
      expect(yield* catching(createDatagramEndpoint(() => ({}), { localAddr: 'localhost' as never }))).toMatchObject({
        name: 'TypeError',
        message: expect.stringContaining('localAddr must be a [host, port] pair'),
      });
      expect(yield* catching(createDatagramEndpoint(() => ({}), { localAddr: ['localhost', 1, 2, 3] as never }))).toBeInstanceOf(TypeError);
      expect(yield* catching(createDatagramEndpoint(() => ({}), { remoteAddr: [LOCALHOST, 99999] }))).toBeInstanceOf(RangeError);
      expect(yield* catching(createDatagramEndpoint(() => ({}), { sock: tracked() }))).toMatchObject({
        name: 'RangeError',
        message: expect.stringContaining('A datagram socket was expected'),
      });
      const sock = tracked({ type: 'dgram' });
      expect(yield* catching(createDatagramEndpoint(() => ({}), { sock, localAddr: [LOCALHOST, 0], allowBroadcast: true }))).toMatchObject({
        name: 'RangeError',
        message: `socket modifier keyword arguments can not be used when sock is specified. (localAddr=('${LOCALHOST}', 0), allowBroadcast=true)`,
      });
      expect(yield* catching(createDatagramEndpoint(() => ({}), { local: [LOCALHOST, 0] } as never))).toMatchObject({
        name: 'TypeError',
        message: expect.stringContaining("unexpected option 'local'"),
      });
      expect(yield* catching(createDatagramEndpoint(() => ({}), { family: 4, allowBroadcast: 'yes' as never }))).toBeInstanceOf(TypeError);
      expect(yield* catching(createDatagramEndpoint('factory' as never, { family: 4 }))).toBeInstanceOf(TypeError);
    });
  });

  // cf. test_base_events.py test_create_datagram_endpoint_no_matching_family
  it('addresses of different families have no pair: "can not get address information"', async () => {
    await runOn(function* () {
      expect(
        yield* catching(createDatagramEndpoint(() => ({}), { remoteAddr: [LOCALHOST, 9], localAddr: ['::1', 0] })),
      ).toMatchObject({ name: 'RangeError', message: 'can not get address information' });
    });
  });

  // cf. test_base_events.py test_create_datagram_endpoint_cant_bind
  it('a bind error is raised and the socket closed', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const [taken, protocol] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { localAddr: [LOCALHOST, 0] });
      const address = taken.getExtraInfo('sockname') as [string, number];
      expect(yield* catching(createDatagramEndpoint(() => ({}), { localAddr: address }))).toMatchObject({ code: 'EADDRINUSE' });
      taken.close();
      yield* protocol.done;
    });
  });

  // cf. test_base_events.py test_create_datagram_endpoint_sockopts, _allow_broadcast
  it('allowBroadcast sets SO_BROADCAST (and does not connect); reusePort needs Node 22.12', async () => {
    await runOn(function* () {
      const loop = getRunningLoop();
      const [plain, p1] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), { localAddr: [LOCALHOST, 0] });
      const plainSock = plain.getExtraInfo('socket') as Socket;
      expect(plainSock.getsockopt('SO_BROADCAST')).toBe(0);
      expect(plainSock.getsockopt('SO_REUSEADDR')).toBe(0);
      plain.close();
      yield* p1.done;

      // the broadcast address itself is never used: only the option is checked
      const [broadcast, p2] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), {
        remoteAddr: [LOCALHOST, 9],
        allowBroadcast: true,
      });
      const sock = broadcast.getExtraInfo('socket') as Socket;
      expect(sock.getsockopt('SO_BROADCAST')).toBe(1);
      expect(broadcast.getExtraInfo('peername')).toBeNull();
      broadcast.close();
      yield* p2.done;

      if (hasReusePort()) {
        const [reused, p3] = yield* createDatagramEndpoint(() => new MyDatagramProto(loop), {
          localAddr: [LOCALHOST, 0],
          reusePort: true,
        });
        expect((reused.getExtraInfo('socket') as Socket).getsockopt('SO_REUSEPORT')).toBe(1);
        reused.close();
        yield* p3.done;
      } else {
        expect(yield* catching(createDatagramEndpoint(() => ({}), { localAddr: [LOCALHOST, 0], reusePort: true }))).toMatchObject({
          name: 'RangeError',
          message: expect.stringContaining('reusePort not supported'),
        });
      }
    });
  });

  it('a protocol factory that throws leaves no socket open', async () => {
    await runOn(function* () {
      const error = yield* catching(
        createDatagramEndpoint(
          () => {
            throw new Error('no protocol');
          },
          { family: 4 },
        ),
      );
      expect(error).toMatchObject({ message: 'no protocol' });
    });
  });
});
