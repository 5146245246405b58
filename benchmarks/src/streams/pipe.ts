/**
 * `streams_pipe_<size>`: move SIZE bytes (default 1 GiB) through an in-memory pipe with
 * `openPipe()`: one task writes 64 KiB chunks, each followed by `yield* writer.drain()`; another
 * reads with `read(65536)` until it has everything. Flow control is live (64 KiB high-water mark,
 * 64 KiB reader limit). Metric `MB_per_s` (10^6 B/s; + `seconds`). bench_streams.py `pipe` does
 * the same over a small in-memory transport pair written for it (asyncio has none).
 *
 * @module
 */
import { EventLoop } from '@tsyncio/loop';
import { createTask, type Coroutine } from '@tsyncio/futures';
import { openPipe } from '@tsyncio/streams';
import { collectGarbage, emit, now } from '../common.js';
import { sizeLabel, type StreamsArgs, type StreamsWorkload } from './workload.js';

function* pump(size: number, chunkSize: number): Coroutine<[number, number]> {
  const [[, writer], [reader]] = openPipe();
  const chunk = new Uint8Array(chunkSize).fill(42);
  function* produce(): Coroutine<void> {
    for (let sent = 0; sent < size; sent += chunkSize) {
      writer.write(sent + chunkSize <= size ? chunk : chunk.subarray(0, size - sent));
      yield* writer.drain();
    }
    writer.close();
  }
  const t0 = now();
  const producer = createTask(produce());
  let got = 0;
  let checksum = 0;
  while (got < size) {
    const data = yield* reader.read(65536);
    if (data.length === 0) throw new Error(`end-of-file after ${got} of ${size} bytes`);
    got += data.length;
    checksum += data[data.length - 1]!;
  }
  yield* producer;
  const dt = (now() - t0) / 1e3;
  if (checksum === 0) throw new Error('no data');
  return [got, dt];
}

export const pipe: StreamsWorkload = {
  summary: 'SIZE bytes through openPipe(): write + drain / read(65536) (--size, default 1073741824; --chunk 65536)',
  async run(args: StreamsArgs): Promise<void> {
    const loop = new EventLoop();
    // one unrecorded run of the same size first, so the JIT has settled (as the Python side does)
    await loop.runUntilComplete(createTask(pump(args.size, args.chunk), { loop }));
    collectGarbage();
    const [bytes, dt] = await loop.runUntilComplete(createTask(pump(args.size, args.chunk), { loop }));
    loop.close();
    const name = args.name ?? `streams_pipe_${sizeLabel(args.size)}`;
    emit(name, args.system, 'MB_per_s', bytes / dt / 1e6);
    emit(name, args.system, 'seconds', dt);
  },
};
