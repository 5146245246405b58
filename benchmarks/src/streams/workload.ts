/**
 * What every `streams/<workload>.ts` exports, and its command line. Same flags and bench= names as
 * `benchmarks/python/bench_streams.py`, so `report.py` shows both in one table.
 *
 * @module
 */

/** The parsed command line of `bench:streams`. */
export interface StreamsArgs {
  /** lines / frames (lines, frames) */
  n: number;
  /** bytes to move (pipe) */
  size: number;
  /** bytes per fed chunk / per write */
  chunk: number;
  /** printed as `system=`; default `tsyncio` */
  system: string;
  /** overrides the `bench=` label */
  name: string | undefined;
}

/** One streams workload. */
export interface StreamsWorkload {
  /** one line for `--help` */
  readonly summary: string;
  /** runs the workload once (after a smaller warm-up run) and prints its lines */
  run(args: StreamsArgs): Promise<void>;
}

/** `2**30` → `1g`, `2**20` → `1m`, `1000000` → `1m`, else the number. */
export function sizeLabel(n: number): string {
  if (n % 2 ** 30 === 0) return `${String(n / 2 ** 30)}g`;
  if (n % 2 ** 20 === 0 && n % 1_000_000 !== 0) return `${String(n / 2 ** 20)}mi`;
  if (n % 1_000_000 === 0) return `${String(n / 1_000_000)}m`;
  if (n % 1000 === 0) return `${String(n / 1000)}k`;
  return String(n);
}
