/**
 * The sock* coroutines on real loopback sockets, ported in spirit from CPython's
 * Lib/test/test_asyncio/test_sock_lowlevel.py (3.13): client ops against a small HTTP-ish server,
 * the cancellation races, huge content both ways, datagrams, Unix sockets, accept and its
 * cancellation — plus what the emulation must guarantee: nothing is lost by a cancelled receive,
 * bounded buffering while nobody receives, sockSendall calls in order, sockSendfile.
 */
import { writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import { createTask, fromPromise, gather, sleep, TimeoutError, waitFor, type Coroutine } from '@tsyncio/futures';
import {
  BrokenPipeError,
  ConnectionRefusedError,
  ConnectionResetError,
  OSError,
  RECV_BUFFER_LIMIT,
  SHUT_RD,
  SHUT_WR,
  sockAccept,
  sockConnect,
  sockRecv,
  sockRecvfrom,
  sockRecvInto,
  sockSendall,
  sockSendfile,
  sockSendto,
  type Socket,
} from '../src/index.js';
import { b, listener, LOCALHOST, runOn, socketDir, text, tracked } from './sock-helpers.js';

const RESPONSE = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n';

/** Read from `sock` until `marker` has arrived (or EOF); returns everything read. */
function* recvUntil(sock: Socket, marker: string): Coroutine<string> {
  let data = '';
  while (!data.includes(marker)) {
    const chunk = yield* sockRecv(sock, 65536);
    if (chunk.length === 0) break;
    data += text(chunk);
  }
  return data;
}

/**
 * A one-connection test server (CPython's run_test_server, in spirit): answers a GET with a
 * small response; for a POST with Content-Length, answers the headers at once and echoes the
 * body as it arrives. Returns the listening address and the serving task.
 */
function* testServer(): Coroutine<[[string, number], ReturnType<typeof createTask<void>>]> {
  const [lsock, address] = yield* listener();
  const serve = function* (): Coroutine<void> {
    const [conn] = yield* sockAccept(lsock);
    try {
      const head = yield* recvUntil(conn, '\r\n\r\n');
      if (head.startsWith('POST')) {
        const length = Number(/Content-Length: (\d+)/.exec(head)?.[1] ?? 0);
        yield* sockSendall(conn, b(RESPONSE));
        let echoed = head.length - head.indexOf('\r\n\r\n') - 4;
        if (echoed > 0) yield* sockSendall(conn, b(head.slice(head.indexOf('\r\n\r\n') + 4)));
        while (echoed < length) {
          const chunk = yield* sockRecv(conn, 65536);
          if (chunk.length === 0) break;
          yield* sockSendall(conn, chunk);
          echoed += chunk.length;
        }
      } else {
        yield* sockSendall(conn, b(`${RESPONSE}hello from the test server\n`));
      }
    } finally {
      conn.close();
    }
  };
  return [address, createTask(serve())];
}

describe('sock* client operations', () => {
  // cf. test_sock_lowlevel.py BaseSockTestsMixin._basetest_sock_client_ops
  it('sockConnect, sockSendall and sockRecv talk to a server', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      sock.setblocking(false);
      expect(() => {
        sock.setblocking(true);
      }).toThrow(RangeError);
      yield* sockConnect(sock, address);
      yield* sockSendall(sock, b('GET / HTTP/1.0\r\n\r\n'));
      const data = text(yield* sockRecv(sock, 1024));
      // consume data
      yield* sockRecv(sock, 1024);
      sock.close();
      expect(data.startsWith('HTTP/1.0 200 OK')).toBe(true);
      yield* server;
    });
  });

  // cf. test_sock_lowlevel.py BaseSockTestsMixin._basetest_sock_recv_into
  it('sockRecvInto fills the caller buffer and returns the count', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      yield* sockConnect(sock, address);
      yield* sockSendall(sock, b('GET / HTTP/1.0\r\n\r\n'));
      const data = new Uint8Array(1024);
      let nbytes = yield* sockRecvInto(sock, data.subarray(0, 1024));
      for (;;) {
        const more = yield* sockRecvInto(sock, data.subarray(nbytes));
        if (more === 0) break;
        nbytes += more;
      }
      sock.close();
      expect(text(data.subarray(0, nbytes)).startsWith('HTTP/1.0 200 OK')).toBe(true);
      expect(text(data.subarray(0, nbytes))).toContain('hello from the test server');
      yield* server;
    });
  });

  // cf. test_sock_lowlevel.py test_unix_sock_client_ops
  it('works the same over a Unix socket', async () => {
    const dir = socketDir();
    await runOn(function* () {
      const path = join(dir, 'srv');
      const lsock = tracked({ family: 'unix' });
      lsock.bind(path);
      expect(lsock.getsockname()).toBe(path);
      lsock.listen();
      expect(yield* lsock.waitBound()).toBe(path);
      const client = tracked({ family: 'unix' });
      yield* sockConnect(client, path);
      const [conn, peer] = yield* sockAccept(lsock);
      expect(peer).toBe('');
      expect(conn.getsockname()).toBe(path);
      expect(client.getpeername()).toBe(path);
      yield* sockSendall(client, b('GET / HTTP/1.0\r\n\r\n'));
      expect(yield* recvUntil(conn, '\r\n\r\n')).toBe('GET / HTTP/1.0\r\n\r\n');
      yield* sockSendall(conn, b(RESPONSE));
      conn.close();
      expect(yield* recvUntil(client, 'never')).toBe(RESPONSE);
    });
  });

  // cf. test_sock_lowlevel.py test_sock_client_fail
  it('sockConnect to a port nobody listens on raises ConnectionRefusedError', async () => {
    await runOn(function* () {
      const [probe, address] = yield* listener();
      probe.close();
      const sock = tracked();
      const error = yield* catching(sockConnect(sock, address));
      expect(error).toBeInstanceOf(ConnectionRefusedError);
      expect(error).toBeInstanceOf(OSError);
      expect(error).toMatchObject({ code: 'ECONNREFUSED', errno: 111 });
      expect((error as Error).message).toBe(`[Errno 111] Connect call failed ('${LOCALHOST}', ${address[1]})`);
      // the socket can try again
      const [, other] = yield* listener();
      yield* sockConnect(sock, other);
      expect(sock.getpeername()).toEqual(other);
    });
  });

  it('sockConnect resolves a host name first', async () => {
    await runOn(function* () {
      const [lsock, [, port]] = yield* listener();
      const sock = tracked();
      // 'localhost' may resolve to ::1 first on some machines: the socket's family (inet) picks 127.0.0.1
      yield* sockConnect(sock, ['localhost', port]);
      expect(sock.getpeername()).toEqual([LOCALHOST, port]);
      const [conn] = yield* sockAccept(lsock);
      conn.close();
    });
  });

  it('a socket bound before sockConnect connects from its address', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const sock = tracked();
      sock.bind([LOCALHOST, 0]);
      yield* sockConnect(sock, address);
      const local = sock.getsockname() as [string, number];
      expect(local[0]).toBe(LOCALHOST);
      expect(local[1]).toBeGreaterThan(0);
      const [conn, peer] = yield* sockAccept(lsock);
      expect(peer).toEqual(local);
      conn.close();
    });
  });

  it('sockConnect on a connected socket raises EISCONN, on a closed one EBADF', async () => {
    await runOn(function* () {
      const [, address] = yield* listener();
      const sock = tracked();
      yield* sockConnect(sock, address);
      expect(yield* catching(sockConnect(sock, address))).toMatchObject({ code: 'EISCONN', errno: 106 });
      sock.close();
      expect(yield* catching(sockConnect(sock, address))).toMatchObject({ code: 'EBADF', errno: 9 });
    });
  });
});

