import { describe, expect, it } from 'vitest';
import type { Coroutine } from '@tsyncio/futures';
import type { StreamReader, StreamWriter } from '@tsyncio/streams';
import { openConnection, startServer } from '../src/index.js';
import { addressOf, b, HOST, netLoop, s } from './helpers.js';

describe('smoke', () => {
  it('echoes a line', async () => {
    const t = netLoop();
    const got = await t.run(function* () {
      function* handle(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
        const line = yield* reader.readline();
        writer.write(line);
        yield* writer.drain();
        writer.close();
        yield* writer.waitClosed();
      }
      const server = yield* startServer(handle, HOST, 0);
      const [host, port] = addressOf(server);
      const [reader, writer] = yield* openConnection(host, port);
      writer.write(b('hello\n'));
      const line = yield* reader.readline();
      const rest = yield* reader.read();
      writer.close();
      yield* writer.waitClosed();
      server.close();
      yield* server.waitClosed();
      return s(line) + '|' + s(rest);
    });
    expect(got).toBe('hello\n|');
  });
});
