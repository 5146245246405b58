/**
 * Helpers for the @tsyncio/net suite (Node only): a loop on the real clock (sockets run in real
 * time) whose exception handler records what it gets, a deadline per test, Unix socket paths in a
 * private temporary directory, and TLS certificates made with openssl at test time.
 *
 * Every address used is 127.0.0.1; every port is 0 (the system picks one).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { EventLoop, formatExceptionContext, type ExceptionContext } from '@tsyncio/loop';
import { CancelledError, createTask, currentTask, sleep, type Awaitable, type Coroutine, type Task } from '@tsyncio/futures';
import type { BaseProtocol, BaseTransport, Protocol, Transport } from '@tsyncio/streams';

export const HOST = '127.0.0.1';

/** A loop on the real clock; the contexts given to its exception handler land in `errors`. */
export interface NetLoop {
  loop: EventLoop;
  errors: ExceptionContext[];
  /**
   * Run `main()` as a task until it completes (cancelled after `deadline` seconds). Fails when the
   * exception handler was called, unless `allowErrors`.
   */
  run<T>(main: () => Coroutine<T>, options?: { deadline?: number; allowErrors?: boolean }): Promise<T>;
  task<T>(coro: Coroutine<T>): Task<T>;
}

export function netLoop(): NetLoop {
  const loop = new EventLoop();
  const errors: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    errors.push(context);
  });
  onTestFinished(() => {
    if (!loop.isRunning() && !loop.isClosed()) loop.close();
  });
  return {
    loop,
    errors,
    async run<T>(main: () => Coroutine<T>, options: { deadline?: number; allowErrors?: boolean } = {}): Promise<T> {
      const task = createTask(main(), { loop, name: 'test main' });
      let timedOut = false;
      const watchdog = loop.callLater(options.deadline ?? 10, () => {
        timedOut = true;
        task.cancel('test deadline');
      });
      try {
        return await loop.runUntilComplete(task);
      } catch (error) {
        if (timedOut) throw new Error(`the test did not finish within ${options.deadline ?? 10} s`, { cause: error });
        throw error;
      } finally {
        watchdog.cancel();
        if (options.allowErrors !== true && errors.length > 0) {
          // eslint-disable-next-line no-unsafe-finally
          throw new Error(`the loop's exception handler was called:\n${errors.map(formatExceptionContext).join('\n')}`);
        }
      }
    },
    task: (coro) => createTask(coro, { loop }),
  };
}

/** A fresh private directory for Unix sockets (short path: sun_path has ~107 bytes), removed after the test. */
export function socketDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsn-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** ASCII/UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` decoded as UTF-8. */
export function s(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  let x = seed >>> 0 || 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The [host, port] of a server's first socket. */
export function addressOf(server: { sockets: readonly { getsockname(): unknown }[] }): [string, number] {
  return server.sockets[0]!.getsockname() as [string, number];
}

/**
 * A protocol like test_events.py's MyProto: records its state ('INITIAL' → 'CONNECTED' → 'EOF'?
 * → 'CLOSED'), the bytes received and the order of the callbacks.
 */
export class MyProto implements Protocol {
  state = 'INITIAL';
  transport: Transport | null = null;
  nbytes = 0;
  readonly chunks: Uint8Array[] = [];
  lostWith: Error | null | undefined = undefined;
  readonly events: string[] = [];
  keepOpen = false;

  connectionMade(transport: BaseTransport): void {
    this.transport = transport as Transport;
    this.state = 'CONNECTED';
    this.events.push('made');
  }

  dataReceived(data: Uint8Array): void {
    this.nbytes += data.length;
    this.chunks.push(data);
    this.events.push('data');
  }

  eofReceived(): boolean {
    this.state = 'EOF';
    this.events.push('eof');
    return this.keepOpen;
  }

  connectionLost(exc: Error | null): void {
    this.state = 'CLOSED';
    this.lostWith = exc;
    this.events.push('lost');
  }

  bytes(): Uint8Array {
    return concat(this.chunks);
  }
}

/**
 * What `body()` throws (a test of an error). Our own task's cancellation (the test deadline) is
 * re-raised, never returned as the expected error.
 */
export function* caught(body: () => Awaitable<unknown>): Coroutine<unknown> {
  try {
    yield* body();
  } catch (error) {
    const task = currentTask();
    if (error instanceof CancelledError && task !== null && task.cancelling() > 0) throw error;
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

/** Poll `check()` every 2 ms of real time until it holds. */
export function* until(check: () => boolean): Coroutine<void> {
  while (!check()) yield* sleep(0.002);
}

/** A protocol with no callbacks at all (every one is optional). */
export function bareProtocol(): BaseProtocol {
  return {};
}

// ---------------------------------------------------------------- TLS material

export interface Certs {
  /** A self-signed certificate for CN=localhost, SAN DNS:localhost, IP:127.0.0.1. */
  cert: string;
  key: string;
  /** Another self-signed certificate (for a "wrong CA" client). */
  otherCert: string;
  otherKey: string;
}

let certs: Certs | null = null;

/** Make (once per test file) the certificates with openssl in a temporary directory. */
export function makeCerts(): Certs {
  if (certs !== null) return certs;
  const dir = mkdtempSync(join(tmpdir(), 'tsn-tls-'));
  try {
    const make = (name: string, cn: string, san: string): void => {
      execFileSync(
        'openssl',
        [
          'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
          '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`),
          '-subj', `/CN=${cn}`, '-addext', `subjectAltName=${san}`,
        ],
        { stdio: 'ignore' },
      );
    };
    make('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
    make('other', 'other.invalid', 'DNS:other.invalid');
    certs = {
      cert: readFileSync(join(dir, 'server.crt'), 'utf8'),
      key: readFileSync(join(dir, 'server.key'), 'utf8'),
      otherCert: readFileSync(join(dir, 'other.crt'), 'utf8'),
      otherKey: readFileSync(join(dir, 'other.key'), 'utf8'),
    };
    return certs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
