import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  InvalidStateError,
  isCancelledError,
  rethrowIfCancelled,
  TimeoutError,
} from '../src/index.js';
import { thrown } from './helpers.js';

describe('CancelledError', () => {
  it('is an Error named CancelledError that carries the cancel message', () => {
    // cf. exceptions.py CancelledError
    const error = new CancelledError('my message');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CancelledError');
    expect(error.message).toBe('my message');
    expect(String(error)).toBe('CancelledError: my message');
    expect(new CancelledError().message).toBe('');
    expect(new CancelledError(null).message).toBe('');
    expect(new CancelledError(5).message).toBe('5');
  });

  it('recognises a CancelledError of another installed copy by its brand', () => {
    // DESIGN §6
    const foreign = Object.assign(new Error('x'), { [Symbol.for('tsyncio.CancelledError')]: true });
    expect(foreign instanceof CancelledError).toBe(true);
    expect(isCancelledError(foreign)).toBe(true);
    expect(new Error('x') instanceof CancelledError).toBe(false);
  });

  it('rethrowIfCancelled() rethrows a CancelledError and lets anything else through', () => {
    const cancelled = new CancelledError();
    expect(thrown(() => rethrowIfCancelled(cancelled))).toBe(cancelled);
    expect(() => rethrowIfCancelled(new Error('other'))).not.toThrow();
    expect(() => rethrowIfCancelled('a string')).not.toThrow();
    expect(() => rethrowIfCancelled(undefined)).not.toThrow();
  });
});

describe('InvalidStateError and TimeoutError', () => {
  it('are Errors with their asyncio names, recognised across copies', () => {
    const invalid = new InvalidStateError('bad state');
    expect(invalid.name).toBe('InvalidStateError');
    expect(invalid).toBeInstanceOf(Error);
    expect({ [Symbol.for('tsyncio.InvalidStateError')]: true } instanceof InvalidStateError).toBe(true);
    const timeout = new TimeoutError();
    expect(timeout.name).toBe('TimeoutError');
    expect({ [Symbol.for('tsyncio.TimeoutError')]: true } instanceof TimeoutError).toBe(true);
  });

  it('a DOMException named TimeoutError is not a TimeoutError', () => {
    // errors.ts: AbortSignal.timeout() reasons are not tsyncio's TimeoutError
    expect(new DOMException('late', 'TimeoutError') instanceof TimeoutError).toBe(false);
  });
});
