// A TCP echo client with streams: send lines, read each one back, half-close, wait for the
// server to finish. Run alone, it starts the echo server of echo-server.ts in the same process
// (on 127.0.0.1, any free port) and talks to it.
//
//   node dist/echo-client.js [PORT [LINE...]]
import { openConnection, run, type Coroutine, type Server } from 'tsyncio';
import { startEchoServer } from './echo-server.js';

const [portArg, ...lines] = process.argv.slice(2);
const messages = lines.length > 0 ? lines : ['hello', 'tsyncio über TCP', 'bye'];

await run(function* (): Coroutine<void> {
  let server: Server | null = null;
  let port = Number(portArg ?? 0);
  if (portArg === undefined) {
    server = yield* startEchoServer(0);
    port = (server.sockets[0]!.getsockname() as [string, number])[1];
  }

  const [reader, writer] = yield* openConnection('127.0.0.1', port);
  for (const message of messages) {
    writer.write(`${message}\n`); // strings are sent as UTF-8
    yield* writer.drain();
    const echoed = new TextDecoder().decode(yield* reader.readline());
    console.log(`client: sent ${JSON.stringify(message)}, got back ${JSON.stringify(echoed.trimEnd())}`);
  }
  writer.writeEof(); // half-close: "no more lines"; we can still read
  const rest = yield* reader.read(); // the server closes its side: end-of-file
  console.log(`client: end-of-file after ${rest.length} more bytes`);
  writer.close();
  yield* writer.waitClosed();

  if (server !== null) {
    server.close();
    yield* server.waitClosed(); // every connection is gone
  }
  console.log('done');
});
