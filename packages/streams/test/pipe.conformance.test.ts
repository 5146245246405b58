// The transport conformance suite (@tsyncio/streams/testing) run on the in-memory pipe, plainly and
// under every fault-free option of the test kit that changes how bytes travel: the contract must
// hold however the pipe segments, delays or throttles the stream. @tsyncio/net runs the same suite
// on TCP and Unix sockets (STYLE.md house rule 10).
import { describe, it } from 'vitest';
import { connectPipe, type PipeOptions } from '../src/index.js';
import { checkTransport } from '../src/testing/index.js';

const variants: [string, PipeOptions][] = [
  ['default options', {}],
  ['one byte per dataReceived (chunking [1])', { chunking: [1] }],
  ['chunking [7, 3, 1500]', { chunking: [7, 3, 1500] }],
  ['random chunking, seed 1', { chunking: 'random', seed: 1 }],
  ['random chunking, seed 99, pieces up to 64 KiB', { chunking: 'random', seed: 99, maxChunkSize: 65536 }],
  ['a slow reader (4 KiB per loop iteration)', { slowReader: { bytesPerTick: 4096 } }],
  ['a slow reader (64 KiB per 10 ms tick)', { slowReader: { bytesPerTick: 65536, tick: 0.01 } }],
  ['50 ms latency', { latency: 0.05 }],
  ['a small high-water mark (1 KiB) from B to A', { bToA: { highWater: 1024 } }],
  ['everything at once', { chunking: 'random', seed: 5, latency: 0.003, slowReader: { bytesPerTick: 10000 } }],
];

for (const [label, options] of variants) {
  describe(`checkTransport(connectPipe) with ${label}`, () => {
    for (const c of checkTransport({ makePair: (a, b) => connectPipe(a, b, options), bulkBytes: 256 * 1024 })) {
      it(c.name, c.run);
    }
  });
}
