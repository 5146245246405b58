// The OSError family: Python's hierarchy, asyncio's messages, Node's details, and instanceof across
// installed copies (brands) and across the streams layer's ConnectionResetError.
import { describe, expect, it } from 'vitest';
import {
  BROKEN_PIPE_ERROR_BRAND,
  CONNECTION_ERROR_BRAND,
  CONNECTION_REFUSED_ERROR_BRAND,
  CONNECTION_RESET_ERROR_BRAND,
  OS_ERROR_BRAND,
  SSL_ERROR_BRAND,
} from '@tsyncio/loop';
import { TimeoutError } from '@tsyncio/futures';
import { ConnectionResetError as StreamsConnectionResetError } from '@tsyncio/streams';
import {
  BrokenPipeError,
  ConnectionAbortedError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  OSError,
  SSLCertVerificationError,
  SSLError,
} from '../src/index.js';
import { formatAddress, fromNodeError, isOSError, strerror } from '../src/errors.js';

/** A Node system error as node:net makes them. */
function nodeError(code: string, errno: number, syscall: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno: -errno, syscall, ...extra });
}

describe('the OSError family', () => {
  it('follows Python\'s hierarchy', () => {
    const refused = new ConnectionRefusedError('Connection refused', { errno: 111 });
    expect(refused).toBeInstanceOf(ConnectionRefusedError);
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(refused).toBeInstanceOf(OSError);
    expect(refused).toBeInstanceOf(Error);
    expect(refused).not.toBeInstanceOf(ConnectionResetError);
    expect(new BrokenPipeError('x')).toBeInstanceOf(ConnectionError);
    expect(new ConnectionAbortedError('x')).toBeInstanceOf(ConnectionError);
    expect(new SSLCertVerificationError('x')).toBeInstanceOf(SSLError);
    expect(new SSLError('x')).toBeInstanceOf(OSError);
    expect(new SSLError('x')).not.toBeInstanceOf(ConnectionError);
    expect(new OSError('x')).not.toBeInstanceOf(ConnectionError);
  });

  it('formats like Python: "[Errno N] strerror" with errno, plain otherwise', () => {
    const e = new OSError('Address already in use', { errno: 98, code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 80 });
    expect(e.message).toBe('[Errno 98] Address already in use');
    expect(e.strerror).toBe('Address already in use');
    expect([e.errno, e.code, e.syscall, e.address, e.port]).toEqual([98, 'EADDRINUSE', 'listen', '127.0.0.1', 80]);
    expect(e.name).toBe('OSError');
    const plain = new OSError('getaddrinfo() returned empty list');
    expect(plain.message).toBe('getaddrinfo() returned empty list');
    expect(plain.errno).toBeNull();
    expect(plain.strerror).toBeNull();
  });

  it('ConnectionResetError is the streams layer\'s class too, in both directions, and an OSError', () => {
    const ours = new ConnectionResetError('Connection reset by peer', { errno: 104, code: 'ECONNRESET' });
    expect(ours).toBeInstanceOf(StreamsConnectionResetError);
    expect(ours).toBeInstanceOf(ConnectionError);
    expect(ours).toBeInstanceOf(OSError);
    expect(ours.code).toBe('ECONNRESET');
    expect(ours.errno).toBe(104);
    const theirs = new StreamsConnectionResetError('Connection lost');
    expect(theirs).toBeInstanceOf(ConnectionResetError);
    expect(theirs).toBeInstanceOf(ConnectionError);
    expect(theirs).toBeInstanceOf(OSError);
    expect(isOSError(theirs)).toBe(true);
    expect(new ConnectionResetError().message).toBe('Connection reset by peer');
  });

  it('recognises errors of another installed copy by their brand', () => {
    const foreign = (brands: symbol[]): object => {
      const o = Object.create(Error.prototype) as Record<symbol, unknown>;
      for (const brand of brands) o[brand] = true;
      return o;
    };
    expect(foreign([OS_ERROR_BRAND])).toBeInstanceOf(OSError);
    expect(foreign([OS_ERROR_BRAND, CONNECTION_ERROR_BRAND])).toBeInstanceOf(ConnectionError);
    expect(foreign([CONNECTION_REFUSED_ERROR_BRAND])).toBeInstanceOf(ConnectionRefusedError);
    expect(foreign([BROKEN_PIPE_ERROR_BRAND])).toBeInstanceOf(BrokenPipeError);
    expect(foreign([CONNECTION_RESET_ERROR_BRAND])).toBeInstanceOf(ConnectionResetError);
    expect(foreign([SSL_ERROR_BRAND])).toBeInstanceOf(SSLError);
    expect(foreign([OS_ERROR_BRAND])).not.toBeInstanceOf(ConnectionError);
  });
});