describe('cancellation leaves the socket usable', () => {
  // cf. test_sock_lowlevel.py _basetest_sock_recv_racing
  it('a cancelled sockRecv loses nothing: the next one gets the data', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      yield* sockConnect(sock, address);
      const task = createTask(sockRecv(sock, 1024));
      yield* sleep(0);
      task.cancel();
      createTask(sockSendall(sock, b('GET / HTTP/1.0\r\n\r\n')));
      const data = yield* recvUntil(sock, 'server\n');
      expect(data.startsWith('HTTP/1.0 200 OK')).toBe(true);
      expect(task.cancelled()).toBe(true);
      yield* server;
    });
  });

  // cf. test_sock_lowlevel.py _basetest_sock_recv_into_racing
  it('a cancelled sockRecvInto writes nothing and loses nothing', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      yield* sockConnect(sock, address);
      const data = new Uint8Array(1024);
      const task = createTask(sockRecvInto(sock, data));
      yield* sleep(0);
      task.cancel();
      const send = createTask(sockSendall(sock, b('GET / HTTP/1.0\r\n\r\n')));
      const nbytes = yield* sockRecvInto(sock, data);
      yield* sockRecvInto(sock, data.subarray(nbytes));
      expect(text(data).startsWith('HTTP/1.0 200 OK')).toBe(true);
      yield* send;
      yield* server;
    });
  });

  it('data that arrives in the iteration the receiving task is cancelled stays for the next receive', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const task = createTask(sockRecv(conn, 100));
      yield* sleep(0);
      yield* sockSendall(client, b('payload'));
      // wait until the data has woken the receiver's waiter, then cancel before it runs again
      while (conn._waiters.size > 0) yield* sleep(0.001);
      task.cancel();
      yield* sleep(0);
      expect(task.cancelled()).toBe(true);
      expect(text(yield* sockRecv(conn, 100))).toBe('payload');
    });
  });

  // cf. test_sock_lowlevel.py _basetest_sock_send_racing
  it('a cancelled sockSendall stops; the next sockSendall and SHUT_WR still reach the peer', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener(1);
      const sock = tracked();
      const connecting = createTask(sockConnect(sock, address));
      const [server] = yield* sockAccept(lsock);
      yield* connecting;
      // a send big enough to block until the peer reads
      const task = createTask(sockSendall(sock, new Uint8Array(16 * 1024 * 1024).fill(32)));
      yield* sleep(0.01);
      task.cancel();
      function* recvAll(): Coroutine<string> {
        let rv = '';
        for (;;) {
          const buf = yield* sockRecv(server, 1 << 20);
          if (buf.length === 0) return rv;
          rv += text(buf).trim();
        }
      }
      const receiving = createTask(recvAll());
      yield* sockSendall(sock, b('world'));
      sock.shutdown(SHUT_WR);
      expect((yield* receiving).endsWith('world')).toBe(true);
      expect(task.cancelled()).toBe(true);
      server.close();
    });
  });

  // cf. test_sock_lowlevel.py _basetest_sock_connect_racing
  it('a sockConnect cancelled before the listener listens can be retried', async () => {
    await runOn(function* () {
      const lsock = tracked();
      lsock.bind([LOCALHOST, 0]);
      lsock.listen(1);
      const address = yield* lsock.waitBound();
      const sock = tracked();
      const task = createTask(sockConnect(sock, address));
      yield* sleep(0);
      task.cancel();
      yield* sleep(0);
      yield* sockConnect(sock, address);
      expect(sock.getpeername()).toEqual(address);
      expect(task.cancelled()).toBe(true);
    });
  });

  // cf. test_sock_lowlevel.py test_cancel_sock_accept
  it('a sockAccept cancelled by a timeout; after close() connecting is refused', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener(1);
      expect(yield* catching(waitFor(sockAccept(lsock), 0.1))).toBeInstanceOf(TimeoutError);
      lsock.close();
      const client = tracked();
      expect(yield* catching(sockConnect(client, address))).toBeInstanceOf(ConnectionRefusedError);
    });
  });

  it('a connection that arrives while sockAccept is cancelled waits for the next sockAccept', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const accepting = createTask(sockAccept(lsock));
      yield* sleep(0);
      accepting.cancel();
      const client = tracked();
      yield* sockConnect(client, address);
      yield* sleep(0.01);
      const [conn, peer] = yield* sockAccept(lsock);
      expect(peer).toEqual(client.getsockname());
      conn.close();
    });
  });
});

