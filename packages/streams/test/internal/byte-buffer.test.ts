// White-box tests of the StreamReader's chunk buffer: no copy on push, views vs copies on take,
// searches across chunk boundaries, and consumption that never shifts arrays.
import { describe, expect, it } from 'vitest';
import { ByteBuffer } from '../../src/internal/byte-buffer.js';
import { b, s } from '../helpers.js';

function bufferOf(...chunks: string[]): ByteBuffer {
  const buffer = new ByteBuffer();
  for (const chunk of chunks) buffer.push(b(chunk));
  return buffer;
}

describe('ByteBuffer', () => {
  it('push() keeps the arrays it is given and ignores empty ones', () => {
    const buffer = new ByteBuffer();
    const chunk = b('hello');
    buffer.push(chunk);
    buffer.push(new Uint8Array(0));
    expect(buffer.length).toBe(5);
    expect(buffer.chunkCount).toBe(1);
    expect(buffer.take(5)).toBe(chunk);
  });

  it('take() returns views of the first chunk while the bytes are contiguous there', () => {
    const long = new Uint8Array(1000).fill(7);
    const buffer = new ByteBuffer();
    buffer.push(long);
    const short = buffer.take(10);
    expect(short.buffer).toBe(long.buffer);
    expect(short.byteOffset).toBe(0);
    const next = buffer.take(500);
    expect(next.buffer).toBe(long.buffer);
    expect(next.byteOffset).toBe(10);
    expect(buffer.length).toBe(490);
  });

  it('take() across chunks copies the bytes into one array and drops the used chunks', () => {
    const buffer = bufferOf('abc', 'def', 'ghi');
    expect(s(buffer.take(2))).toBe('ab');
    expect(s(buffer.take(5))).toBe('cdefg');
    expect(buffer.chunkCount).toBe(1);
    expect(s(buffer.takeAll())).toBe('hi');
    expect(buffer.length).toBe(0);
    expect(buffer.chunkCount).toBe(0);
  });

  it('indexOfByte() searches from a logical offset across chunk boundaries, within [from, to)', () => {
    const buffer = bufferOf('ab', 'cd', 'ef', 'xg\n', 'h\n');
    buffer.take(1); // logical 0 is now 'b'
    // 'bcdefxg\nh\n'
    expect(buffer.indexOfByte(10, 0)).toBe(7);
    expect(buffer.indexOfByte(10, 8)).toBe(9);
    expect(buffer.indexOfByte(10, 10)).toBe(-1);
    expect(buffer.indexOfByte('x'.charCodeAt(0), 0)).toBe(5);
    expect(buffer.indexOfByte('x'.charCodeAt(0), 0, 5)).toBe(-1);
    expect(buffer.indexOfByte('x'.charCodeAt(0), 0, 6)).toBe(5);
    expect(buffer.indexOfByte('b'.charCodeAt(0), 0)).toBe(0);
  });

  it('indexOf() finds a separator split over several chunks, and respects maxStart', () => {
    const buffer = bufferOf('xx\r', '\n', 'yy\r', '\nzz');
    const sep = b('\r\n');
    expect(buffer.indexOf(sep, 0)).toBe(2);
    expect(buffer.indexOf(sep, 3)).toBe(6);
    expect(buffer.indexOf(sep, 0, 1)).toBe(-1);
    expect(buffer.indexOf(b('\n\r'), 0)).toBe(-1);
    expect(buffer.indexOf(b('zz'), 0)).toBe(8);
    expect(buffer.indexOf(b('zzz'), 0)).toBe(-1);
  });

  it('indexOf() with a repeated first byte backs off correctly', () => {
    const buffer = bufferOf('aa', 'ab', 'aab'); // 'aaabaab'
    expect(buffer.indexOf(b('aab'), 0)).toBe(1);
    expect(buffer.indexOf(b('aab'), 2)).toBe(4);
    expect(buffer.indexOf(b('ab'), 0)).toBe(2);
    expect(buffer.indexOf(b('baa'), 0)).toBe(3);
  });

  it('startsWith() compares across chunks', () => {
    const buffer = bufferOf('ab', 'c', 'de');
    expect(buffer.startsWith(b('bcd'), 1)).toBe(true);
    expect(buffer.startsWith(b('bce'), 1)).toBe(false);
    expect(buffer.startsWith(b('de'), 3)).toBe(true);
    expect(buffer.startsWith(b('def'), 3)).toBe(false);
  });

  it('discard() drops a prefix without copying, and clear() drops everything', () => {
    const buffer = bufferOf('abc', 'def', 'ghi');
    buffer.discard(4);
    expect(s(buffer.toUint8Array())).toBe('efghi');
    expect(buffer.chunkCount).toBe(2);
    buffer.discard(2);
    expect(s(buffer.toUint8Array())).toBe('ghi');
    buffer.clear();
    expect(buffer.length).toBe(0);
    buffer.push(b('new'));
    expect(buffer.indexOfByte('w'.charCodeAt(0), 0)).toBe(2);
  });

  it('scans long chunks past the short inline scan', () => {
    const chunk = new Uint8Array(10000).fill(1);
    chunk[9000] = 10;
    const buffer = new ByteBuffer();
    buffer.push(chunk);
    expect(buffer.indexOfByte(10, 0)).toBe(9000);
    expect(buffer.indexOfByte(10, 9001)).toBe(-1);
    expect(buffer.indexOfByte(10, 0, 9000)).toBe(-1);
  });

  it('finds positions with a binary search when the buffer holds many chunks', () => {
    const buffer = new ByteBuffer();
    for (let i = 0; i < 1000; i++) buffer.push(b(i === 777 ? '!' : '.'));
    buffer.take(3);
    expect(buffer.indexOfByte('!'.charCodeAt(0), 500)).toBe(774);
    expect(buffer.indexOfByte('!'.charCodeAt(0), 775)).toBe(-1);
    expect(buffer.startsWith(b('.!.'), 773)).toBe(true);
  });

  it('gives plain Uint8Arrays (views and copies) even when fed subclasses', () => {
    class Sub extends Uint8Array {}
    const buffer = new ByteBuffer();
    buffer.push(new Sub(b('abcdef')));
    buffer.push(new Sub(b('ghi')));
    const out = buffer.take(3);
    expect(Object.getPrototypeOf(out)).toBe(Uint8Array.prototype);
    expect(s(out)).toBe('abc');
    const spanning = buffer.take(5);
    expect(Object.getPrototypeOf(spanning)).toBe(Uint8Array.prototype);
    expect(s(spanning)).toBe('defgh');
  });
});
