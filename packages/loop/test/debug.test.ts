import { describe, expect, it } from 'vitest';
import { captureStack, describe as describeValue } from '../src/index.js';

describe('describe()', () => {
  it('quotes strings and shortens long ones', () => {
    // cf. test_reprlib.py ReprTests.test_string (format_helpers uses reprlib for arguments)
    expect(describeValue('x')).toBe('"x"');
    const long = 'a'.repeat(100);
    expect(describeValue(long)).toBe(JSON.stringify(`${'a'.repeat(57)}...`));
  });

  it('names functions, errors, arrays and typed arrays', () => {
    // cf. test_events.py HandleTests.test_handle_repr (callbacks shown by name)
    function named(): void {}
    expect(describeValue(named)).toBe('named()');
    expect(describeValue(Object.defineProperty(() => {}, 'name', { value: '' }))).toBe('<anonymous function>');
    expect(describeValue(new RangeError('bad'))).toBe('RangeError("bad")');
    expect(describeValue([1, 2, 3])).toBe('Array(3)');
    expect(describeValue(new Uint8Array(4))).toBe('Uint8Array(4)');
  });

  it('uses an object’s own toString(), else its class name', () => {
    // cf. test_events.py HandleTests.test_handle_repr (arguments shown with their repr)
    class Widget {
      readonly size = 1;
    }
    class Shown {
      toString(): string {
        return '<Shown 1>';
      }
    }
    class Broken {
      toString(): string {
        throw new Error('no');
      }
    }
    expect(describeValue(new Widget())).toBe('<Widget>');
    expect(describeValue(new Shown())).toBe('<Shown 1>');
    expect(describeValue(new Broken())).toBe('<Broken>');
    expect(describeValue({})).toBe('<Object>');
    expect(describeValue(Object.create(null))).toBe('<Object>');
  });

  it('shows primitives the way JavaScript writes them', () => {
    // cf. test_reprlib.py ReprTests.test_numbers
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  });
});

describe('captureStack()', () => {
  it('starts at the caller’s caller when skipping one frame', () => {
    // cf. test_events.py HandleTests.test_handle_source_traceback (the stack starts where the handle was made)
    function inner(): string {
      return captureStack(1);
    }
    function outerFrameMarker(): string {
      return inner();
    }
    const stack = outerFrameMarker();
    const firstFrame = stack.split('\n')[0] ?? '';
    expect(firstFrame).toContain('outerFrameMarker');
  });
});
