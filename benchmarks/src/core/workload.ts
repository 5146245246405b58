/**
 * What every `core/<workload>.ts` exports, and the parsed command line it receives. Flags and
 * defaults are bench_core.py's (`--n --k --m --maxsize --rounds`, plus `--system` and `--name`).
 *
 * @module
 */

/** The sizes a workload can take from the command line. */
export interface Sizes {
  /** tasks / items / waiters / timers */
  n: number;
  /** concurrent tasks */
  k: number;
  /** iterations per task */
  m: number;
  /** queue bound, 0 = unbounded */
  maxsize: number;
  /** measured rounds (after one warm-up round) */
  rounds: number;
}

/** The parsed command line: sizes (defaults filled in), the system label and an optional bench= label. */
export interface CoreArgs extends Sizes {
  /** printed as `system=`; default `tsyncio` */
  system: string;
  /** overrides the `bench=` label */
  name: string | undefined;
}

/** One core workload (one file in src/core/). */
export interface Workload {
  /** one line for `--help` */
  readonly summary: string;
  /** bench_core.py's defaults for this workload */
  readonly defaults: Readonly<Partial<Sizes>>;
  /** runs the workload once and prints its lines */
  run(args: CoreArgs): Promise<void>;
}

/**
 * What a workload whose layer does not exist yet prints instead of results: a single comment line
 * (which report.py and bench:compare ignore), exit status 0.
 */
export function notAvailable(workload: string, needs: string): Promise<void> {
  process.stdout.write(`# ${workload}: not available yet (needs ${needs})\n`);
  return Promise.resolve();
}