describe('sockAccept', () => {
  // cf. test_sock_lowlevel.py test_sock_accept
  it('returns a non-blocking connected socket and the client address', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener(1);
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn, addr] = yield* sockAccept(lsock);
      expect(conn.gettimeout()).toBe(0);
      expect(addr).toEqual(client.getsockname());
      expect(client.getpeername()).toEqual(lsock.getsockname());
      expect(conn.getpeername()).toEqual(addr);
      expect(conn.getsockname()).toEqual(address);
      conn.close();
    });
  });

  it('raises EINVAL on a socket that is not listening, EOPNOTSUPP on a datagram socket', async () => {
    await runOn(function* () {
      expect(yield* catching(sockAccept(tracked()))).toMatchObject({ code: 'EINVAL', errno: 22 });
      expect(yield* catching(sockAccept(tracked({ type: 'dgram' })))).toMatchObject({ code: 'EOPNOTSUPP' });
    });
  });

  it('a sockAccept waiting when the listener is closed raises EBADF', async () => {
    await runOn(function* () {
      const [lsock] = yield* listener();
      const task = createTask(sockAccept(lsock));
      yield* sleep(0);
      lsock.close();
      expect(yield* catching(task)).toMatchObject({ code: 'EBADF' });
    });
  });

  it('reports a failed listen (EADDRINUSE) once, then the socket can bind again', async () => {
    await runOn(function* () {
      const [, address] = yield* listener();
      const sock = tracked();
      sock.bind(address);
      sock.listen();
      const error = yield* catching(sockAccept(sock));
      expect(error).toBeInstanceOf(OSError);
      expect(error).toMatchObject({ code: 'EADDRINUSE', errno: 98, strerror: 'Address already in use' });
      // reported once: the socket is unbound again
      expect(sock.getsockname()).toEqual(['0.0.0.0', 0]);
      sock.bind([LOCALHOST, 0]);
      sock.listen();
      const [host, port] = (yield* sock.waitBound()) as [string, number];
      expect(host).toBe(LOCALHOST);
      expect(port).not.toBe(address[1]);
    });
  });
});

