/**
 * Helpers shared by every benchmark program: the anchors' output line, the deterministic timer
 * delays, percentiles and sizes — written to match `shared/anchors/python/bench_core.py` so that
 * `report.py` can put our lines beside the anchors' in one table.
 *
 * @module
 */

/** Milliseconds (float) on the monotonic clock; the anchors' Node programs use the same. */
export const now = (): number => performance.now();

/**
 * `value` with 6 significant digits, as Python's `f"{value:.6g}"` prints it (bench_core.py's
 * `emit`): no trailing zeros, exponent form below 1e-4 and from 1e6 up (`1.23457e+06`).
 */
export function formatG(value: number, digits = 6): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential(digits - 1).split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= digits) {
    const sign = exponent < 0 ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(digits - 1 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** Print one result line: `bench=<name> system=<sys> metric=<unit> value=<number>`. */
export function emit(bench: string, system: string, metric: string, value: number): void {
  process.stdout.write(`bench=${bench} system=${system} metric=${metric} value=${formatG(value)}\n`);
}

/** Task/timer i's deterministic delay in 0..100 ms: `((i*2654435761) mod 2^32) mod 101`, as in the anchors. */
export function delayMs(i: number): number {
  return (Math.imul(i, 0x9e3779b1) >>> 0) % 101;
}

/** The p-th percentile of an ascending array (nearest rank, rounded), as the anchors compute it. */
export function pct(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.round((p / 100) * (sorted.length - 1))));
  return sorted[idx]!;
}

/** Median of a list (upper middle for an even count, as the anchors' Node helper). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** `100000` → `100k`, `1000000` → `1m`, else the number: the size suffix of bench names. */
export function human(n: number): string {
  if (n % 1_000_000 === 0) return `${String(n / 1_000_000)}m`;
  if (n % 1000 === 0) return `${String(n / 1000)}k`;
  return String(n);
}

/** Run a full GC when node was started with `--expose-gc` (every runner here is). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
}

/** The process's resident set size in bytes. */
export function rssBytes(): number {
  return process.memoryUsage().rss;
}
