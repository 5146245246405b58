/**
 * getaddrinfo() and getnameinfo(): Python's results and errors on Linux (checked against CPython
 * 3.13's socket module), the typed AddrInfo tuple, and cancellation. Names used: 'localhost' and
 * numeric loopback addresses only.
 */
import { describe, expect, it } from 'vitest';
import { createTask, sleep, type Coroutine } from '@tsyncio/futures';
import {
  AI_CANONNAME,
  AI_NUMERICHOST,
  AI_NUMERICSERV,
  AI_PASSIVE,
  getaddrinfo,
  getnameinfo,
  NI_NAMEREQD,
  NI_NUMERICHOST,
  NI_NUMERICSERV,
  OSError,
  sockAccept,
  sockConnect,
  socket,
  type AddrInfo,
} from '../src/index.js';
import { listener, LOCALHOST, runOn } from './sock-helpers.js';

function* catching(coro: Coroutine<unknown>): Coroutine<unknown> {
  try {
    yield* coro;
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('getaddrinfo', () => {
  it('a numeric host gives a stream and a datagram entry, as Python (less the raw one)', async () => {
    const infos = await runOn(() => getaddrinfo(LOCALHOST, 80));
    expect(infos).toEqual([
      ['inet', 'stream', 6, '', [LOCALHOST, 80]],
      ['inet', 'dgram', 17, '', [LOCALHOST, 80]],
    ]);
    const v6 = await runOn(() => getaddrinfo('::1', '8080', { type: 'stream' }));
    expect(v6).toEqual([['inet6', 'stream', 6, '', ['::1', 8080, 0, 0]]]);
  });

  it('type, proto and family filter the entries; a port may be null', async () => {
    expect(await runOn(() => getaddrinfo(LOCALHOST, null, { type: 'stream' }))).toEqual([
      ['inet', 'stream', 6, '', [LOCALHOST, 0]],
    ]);
    expect(await runOn(() => getaddrinfo(LOCALHOST, 53, { proto: 17 }))).toEqual([['inet', 'dgram', 17, '', [LOCALHOST, 53]]]);
    expect(await runOn(() => getaddrinfo(LOCALHOST, 53, { family: 'inet', type: 'dgram' }))).toHaveLength(1);
  });

  it('host null: loopback (IPv6 first), or with AI_PASSIVE the wildcard (IPv4 first)', async () => {
    const loopback = await runOn(() => getaddrinfo(null, 80, { type: 'stream' }));
    expect(loopback.map((info) => info[4])).toEqual([
      ['::1', 80, 0, 0],
      [LOCALHOST, 80],
    ]);
    const passive = await runOn(() => getaddrinfo(null, 80, { type: 'stream', flags: AI_PASSIVE }));
    expect(passive.map((info) => info[4])).toEqual([
      ['0.0.0.0', 80],
      ['::', 80, 0, 0],
    ]);
  });

  it("resolves 'localhost' through the system resolver", async () => {
    const infos = await runOn(() => getaddrinfo('localhost', 80, { family: 4, type: 'stream', flags: AI_CANONNAME }));
    expect(infos[0]).toEqual(['inet', 'stream', 6, 'localhost', [LOCALHOST, 80]]);
  });

  it('the entries feed socket() and sockConnect(), as in test_create_connection_sock', async () => {
    await runOn(function* () {
      const [lsock, [host, port]] = yield* listener();
      const infos: AddrInfo[] = yield* getaddrinfo(host, port, { type: 'stream' });
      const [family, type, proto, , address] = infos[0]!;
      const sock = socket({ family, type, proto });
      yield* sockConnect(sock, address);
      const [conn] = yield* sockAccept(lsock);
      conn.close();
      sock.close();
    });
  });

  it('raises gaierror-like OSErrors with Python numbers and messages', async () => {
    await runOn(function* () {
      expect(yield* catching(getaddrinfo('', 80))).toMatchObject({ errno: -2, message: '[Errno -2] Name or service not known' });
      expect(yield* catching(getaddrinfo('localhost', 80, { flags: AI_NUMERICHOST }))).toMatchObject({ errno: -2 });
      expect(yield* catching(getaddrinfo('::1', 80, { family: 4 }))).toMatchObject({
        errno: -9,
        message: '[Errno -9] Address family for hostname not supported',
      });
      expect(yield* catching(getaddrinfo(LOCALHOST, 80, { type: 'stream', proto: 17 }))).toMatchObject({
        errno: -7,
        message: '[Errno -7] ai_socktype not supported',
      });
      expect(yield* catching(getaddrinfo(LOCALHOST, 'http'))).toMatchObject({ errno: -8, code: 'EAI_SERVICE' });
      expect(yield* catching(getaddrinfo(LOCALHOST, 'http', { flags: AI_NUMERICSERV }))).toMatchObject({ errno: -2 });
      expect(yield* catching(getaddrinfo('', 80))).toBeInstanceOf(OSError);
    });
  });

  it('bad arguments are TypeError / RangeError naming them', async () => {
    await runOn(function* () {
      expect(yield* catching(getaddrinfo(42 as never, 80))).toMatchObject({
        name: 'TypeError',
        message: 'getaddrinfo() host must be a string or null, got 42',
      });
      expect(yield* catching(getaddrinfo(LOCALHOST, 70000))).toMatchObject({ name: 'RangeError', message: 'getaddrinfo() port must be 0-65535, got 70000' });
      expect(yield* catching(getaddrinfo(LOCALHOST, {} as never))).toBeInstanceOf(TypeError);
      expect(yield* catching(getaddrinfo(LOCALHOST, 80, { family: 5 as never }))).toMatchObject({ name: 'RangeError', message: expect.stringContaining('family') });
      expect(yield* catching(getaddrinfo(LOCALHOST, 80, { type: 'raw' as never }))).toBeInstanceOf(RangeError);
      expect(yield* catching(getaddrinfo(LOCALHOST, 80, { flags: 0x8000 }))).toMatchObject({ name: 'RangeError', message: 'getaddrinfo() flags has unknown bits: 0x8000' });
      expect(yield* catching(getaddrinfo(LOCALHOST, 80, { timeout: 1 } as never))).toMatchObject({
        name: 'TypeError',
        message: "getaddrinfo() got an unexpected option 'timeout' (expected one of: family, type, proto, flags)",
      });
    });
  });

  it('is cancelled at once; the late result is dropped', async () => {
    await runOn(function* () {
      const task = createTask(getaddrinfo('localhost', 80));
      yield* sleep(0);
      expect(task.cancel()).toBe(true);
      yield* sleep(0);
      expect(task.cancelled()).toBe(true);
      // the lookup still finishes in the background; nothing is reported
      yield* sleep(0.05);
    });
  });
});

describe('getnameinfo', () => {
  // cf. test_events.py _test_create_datagram_endpoint (NI_NUMERICHOST | NI_NUMERICSERV)
  it('with NI_NUMERICHOST | NI_NUMERICSERV looks nothing up', async () => {
    expect(await runOn(() => getnameinfo([LOCALHOST, 8080], NI_NUMERICHOST | NI_NUMERICSERV))).toEqual([LOCALHOST, '8080']);
    expect(await runOn(() => getnameinfo(['::1', 53, 0, 0], NI_NUMERICHOST | NI_NUMERICSERV))).toEqual(['::1', '53']);
  });

  it('names the host and the service', async () => {
    const [host, service] = await runOn(() => getnameinfo([LOCALHOST, 80]));
    expect(host).toBe('localhost');
    expect(service).toBe('http');
    expect(await runOn(() => getnameinfo([LOCALHOST, 80], NI_NUMERICSERV))).toEqual(['localhost', '80']);
    expect(await runOn(() => getnameinfo([LOCALHOST, 80], NI_NUMERICHOST))).toEqual([LOCALHOST, 'http']);
  });

  it('an address without a name gives the numeric host, or gaierror with NI_NAMEREQD', async () => {
    await runOn(function* () {
      const [host] = yield* getnameinfo(['127.0.0.2', 80]);
      expect(host).toMatch(/^127\.0\.0\.2$|^[a-z]/);
      if (host === '127.0.0.2') {
        expect(yield* catching(getnameinfo(['127.0.0.2', 80], NI_NAMEREQD))).toMatchObject({ errno: -2 });
      }
    });
  });

  it('raises as Python for names, 4-tuples of IPv4 and bad arguments', async () => {
    await runOn(function* () {
      expect(yield* catching(getnameinfo(['localhost', 80]))).toMatchObject({ errno: -2, message: '[Errno -2] Name or service not known' });
      expect(yield* catching(getnameinfo([LOCALHOST, 80, 0, 0]))).toMatchObject({ message: 'IPv4 sockaddr must be 2 tuple' });
      expect(yield* catching(getnameinfo([LOCALHOST, 70000]))).toBeInstanceOf(RangeError);
      expect(yield* catching(getnameinfo('127.0.0.1' as never))).toMatchObject({ name: 'TypeError', message: expect.stringContaining('getnameinfo() sockaddr must be') });
      expect(yield* catching(getnameinfo([LOCALHOST, 80], 0x100))).toBeInstanceOf(RangeError);
    });
  });
});
