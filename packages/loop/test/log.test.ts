import { afterEach, describe, expect, it } from 'vitest';
import { getLogger, setLogger, type Logger } from '../src/index.js';

afterEach(() => {
  setLogger(null);
});

const silent: Logger = { error() {}, warn() {}, info() {}, debug() {} };

describe('getLogger() and setLogger()', () => {
  it('the logger is console until setLogger() replaces it; null restores console', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_default_exc_handler_callback (asyncio logs to logging.getLogger("asyncio"))
    expect(getLogger()).toBe(console);
    setLogger(silent);
    expect(getLogger()).toBe(silent);
    setLogger(null);
    expect(getLogger()).toBe(console);
  });

  it('setLogger() rejects an object missing one of error, warn, info and debug', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_set_exc_handler_invalid (bad arguments are TypeErrors)
    for (const method of ['error', 'warn', 'info', 'debug'] as const) {
      const partial = Object.fromEntries(Object.entries(silent).filter(([name]) => name !== method));
      expect(() => setLogger(partial as Logger)).toThrow(TypeError);
      expect(() => setLogger(partial as Logger)).toThrow(`setLogger() logger must have an ${method}() method`);
    }
    expect(getLogger()).toBe(console);
  });
});
