/**
 * RecordingProtocol: a protocol for tests that records every callback, checks the call-order
 * contract as it goes, keeps the received bytes, and lets a coroutine wait for any of it.
 *
 * @module
 */
import { getEventLoop, type EventLoop } from '@tsyncio/loop';
import { Future, type Coroutine } from '@tsyncio/futures';
import { FlowControlProtocol } from '../flow-control.js';
import type { BufferedProtocol, Protocol } from '../protocol.js';
import type { BaseTransport, Transport } from '../transport.js';

/**
 * One recorded callback of a {@link RecordingProtocol}. tsyncio only.
 *
 * @example
 * ```ts
 * const expected: ProtocolEvent[] = ['made', 'data', 'eof', 'lost'];
 * ```
 */
export type ProtocolEvent = 'made' | 'data' | 'eof' | 'lost' | 'pause' | 'resume';

/**
 * Options for {@link RecordingProtocol}. tsyncio only.
 *
 * @example
 * ```ts
 * const server = new RecordingProtocol({ name: 'server', keepOpen: true });
 * ```
 */
export interface RecordingProtocolOptions {
  /** A name for messages (default `'protocol'`). */
  name?: string;
  /** What `eofReceived()` returns: true keeps the transport half-open (default false). */
  keepOpen?: boolean;
  /** The loop of the futures it completes (default: `getEventLoop()`). */
  loop?: EventLoop;
}

/**
 * A {@link Protocol} (and {@link FlowControlProtocol}, so `_drainHelper()` works) that records
 * what its transport does to it:
 *
 * - `events`: every callback in order (`'made'`, `'data'`, `'eof'`, `'lost'`, `'pause'`,
 *   `'resume'`); `violations`: every breach of the call-order contract (data after eof,
 *   anything after lost, lost twice, pause while paused…), as sentences;
 * - the received bytes ({@link bytes}, {@link receivedBytes}), and `lostError`;
 * - {@link until}: a coroutine that waits until a condition on the recording holds, and fails
 *   with the recording if the connection ends first.
 *
 * Hooks (`onMade`, `onData`, `onEof`, `onPause`, `onResume`, `onLost`) run inside the callbacks,
 * for checks that must happen at that moment.
 *
 * tsyncio only: the test kit behind `checkTransport`.
 *
 * @example
 * ```ts
 * const server = new RecordingProtocol({ name: 'server', keepOpen: true });
 * const [a] = connectPipe(client, server);
 * a.write(bytes);
 * a.writeEof();
 * yield* server.untilEof();
 * server.violations; // []
 * ```
 */
export class RecordingProtocol extends FlowControlProtocol implements Protocol {
  /** Name used in messages. */
  readonly name: string;
  /** What eofReceived() returns. */
  keepOpen: boolean;
  /** Every callback, in order. */
  readonly events: ProtocolEvent[] = [];
  /** Breaches of the call-order contract, as sentences. */
  readonly violations: string[] = [];
  /** The transport given to connectionMade (null before). */
  transport: Transport | null = null;
  /** The chunks received, in order. */
  readonly chunks: Uint8Array[] = [];
  /** Total bytes received. */
  receivedBytes = 0;
  /** Whether eofReceived() was called. */
  sawEof = false;
  /** The argument of connectionLost (undefined before it is called). */
  lostError: Error | null | undefined = undefined;
  /** Times pauseWriting() / resumeWriting() were called. */
  pauses = 0;
  resumes = 0;

  /** Hooks, called inside the matching callback after it is recorded. */
  onMade: ((transport: Transport) => void) | null = null;
  onData: ((data: Uint8Array) => void) | null = null;
  onEof: (() => void) | null = null;
  onPause: (() => void) | null = null;
  onResume: (() => void) | null = null;
  onLost: ((exc: Error | null) => void) | null = null;

  private _progress: Future<void> | null = null;

  constructor(options: RecordingProtocolOptions = {}) {
    super(options.loop === undefined ? { loop: getEventLoop() } : { loop: options.loop });
    this.name = options.name ?? 'protocol';
    this.keepOpen = options.keepOpen ?? false;
  }

  /** Whether connectionMade() was called. */
  get made(): boolean {
    return this.transport !== null;
  }

  /** Whether connectionLost() was called. */
  get lost(): boolean {
    return this.lostError !== undefined;
  }

  /** The received bytes, concatenated. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.receivedBytes);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  private _record(event: ProtocolEvent): void {
    this.events.push(event);
    const progress = this._progress;
    if (progress !== null) {
      this._progress = null;
      progress.setResult(undefined);
    }
  }

  private _violation(what: string): void {
    this.violations.push(`${this.name}: ${what} (events so far: ${this.events.slice(-12).join(' ')})`);
  }

  connectionMade(transport: BaseTransport): void {
    if (this.made) this._violation('connectionMade() called twice');
    if (this.lost) this._violation('connectionMade() called after connectionLost()');
    this.transport = transport as Transport;
    this._record('made');
    this.onMade?.(transport as Transport);
  }

  dataReceived(data: Uint8Array): void {
    this._checkData(data);
    this.chunks.push(data);
    this.receivedBytes += data.length;
    this._record('data');
    this.onData?.(data);
  }

  /** @internal shared checks of dataReceived / bufferUpdated */
  _checkData(data: Uint8Array): void {
    if (!(data instanceof Uint8Array)) this._violation(`dataReceived() got a ${typeof data}, not a Uint8Array`);
    if (data.length === 0) this._violation('dataReceived() called with no bytes');
    if (!this.made) this._violation('dataReceived() called before connectionMade()');
    if (this.sawEof) this._violation('dataReceived() called after eofReceived()');
    if (this.lost) this._violation('dataReceived() called after connectionLost()');
  }