describe('large transfers and buffering', () => {
  // cf. test_sock_lowlevel.py _basetest_huge_content
  it('1 MB sent with sockSendall while sockRecv reads the echo', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      const size = 1_000_000;
      const chunk = new Uint8Array(size);
      for (let i = 0; i < size; i++) chunk[i] = 48 + (i % 10);
      yield* sockConnect(sock, address);
      yield* sockSendall(sock, b(`POST /loop HTTP/1.0\r\nContent-Length: ${size}\r\n\r\n`));
      const sending = createTask(sockSendall(sock, chunk));
      let data = text(yield* sockRecv(sock, size));
      expect(data.startsWith('HTTP/1.0 200 OK')).toBe(true);
      while (!data.includes('\r\n\r\n')) data += text(yield* sockRecv(sock, size));
      let received = data.length - data.indexOf('\r\n\r\n') - 4;
      let ok = /^[0-9]*$/.test(data.slice(data.indexOf('\r\n\r\n') + 4));
      for (;;) {
        const more = yield* sockRecv(sock, size);
        if (more.length === 0) break;
        for (let i = 0; i < more.length; i++) if (more[i] !== 48 + ((received + i) % 10)) ok = false;
        received += more.length;
      }
      expect(ok).toBe(true);
      expect(received).toBe(size);
      yield* sending;
      yield* server;
    });
  });

  // cf. test_sock_lowlevel.py _basetest_huge_content_recvinto
  it('1 MB read back with sockRecvInto into one buffer', async () => {
    await runOn(function* () {
      const [address, server] = yield* testServer();
      const sock = tracked();
      const size = 1_000_000;
      yield* sockConnect(sock, address);
      yield* sockSendall(sock, b(`POST /loop HTTP/1.0\r\nContent-Length: ${size}\r\n\r\n`));
      const sending = createTask(sockSendall(sock, new Uint8Array(size).fill(55)));
      const buf = new Uint8Array(size);
      let total = 0;
      for (;;) {
        const n = yield* sockRecvInto(sock, buf);
        if (n === 0) break;
        total += n;
      }
      expect(total).toBe(size + RESPONSE.length);
      yield* sending;
      yield* server;
    });
  });

  it('data nobody receives is buffered up to the limit, then the Node socket is paused; nothing is lost', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      // more than the kernel's socket buffers hold (a few MB each way on loopback)
      const size = 24 * 1024 * 1024;
      const payload = new Uint8Array(size);
      for (let i = 0; i < size; i++) payload[i] = i % 251;
      const sending = createTask(sockSendall(client, payload));
      // nobody receives: the buffer fills past the limit, then the Node socket is paused
      for (let i = 0; i < 500 && !conn._paused; i++) yield* sleep(0.01);
      expect(conn._paused).toBe(true);
      // and it stays bounded while the sender waits
      yield* sleep(0.1);
      expect(conn._buffered).toBeGreaterThan(RECV_BUFFER_LIMIT);
      expect(conn._buffered).toBeLessThan(RECV_BUFFER_LIMIT + 256 * 1024);
      expect(sending.done()).toBe(false);
      let received = 0;
      let ok = true;
      while (received < size) {
        const data = yield* sockRecv(conn, 1 << 20);
        for (let i = 0; i < data.length; i++) if (data[i] !== (received + i) % 251) ok = false;
        received += data.length;
      }
      expect(ok).toBe(true);
      yield* sending;
    });
  });

  it('concurrent sockSendall calls go out one after the other, in call order', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const size = 1024 * 1024;
      const first = createTask(sockSendall(client, new Uint8Array(size).fill(1)));
      const second = createTask(sockSendall(client, new Uint8Array(size).fill(2)));
      const third = createTask(sockSendall(client, new Uint8Array(10).fill(3)));
      const received: number[] = [];
      let last = -1;
      let total = 0;
      while (total < 2 * size + 10) {
        const data = yield* sockRecv(conn, 65536);
        for (const byte of data) {
          if (byte !== last) received.push(byte);
          last = byte;
        }
        total += data.length;
      }
      expect(received).toEqual([1, 2, 3]);
      yield* gather(first, second, third);
    });
  });

  it('a sockSendall waiting for its turn and cancelled sends nothing; the others go on', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const size = 8 * 1024 * 1024;
      const first = createTask(sockSendall(client, new Uint8Array(size).fill(1)));
      const second = createTask(sockSendall(client, new Uint8Array(100).fill(2)));
      const third = createTask(sockSendall(client, new Uint8Array(100).fill(3)));
      yield* sleep(0);
      second.cancel();
      const seen = new Set<number>();
      let total = 0;
      while (total < size + 100) {
        const data = yield* sockRecv(conn, 1 << 20);
        for (const byte of data) seen.add(byte);
        total += data.length;
      }
      expect([...seen].sort()).toEqual([1, 3]);
      yield* first;
      yield* third;
      expect(second.cancelled()).toBe(true);
    });
  });
});

