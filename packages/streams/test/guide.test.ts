// Runs the example of docs/streams.md (test/guide/resp.ts): the RESP session gives the same replies
// however the pipe segments, delays or throttles the bytes, and fails cleanly when it breaks.
import { describe, expect, it } from 'vitest';
import { IncompleteReadError, LimitOverrunError, openPipe, type PipeOptions } from '../src/index.js';
import { call, readValue, RespError, session } from './guide/resp.js';
import { b, testLoop } from './helpers.js';

const EXPECTED = ['PONG', 'OK', 'héllo wörld', 'null', "(error) ERR unknown command 'FLY'"];

describe('the streams guide example (RESP over openPipe)', () => {
  const variants: [string, PipeOptions][] = [
    ['default options', {}],
    ['one byte at a time', { chunking: [1] }],
    ['random chunking', { chunking: 'random', seed: 42 }],
    ['latency and a slow reader', { latency: 0.02, slowReader: { bytesPerTick: 5, tick: 0.001 } }],
  ];
  for (const [label, options] of variants) {
    it(`answers PING, SET, GET and errors with ${label}`, async () => {
      const { loop, run, errors } = testLoop();
      expect(await run(() => session({ ...options, loop }))).toEqual(EXPECTED);
      expect(errors).toEqual([]);
    });
  }

  it('parses nested arrays, integers and null bulk strings', async () => {
    const { loop, run } = testLoop();
    const [[reader], [, writer]] = openPipe({ loop, chunking: [2] });
    writer.write('*3\r\n:42\r\n*2\r\n$-1\r\n+ok\r\n-ERR nope\r\n');
    const value = await run(() => readValue(reader));
    expect(value).toEqual([42, [null, 'ok'], new RespError('ERR nope')]);
  });

  it('reports a connection that breaks mid-reply as an IncompleteReadError', async () => {
    const { loop, run } = testLoop();
    const [[reader, writer], [, serverWriter]] = openPipe({ loop });
    const error = await run(function* () {
      serverWriter.write('$10\r\nhello');
      serverWriter.close();
      try {
        yield* call(reader, writer, 'GET', 'k');
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect((error as IncompleteReadError).expected).toBe(12);
  });

  it('refuses a line longer than the reader limit with LimitOverrunError', async () => {
    const { loop, run } = testLoop();
    const [[reader], [, writer]] = openPipe({ loop, limit: 16 });
    writer.write(b(`+${'x'.repeat(100)}\r\n`));
    const error = await run(function* () {
      try {
        yield* readValue(reader);
      } catch (e) {
        return e;
      }
      return null;
    });
    expect(error).toBeInstanceOf(LimitOverrunError);
  });
});
