/**
 * `@tsyncio/streams` — asyncio's transports and protocols (interfaces), `StreamReader` /
 * `StreamWriter`, write-side flow control, and an in-memory pipe transport with fault injection
 * for tests. Corresponds to asyncio's `transports.py`, `protocols.py` and `streams.py`.
 *
 * The transport conformance suite is a separate entry point: `@tsyncio/streams/testing`.
 *
 * @packageDocumentation
 */
export { ConnectionResetError } from './errors.js';
export {
  DEFAULT_HIGH_WATER,
  FlowControlProtocol,
  FlowControlTransport,
  writeBufferLimits,
  type FlowControlProtocolOptions,
} from './flow-control.js';
export {
  connectPipe,
  createPipe,
  openPipe,
  PipeTransport,
  type OpenPipeOptions,
  type PipeLinkOptions,
  type PipeOptions,
  type StreamPair,
} from './pipe.js';
export {
  isBufferedProtocol,
  type BaseProtocol,
  type BufferedProtocol,
  type DatagramProtocol,
  type Protocol,
} from './protocol.js';
export {
  DEFAULT_LIMIT,
  IncompleteReadError,
  LimitOverrunError,
  StreamReader,
  type Separator,
  type StreamReaderOptions,
} from './stream-reader.js';
export {
  StreamReaderProtocol,
  type ClientConnectedCallback,
  type StreamReaderProtocolOptions,
} from './stream-reader-protocol.js';
export {
  StreamWriter,
  type StreamWriterProtocol,
  type StreamWriterStartTlsOptions,
  type TlsUpgradableTransport,
} from './stream-writer.js';
export type {
  Address,
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  Transport,
  WriteBufferLimitsOptions,
  WriteTransport,
} from './transport.js';
