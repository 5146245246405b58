// The conformance suite must fail on transports that break the contract: here the pipe is wrapped
// so that it misbehaves in one way per test, and the relevant case must reject with a message
// that says what went wrong.
import { describe, expect, it } from 'vitest';
import { connectPipe, type BaseProtocol, type Protocol, type Transport } from '../../src/index.js';
import { checkTransport, RecordingProtocol, type CheckTransportOptions } from '../../src/testing/index.js';

/** A protocol that forwards to `inner`, with some callbacks replaced. */
function wrap(inner: BaseProtocol, overrides: Partial<Protocol>): Protocol {
  const p = inner as Protocol;
  return {
    connectionMade: (t) => p.connectionMade?.(t),
    dataReceived: (d) => p.dataReceived?.(d),
    eofReceived: () => p.eofReceived?.(),
    connectionLost: (e) => p.connectionLost?.(e),
    pauseWriting: () => p.pauseWriting?.(),
    resumeWriting: () => p.resumeWriting?.(),
    ...overrides,
  };
}

function runCase(options: CheckTransportOptions, name: string): Promise<void> {
  const found = checkTransport({ maxFillBytes: 1 << 20, bulkBytes: 64 * 1024, ...options }).find((c) => c.name.startsWith(name));
  if (found === undefined) throw new Error(`no case named ${name}`);
  return found.run();
}

describe('checkTransport() on broken transports', () => {
  it('names every case once', () => {
    const names = checkTransport({ makePair: (a, b) => connectPipe(a, b) }).map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(15);
    expect(checkTransport({ makePair: (a, b) => connectPipe(a, b), halfClose: false, bufferedProtocol: false }).length).toBe(names.length - 3);
  });

  it('detects corrupted bytes', async () => {
    const makePair = (a: BaseProtocol, b: BaseProtocol) =>
      connectPipe(a, wrap(b, { dataReceived: (d) => (b as Protocol).dataReceived?.(d.map((x, i) => (i === 0 ? x ^ 1 : x))) }));
    await expect(runCase({ makePair }, 'carries many small writes')).rejects.toThrow(/bytes A sent to B: the bytes differ/);
  });

  it('detects a connectionLost() called twice', async () => {
    const makePair = (a: BaseProtocol, b: BaseProtocol) =>
      connectPipe(
        a,
        wrap(b, {
          connectionLost: (e) => {
            (b as Protocol).connectionLost?.(e);
            (b as Protocol).connectionLost?.(e);
          },
        }),
      );
    await expect(runCase({ makePair }, 'calls connectionMade')).rejects.toThrow(/connectionLost\(\) called twice/);
  });

  it('detects data after end-of-file', async () => {
    let transport: Transport | null = null;
    const makePair = (a: BaseProtocol, b: BaseProtocol) =>
      connectPipe(
        a,
        wrap(b, {
          connectionMade: (t) => {
            transport = t as Transport;
            (b as Protocol).connectionMade?.(t);
          },
          eofReceived: () => {
            const keep = (b as Protocol).eofReceived?.();
            (b as Protocol).dataReceived?.(new Uint8Array([1]));
            return keep;
          },
        }),
      );
    await expect(runCase({ makePair }, 'calls connectionMade')).rejects.toThrow(/dataReceived\(\) called after eofReceived\(\)/);
    expect(transport).not.toBeNull();
  });

  it('detects a transport that never pauses writing', async () => {
    const makePair = (a: BaseProtocol, b: BaseProtocol) => connectPipe(wrap(a, { pauseWriting: () => {} }), b);
    await expect(runCase({ makePair }, 'calls pauseWriting()')).rejects.toThrow(/pauseWriting\(\) was not called/);
  });

  it('detects a transport whose close() discards the buffer', async () => {
    const makePair = (a: BaseProtocol, b: BaseProtocol) => {
      const pair = connectPipe(a, b);
      const original = pair[0].close.bind(pair[0]);
      pair[0].close = () => {
        pair[0].abort();
        original();
      };
      return pair;
    };
    await expect(runCase({ makePair }, 'close() delivers the buffered data')).rejects.toThrow(/bytes received by B after close\(\)/);
  });

  it('reports a case that hangs, with the events so far', async () => {
    // B never learns about end-of-file, so waiting for it can only end at the deadline
    const makePair = (a: BaseProtocol, b: BaseProtocol) => connectPipe(a, wrap(b, { eofReceived: () => true }));
    await expect(runCase({ makePair, timeout: 5 }, 'carries large writes')).rejects.toThrow(/did not finish within 5 s of loop time \(events A: /);
  });

  it('reports exceptions that reach the loop', async () => {
    const makePair = (a: BaseProtocol, b: BaseProtocol) =>
      connectPipe(
        a,
        wrap(b, {
          dataReceived: (d) => {
            (b as Protocol).dataReceived?.(d);
            if (d.length > 0) throw new Error('parser bug');
          },
        }),
      );
    await expect(runCase({ makePair }, 'calls connectionMade')).rejects.toThrow(/exception handler was called|parser bug/);
  });

  it('RecordingProtocol fails a wait with what it saw when the connection ends first', async () => {
    const { EventLoop, VirtualClock } = await import('@tsyncio/loop');
    const { createTask } = await import('@tsyncio/futures');
    const loop = new EventLoop({ clock: new VirtualClock({ autojump: true }) });
    const outcome = loop.runUntilComplete(
      createTask(
        (function* () {
          const a = new RecordingProtocol({ name: 'A' });
          const b = new RecordingProtocol({ name: 'B' });
          const [ta] = connectPipe(a, b);
          ta.write(new Uint8Array(3));
          ta.close();
          yield* b.untilBytes(10);
        })(),
        { loop },
      ),
    );
    await expect(outcome).rejects.toThrow(/B: waiting for 10 bytes, but the connection reached end-of-file first \(3 bytes received/);
    loop.close();
  });
});
