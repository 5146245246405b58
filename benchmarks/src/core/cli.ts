/**
 * `pnpm -s bench:core BENCH [--n N] [--k K] [--m M] [--maxsize S] [--rounds R] [--system NAME] [--name LABEL]`
 *
 * Runs ONE workload of shared/anchors/python/bench_core.py on tsyncio in this (fresh) process and
 * prints `bench=<name> system=tsyncio metric=<unit> value=<n>` lines. Same workload names, flags,
 * defaults and bench= names as bench_core.py; the timed region is in-process.
 *
 * @module
 */
import { condition } from './condition.js';
import { event } from './event.js';
import { lock } from './lock.js';
import { memory } from './memory.js';
import { queue } from './queue.js';
import { spawn } from './spawn.js';
import { spawnTg } from './spawn-tg.js';
import { switchWorkload } from './switch.js';
import { timers } from './timers.js';
import type { CoreArgs, Sizes, Workload } from './workload.js';

const WORKLOADS: Readonly<Record<string, Workload>> = {
  spawn,
  spawn_tg: spawnTg,
  switch: switchWorkload,
  queue,
  lock,
  event,
  condition,
  timers,
  memory,
};

const SIZE_FLAGS: readonly (keyof Sizes)[] = ['n', 'k', 'm', 'maxsize', 'rounds'];

function usage(): string {
  const lines = Object.entries(WORKLOADS).map(([name, w]) => `  ${name.padEnd(10)} ${w.summary}`);
  return [
    'usage: pnpm -s bench:core BENCH [--n N] [--k K] [--m M] [--maxsize S] [--rounds R] [--system NAME] [--name LABEL]',
    'BENCH:',
    ...lines,
  ].join('\n');
}

function fail(message: string): never {
  process.stderr.write(`bench:core: ${message}\n${usage()}\n`);
  process.exit(2);
}

function parse(argv: readonly string[]): { workload: string; args: CoreArgs } {
  const [workload, ...rest] = argv;
  if (workload === undefined || workload === '--help' || workload === '-h') {
    process.stdout.write(`${usage()}\n`);
    process.exit(workload === undefined ? 2 : 0);
  }
  const spec = WORKLOADS[workload];
  if (spec === undefined) fail(`unknown workload '${workload}'`);
  const args: CoreArgs = { n: 0, k: 0, m: 0, maxsize: 0, rounds: 0, ...spec.defaults, system: 'tsyncio', name: undefined };
  for (let i = 0; i < rest.length; i += 2) {
    const flag = rest[i]!;
    const value = rest[i + 1];
    if (value === undefined) fail(`${flag} needs a value`);
    const key = flag.replace(/^--/, '');
    if (key === 'system') args.system = value;
    else if (key === 'name') args.name = value;
    else if ((SIZE_FLAGS as readonly string[]).includes(key)) {
      if (!/^\d+$/.test(value)) fail(`${flag} takes a non-negative integer, got '${value}'`);
      args[key as keyof Sizes] = Number(value);
    } else fail(`unknown option '${flag}'`);
  }
  return { workload, args };
}

const { workload, args } = parse(process.argv.slice(2));
await WORKLOADS[workload]!.run(args);
