/**
 * `streams_lines_<n>`: parse N lines of 64 bytes (63 + `\n`) fed to a StreamReader in 64 KiB
 * chunks, with `readline()`. A producer task feeds one chunk per loop iteration; the consumer
 * reads every complete line, then waits for the next chunk. Metric `lines_per_s` (+ `MB_per_s`,
 * `seconds`). Same workload as bench_streams.py `lines`.
 *
 * @module
 */
import { EventLoop } from '@tsyncio/loop';
import { createTask, sleep, type Coroutine } from '@tsyncio/futures';
import { StreamReader } from '@tsyncio/streams';
import { collectGarbage, emit, now } from '../common.js';
import { sizeLabel, type StreamsArgs, type StreamsWorkload } from './workload.js';

const LINE = 64;

/** The chunks of N lines: every line is 63 letters and a newline. */
function makeChunks(n: number, chunkSize: number): Uint8Array[] {
  const total = n * LINE;
  const line = new Uint8Array(LINE);
  for (let i = 0; i < LINE - 1; i++) line[i] = 97 + (i % 26);
  line[LINE - 1] = 10;
  // a block of whole lines a little longer than a chunk, so any chunk is a slice of it
  const block = new Uint8Array((Math.ceil(chunkSize / LINE) + 1) * LINE);
  for (let at = 0; at < block.length; at += LINE) block.set(line, at);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < total; at += chunkSize) {
    const offset = at % LINE;
    chunks.push(block.slice(offset, offset + Math.min(chunkSize, total - at)));
  }
  return chunks;
}

function* parse(n: number, chunks: readonly Uint8Array[]): Coroutine<[number, number, number]> {
  const reader = new StreamReader();
  function* produce(): Coroutine<void> {
    for (const chunk of chunks) {
      reader.feedData(chunk);
      yield* sleep(0);
    }
    reader.feedEof();
  }
  const producer = createTask(produce());
  const t0 = now();
  let lines = 0;
  let bytes = 0;
  for (;;) {
    const line = yield* reader.readline();
    if (line.length === 0) break;
    lines++;
    bytes += line.length;
  }
  const dt = (now() - t0) / 1e3;
  yield* producer;
  if (lines !== n || bytes !== n * LINE) throw new Error(`parsed ${lines} lines / ${bytes} bytes, expected ${n}`);
  return [lines, bytes, dt];
}

export const lines: StreamsWorkload = {
  summary: 'readline() over N 64-byte lines fed in 64 KiB chunks   (--n, default 1000000; --chunk 65536)',
  async run(args: StreamsArgs): Promise<void> {
    const loop = new EventLoop();
    const chunks = makeChunks(args.n, args.chunk);
    // one unrecorded run of the same size first, so the JIT has settled (as the Python side does)
    await loop.runUntilComplete(createTask(parse(args.n, chunks), { loop }));
    collectGarbage();
    const [count, bytes, dt] = await loop.runUntilComplete(createTask(parse(args.n, chunks), { loop }));
    loop.close();
    const name = args.name ?? `streams_lines_${sizeLabel(args.n)}`;
    emit(name, args.system, 'lines_per_s', count / dt);
    emit(name, args.system, 'MB_per_s', bytes / dt / 1e6);
    emit(name, args.system, 'seconds', dt);
  },
};