describe('end of file, shutdown, errors and close', () => {
  it('SHUT_WR sends end-of-file; the other direction still works', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      yield* sockSendall(client, b('last words'));
      client.shutdown(SHUT_WR);
      expect(yield* recvUntil(conn, 'never')).toBe('last words');
      expect((yield* sockRecv(conn, 10)).length).toBe(0);
      yield* sockSendall(conn, b('reply'));
      expect(text(yield* sockRecv(client, 10))).toBe('reply');
      expect(yield* catching(sockSendall(client, b('more')))).toBeInstanceOf(BrokenPipeError);
    });
  });

  it('SHUT_RD makes receives see end-of-file', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const waiting = createTask(sockRecv(conn, 10));
      yield* sleep(0);
      conn.shutdown(SHUT_RD);
      expect((yield* waiting).length).toBe(0);
      client.close();
    });
  });

  it('a reset connection raises ConnectionResetError once, then receives see end-of-file', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const waiting = createTask(sockRecv(conn, 10));
      yield* sleep(0);
      client._conn!.resetAndDestroy();
      const error = yield* catching(waiting);
      expect(error).toBeInstanceOf(ConnectionResetError);
      expect(error).toMatchObject({ code: 'ECONNRESET', errno: 104 });
      expect((yield* sockRecv(conn, 10)).length).toBe(0);
      expect(yield* catching(sockSendall(conn, b('x')))).toBeInstanceOf(BrokenPipeError);
    });
  });

  it('close() wakes a waiting sockRecv with EBADF; operations on a closed socket raise EBADF', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      const waiting = createTask(sockRecv(conn, 10));
      yield* sleep(0);
      conn.close();
      conn.close();
      expect(yield* catching(waiting)).toMatchObject({ code: 'EBADF', errno: 9, message: '[Errno 9] Bad file descriptor' });
      expect(yield* catching(sockSendall(conn, b('x')))).toMatchObject({ code: 'EBADF' });
      expect(yield* catching(sockRecvInto(conn, new Uint8Array(4)))).toMatchObject({ code: 'EBADF' });
      expect(conn.fileno()).toBe(-1);
    });
  });

  it('receiving on an unconnected stream socket raises ENOTCONN; sending raises BrokenPipeError', async () => {
    await runOn(function* () {
      const sock = tracked();
      expect(yield* catching(sockRecv(sock, 10))).toMatchObject({ code: 'ENOTCONN', errno: 107 });
      expect(yield* catching(sockSendall(sock, b('x')))).toBeInstanceOf(BrokenPipeError);
    });
  });

  it('sockRecv(sock, 0) returns an empty array at once', async () => {
    await runOn(function* () {
      const [lsock, address] = yield* listener();
      const client = tracked();
      yield* sockConnect(client, address);
      const [conn] = yield* sockAccept(lsock);
      expect((yield* sockRecv(conn, 0)).length).toBe(0);
      conn.close();
    });
  });
});

