import { describe, expect, it } from 'vitest';
import { RuntimeError } from '@tsyncio/loop';
import { CancelledError, createTask, gather, sleep } from '@tsyncio/futures';
import {
  ConnectionResetError,
  DEFAULT_HIGH_WATER,
  FlowControlProtocol,
  FlowControlTransport,
  writeBufferLimits,
  type BaseProtocol,
} from '../src/index.js';
import { testLoop } from './helpers.js';

/** A transport whose buffer size the test sets by hand. */
class ManualTransport extends FlowControlTransport {
  size = 0;
  protocol: BaseProtocol = {};
  getWriteBufferSize(): number {
    return this.size;
  }
  getProtocol(): BaseProtocol {
    return this.protocol;
  }
  grow(n: number): void {
    this.size += n;
    this._maybePauseProtocol();
  }
  shrink(n: number): void {
    this.size -= n;
    this._maybeResumeProtocol();
  }
}

function recorder(): { protocol: BaseProtocol; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    protocol: {
      pauseWriting: () => calls.push('pause'),
      resumeWriting: () => calls.push('resume'),
    },
  };
}

describe('writeBufferLimits()', () => {
  it('defaults to 64 KiB and a quarter of it', () => {
    // cf. test_transports.py TransportTests.test_flowcontrol_mixin_set_write_limits
    expect(writeBufferLimits()).toEqual([16384, 65536]);
    expect(DEFAULT_HIGH_WATER).toBe(65536);
  });

  it('derives the missing mark from the given one', () => {
    expect(writeBufferLimits({ high: 1024 })).toEqual([256, 1024]);
    expect(writeBufferLimits({ low: 100 })).toEqual([100, 400]);
    expect(writeBufferLimits({ high: 1023 })).toEqual([255, 1023]);
    expect(writeBufferLimits({ high: 0 })).toEqual([0, 0]);
  });

  it('raises RangeError unless high >= low >= 0, naming both', () => {
    expect(() => writeBufferLimits({ high: 1, low: 2 })).toThrow('high (1) must be >= low (2) must be >= 0');
    expect(() => writeBufferLimits({ low: -1 })).toThrow(RangeError);
    expect(() => writeBufferLimits({ high: Number.NaN })).toThrow(RangeError);
    expect(() => writeBufferLimits({ high: '10' as unknown as number })).toThrow(TypeError);
  });
});

describe('FlowControlTransport', () => {
  it('calls pauseWriting() once when the buffer goes above high, resumeWriting() once at low', () => {
    // cf. test_transports.py TransportTests.test_flowcontrol_mixin_set_write_limits
    const { loop } = testLoop();
    const t = new ManualTransport(loop, { high: 100 });
    const { protocol, calls } = recorder();
    t.protocol = protocol;
    expect(t.getWriteBufferLimits()).toEqual([25, 100]);
    t.grow(100);
    expect(calls).toEqual([]); // at high, not above
    t.grow(1);
    t.grow(50);
    expect(calls).toEqual(['pause']);
    t.shrink(100);
    expect(calls).toEqual(['pause']); // 51 > low
    t.shrink(26);
    expect(calls).toEqual(['pause', 'resume']);
    t.shrink(25);
    expect(calls).toEqual(['pause', 'resume']);
  });

  it('setWriteBufferLimits() pauses at once when the buffer is already above the new high', () => {
    const { loop } = testLoop();
    const t = new ManualTransport(loop);
    const { protocol, calls } = recorder();
    t.protocol = protocol;
    t.grow(5000);
    expect(calls).toEqual([]);
    t.setWriteBufferLimits({ high: 4096 });
    expect(calls).toEqual(['pause']);
    expect(t.getWriteBufferLimits()).toEqual([1024, 4096]);
  });

  it("reports failures of the protocol's pauseWriting()/resumeWriting() to the exception handler", () => {
    const { loop, errors } = testLoop();
    const t = new ManualTransport(loop, { high: 10 });
    const boom = new Error('boom');
    t.protocol = {
      pauseWriting: () => {
        throw boom;
      },
      resumeWriting: () => {
        throw boom;
      },
    };
    t.grow(11);
    t.shrink(11);
    expect(errors.map((e) => e.message)).toEqual(['protocol.pauseWriting() failed', 'protocol.resumeWriting() failed']);
    expect(errors[0]?.exception).toBe(boom);
    expect(errors[0]?.transport).toBe(t);
    expect(errors[0]?.protocol).toBe(t.protocol);
  });

  it('getExtraInfo() reads the extra map and falls back to the default', () => {
    const { loop } = testLoop();
    const t = new ManualTransport(loop, {}, { peername: ['127.0.0.1', 80] });
    expect(t.getExtraInfo('peername')).toEqual(['127.0.0.1', 80]);
    expect(t.getExtraInfo('sockname')).toBeUndefined();
    expect(t.getExtraInfo('sockname', 'none')).toBe('none');
    expect(t.getExtraInfo('toString', 'none')).toBe('none');
    expect(String(t)).toBe('<ManualTransport>');
  });
});

