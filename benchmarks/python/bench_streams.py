#!/usr/bin/env python3
"""tsyncio benchmarks -- the CPython asyncio side of the stream workloads.

Usage:
  python3 bench_streams.py WORKLOAD [--n N] [--size BYTES] [--chunk BYTES] [--system NAME] [--name LABEL]

WORKLOAD is one of (the same as benchmarks/src/streams/*.ts, same flags and bench= names):
  lines   readline() over N 64-byte lines fed to a StreamReader in 64 KiB chunks  (--n, default 1000000)
  frames  readexactly(4) + readexactly(len) over N length-prefixed frames         (--n, default 1000000)
  pipe    SIZE bytes through an in-memory transport pair: write + drain / read(65536)
          (--size, default 1 GiB; asyncio has no in-memory transport, so a small one is below)

Every result is one line:  bench=<name> system=<sys> metric=<unit> value=<number>
The timed region is in-process (time.perf_counter); each workload first runs once unrecorded at
the same size, as the TypeScript side does to warm its JIT.
"""
import argparse
import asyncio
import collections
import gc
import sys
import time

perf = time.perf_counter
LINE = 64


def emit(bench, system, metric, value):
    if isinstance(value, float):
        value = f"{value:.6g}"
    print(f"bench={bench} system={system} metric={metric} value={value}", flush=True)


def size_label(n):
    if n % 2**30 == 0:
        return f"{n // 2**30}g"
    if n % 2**20 == 0 and n % 1_000_000 != 0:
        return f"{n // 2**20}mi"
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


# ---------------------------------------------------------------- lines

def line_chunks(n, chunk_size):
    line = bytes(97 + (i % 26) for i in range(LINE - 1)) + b"\n"
    total = n * LINE
    reps = chunk_size // LINE + 2
    block = line * reps
    chunks = []
    at = 0
    while at < total:
        size = min(chunk_size, total - at)
        offset = at % LINE
        chunks.append(block[offset:offset + size])
        at += size
    return chunks


async def parse_lines(n, chunks):
    reader = asyncio.StreamReader()

    async def produce():
        for chunk in chunks:
            reader.feed_data(chunk)
            await asyncio.sleep(0)
        reader.feed_eof()

    producer = asyncio.create_task(produce())
    t0 = perf()
    lines = 0
    nbytes = 0
    readline = reader.readline
    while True:
        line = await readline()
        if not line:
            break
        lines += 1
        nbytes += len(line)
    dt = perf() - t0
    await producer
    if lines != n or nbytes != n * LINE:
        raise RuntimeError(f"parsed {lines} lines / {nbytes} bytes, expected {n}")
    return lines, nbytes, dt


def b_lines(a):
    chunks = line_chunks(a.n, a.chunk)
    asyncio.run(parse_lines(a.n, chunks))  # unrecorded, as the TypeScript side warms its JIT
    gc.collect()
    lines, nbytes, dt = asyncio.run(parse_lines(a.n, chunks))
    name = a.name or f"streams_lines_{size_label(a.n)}"
    emit(name, a.system, "lines_per_s", lines / dt)
    emit(name, a.system, "MB_per_s", nbytes / dt / 1e6)
    emit(name, a.system, "seconds", dt)


# ---------------------------------------------------------------- frames

def payload_length(i):
    # the anchors' multiplicative hash, mod 121: 0..120 bytes, mean 60
    return ((i * 2654435761) & 0xFFFFFFFF) % 121


def frame_chunks(n, chunk_size):
    stream = bytearray()
    for i in range(n):
        length = payload_length(i)
        stream += length.to_bytes(4, "big")
        stream += bytes([i & 0xFF]) * length
    total = len(stream)
    data = bytes(stream)
    return [data[at:at + chunk_size] for at in range(0, total, chunk_size)], total


async def parse_frames(n, chunks, total):
    reader = asyncio.StreamReader()

    async def produce():
        for chunk in chunks:
            reader.feed_data(chunk)
            await asyncio.sleep(0)
        reader.feed_eof()

    producer = asyncio.create_task(produce())
    t0 = perf()
    frames = 0
    nbytes = 0
    readexactly = reader.readexactly
    for _ in range(n):
        header = await readexactly(4)
        length = int.from_bytes(header, "big")
        payload = await readexactly(length)
        frames += 1
        nbytes += 4 + len(payload)
    dt = perf() - t0
    await producer
    if frames != n or nbytes != total or not reader.at_eof():
        raise RuntimeError(f"read {frames} frames / {nbytes} bytes, expected {n} / {total}")
    return nbytes, dt


def b_frames(a):
    chunks, total = frame_chunks(a.n, a.chunk)
    asyncio.run(parse_frames(a.n, chunks, total))  # unrecorded, as the TypeScript side warms its JIT
    gc.collect()
    nbytes, dt = asyncio.run(parse_frames(a.n, chunks, total))
    name = a.name or f"streams_frames_{size_label(a.n)}"
    emit(name, a.system, "frames_per_s", a.n / dt)
    emit(name, a.system, "MB_per_s", nbytes / dt / 1e6)
    emit(name, a.system, "seconds", dt)


# ---------------------------------------------------------------- pipe

