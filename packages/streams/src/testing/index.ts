/**
 * `@tsyncio/streams/testing` — the transport conformance suite (`checkTransport`) and the
 * recording protocols it is built on, for testing any Transport implementation. Framework
 * agnostic: nothing here imports a test runner.
 *
 * @packageDocumentation
 */
export {
  checkTransport,
  type CheckTransportOptions,
  type MakeTransportPair,
  type TransportCase,
} from './check-transport.js';
export {
  RecordingBufferedProtocol,
  RecordingProtocol,
  type ProtocolEvent,
  type RecordingBufferedProtocolOptions,
  type RecordingProtocolOptions,
} from './recording-protocol.js';