describe('datagrams', () => {
  function* udpEcho(): Coroutine<[[string, number], Socket]> {
    const server = tracked({ type: 'dgram' });
    server.bind([LOCALHOST, 0]);
    const address = (yield* server.waitBound()) as [string, number];
    createTask(
      (function* (): Coroutine<void> {
        for (;;) {
          const [data, from] = yield* sockRecvfrom(server, 65536);
          yield* sockSendto(server, data, from);
        }
      })(),
    );
    return [address, server];
  }

  // cf. test_sock_lowlevel.py _basetest_datagram_recvfrom
  it('sockSendto then sockRecvfrom against an echo server', async () => {
    await runOn(function* () {
      const [address, server] = yield* udpEcho();
      const data = new Uint8Array(4096).fill(1);
      const sock = tracked({ type: 'dgram' });
      expect(yield* sockSendto(sock, data, address)).toBe(4096);
      const [received, from] = yield* sockRecvfrom(sock, 4096);
      expect(received).toEqual(data);
      expect(from).toEqual(address);
      server.close();
    });
  });

  // cf. test_sock_lowlevel.py _basetest_datagram_recvfrom_into (truncation half)
  it('sockRecvfrom truncates a datagram to bufsize, and the rest is dropped', async () => {
    await runOn(function* () {
      const [address, server] = yield* udpEcho();
      const sock = tracked({ type: 'dgram' });
      yield* sockSendto(sock, b('0123456789'), address);
      yield* sockSendto(sock, b('abc'), address);
      expect(text((yield* sockRecvfrom(sock, 4))[0])).toBe('0123');
      expect(text((yield* sockRecvfrom(sock, 100))[0])).toBe('abc');
      server.close();
    });
  });

  it('a connected datagram socket: sockSendall and sockRecv; sockSendto raises EISCONN', async () => {
    await runOn(function* () {
      const [address, server] = yield* udpEcho();
      const sock = tracked({ type: 'dgram' });
      yield* sockConnect(sock, address);
      expect(sock.getpeername()).toEqual(address);
      yield* sockSendall(sock, b('ping'));
      expect(text(yield* sockRecv(sock, 100))).toBe('ping');
      expect(yield* catching(sockSendto(sock, b('x'), address))).toMatchObject({ code: 'EISCONN' });
      server.close();
    });
  });

  it('a cancelled sockRecvfrom loses no datagram', async () => {
    await runOn(function* () {
      const receiver = tracked({ type: 'dgram' });
      receiver.bind([LOCALHOST, 0]);
      const address = yield* receiver.waitBound();
      const task = createTask(sockRecvfrom(receiver, 100));
      yield* sleep(0);
      task.cancel();
      const sender = tracked({ type: 'dgram' });
      yield* sockSendto(sender, b('kept'), address);
      const [data] = yield* sockRecvfrom(receiver, 100);
      expect(text(data)).toBe('kept');
    });
  });

  it('a connected datagram socket sees ConnectionRefusedError (ICMP port unreachable) once, then works on', async () => {
    await runOn(function* () {
      const gone = tracked({ type: 'dgram' });
      gone.bind([LOCALHOST, 0]);
      const address = yield* gone.waitBound();
      gone.close();
      const sock = tracked({ type: 'dgram' });
      yield* sockConnect(sock, address);
      yield* sockSendall(sock, b('anyone?'));
      expect(yield* catching(sockRecvfrom(sock, 100))).toBeInstanceOf(ConnectionRefusedError);
      expect(sock.getsockopt('SO_ERROR')).toBe(0);
    });
  });

  it('an unconnected datagram socket cannot sockSendall (EDESTADDRREQ)', async () => {
    await runOn(function* () {
      expect(yield* catching(sockSendall(tracked({ type: 'dgram' }), b('x')))).toMatchObject({ code: 'EDESTADDRREQ' });
    });
  });

  it('a datagram too big for UDP raises EMSGSIZE', async () => {
    await runOn(function* () {
      const sock = tracked({ type: 'dgram' });
      expect(yield* catching(sockSendto(sock, new Uint8Array(70_000), [LOCALHOST, 9]))).toMatchObject({ code: 'EMSGSIZE' });
    });
  });
});

