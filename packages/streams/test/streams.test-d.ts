// Type tests: what `yield*` gives for each read, what the pipe helpers return, and that the
// concrete classes satisfy the interfaces they stand for.
import { describe, expectTypeOf, it } from 'vitest';
import type { Coroutine } from '@tsyncio/futures';
import {
  connectPipe,
  createPipe,
  FlowControlProtocol,
  openPipe,
  PipeTransport,
  StreamReader,
  StreamReaderProtocol,
  StreamWriter,
  type BaseProtocol,
  type ClientConnectedCallback,
  type Protocol,
  type StreamPair,
  type Transport,
} from '../src/index.js';
import { checkTransport, RecordingProtocol, type TransportCase } from '../src/testing/index.js';

describe('@tsyncio/streams types', () => {
  it('reads are coroutines of Uint8Array', () => {
    const reader = new StreamReader();
    expectTypeOf(reader.read()).toEqualTypeOf<Coroutine<Uint8Array>>();
    expectTypeOf(reader.readline()).toEqualTypeOf<Coroutine<Uint8Array>>();
    expectTypeOf(reader.readExactly(4)).toEqualTypeOf<Coroutine<Uint8Array>>();
    expectTypeOf(reader.readUntil(['\r\n', new Uint8Array([10])])).toEqualTypeOf<Coroutine<Uint8Array>>();
    function* body(): Coroutine<void> {
      const line = yield* reader.readline();
      expectTypeOf(line).toEqualTypeOf<Uint8Array>();
    }
    expectTypeOf(body).returns.toEqualTypeOf<Coroutine<void>>();
    expectTypeOf(reader[Symbol.asyncIterator]()).toExtend<AsyncIterator<Uint8Array>>();
  });

  it('writers accept bytes and strings and drain as coroutines', () => {
    const [[, writer]] = openPipe();
    expectTypeOf(writer).toEqualTypeOf<StreamWriter>();
    expectTypeOf(writer.write).parameter(0).toEqualTypeOf<Uint8Array | string>();
    expectTypeOf(writer.drain()).toEqualTypeOf<Coroutine<void>>();
    expectTypeOf(writer.transport).toEqualTypeOf<Transport>();
  });

  it('pipes return transports and stream pairs', () => {
    expectTypeOf(createPipe()).toEqualTypeOf<[PipeTransport, PipeTransport]>();
    expectTypeOf(createPipe()[0]).toExtend<Transport>();
    expectTypeOf(connectPipe({}, {})).toEqualTypeOf<[PipeTransport, PipeTransport]>();
    expectTypeOf(openPipe()).toEqualTypeOf<[StreamPair, StreamPair]>();
    expectTypeOf<StreamPair>().toEqualTypeOf<[reader: StreamReader, writer: StreamWriter]>();
  });

  it('protocol classes satisfy the protocol interfaces', () => {
    expectTypeOf<StreamReaderProtocol>().toExtend<Protocol>();
    expectTypeOf<FlowControlProtocol>().toExtend<BaseProtocol>();
    expectTypeOf<RecordingProtocol>().toExtend<Protocol>();
    const handler: ClientConnectedCallback = function* (reader, writer) {
      expectTypeOf(reader).toEqualTypeOf<StreamReader>();
      writer.write(yield* reader.readline());
    };
    expectTypeOf(handler).toExtend<ClientConnectedCallback>();
  });

  it('checkTransport returns named cases', () => {
    expectTypeOf(checkTransport({ makePair: (a, b) => connectPipe(a, b) })).toEqualTypeOf<TransportCase[]>();
    expectTypeOf<TransportCase['run']>().returns.toEqualTypeOf<Promise<void>>();
  });
});
