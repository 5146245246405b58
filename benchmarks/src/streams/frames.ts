/**
 * `streams_frames_<n>`: read N length-prefixed frames — a 4-byte big-endian length, then that
 * many payload bytes (`((i × 2654435761) mod 2^32) mod 121`, 0–120, mean 60) — with
 * `readExactly(4)` + `readExactly(n)`, from a StreamReader fed in 64 KiB chunks (frames straddle
 * chunk boundaries). Metric `frames_per_s` (+ `MB_per_s`, `seconds`). Same workload as
 * bench_streams.py `frames`.
 *
 * @module
 */
import { EventLoop } from '@tsyncio/loop';
import { createTask, sleep, type Coroutine } from '@tsyncio/futures';
import { StreamReader } from '@tsyncio/streams';
import { collectGarbage, emit, now } from '../common.js';
import { sizeLabel, type StreamsArgs, type StreamsWorkload } from './workload.js';

/** Payload length of frame `i` (the anchors' multiplicative hash, mod 121). */
export function payloadLength(i: number): number {
  return (Math.imul(i, 0x9e3779b1) >>> 0) % 121;
}

function makeChunks(n: number, chunkSize: number): { chunks: Uint8Array[]; total: number } {
  let total = 0;
  for (let i = 0; i < n; i++) total += 4 + payloadLength(i);
  const stream = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = payloadLength(i);
    stream[at] = len >>> 24;
    stream[at + 1] = (len >>> 16) & 0xff;
    stream[at + 2] = (len >>> 8) & 0xff;
    stream[at + 3] = len & 0xff;
    stream.fill(i & 0xff, at + 4, at + 4 + len);
    at += 4 + len;
  }
  const chunks: Uint8Array[] = [];
  for (let start = 0; start < total; start += chunkSize) chunks.push(stream.slice(start, start + chunkSize));
  return { chunks, total };
}

function* parse(n: number, chunks: readonly Uint8Array[], total: number): Coroutine<[number, number]> {
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
  let frames = 0;
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const header = yield* reader.readExactly(4);
    const length = ((header[0]! << 24) | (header[1]! << 16) | (header[2]! << 8) | header[3]!) >>> 0;
    const payload = yield* reader.readExactly(length);
    frames++;
    bytes += 4 + payload.length;
  }
  const dt = (now() - t0) / 1e3;
  yield* producer;
  if (frames !== n || bytes !== total || !reader.atEof()) throw new Error(`read ${frames} frames / ${bytes} bytes, expected ${n} / ${total}`);
  return [bytes, dt];
}

export const frames: StreamsWorkload = {
  summary: 'readExactly(4) + readExactly(len) over N frames           (--n, default 1000000; --chunk 65536)',
  async run(args: StreamsArgs): Promise<void> {
    const loop = new EventLoop();
    const { chunks, total } = makeChunks(args.n, args.chunk);
    // one unrecorded run of the same size first, so the JIT has settled (as the Python side does)
    await loop.runUntilComplete(createTask(parse(args.n, chunks, total), { loop }));
    collectGarbage();
    const [bytes, dt] = await loop.runUntilComplete(createTask(parse(args.n, chunks, total), { loop }));
    loop.close();
    const name = args.name ?? `streams_frames_${sizeLabel(args.n)}`;
    emit(name, args.system, 'frames_per_s', args.n / dt);
    emit(name, args.system, 'MB_per_s', bytes / dt / 1e6);
    emit(name, args.system, 'seconds', dt);
  },
};