class PipeTransport(asyncio.Transport):
    """One end of an in-memory transport pair, the counterpart of tsyncio's pipe: writes are
    queued (that queue is the write buffer) and delivered to the peer's protocol on the next loop
    iteration, one data_received() per write, while the peer is reading; pause_writing() /
    resume_writing() at the water marks (asyncio's _FlowControlMixin does the bookkeeping)."""

    def __init__(self, loop, protocol):
        super().__init__()
        self._loop = loop
        self._protocol = protocol
        self._peer = None
        self._queue = collections.deque()
        self._queued = 0
        self._scheduled = False
        self._reading = True
        self._closing = False
        self._eof_pending = False
        self._lost = False
        self._paused = False
        self._high = 64 * 1024
        self._low = self._high // 4

    # -- flow control (asyncio's transports._FlowControlMixin, inlined)
    def get_write_buffer_size(self):
        return self._queued

    def get_write_buffer_limits(self):
        return (self._low, self._high)

    def _maybe_pause_protocol(self):
        if self._queued > self._high and not self._paused:
            self._paused = True
            self._protocol.pause_writing()

    def _maybe_resume_protocol(self):
        if self._paused and self._queued <= self._low:
            self._paused = False
            self._protocol.resume_writing()

    # -- writing
    def write(self, data):
        if not data:
            return
        self._queue.append(data)
        self._queued += len(data)
        self._schedule()
        self._maybe_pause_protocol()

    def _schedule(self):
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self):
        self._scheduled = False
        peer = self._peer
        queue = self._queue
        while queue and peer._reading:
            data = queue.popleft()
            self._queued -= len(data)
            peer._protocol.data_received(data)
        if not queue:
            self._maybe_resume_protocol()
            if self._eof_pending:
                self._eof_pending = False
                peer._eof()
            if self._closing and not self._lost:
                self._lost = True
                self._loop.call_soon(self._protocol.connection_lost, None)
        else:
            self._maybe_resume_protocol()

    def _eof(self):
        if self._closing:
            return
        if not self._protocol.eof_received():
            self.close()

    def can_write_eof(self):
        return True

    def write_eof(self):
        self._eof_pending = True
        self._schedule()

    def close(self):
        if self._closing:
            return
        self._closing = True
        self._reading = False
        self.write_eof()

    def is_closing(self):
        return self._closing

    def abort(self):
        self._queue.clear()
        self._queued = 0
        self.close()

    # -- reading
    def is_reading(self):
        return self._reading and not self._closing

    def pause_reading(self):
        self._reading = False

    def resume_reading(self):
        if not self._closing and not self._reading:
            self._reading = True
            self._peer._schedule()

    def get_extra_info(self, name, default=None):
        return default

    def set_protocol(self, protocol):
        self._protocol = protocol

    def get_protocol(self):
        return self._protocol


def open_pipe(loop):
    reader_a = asyncio.StreamReader(loop=loop)
    reader_b = asyncio.StreamReader(loop=loop)
    proto_a = asyncio.StreamReaderProtocol(reader_a, loop=loop)
    proto_b = asyncio.StreamReaderProtocol(reader_b, loop=loop)
    a = PipeTransport(loop, proto_a)
    b = PipeTransport(loop, proto_b)
    a._peer, b._peer = b, a
    proto_a.connection_made(a)
    proto_b.connection_made(b)
    writer_a = asyncio.StreamWriter(a, proto_a, reader_a, loop)
    writer_b = asyncio.StreamWriter(b, proto_b, reader_b, loop)
    return (reader_a, writer_a), (reader_b, writer_b)


async def pump(size, chunk_size):
    loop = asyncio.get_running_loop()
    (_, writer), (reader, _) = open_pipe(loop)
    chunk = b"*" * chunk_size

    async def produce():
        sent = 0
        while sent < size:
            writer.write(chunk if sent + chunk_size <= size else chunk[: size - sent])
            await writer.drain()
            sent += chunk_size
        writer.close()

    t0 = perf()
    producer = asyncio.create_task(produce())
    got = 0
    read = reader.read
    while got < size:
        data = await read(65536)
        if not data:
            raise RuntimeError(f"end-of-file after {got} of {size} bytes")
        got += len(data)
    await producer
    dt = perf() - t0
    return got, dt


def b_pipe(a):
    asyncio.run(pump(a.size, a.chunk))  # unrecorded, as the TypeScript side warms its JIT
    gc.collect()
    nbytes, dt = asyncio.run(pump(a.size, a.chunk))
    name = a.name or f"streams_pipe_{size_label(a.size)}"
    emit(name, a.system, "MB_per_s", nbytes / dt / 1e6)
    emit(name, a.system, "seconds", dt)


WORKLOADS = {"lines": b_lines, "frames": b_frames, "pipe": b_pipe}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload", choices=sorted(WORKLOADS))
    p.add_argument("--n", type=int, default=1_000_000)
    p.add_argument("--size", type=int, default=2**30)
    p.add_argument("--chunk", type=int, default=65536)
    p.add_argument("--system", default="py-asyncio")
    p.add_argument("--name", default=None)
    a = p.parse_args()
    WORKLOADS[a.workload](a)


if __name__ == "__main__":
    sys.exit(main())
