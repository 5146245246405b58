// A small RESP (REdis Serialization Protocol) client and server on tsyncio streams.
// docs/streams.md shows this file verbatim; test/guide.test.ts runs it.
import { createTask, type Coroutine } from '@tsyncio/futures';
import { IncompleteReadError, openPipe, type PipeOptions, type StreamReader, type StreamWriter } from '@tsyncio/streams';

/** A RESP value: simple string, error, integer, bulk string (null when absent), array. */
export type RespValue = string | RespError | number | Uint8Array | null | RespValue[];

/** A RESP error reply (`-ERR ...`). */
export class RespError extends Error {
  override name = 'RespError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Read one value: a type byte, a line ending in CRLF, and for bulk strings and arrays, more. */
export function* readValue(reader: StreamReader): Coroutine<RespValue> {
  const line = yield* reader.readUntil('\r\n'); // LimitOverrunError if longer than the reader's limit
  const text = decoder.decode(line.subarray(1, line.length - 2));
  switch (line[0]) {
    case 0x2b: // '+' simple string
      return text;
    case 0x2d: // '-' error
      return new RespError(text);
    case 0x3a: // ':' integer
      return Number(text);
    case 0x24: {
      // '$' bulk string: <length>\r\n<bytes>\r\n
      const length = Number(text);
      if (length < 0) return null;
      const data = yield* reader.readExactly(length + 2);
      return data.subarray(0, length);
    }
    case 0x2a: {
      // '*' array: <count>\r\n, then that many values
      const count = Number(text);
      if (count < 0) return null;
      const items: RespValue[] = [];
      for (let i = 0; i < count; i++) items.push(yield* readValue(reader));
      return items;
    }
    default:
      throw new RangeError(`not a RESP type byte: ${String(line[0])}`);
  }
}

/** A bulk string: `$<byte length>\r\n<bytes>\r\n`. */
function bulk(text: string): string {
  return `$${encoder.encode(text).length}\r\n${text}\r\n`;
}

/** A command as RESP: an array of bulk strings. */
export function encodeCommand(...args: string[]): string {
  return `*${args.length}\r\n${args.map(bulk).join('')}`;
}

/** Serve GET / SET / PING on one connection until the client closes it. */
export function* serve(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const store = new Map<string, string>();
  for (;;) {
    let request: RespValue;
    try {
      request = yield* readValue(reader);
    } catch (e) {
      if (e instanceof IncompleteReadError && e.partial.length === 0) break; // clean end-of-file
      throw e;
    }
    const [name, ...args] = (request as Uint8Array[]).map((arg) => decoder.decode(arg));
    if (name === 'PING') writer.write('+PONG\r\n');
    else if (name === 'SET' && args.length === 2) {
      store.set(args[0]!, args[1]!);
      writer.write('+OK\r\n');
    } else if (name === 'GET' && args.length === 1) {
      const value = store.get(args[0]!);
      writer.write(value === undefined ? '$-1\r\n' : bulk(value));
    } else writer.write(`-ERR unknown command '${name ?? ''}'\r\n`);
    yield* writer.drain(); // wait while the client is not reading
  }
  writer.close();
}

/** Send one command and read its reply. */
export function* call(reader: StreamReader, writer: StreamWriter, ...args: string[]): Coroutine<RespValue> {
  writer.write(encodeCommand(...args));
  yield* writer.drain();
  return yield* readValue(reader);
}

/** A session over an in-memory pipe (any createPipe options: chunking, latency, ...). */
export function* session(options: PipeOptions = {}): Coroutine<string[]> {
  const [[reader, writer], [serverReader, serverWriter]] = openPipe(options);
  const server = createTask(serve(serverReader, serverWriter));
  const show = (value: RespValue): string =>
    value instanceof Uint8Array ? decoder.decode(value) : value instanceof RespError ? `(error) ${value.message}` : String(value);
  const log = [
    show(yield* call(reader, writer, 'PING')),
    show(yield* call(reader, writer, 'SET', 'greeting', 'héllo wörld')),
    show(yield* call(reader, writer, 'GET', 'greeting')),
    show(yield* call(reader, writer, 'GET', 'missing')),
    show(yield* call(reader, writer, 'FLY')),
  ];
  writer.close();
  yield* server; // the server sees end-of-file and closes its side
  return log;
}
