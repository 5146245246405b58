/**
 * `pnpm --filter @tsyncio/benchmarks -s streams WORKLOAD [--n N] [--size BYTES] [--chunk BYTES] [--system NAME] [--name LABEL]`
 *
 * Runs ONE stream workload on tsyncio in this (fresh) process and prints
 * `bench=<name> system=tsyncio metric=<unit> value=<n>` lines. `benchmarks/python/bench_streams.py`
 * runs the same workloads on CPython asyncio with the same flags and bench= names;
 * `pnpm bench:compare --only streams` runs both, interleaved, and prints them side by side.
 *
 * @module
 */
import { frames } from './frames.js';
import { lines } from './lines.js';
import { pipe } from './pipe.js';
import type { StreamsArgs, StreamsWorkload } from './workload.js';

const WORKLOADS: Readonly<Record<string, StreamsWorkload>> = { lines, frames, pipe };

function usage(): string {
  const list = Object.entries(WORKLOADS).map(([name, w]) => `  ${name.padEnd(7)} ${w.summary}`);
  return [
    'usage: streams WORKLOAD [--n N] [--size BYTES] [--chunk BYTES] [--system NAME] [--name LABEL]',
    'WORKLOAD:',
    ...list,
  ].join('\n');
}

function fail(message: string): never {
  process.stderr.write(`bench:streams: ${message}\n${usage()}\n`);
  process.exit(2);
}

const [workload, ...rest] = process.argv.slice(2);
if (workload === undefined || workload === '--help' || workload === '-h') {
  process.stdout.write(`${usage()}\n`);
  process.exit(workload === undefined ? 2 : 0);
}
const spec = WORKLOADS[workload];
if (spec === undefined) fail(`unknown workload '${workload}'`);
const args: StreamsArgs = { n: 1_000_000, size: 2 ** 30, chunk: 65536, system: 'tsyncio', name: undefined };
for (let i = 0; i < rest.length; i += 2) {
  const flag = rest[i]!;
  const value = rest[i + 1];
  if (value === undefined) fail(`${flag} needs a value`);
  if (flag === '--system') args.system = value;
  else if (flag === '--name') args.name = value;
  else if (flag === '--n' || flag === '--size' || flag === '--chunk') {
    if (!/^[1-9]\d*$/.test(value)) fail(`${flag} takes a positive integer, got '${value}'`);
    args[flag.slice(2) as 'n' | 'size' | 'chunk'] = Number(value);
  } else fail(`unknown option '${flag}'`);
}
await spec.run(args);
