// StreamWriter.startTls(): the platform-neutral half (flush, the transport's upgrade hook, the
// swap of transports in the writer and the protocol). The real TLS upgrade over sockets is tested
// in @tsyncio/net (cf. test_streams.py StreamTests.test_start_tls).
import { describe, expect, it } from 'vitest';
import type { Coroutine } from '@tsyncio/futures';
import {
  createPipe,
  openPipe,
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  type BaseProtocol,
  type Transport,
} from '../src/index.js';
import { b, s, testLoop } from './helpers.js';

describe('StreamWriter.startTls()', () => {
  it('raises TypeError when the transport cannot upgrade (an in-memory pipe)', async () => {
    const { loop, run } = testLoop();
    const [[, writer]] = openPipe({ loop });
    const error = await run(function* () {
      try {
        yield* writer.startTls({});
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/is not supported by startTls\(\)/);
  });

  it('drains, calls the transport hook with the protocol, and puts the new transport in the writer and the protocol', async () => {
    const { loop, run } = testLoop();
    const [[reader, writer], [peerReader]] = openPipe({ loop });
    const old = writer.transport;
    const [replacement, far] = createPipe({ loop });
    far.setProtocol({});
    replacement.setProtocol(old.getProtocol());
    const calls: { protocol: BaseProtocol; ctx: unknown; options: unknown; buffered: number }[] = [];
    (old as Transport & { _startTls?: unknown })._startTls = function* (
      protocol: BaseProtocol,
      ctx: unknown,
      options: unknown,
    ): Coroutine<Transport> {
      calls.push({ protocol, ctx, options, buffered: old.getWriteBufferSize() });
      return replacement;
    };
    writer.write(b('before'));
    await run(function* () {
      yield* writer.startTls({ ca: 'x' }, { serverHostname: 'example.com', sslHandshakeTimeout: 5 });
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.protocol).toBe(old.getProtocol());
    expect(calls[0]!.ctx).toEqual({ ca: 'x' });
    expect(calls[0]!.options).toEqual({ serverSide: false, serverHostname: 'example.com', sslHandshakeTimeout: 5 });
    expect(writer.transport).toBe(replacement);
    expect((old.getProtocol() as unknown as StreamReaderProtocol)._transport).toBe(replacement);
    expect(s(await run(() => peerReader.read(6)))).toBe('before');
    expect(reader.exception()).toBeNull();
  });

  it('is server-side for the writer a server made (the protocol has a clientConnected callback)', async () => {
    const { loop, run } = testLoop();
    const [a] = createPipe({ loop });
    const reader = new StreamReader({ loop });
    const protocol = new StreamReaderProtocol(reader, () => undefined, { loop });
    let seen: unknown = null;
    (a as Transport & { _startTls?: unknown })._startTls = function* (_p: BaseProtocol, _c: unknown, options: unknown): Coroutine<Transport> {
      seen = options;
      return a;
    };
    const writer = new StreamWriter(a, protocol, reader, loop);
    await run(() => writer.startTls({ key: 'k', cert: 'c' }));
    expect(seen).toEqual({ serverSide: true, serverHostname: null, sslHandshakeTimeout: null });
  });
});