describe('sockSendfile', () => {
  function* pair(): Coroutine<[Socket, Socket]> {
    const [lsock, address] = yield* listener();
    const client = tracked();
    yield* sockConnect(client, address);
    const [conn] = yield* sockAccept(lsock);
    return [client, conn];
  }

  function* recvExactly(sock: Socket, n: number): Coroutine<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) got += yield* sockRecvInto(sock, out.subarray(got));
    return out;
  }

  it('sends a file by path, a part of it with offset and count, and a FileHandle', async () => {
    const dir = socketDir();
    const path = join(dir, 'data.bin');
    const content = new Uint8Array(600_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7) % 256;
    writeFileSync(path, content);
    await runOn(function* () {
      const [client, conn] = yield* pair();
      expect(yield* sockSendfile(client, path)).toBe(content.length);
      expect(same(yield* recvExactly(conn, content.length), content)).toBe(true);
      expect(yield* sockSendfile(client, path, 1000, 70_000)).toBe(70_000);
      expect(same(yield* recvExactly(conn, 70_000), content.subarray(1000, 71_000))).toBe(true);
      const handle = yield* fromPromise(open(path, 'r'));
      try {
        expect(yield* sockSendfile(client, handle, content.length - 10)).toBe(10);
        expect(yield* recvExactly(conn, 10)).toEqual(content.subarray(content.length - 10));
      } finally {
        yield* fromPromise(handle.close());
      }
    });
  });

  // cf. test_base_events.py BaseLoopSockSendfileTests (_check_sendfile_params)
  it('checks its arguments as asyncio does', async () => {
    await runOn(function* () {
      const [client] = yield* pair();
      expect(yield* catching(sockSendfile(client, 'x', -1))).toMatchObject({
        name: 'RangeError',
        message: 'offset must be a non-negative integer (got -1)',
      });
      expect(yield* catching(sockSendfile(client, 'x', 0, 0))).toMatchObject({
        name: 'RangeError',
        message: 'count must be a positive integer (got 0)',
      });
      expect(yield* catching(sockSendfile(client, 'x', 1.5))).toBeInstanceOf(TypeError);
      expect(yield* catching(sockSendfile(client, 42 as never))).toBeInstanceOf(TypeError);
      expect(yield* catching(sockSendfile(tracked({ type: 'dgram' }), 'x'))).toMatchObject({
        message: 'only SOCK_STREAM type sockets are supported',
      });
      expect(yield* catching(sockSendfile(client, '/nonexistent/file'))).toMatchObject({ code: 'ENOENT' });
    });
  });
});

