import { describe, expect, it } from 'vitest';
import { browserHost, defaultHost, EventLoop, nodeHost, timeoutHost, type Host } from '../src/index.js';

const hasSetImmediate = typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function';

// The browser host's MessagePort would keep a Node process alive, so it is only exercised where it
// is the platform's host (the Chromium run); Node exercises its own host. Both exercise timeoutHost.
const hosts: [string, Host][] = [hasSetImmediate ? ['nodeHost', nodeHost] : ['browserHost', browserHost], ['timeoutHost', timeoutHost]];

describe('defaultHost()', () => {
  it('picks the platform’s host: setImmediate where it exists, else MessageChannel', () => {
    // cf. events.py DefaultEventLoopPolicy (the platform picks the loop implementation)
    expect(defaultHost()).toBe(hasSetImmediate ? nodeHost : browserHost);
    expect(defaultHost().name).toBe(hasSetImmediate ? 'node' : 'browser');
  });
});

describe.each(hosts)('%s', (_name, host) => {
  it('soon() never calls back synchronously, and calls back in FIFO order', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_soon (a host turn is the loop's wake-up)
    const order: number[] = [];
    const done = new Promise<void>((resolve) => {
      for (let i = 0; i < 5; i++) host.soon(() => order.push(i));
      host.soon(resolve);
    });
    expect(order).toEqual([]);
    await done;
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('later() calls back after its delay; cancel() prevents the call', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_later
    const fired: string[] = [];
    const cancelled = host.later(0.001, () => fired.push('cancelled'));
    host.cancel(cancelled);
    await new Promise<void>((resolve) => host.later(0.002, resolve));
    await new Promise<void>((resolve) => host.later(0.002, resolve));
    expect(fired).toEqual([]);
  });

  it('runs a loop on real time: callbacks, a short timer, stop()', async () => {
    // cf. test_events.py EventLoopTestsMixin.test_call_later (on a real clock)
    const loop = new EventLoop({ host });
    try {
      const order: string[] = [];
      loop.callLater(0.001, () => {
        order.push('timer');
        loop.stop();
      });
      loop.callSoon(() => order.push('soon'));
      await loop.runForever();
      expect(order).toEqual(['soon', 'timer']);
      expect(loop.getHost()).toBe(host);
    } finally {
      loop.close();
    }
  });
});
