// Soak: 100 concurrent connections to a streams echo server (asyncio's anchor echo server in
// tsyncio), messages of random sizes up to 1 MiB, clients that disconnect at random points —
// every echoed byte is checked, the exception handler stays silent, and no socket handle survives.
import { describe, expect, it } from 'vitest';
import { gather, sleep, type Coroutine } from '@tsyncio/futures';
import type { StreamReader, StreamWriter } from '@tsyncio/streams';
import { BrokenPipeError, ConnectionResetError, openConnection, startServer } from '../src/index.js';
import { addressOf, HOST, netLoop, randomBytes } from './helpers.js';

const CONNECTIONS = 100;
const ROUNDS = 3;
const MAX_SIZE = 1 << 20;

/** Seeded PRNG (xorshift32) for sizes and choices. */
function prng(seed: number): () => number {
  let x = Math.imul(seed, 2654435761) >>> 0 || 1;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  for (let i = 0; i < 8; i++) next(); // the first outputs of a small state are small
  return next;
}

/** Socket handles alive in this process (TCP and pipe wraps, server and connection). */
function socketHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => /TCP|Pipe/i.test(name)).length;
}

/** The echo server of the anchors (echo_server.py --mode streams). */
function* echo(reader: StreamReader, writer: StreamWriter): Coroutine<void> {
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

describe('soak', () => {
  it(`${CONNECTIONS} concurrent connections, random sizes up to 1 MiB, random disconnects: every byte checked, no handle left`, { timeout: 20_000 }, async () => {
    const handlesBefore = socketHandles();
    const pool = randomBytes(2 * MAX_SIZE, 12345);
    const t = netLoop();
    const stats = { messages: 0, bytes: 0, aborted: 0 };
    await t.run(
      function* () {
        const server = yield* startServer(echo, HOST, 0, { backlog: 1024 });
        const [host, port] = addressOf(server);

        function* client(id: number): Coroutine<void> {
          const random = prng(1000 + id);
          const [reader, writer] = yield* openConnection(host, port);
          // about a quarter of the clients go away at a random point of a random round
          const abortRound = random() < 0.25 ? Math.floor(random() * ROUNDS) : -1;
          for (let round = 0; round < ROUNDS; round++) {
            const size = 1 + Math.floor(random() * MAX_SIZE);
            const offset = Math.floor(random() * MAX_SIZE);
            const message = pool.subarray(offset, offset + size);
            if (round === abortRound) {
              if (random() < 0.5) {
                // mid-request: send part of the message, then drop the connection
                writer.write(message.subarray(0, Math.ceil(size / 2)));
              } else {
                // mid-reply: send it all, read part of the echo, then drop the connection
                writer.write(message);
                yield* reader.readExactly(Math.ceil(size / 3));
              }
              writer.transport.abort();
              stats.aborted++;
              return;
            }
            writer.write(message);
            const [, echoed] = yield* gather(writer.drain(), reader.readExactly(size));
            if (!Buffer.from(echoed).equals(message)) {
              throw new Error(`client ${id} round ${round}: the echo of ${size} bytes differs`);
            }
            stats.messages++;
            stats.bytes += size;
          }
          writer.close();
          yield* writer.waitClosed();
        }

        yield* gather(...Array.from({ length: CONNECTIONS }, (_, id) => client(id)));
        server.close();
        yield* server.waitClosed();
        // let Node close the handles of the last connections
        for (let i = 0; i < 100 && socketHandles() > handlesBefore; i++) yield* sleep(0.01);
      },
      { deadline: 18 },
    );
    expect(t.errors).toEqual([]);
    expect(stats.aborted).toBeGreaterThan(CONNECTIONS / 10);
    expect(stats.aborted).toBeLessThan(CONNECTIONS / 2);
    expect(stats.messages).toBeGreaterThan(CONNECTIONS * 2);
    expect(socketHandles()).toBe(handlesBefore);
  });
});
