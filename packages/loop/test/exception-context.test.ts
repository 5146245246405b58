import { describe, expect, it } from 'vitest';
import { formatExceptionContext } from '../src/index.js';
import { captureLogger, virtualLoop } from './helpers.js';

describe('formatExceptionContext()', () => {
  it('puts the message first, then the other keys sorted, leaving the exception out', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_callback (the logged text)
    const text = formatExceptionContext({
      message: 'Task exception was never retrieved',
      exception: new Error('hidden'),
      transport: { toString: () => '<Transport>' },
      future: 'f',
      count: 3,
    });
    expect(text).toBe('Task exception was never retrieved\ncount: 3\nfuture: "f"\ntransport: <Transport>');
  });

  it('an empty message becomes "Unhandled exception in event loop"', () => {
    // cf. base_events.py BaseEventLoop.default_exception_handler ("Unhandled exception in event loop")
    expect(formatExceptionContext({ message: '' })).toBe('Unhandled exception in event loop');
  });

  it('spells out creation tracebacks', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom (source_traceback)
    const text = formatExceptionContext({
      message: 'm',
      sourceTraceback: '    at f (a.js:1:1)',
      handleTraceback: '    at g (b.js:2:2)',
    });
    expect(text).toBe(
      'm\nHandle created at (most recent call first):\n    at g (b.js:2:2)\nObject created at (most recent call first):\n    at f (a.js:1:1)',
    );
  });
});

describe('EventLoop.defaultExceptionHandler()', () => {
  it('logs the formatted context through getLogger().error, with the exception beside it', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_callback
    const log = captureLogger();
    const { loop } = virtualLoop();
    const error = new Error('boom');
    loop.defaultExceptionHandler({ message: 'Something failed', exception: error, protocol: 'p' });
    loop.defaultExceptionHandler({ message: 'No exception here' });
    expect(log).toEqual([
      { level: 'error', message: 'Something failed\nprotocol: "p"', details: [error] },
      { level: 'error', message: 'No exception here', details: [] },
    ]);
  });

  it('a default loop with no handler set uses it for callExceptionHandler()', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_custom (set_exception_handler(None))
    const log = captureLogger();
    const { loop } = virtualLoop();
    loop.setExceptionHandler(null);
    loop.callExceptionHandler({ message: 'report me', exception: 1 });
    expect(log).toEqual([{ level: 'error', message: 'report me', details: [1] }]);
  });
});
