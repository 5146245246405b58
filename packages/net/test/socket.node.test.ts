/**
 * The Socket object: construction, the non-blocking mode, bind/listen/getsockname as the
 * emulation defines them (see socket.ts), options, shutdown/close, printing — Python's socket
 * behaviour where Node allows it (messages and errnos checked against CPython 3.13 on Linux).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import { sleep } from '@tsyncio/futures';
import {
  AF_INET6,
  OSError,
  SHUT_WR,
  SOCK_DGRAM,
  sockAccept,
  sockConnect,
  socket,
  Socket,
} from '../src/index.js';
import { hasReusePort } from '../src/socket.js';
import { caught, listener, LOCALHOST, runOn, socketDir, tracked } from './sock-helpers.js';

describe('socket()', () => {
  it('makes a TCP/IPv4 socket by default; family, type and proto are as given', () => {
    const sock = socket();
    expect([sock.family, sock.type, sock.proto]).toEqual(['inet', 'stream', 0]);
    expect(sock).toBeInstanceOf(Socket);
    const udp6 = new Socket({ family: AF_INET6, type: SOCK_DGRAM, proto: 17 });
    expect([udp6.family, udp6.type, udp6.proto]).toEqual(['inet6', 'dgram', 17]);
    sock.close();
    udp6.close();
  });

  it('rejects unknown families, types, protocols and options, naming them', () => {
    expect(caught(() => socket({ family: 'ipx' as never }))).toMatchObject({
      name: 'RangeError',
      message: `socket() family must be 'inet', 'inet6' or 'unix', got "ipx"`,
    });
    expect(caught(() => socket({ type: 'raw' as never }))).toMatchObject({ name: 'RangeError' });
    expect(caught(() => socket({ type: 'stream', proto: 17 }))).toMatchObject({ name: 'RangeError', message: expect.stringContaining('proto') });
    expect(caught(() => socket({ blocking: true } as never))).toMatchObject({
      name: 'TypeError',
      message: "socket() got an unexpected option 'blocking' (expected one of: family, type, proto)",
    });
    expect(caught(() => socket({ family: 'unix', type: 'dgram' }))).toMatchObject({
      name: 'RangeError',
      message: expect.stringContaining('Unix datagram sockets are not supported on Node'),
    });
  });
});

describe('the non-blocking mode', () => {
  it('setblocking(false) and settimeout(0) are accepted; blocking is a RangeError', () => {
    const sock = tracked();
    sock.setblocking(false);
    sock.settimeout(0);
    expect(sock.gettimeout()).toBe(0);
    expect(sock.getblocking()).toBe(false);
    expect(caught(() => {
      sock.setblocking(true);
    })).toMatchObject({ name: 'RangeError', message: expect.stringContaining('always non-blocking') });
    expect(caught(() => {
      sock.settimeout(null);
    })).toBeInstanceOf(RangeError);
    expect(caught(() => {
      sock.settimeout(5);
    })).toBeInstanceOf(RangeError);
  });
});

describe('bind, listen and getsockname', () => {
  it('an unbound socket reports the wildcard address and port 0, as in Python', () => {
    expect(tracked().getsockname()).toEqual(['0.0.0.0', 0]);
    expect(tracked({ family: 'inet6' }).getsockname()).toEqual(['::', 0, 0, 0]);
    expect(tracked({ family: 'unix' }).getsockname()).toBe('');
    expect(tracked({ type: 'dgram' }).getsockname()).toEqual(['0.0.0.0', 0]);
  });

  it('a stream socket bound to port 0 learns its port when listen() has completed (waitBound)', async () => {
    await runOn(function* () {
      const sock = tracked();
      sock.bind([LOCALHOST, 0]);
      // Node binds a stream socket when it listens
      expect(caught(() => sock.getsockname())).toMatchObject({
        code: 'EINPROGRESS',
        message: expect.stringContaining('call listen() first'),
      });
      expect(caught(() => sock.getsockname())).toBeInstanceOf(OSError);
      sock.listen();
      expect(caught(() => sock.getsockname())).toMatchObject({ code: 'EINPROGRESS', message: expect.stringContaining('waitBound()') });
      const address = (yield* sock.waitBound()) as [string, number];
      expect(address[0]).toBe(LOCALHOST);
      expect(address[1]).toBeGreaterThan(0);
      expect(sock.getsockname()).toEqual(address);
      expect(sock.fileno()).toBeGreaterThan(2);
    });
  });

  it('a socket bound to a numeric host and a fixed port reports it at once', async () => {
    await runOn(function* () {
      const [probe, [, port]] = yield* listener();
      probe.close();
      const sock = tracked();
      sock.bind([LOCALHOST, port]);
      expect(sock.getsockname()).toEqual([LOCALHOST, port]);
      sock.listen();
      expect(yield* sock.waitBound()).toEqual([LOCALHOST, port]);
    });
  });

  it('a datagram socket starts binding in bind()', async () => {
    await runOn(function* () {
      const sock = tracked({ type: 'dgram' });
      sock.bind(['', 0]);
      const [host, port] = (yield* sock.waitBound()) as [string, number];
      expect(host).toBe('0.0.0.0');
      expect(port).toBeGreaterThan(0);
      expect(sock.getsockname()).toEqual([host, port]);
    });
  });

  it('a bind error (EADDRINUSE) is raised once, by the next operation, and leaves the socket unbound', async () => {
    await runOn(function* () {
      const taken = tracked({ type: 'dgram' });
      taken.bind([LOCALHOST, 0]);
      const address = yield* taken.waitBound();
      const sock = tracked({ type: 'dgram' });
      sock.bind(address);
      let error: unknown = null;
      try {
        yield* sock.waitBound();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(OSError);
      expect(error).toMatchObject({ code: 'EADDRINUSE', errno: 98, message: '[Errno 98] Address already in use' });
      expect(sock.getsockname()).toEqual(['0.0.0.0', 0]);
      sock.bind([LOCALHOST, 0]);
      expect(yield* sock.waitBound()).not.toEqual(address);
    });
  });

  it('listen() on an unbound socket binds to any interface and any port', async () => {
    await runOn(function* () {
      const sock = tracked();
      sock.listen();
      const [host, port] = (yield* sock.waitBound()) as [string, number];
      expect(host).toBe('0.0.0.0');
      expect(port).toBeGreaterThan(0);
      // connect through loopback only
      const client = tracked();
      yield* sockConnect(client, [LOCALHOST, port]);
      const [conn] = yield* sockAccept(sock);
      conn.close();
    });
  });

  it('binding a host name resolves it with the socket family', async () => {
    await runOn(function* () {
      const sock = tracked();
      sock.bind(['localhost', 0]);
      sock.listen();
      const [host] = (yield* sock.waitBound()) as [string, number];
      expect(host).toBe(LOCALHOST);
    });
  });

  it('bind() checks state and address at once, as Python', () => {
    const sock = tracked();
    expect(caught(() => {
      sock.bind([LOCALHOST, 70000]);
    })).toMatchObject({ name: 'RangeError', message: 'bind(): port must be 0-65535, got 70000' });
    expect(caught(() => {
      sock.bind('/tmp/x');
    })).toMatchObject({ name: 'TypeError', message: expect.stringContaining('AF_INET address must be [host, port]') });
    expect(caught(() => {
      sock.bind(['::1', 0]);
    })).toMatchObject({ errno: -9, message: '[Errno -9] Address family for hostname not supported' });
    sock.bind([LOCALHOST, 0]);
    expect(caught(() => {
      sock.bind([LOCALHOST, 0]);
    })).toMatchObject({ code: 'EINVAL', errno: 22, message: '[Errno 22] Invalid argument' });
    sock.close();
    expect(caught(() => {
      sock.bind([LOCALHOST, 0]);
    })).toMatchObject({ code: 'EBADF', errno: 9 });
    expect(caught(() => sock.getsockname())).toMatchObject({ code: 'EBADF' });
    expect(sock.fileno()).toBe(-1);
  });

  it('a Unix socket path that exists already is EADDRINUSE in bind() itself', () => {
    const dir = socketDir();
    const path = join(dir, 'taken');
    writeFileSync(path, '');
    const sock = tracked({ family: 'unix' });
    expect(caught(() => {
      sock.bind(path);
    })).toMatchObject({ code: 'EADDRINUSE', errno: 98 });
    expect(caught(() => {
      tracked({ family: 'unix' }).listen();
    })).toMatchObject({ code: 'EINVAL' });
  });

  it('listen() on a datagram socket is EOPNOTSUPP; on a connected socket EINVAL; again does nothing', async () => {
    await runOn(function* () {
      expect(caught(() => {
        tracked({ type: 'dgram' }).listen();
      })).toMatchObject({ code: 'EOPNOTSUPP' });
      const [lsock, address] = yield* listener();
      lsock.listen(5);
      const client = tracked();
      yield* sockConnect(client, address);
      expect(caught(() => {
        client.listen();
      })).toMatchObject({ code: 'EINVAL' });
      expect(caught(() => {
        client.listen(1.5);
      })).toBeInstanceOf(TypeError);
    });
  });

  it('getpeername() is ENOTCONN until connected', async () => {
    await runOn(function* () {
      const [, address] = yield* listener();
      const client = tracked();
      expect(caught(() => client.getpeername())).toMatchObject({ code: 'ENOTCONN', errno: 107 });
      yield* sockConnect(client, address);
      expect(client.getpeername()).toEqual(address);
    });
  });

  it('IPv6 addresses are [host, port, flowInfo, scopeId]', async () => {
    await runOn(function* () {
      const sock = tracked({ family: 'inet6' });
      sock.bind(['::1', 0]);
      sock.listen();
      let address: unknown;
      try {
        address = yield* sock.waitBound();
      } catch (error) {
        // no IPv6 loopback on this machine
        expect((error as { code?: string }).code).toMatch(/^(EADDRNOTAVAIL|EAFNOSUPPORT)$/);
        return;
      }
      expect(address).toEqual(['::1', expect.any(Number), 0, 0]);
      const client = tracked({ family: 'inet6' });
      yield* sockConnect(client, address as [string, number, number, number]);
      const [conn, peer] = yield* sockAccept(sock);
      expect(peer).toEqual(client.getsockname());
      conn.close();
    });
  });
});

describe('socket options', () => {
  it('TCP_NODELAY and SO_KEEPALIVE are recorded and applied to the connection', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      client.setsockopt('TCP_NODELAY', 1);
      client.setKeepAlive(true, 30);
      expect(client.getsockopt('TCP_NODELAY')).toBe(1);
      expect(client.getsockopt('SO_KEEPALIVE')).toBe(1);
      yield* sockConnect(client, address);
      client.setNoDelay(false);
      expect(client.getsockopt('TCP_NODELAY')).toBe(0);
      const [conn] = yield* sockAccept(lsock);
      conn.close();
    });
  });

  it('datagram options are applied once Node has bound the socket', async () => {
    await runOn(function* () {
      const sock = tracked({ type: 'dgram' });
      sock.setsockopt('SO_BROADCAST', true);
      sock.setsockopt('IP_TTL', 12);
      sock.setsockopt('SO_RCVBUF', 65536);
      sock.bind([LOCALHOST, 0]);
      yield* sock.waitBound();
      expect(sock.getsockopt('SO_BROADCAST')).toBe(1);
      expect(sock.getsockopt('IP_TTL')).toBe(12);
      // the kernel doubles what it is given (Linux)
      expect(sock.getsockopt('SO_RCVBUF')).toBeGreaterThanOrEqual(65536);
      sock.setsockopt('IP_MULTICAST_LOOP', 0);
    });
  });

  it('unknown options are a RangeError naming them; options of the other socket type are ENOPROTOOPT', () => {
    const sock = tracked();
    expect(caught(() => {
      sock.setsockopt('SO_LINGER' as never, 1);
    })).toMatchObject({ name: 'RangeError', message: expect.stringContaining('unsupported socket option "SO_LINGER"') });
    expect(caught(() => {
      sock.setsockopt('SO_BROADCAST', 1);
    })).toMatchObject({ code: 'ENOPROTOOPT', errno: 92 });
    expect(caught(() => {
      sock.setsockopt('SO_SNDBUF', 1024);
    })).toMatchObject({ code: 'ENOPROTOOPT', message: expect.stringContaining('Node cannot set SO_SNDBUF on stream sockets') });
    expect(caught(() => {
      tracked({ type: 'dgram' }).setsockopt('TCP_NODELAY', 1);
    })).toMatchObject({ code: 'ENOPROTOOPT' });
    expect(caught(() => {
      sock.setsockopt('IPV6_V6ONLY', 1);
    })).toMatchObject({ code: 'ENOPROTOOPT' });
    expect(caught(() => {
      sock.setsockopt('TCP_NODELAY', 'yes' as never);
    })).toBeInstanceOf(TypeError);
  });

  it('SO_REUSEPORT needs Node 22.12; SO_ERROR is read-only and cleared by reading it', () => {
    const sock = tracked();
    if (hasReusePort()) {
      sock.setsockopt('SO_REUSEPORT', 1);
      expect(sock.getsockopt('SO_REUSEPORT')).toBe(1);
    } else {
      expect(caught(() => {
        sock.setsockopt('SO_REUSEPORT', 1);
      })).toMatchObject({ code: 'ENOPROTOOPT', message: expect.stringContaining('Node 22.12') });
    }
    expect(sock.getsockopt('SO_ERROR')).toBe(0);
    expect(caught(() => {
      sock.setsockopt('SO_ERROR', 0);
    })).toMatchObject({ code: 'ENOPROTOOPT' });
  });
});

describe('shutdown, close and printing', () => {
  it('shutdown() needs a connection and a valid how', () => {
    const sock = tracked();
    expect(caught(() => {
      sock.shutdown(SHUT_WR);
    })).toMatchObject({ code: 'ENOTCONN' });
    expect(caught(() => {
      sock.shutdown(3 as never);
    })).toBeInstanceOf(RangeError);
  });

  it('close() is idempotent; `using` closes the socket', () => {
    let inner: Socket;
    {
      using sock = socket();
      inner = sock;
      sock.close();
      sock.close();
    }
    expect(inner.toString()).toBe('<Socket fd=-1, family=inet, type=stream, proto=0 [closed]>');
    {
      using sock = socket({ type: 'dgram' });
      inner = sock;
    }
    expect(inner.fileno()).toBe(-1);
  });

  it('prints like Python, with the local and remote addresses', async () => {
    await runOn(function* () {
      const [lsock, [host, port]] = yield* listener();
      expect(String(lsock)).toMatch(new RegExp(`^<Socket fd=\\d+, family=inet, type=stream, proto=0, laddr=\\('${host}', ${port}\\)>$`));
      const client = tracked();
      yield* sockConnect(client, [host, port]);
      expect(String(client)).toContain(`raddr=('${host}', ${port})`);
      yield* sleep(0);
    });
  });

  it('a socket owned by a transport or server cannot be closed, bound or listened on', () => {
    const sock = tracked();
    sock._owner = { toString: () => '<Server>' };
    for (const act of [() => sock.close(), () => sock.bind([LOCALHOST, 0]), () => sock.listen()]) {
      expect(caught(act)).toMatchObject({
        message: expect.stringContaining('this socket belongs to <Server>; use the transport or server instead'),
      });
      expect(caught(act)).toBeInstanceOf(RuntimeError);
    }
    expect(sock.getsockname()).toEqual(['0.0.0.0', 0]);
    sock._owner = null;
  });
});
