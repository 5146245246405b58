/**
 * `pnpm -s bench:loop [--reps R] [--n N] [--timers T] [--quick]`
 *
 * The event loop's own hot paths against Node's, side by side in ONE process:
 *
 * - `callsoon_chain_<N>`: a chain of N callbacks (default 1e6), each scheduling the next —
 *   `loop.callSoon` vs `queueMicrotask` vs `setImmediate` (and, for reference, the loop's internal
 *   `_callSoonFast` that @tsyncio/futures steps tasks with). Metric `callbacks_per_s`.
 * - `calllater_<T>`: T timers (default 1e5) with the anchors' delays (0..100 ms), armed in one go
 *   and left to fire on the real clock — `loop.callLater` vs `setTimeout`. Metrics `armed_ms`,
 *   `wall_ms` (first arm → last fire), `late_p50_ms` / `late_p99_ms` / `late_max_ms`.
 * - `calllater_cancel_<T>`: T timers armed then cancelled (`handle.cancel()` vs `clearTimeout`),
 *   until the loop has had one more turn. Metric `ops_per_s` (one op = arm + cancel).
 *
 * Repetitions are interleaved (rep → workload → system), with a full GC before each measurement;
 * every figure is printed as an anchors line, then a table of medians.
 *
 * @module
 */
import { collectGarbage, emit, human, median, pct } from '../common.js';
import { chainCallSoon, chainCallSoonFast, chainQueueMicrotask, chainSetImmediate } from './call-soon.js';
import { cancelCallLater, cancelSetTimeout, fireCallLater, fireSetTimeout, type FireResult } from './timers.js';

interface Options {
  reps: number;
  n: number;
  timers: number;
}

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { reps: 3, n: 1_000_000, timers: 100_000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--quick') {
      Object.assign(options, { reps: 1, n: 100_000, timers: 10_000 });
      continue;
    }
    const key = flag.replace(/^--/, '');
    const value = argv[++i];
    if (!(key === 'reps' || key === 'n' || key === 'timers') || value === undefined || !/^\d+$/.test(value)) {
      process.stderr.write('usage: pnpm -s bench:loop [--reps R] [--n CHAIN_LENGTH] [--timers T] [--quick]\n');
      process.exit(2);
    }
    options[key] = Number(value);
  }
  return options;
}

/** One system's way of running a workload; returns [metric, value] pairs. */
type Measure = () => Promise<[metric: string, value: number][]>;

interface Workload {
  bench: string;
  systems: [system: string, measure: Measure][];
}

function chainRate(n: number, run: (n: number) => Promise<number>): Measure {
  return async () => {
    const ms = await run(n);
    return [
      ['callbacks_per_s', n / (ms / 1e3)],
      ['seconds', ms / 1e3],
    ];
  };
}

function fireFigures(run: (n: number) => Promise<FireResult>, n: number): Measure {
  return async () => {
    const r = await run(n);
    r.late.sort();
    return [
      ['armed_ms', r.armedMs],
      ['wall_ms', r.wallMs],
      ['late_p50_ms', pct(r.late, 50)],
      ['late_p99_ms', pct(r.late, 99)],
      ['late_max_ms', r.late[n - 1]!],
    ];
  };
}

function cancelRate(n: number, run: (n: number) => Promise<number>): Measure {
  return async () => {
    const ms = await run(n);
    return [
      ['ops_per_s', n / (ms / 1e3)],
      ['seconds', ms / 1e3],
    ];
  };
}

function workloads(o: Options): Workload[] {
  return [
    {
      bench: `callsoon_chain_${human(o.n)}`,
      systems: [
        ['tsyncio', chainRate(o.n, chainCallSoon)],
        ['tsyncio/_callSoonFast', chainRate(o.n, chainCallSoonFast)],
        ['node-queueMicrotask', chainRate(o.n, chainQueueMicrotask)],
        ['node-setImmediate', chainRate(o.n, chainSetImmediate)],
      ],
    },
    {
      bench: `calllater_${human(o.timers)}`,
      systems: [
        ['tsyncio', fireFigures(fireCallLater, o.timers)],
        ['node-setTimeout', fireFigures(fireSetTimeout, o.timers)],
      ],
    },
    {
      bench: `calllater_cancel_${human(o.timers)}`,
      systems: [
        ['tsyncio', cancelRate(o.timers, cancelCallLater)],
        ['node-setTimeout', cancelRate(o.timers, cancelSetTimeout)],
      ],
    },
  ];
}

// ---------------------------------------------------------------- median table

function short(v: number): string {
  const a = Math.abs(v);
  if (Number.isNaN(v)) return 'nan';
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function printTable(results: Map<string, Map<string, number[]>>, systems: readonly string[], reps: number): void {
  const rows: string[][] = [['bench', 'metric', ...systems]];
  for (const [key, bySystem] of results) {
    const [bench = '', metric = ''] = key.split(' ');
    if (metric === 'seconds') continue;
    rows.push([bench, metric, ...systems.map((s) => (bySystem.has(s) ? short(median(bySystem.get(s)!)) : '–'))]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  process.stdout.write(`\n# medians of ${String(reps)} interleaved rep(s); *_per_s higher is better, *_ms lower is better\n`);
  for (const [i, row] of rows.entries()) {
    const cells = row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)));
    process.stdout.write(`${cells.join('  ')}\n`);
    if (i === 0) process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  }
}

// ---------------------------------------------------------------- main

const options = parseOptions(process.argv.slice(2));
const plan = workloads(options);
const results = new Map<string, Map<string, number[]>>();
const systems: string[] = [];

process.stdout.write(
  `# bench:loop node ${process.version} reps=${String(options.reps)} chain=${String(options.n)} timers=${String(options.timers)}\n`,
);
for (let rep = 1; rep <= options.reps; rep++) {
  process.stderr.write(`[bench:loop] rep ${String(rep)}/${String(options.reps)}\n`);
  for (const { bench, systems: runs } of plan) {
    for (const [system, measure] of runs) {
      if (!systems.includes(system)) systems.push(system);
      collectGarbage();
      for (const [metric, value] of await measure()) {
        emit(bench, system, metric, value);
        const key = `${bench} ${metric}`;
        let bySystem = results.get(key);
        if (bySystem === undefined) results.set(key, (bySystem = new Map()));
        let values = bySystem.get(system);
        if (values === undefined) bySystem.set(system, (values = []));
        values.push(value);
      }
    }
  }
}
printTable(results, systems, options.reps);
