// A TCP echo server with streams: each line a client sends comes back, until the client closes
// (asyncio's echo server from the streams documentation, line by line).
//
//   node dist/echo-server.js [PORT]     serves on 127.0.0.1:PORT (default 8888) until Ctrl-C
import { pathToFileURL } from 'node:url';
import {
  asyncWith,
  ConnectionResetError,
  KeyboardInterrupt,
  run,
  startServer,
  type Coroutine,
  type Server,
  type StreamReader,
  type StreamWriter,
} from 'tsyncio';

/** Serve one client: echo every line until end-of-file, then close. */
export function* handleEcho(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
  const peer = writer.getExtraInfo('peername') as [string, number];
  try {
    for (;;) {
      const line = yield* reader.readline(); // ends with '\n', except a last partial line
      if (line.length === 0) break; // end-of-file: the client is done
      writer.write(line);
      yield* writer.drain(); // wait while the client does not read what we send
    }
  } catch (error) {
    if (!(error instanceof ConnectionResetError)) throw error; // a client that vanished is fine
  } finally {
    writer.close();
    yield* writer.waitClosed();
  }
  console.log(`server: ${peer.join(':')} is done`);
}

/** Start the echo server on 127.0.0.1 (port 0: any free port). */
export function* startEchoServer(port: number): Coroutine<Server> {
  const server = yield* startServer(handleEcho, '127.0.0.1', port);
  const [host, boundPort] = server.sockets[0]!.getsockname() as [string, number];
  console.log(`server: serving on ${host}:${boundPort}`);
  return server;
}

// run as a program (not when the client imports it)
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.argv[2] ?? 8888);
  try {
    await run(function* (): Coroutine<void> {
      const server = yield* startEchoServer(port);
      // serve until Ctrl-C cancels the main task; leaving asyncWith closes the server and waits
      yield* asyncWith(server, (s) => s.serveForever());
    });
  } catch (error) {
    if (!(error instanceof KeyboardInterrupt)) throw error;
    console.log('server: stopped');
  }
}