  eofReceived(): boolean {
    if (!this.made) this._violation('eofReceived() called before connectionMade()');
    if (this.sawEof) this._violation('eofReceived() called twice');
    if (this.lost) this._violation('eofReceived() called after connectionLost()');
    this.sawEof = true;
    this._record('eof');
    this.onEof?.();
    return this.keepOpen;
  }

  override pauseWriting(): void {
    this.pauses++;
    if (!this.made) this._violation('pauseWriting() called before connectionMade()');
    if (this.lost) this._violation('pauseWriting() called after connectionLost()');
    if (this._paused) this._violation('pauseWriting() called while already paused');
    else super.pauseWriting();
    this._record('pause');
    this.onPause?.();
  }

  override resumeWriting(): void {
    this.resumes++;
    if (this.lost) this._violation('resumeWriting() called after connectionLost()');
    if (!this._paused) this._violation('resumeWriting() called while not paused');
    else super.resumeWriting();
    this._record('resume');
    this.onResume?.();
  }

  override connectionLost(exc: Error | null): void {
    if (!this.made) this._violation('connectionLost() called before connectionMade()');
    if (this.lost) this._violation('connectionLost() called twice');
    if (exc !== null && !(exc instanceof Error)) this._violation(`connectionLost() got ${typeof exc}, not an Error or null`);
    this.lostError = exc;
    super.connectionLost(exc);
    this._record('lost');
    this.onLost?.(exc);
  }

  /**
   * Wait until `condition()` holds, re-checking after every callback.
   *
   * @throws Error naming `what` and the recorded events when the connection is lost (or
   * end-of-file arrives, with `failOnEof`) before it holds.
   */
  *until(condition: () => boolean, what: string, options: { failOnEof?: boolean } = {}): Coroutine<void> {
    for (;;) {
      if (condition()) return;
      if (this.lost || (options.failOnEof === true && this.sawEof)) {
        throw new Error(
          `${this.name}: waiting for ${what}, but the connection ${this.lost ? 'was lost' : 'reached end-of-file'} first ` +
            `(${this.receivedBytes} bytes received; last events: ${this.events.slice(-12).join(' ')})`,
        );
      }
      this._progress ??= new Future<void>({ loop: this._loop });
      yield* this._progress;
    }
  }

  /** Wait until at least `n` bytes were received (fails if the connection ends first). */
  *untilBytes(n: number): Coroutine<void> {
    yield* this.until(() => this.receivedBytes >= n, `${n} bytes`, { failOnEof: true });
  }

  /** Wait until connectionLost() was called. */
  *untilLost(): Coroutine<Error | null> {
    for (;;) {
      if (this.lostError !== undefined) return this.lostError;
      this._progress ??= new Future<void>({ loop: this._loop });
      yield* this._progress;
    }
  }

  /** Wait until eofReceived() was called (fails if the connection is lost first). */
  *untilEof(): Coroutine<void> {
    yield* this.until(() => this.sawEof, 'eofReceived()');
  }

  /** Wait until connectionMade() was called. */
  *untilMade(): Coroutine<Transport> {
    yield* this.until(() => this.made, 'connectionMade()');
    return this.transport as Transport;
  }
}

/**
 * Options for {@link RecordingBufferedProtocol}. tsyncio only.
 *
 * @example
 * ```ts
 * const server = new RecordingBufferedProtocol({ bufferSize: 7 });
 * ```
 */
export interface RecordingBufferedProtocolOptions extends RecordingProtocolOptions {
  /** Size of the buffer getBuffer() returns (default 1000, small on purpose). */
  bufferSize?: number;
}

/**
 * A {@link RecordingProtocol} that receives through {@link BufferedProtocol}'s `getBuffer()` /
 * `bufferUpdated()` (one small reused buffer), recording the same events and bytes.
 *
 * tsyncio only: the test kit behind `checkTransport`.
 *
 * @example
 * ```ts
 * const server = new RecordingBufferedProtocol({ bufferSize: 64 });
 * connectPipe(client, server);
 * ```
 */
export class RecordingBufferedProtocol extends RecordingProtocol implements BufferedProtocol {
  private readonly _buffer: Uint8Array;
  /** Times getBuffer() was called. */
  getBufferCalls = 0;

  constructor(options: RecordingBufferedProtocolOptions = {}) {
    super(options);
    this._buffer = new Uint8Array(options.bufferSize ?? 1000);
  }

  getBuffer(sizeHint: number): Uint8Array {
    this.getBufferCalls++;
    if (typeof sizeHint !== 'number') this.violations.push(`${this.name}: getBuffer() got a ${typeof sizeHint} size hint`);
    return this._buffer;
  }

  bufferUpdated(nbytes: number): void {
    if (!Number.isInteger(nbytes) || nbytes <= 0 || nbytes > this._buffer.length) {
      this.violations.push(`${this.name}: bufferUpdated(${String(nbytes)}) with a ${this._buffer.length}-byte buffer`);
      return;
    }
    // the buffer is reused: keep a copy
    this.dataReceived(this._buffer.slice(0, nbytes));
  }
}