describe('FlowControlProtocol', () => {
  it('lets several drains wait while paused and wakes them all on resumeWriting()', async () => {
    // cf. test_streams.py StreamTests.test_multiple_drain
    const { loop, run } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    let drained = 0;
    await run(function* () {
      protocol.pauseWriting();
      loop.callLater(0.1, () => {
        protocol.resumeWriting();
      });
      function* drainer() {
        yield* protocol._drainHelper();
        drained++;
      }
      yield* gather(...Array.from({ length: 10 }, () => createTask(drainer())));
    });
    expect(drained).toBe(10);
    expect(protocol._drainWaiters.length).toBe(0);
  });

  it('drain returns at once when not paused', async () => {
    const { loop, run } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    const t0 = loop.time();
    await run(() => protocol._drainHelper());
    expect(loop.time()).toBe(t0);
  });

  it('connectionLost(error) wakes paused drains with the error; later drains raise ConnectionResetError', async () => {
    const { loop, run } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    const lost = new Error('gone');
    const outcomes = await run(function* () {
      protocol.pauseWriting();
      const waiting = [createTask(protocol._drainHelper()), createTask(protocol._drainHelper())];
      yield* sleep(0);
      protocol.connectionLost(lost);
      const results = yield* gather(...waiting, { returnExceptions: true });
      let later: unknown = null;
      try {
        yield* protocol._drainHelper();
      } catch (e) {
        later = e;
      }
      return [...results, later];
    });
    expect(outcomes[0]).toBe(lost);
    expect(outcomes[1]).toBe(lost);
    expect(outcomes[2]).toBeInstanceOf(ConnectionResetError);
    expect((outcomes[2] as Error).message).toBe('Connection lost');
  });

  it('connectionLost(null) wakes paused drains without an error', async () => {
    const { loop, run } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    const result = await run(function* () {
      protocol.pauseWriting();
      const waiting = createTask(protocol._drainHelper());
      yield* sleep(0);
      protocol.connectionLost(null);
      yield* waiting;
      return waiting.done();
    });
    expect(result).toBe(true);
  });

  it('a cancelled drain leaves the waiter list', async () => {
    const { loop, run } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    const outcome = await run(function* () {
      protocol.pauseWriting();
      const waiting = createTask(protocol._drainHelper());
      yield* sleep(0);
      expect(protocol._drainWaiters.length).toBe(1);
      waiting.cancel();
      try {
        yield* waiting;
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(outcome).toBeInstanceOf(CancelledError);
    expect(protocol._drainWaiters.length).toBe(0);
  });

  it('pauseWriting() twice or resumeWriting() unpaused raises RuntimeError (asyncio asserts)', () => {
    const { loop } = testLoop();
    const protocol = new FlowControlProtocol({ loop });
    expect(() => {
      protocol.resumeWriting();
    }).toThrow(RuntimeError);
    protocol.pauseWriting();
    expect(() => {
      protocol.pauseWriting();
    }).toThrow(RuntimeError);
    expect(String(protocol)).toBe('<FlowControlProtocol paused>');
  });

  it('_getCloseWaiter() is not supported by the base class', () => {
    const { loop } = testLoop();
    expect(() => new FlowControlProtocol({ loop })._getCloseWaiter(null)).toThrow(RuntimeError);
  });
});

describe('ConnectionResetError', () => {
  it('is branded as a ConnectionResetError, a ConnectionError and an OSError (for @tsyncio/net)', () => {
    const error = new ConnectionResetError('Connection lost', { code: 'ECONNRESET' });
    expect(error.name).toBe('ConnectionResetError');
    expect(error.message).toBe('Connection lost');
    expect(error.code).toBe('ECONNRESET');
    const branded = error as unknown as Record<symbol, unknown>;
    for (const key of ['tsyncio.ConnectionResetError', 'tsyncio.ConnectionError', 'tsyncio.OSError']) {
      expect(branded[Symbol.for(key)]).toBe(true);
    }
    const foreign = Object.assign(new Error('x'), { [Symbol.for('tsyncio.ConnectionResetError')]: true });
    expect(foreign instanceof ConnectionResetError).toBe(true);
    expect(new Error('x') instanceof ConnectionResetError).toBe(false);
    expect(new ConnectionResetError().message).toBe('Connection reset by peer');
  });
});