describe('argument checks', () => {
  it('every function names the bad argument', async () => {
    await runOn(function* () {
      const sock = tracked();
      expect(yield* catching(sockRecv({} as unknown as Socket, 1))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('sockRecv() sock must be a Socket') });
      expect(yield* catching(sockRecv(sock, -1))).toMatchObject({ name: 'RangeError', message: 'sockRecv() nbytes must be >= 0, got -1' });
      expect(yield* catching(sockRecv(sock, 1.5))).toMatchObject({ name: 'TypeError', message: 'sockRecv() nbytes must be an integer, got 1.5' });
      expect(yield* catching(sockRecvInto(sock, [] as never))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('sockRecvInto() buf must be a Uint8Array') });
      expect(yield* catching(sockSendall(sock, 'text' as never))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('sockSendall() data') });
      expect(yield* catching(sockConnect(sock, [LOCALHOST, 70000]))).toMatchObject({ name: 'RangeError', message: 'sockConnect(): port must be 0-65535, got 70000' });
      expect(yield* catching(sockConnect(sock, [42, 80] as never))).toMatchObject({ name: 'TypeError', message: 'sockConnect(): address host must be a string, got 42' });
      expect(yield* catching(sockConnect(sock, '/tmp/x'))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('AF_INET address must be [host, port]') });
      expect(yield* catching(sockSendto(tracked({ type: 'dgram' }), b('x'), [LOCALHOST, -1]))).toBeInstanceOf(RangeError);
      expect(yield* catching(sockRecvfrom(tracked({ type: 'dgram' }), -5))).toBeInstanceOf(RangeError);
    });
  });

  it('a socket owned by a transport refuses the sock* functions with RuntimeError', async () => {
    await runOn(function* () {
      const sock = tracked({ type: 'dgram' });
      sock._owner = { toString: () => '<SomeTransport>' };
      const error = yield* catching(sockRecv(sock, 1));
      expect(error).toBeInstanceOf(RuntimeError);
      expect((error as Error).message).toBe('File descriptor -1 is used by transport <SomeTransport>');
      sock._owner = null;
    });
  });
});

/** Whether two byte arrays are equal (fast: vitest compares typed arrays element by element). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** What `coro` throws (fails when it returns). */
function* catching(coro: Coroutine<unknown> | { [Symbol.iterator](): Coroutine<unknown> }): Coroutine<unknown> {
  try {
    yield* coro as Coroutine<unknown>;
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