describe('fromNodeError()', () => {
  it('maps Node system errors to Python\'s classes, with the system\'s description', () => {
    const cases: [string, number, string, new (...a: never[]) => Error, string][] = [
      ['ECONNREFUSED', 111, 'connect', ConnectionRefusedError, 'Connection refused'],
      ['ECONNRESET', 104, 'read', ConnectionResetError, 'Connection reset by peer'],
      ['ECONNABORTED', 103, 'read', ConnectionAbortedError, 'Software caused connection abort'],
      ['EPIPE', 32, 'write', BrokenPipeError, 'Broken pipe'],
      ['EADDRINUSE', 98, 'listen', OSError, 'Address already in use'],
    ];
    for (const [code, errno, syscall, cls, text] of cases) {
      const node = nodeError(code, errno, syscall);
      const e = fromNodeError(node) as OSError;
      expect(e, code).toBeInstanceOf(cls);
      expect(e.errno).toBe(errno);
      expect(e.code).toBe(code);
      expect(e.syscall).toBe(syscall);
      expect(e.message).toBe(`[Errno ${errno}] ${text}`);
      expect(e.cause).toBe(node);
    }
    expect(strerror('ECONNREFUSED')).toBe('Connection refused');
  });

  it('ETIMEDOUT is the futures layer\'s TimeoutError and an OSError', () => {
    const e = fromNodeError(nodeError('ETIMEDOUT', 110, 'connect')) as Error & { errno: number };
    expect(e).toBeInstanceOf(TimeoutError);
    expect(e).toBeInstanceOf(OSError);
    expect(e.errno).toBe(110);
    expect(e.message).toBe('[Errno 110] Connection timed out');
  });

  it('resolver errors become OSError with Python\'s gaierror number; a custom message replaces the description', () => {
    const e = fromNodeError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND', errno: -3008, syscall: 'getaddrinfo' })) as OSError;
    expect(e).toBeInstanceOf(OSError);
    expect(e.errno).toBe(-2);
    expect(e.message).toBe('[Errno -2] Name or service not known');
    const custom = fromNodeError(nodeError('ECONNREFUSED', 111, 'connect'), { message: "Connect call failed ('127.0.0.1', 1)" }) as OSError;
    expect(custom.message).toBe("[Errno 111] Connect call failed ('127.0.0.1', 1)");
    expect(custom.strerror).toBe("Connect call failed ('127.0.0.1', 1)");
  });

  it('certificate errors become SSLCertVerificationError, other TLS errors SSLError', () => {
    const cert = fromNodeError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })) as SSLCertVerificationError;
    expect(cert).toBeInstanceOf(SSLCertVerificationError);
    expect(cert.reason).toBe('CERTIFICATE_VERIFY_FAILED');
    expect(cert.verifyCode).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(cert.verifyMessage).toBe('self-signed certificate');
    expect(cert.message).toBe('[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate');
    const ssl = fromNodeError(Object.assign(new Error('x'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER', reason: 'wrong version number' })) as SSLError;
    expect(ssl).toBeInstanceOf(SSLError);
    expect(ssl).not.toBeInstanceOf(SSLCertVerificationError);
    expect(ssl.reason).toBe('WRONG_VERSION_NUMBER');
    expect(ssl.message).toBe('[SSL: WRONG_VERSION_NUMBER] wrong version number');
  });

  it('leaves alone what is not an I/O failure, and what is already of the family', () => {
    const bug = Object.assign(new TypeError('bad'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(fromNodeError(bug)).toBe(bug);
    const plain = new Error('plain');
    expect(fromNodeError(plain)).toBe(plain);
    const ours = new OSError('x');
    expect(fromNodeError(ours)).toBe(ours);
    expect(fromNodeError('string')).toBe('string');
  });

  it('formatAddress() prints Python\'s repr of an address', () => {
    expect(formatAddress(['127.0.0.1', 80])).toBe("('127.0.0.1', 80)");
    expect(formatAddress(['::1', 80, 0, 0])).toBe("('::1', 80, 0, 0)");
    expect(formatAddress('/tmp/s.sock')).toBe("'/tmp/s.sock'");
  });
});
