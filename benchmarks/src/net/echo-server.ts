/**
 * `pnpm -s bench:echo-server PORT MODE` — the tsyncio TCP echo server of the anchors' workload 7,
 * bound to 127.0.0.1 only, for `shared/anchors/load/echo_load.c` (and `bench:compare --only echo`).
 *
 * MODE (as `anchors/python/echo_server.py --mode`):
 * - `streams`: `startServer()`; per connection `read(65536)`, `write`, `yield* drain()` until EOF.
 * - `protocol`: `createServer()` with a Protocol whose `dataReceived` does `transport.write(data)`.
 *
 * Prints `READY <port>` once listening; runs until SIGTERM/SIGINT, then closes the server.
 *
 * @module
 */
import { RuntimeError } from '@tsyncio/loop';
import { Future, run, type Coroutine } from '@tsyncio/futures';
import type { BaseTransport, Protocol, StreamReader, StreamWriter, Transport } from '@tsyncio/streams';
import { BrokenPipeError, ConnectionResetError, createServer, startServer, type Server } from '@tsyncio/net';

function* handle(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  try {
    for (;;) {
      const data = yield* reader.read(65536);
      if (data.length === 0) break;
      writer.write(data);
      yield* writer.drain();
    }
  } catch (error) {
    if (!(error instanceof ConnectionResetError || error instanceof BrokenPipeError)) throw error;
  } finally {
    writer.close();
  }
}

class EchoProtocol implements Protocol {
  transport: Transport | null = null;

  connectionMade(transport: BaseTransport): void {
    this.transport = transport as Transport;
  }

  dataReceived(data: Uint8Array): void {
    (this.transport as Transport).write(data);
  }

  eofReceived(): boolean {
    (this.transport as Transport).close();
    return false;
  }
}

function usage(message: string): never {
  process.stderr.write(`echo-server: ${message}\nusage: echo-server PORT streams|protocol\n`);
  process.exit(2);
}

const port = Number(process.argv[2]);
const mode = process.argv[3] ?? 'streams';
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad port '${String(process.argv[2])}'`);
if (mode !== 'streams' && mode !== 'protocol') usage(`bad mode '${mode}'`);

await run(function* (): Coroutine<void> {
  const stop = new Future<void>();
  const onSignal = (): void => {
    if (!stop.done()) stop.getLoop().callSoonThreadsafe(() => {
      if (!stop.done()) stop.setResult(undefined);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let server: Server;
  if (mode === 'streams') server = yield* startServer(handle, '127.0.0.1', port, { backlog: 1024 });
  else server = yield* createServer(() => new EchoProtocol(), '127.0.0.1', port, { backlog: 1024 });
  const bound = server.sockets[0]?.getsockname();
  if (!Array.isArray(bound)) throw new RuntimeError('the server has no socket');
  process.stdout.write(`READY ${String(bound[1])}\n`);
  yield* stop;
  server.close();
  server.abortClients();
  yield* server.waitClosed();
});
