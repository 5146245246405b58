/**
 * `pnpm bench:compare [--only spawn,switch] [--reps N] [--quick]`
 *
 * Runs our `core` workloads beside the shared anchor programs — CPython asyncio, uvloop (where
 * importable), plain Node (`bench_native.mjs`), effection, async-mutex / p-queue — with the same
 * sizes and flags as the anchors' `run-all.sh` (`core_rep`), interleaved (rep → workload →
 * system), one fresh process per figure. Every `bench=` line goes to one raw file,
 * `benchmarks/results/<date>-compare.raw` (git-ignored), and the table is printed by the anchors'
 * own `report.py <raw> --md`. Our workloads that are not available yet print a `#` line instead
 * of results, so their rows are simply absent.
 *
 * Environment:
 * - `TSYNCIO_ANCHORS`: the anchors folder (default `../shared/anchors` relative to the repo root).
 * - `PY`: interpreter for the py-asyncio / py-uvloop rows and report.py (default `/usr/bin/python3`,
 *   Debian's build as in PERF.md, else `python3` on PATH). `EXTRA_PY`: adds `py-asyncio@<version>` rows.
 * - `TMO`: per-command time limit in seconds (default 180).
 *
 * The anchors folder is read-only: its `node/` programs are copied to `benchmarks/.cache/anchors-node/`
 * and their npm dependencies (exact pins, lock file) installed there with `npm ci`.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { human } from './common.js';
import { buildEchoLoad, echoRep, echoServers, startEchoServers, stopEchoServers, warmUpEcho, type EchoContext, type EchoServer } from './net/echo-compare.js';

const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(BENCH_DIR, '..');
const WORKLOADS = ['spawn', 'spawn_tg', 'switch', 'queue', 'lock', 'event', 'condition', 'timers', 'memory', 'streams', 'echo'];

function log(message: string): void {
  process.stderr.write(`[compare] ${message}\n`);
}

// ---------------------------------------------------------------- options

interface Options {
  only: string[];
  reps: number;
  quick: boolean;
}

const USAGE = `usage: pnpm bench:compare [--only ${WORKLOADS.join(',')}] [--reps N] [--quick]
  --only W,W  run only these workloads (default: all but echo, the TCP echo servers: ~5 min)
  --reps N    repetitions of every figure, interleaved (default 3)
  --quick     smaller sizes (about a tenth) and 1 rep, for a smoke run; bench names that carry a
              size (spawn_10k, event_1k, ...) change accordingly
env: TSYNCIO_ANCHORS (anchors folder, default ../shared/anchors from the repo root), PY, EXTRA_PY, TMO`;

function parseOptions(argv: readonly string[]): Options {
  const options: Options = { only: WORKLOADS.filter((w) => w !== 'echo'), reps: 3, quick: false };
  let repsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') options.quick = true;
    else if (arg === '--reps' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) {
      options.reps = Number(argv[++i]);
      repsGiven = true;
    } else if (arg === '--only' && argv[i + 1] !== undefined) {
      const names = argv[++i]!.split(',').filter((s) => s !== '');
      const unknown = names.filter((s) => !WORKLOADS.includes(s));
      if (unknown.length > 0 || names.length === 0) usageError(`unknown workload(s): ${unknown.join(', ')}`);
      options.only = names;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usageError(`bad argument '${arg}'`);
  }
  if (options.quick && !repsGiven) options.reps = 1;
  return options;
}

function usageError(message: string): never {
  process.stderr.write(`bench:compare: ${message}\n${USAGE}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- environment

/** A path from the environment, relative to where the user ran pnpm (pnpm runs us in benchmarks/). */
function envPath(value: string): string {
  return resolve(process.env['INIT_CWD'] ?? process.cwd(), value);
}

function findAnchors(): string {
  const fromEnv = process.env['TSYNCIO_ANCHORS'];
  const dir = fromEnv !== undefined && fromEnv !== '' ? envPath(fromEnv) : resolve(REPO_ROOT, '../shared/anchors');
  if (!existsSync(join(dir, 'report.py')) || !existsSync(join(dir, 'python/bench_core.py'))) {
    log(`no anchors at ${dir} (set TSYNCIO_ANCHORS to the shared anchors folder)`);
    process.exit(1);
  }
  return dir;
}

function pythonOk(py: string, code = 'pass'): boolean {
  return spawnSync(py, ['-c', code], { stdio: 'ignore' }).status === 0;
}

function findPython(): string | null {
  const fromEnv = process.env['PY'];
  const candidates = fromEnv !== undefined && fromEnv !== '' ? [fromEnv] : ['/usr/bin/python3', 'python3'];
  return candidates.find((py) => pythonOk(py)) ?? null;
}

function pythonVersion(py: string): string {
  return spawnSync(py, ['-c', 'import sys;print("%d.%d.%d"%sys.version_info[:3])'], { encoding: 'utf8' }).stdout.trim();
}

const NPM_DEPS = ['effection', 'async-mutex', 'p-queue'];

/**
 * Copy anchors/node (read-only) to benchmarks/.cache/anchors-node and `npm ci` there when the
 * lock file changed or a dependency is missing. Returns the directory and whether the npm rows can run.
 */
function prepareNodeAnchors(anchors: string): { dir: string; depsOk: boolean } {
  const source = join(anchors, 'node');
  const dir = join(BENCH_DIR, '.cache', 'anchors-node');
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(source)) {
    const from = join(source, name);
    if (!statSync(from).isFile()) continue;
    const to = join(dir, name);
    const content = readFileSync(from);
    if (existsSync(to) && readFileSync(to).equals(content)) continue;
    rmSync(to, { force: true }); // the copies may carry the source's read-only mode
    writeFileSync(to, content);
  }
  const stamp = join(dir, 'node_modules', '.tsyncio-lock-stamp');
  const lock = readFileSync(join(dir, 'package-lock.json'), 'utf8');
  const installed = (): boolean => NPM_DEPS.every((p) => existsSync(join(dir, 'node_modules', p, 'package.json')));
  if (installed() && existsSync(stamp) && readFileSync(stamp, 'utf8') === lock) return { dir, depsOk: true };
  log(`npm ci in ${relative(REPO_ROOT, dir)} (${NPM_DEPS.join(', ')}) ...`);
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (npm.status !== 0 || !installed()) {
    log(`npm ci failed: effection and async-mutex/p-queue rows skipped\n${(npm.stderr || String(npm.error)).slice(-600)}`);
    return { dir, depsOk: false };
  }
  writeFileSync(stamp, lock);
  return { dir, depsOk: true };
}

function npmVersions(dir: string): string {
  return NPM_DEPS.map((p) => {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'node_modules', p, 'package.json'), 'utf8')) as { version: string };
      return `${p}@${pkg.version}`;
    } catch {
      return `${p}@missing`;
    }
  }).join(' ');
}

function gitDescribe(): string {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return `${rev || 'unknown'}${dirty.stdout.trim() !== '' ? '+dirty' : ''}`;
}

// ---------------------------------------------------------------- the plan (run-all.sh's core_rep)

/** One measurement: one fresh process. */
interface Row {
  argv: string[];
  cwd: string;
  /** workload 8: also record the whole process's peak RSS (`/usr/bin/time -f %M`) as this bench/system */
  peakRss?: { bench: string; system: string };
}

interface Context {
  anchors: string;
  nodeDir: string;
  py: string | null;
  uvloop: boolean;
  extraPy: { py: string; version: string } | null;
  npmDeps: boolean;
  quick: boolean;
}

function plan(ctx: Context): Map<string, Row[]> {
  const q = (full: number, quick: number): string => String(ctx.quick ? quick : full);
  const node = (script: string, ...args: string[]): Row => ({
    argv: ['node', '--expose-gc', join(ctx.nodeDir, script), ...args],
    cwd: ctx.nodeDir,
  });
  const native = (...args: string[]): Row[] => [node('bench_native.mjs', ...args)];
  const effection = (...args: string[]): Row[] => (ctx.npmDeps ? [node('bench_effection.mjs', ...args)] : []);
  const libs = (...args: string[]): Row[] => (ctx.npmDeps ? [node('bench_libs.mjs', ...args)] : []);
  const tsyncio = (...args: string[]): Row[] => [
    { argv: ['node', '--expose-gc', join(BENCH_DIR, 'dist/core/cli.js'), ...args], cwd: BENCH_DIR },
  ];
  const bench = join(ctx.anchors, 'python/bench_core.py');
  // pyrows: asyncio, uvloop, the extra interpreter
  const py = (...args: string[]): Row[] => {
    const py = ctx.py;
    if (py === null) return [];
    const rows: Row[] = [{ argv: [py, bench, ...args, '--loop', 'asyncio', '--system', 'py-asyncio'], cwd: ctx.anchors }];
    if (ctx.uvloop) rows.push({ argv: [py, bench, ...args, '--loop', 'uvloop', '--system', 'py-uvloop'], cwd: ctx.anchors });
    if (ctx.extraPy !== null) {
      const system = `py-asyncio@${ctx.extraPy.version}`;
      rows.push({ argv: [ctx.extraPy.py, bench, ...args, '--loop', 'asyncio', '--system', system], cwd: ctx.anchors });
    }
    return rows;
  };
  const memory = (rows: Row[], system: string, n: string): Row[] =>
    rows.map((row) => ({ ...row, peakRss: { bench: `memory_${human(Number(n))}`, system } }));

  const spawnN = q(100_000, 10_000);
  const plans = new Map<string, Row[]>();
  plans.set('spawn', [
    ...py('spawn', '--n', spawnN),
    ...native('spawn', '--n', spawnN),
    ...effection('spawn', '--n', spawnN),
    ...libs('spawn', '--n', spawnN),
    ...tsyncio('spawn', '--n', spawnN),
    // spawn_1m (not in --quick); effection spawn_1m is not run (~100 us and ~15 KB per task)
    ...(ctx.quick
      ? []
      : [
          ...py('spawn', '--n', '1000000'),
          ...native('spawn', '--n', '1000000'),
          ...libs('spawn', '--n', '1000000'),
          ...tsyncio('spawn', '--n', '1000000'),
        ]),
  ]);
  plans.set('spawn_tg', [...py('spawn_tg', '--n', spawnN), ...tsyncio('spawn_tg', '--n', spawnN)]);
  // sizes differ per system so each runs ~0.5-3 s; the figure is a rate
  plans.set('switch', [
    ...py('switch', '--k', '100', '--m', q(10_000, 1000)),
    ...native('switch', '--k', '100', '--m', q(100_000, 10_000), '--variant', 'microtask'),
    ...native('switch', '--k', '100', '--m', q(20_000, 2000), '--variant', 'immediate'),
    ...effection('switch', '--k', '100', '--m', q(1000, 100), '--variant', 'sleep0'),
    ...effection('switch', '--k', '100', '--m', q(5000, 500), '--variant', 'immediate'),
    ...effection('switch', '--k', '100', '--m', q(10_000, 1000), '--variant', 'microtask'),
    ...tsyncio('switch', '--k', '100', '--m', q(20_000, 2000)),
  ]);
  plans.set('queue', [
    ...py('queue', '--n', q(1_000_000, 100_000), '--maxsize', '0'),
    ...native('queue', '--n', q(10_000_000, 1_000_000), '--maxsize', '0'),
    ...libs('queue', '--n', q(1_000_000, 100_000), '--maxsize', '0'),
    // effection's createQueue() is O(n) per add while items pile up: 100k items, not 1M
    ...effection('queue', '--n', q(100_000, 10_000), '--maxsize', '0'),
    ...tsyncio('queue', '--n', q(1_000_000, 100_000), '--maxsize', '0'),
    ...py('queue', '--n', q(1_000_000, 100_000), '--maxsize', '100'),
    ...native('queue', '--n', q(10_000_000, 1_000_000), '--maxsize', '100'),
    ...libs('queue', '--n', q(1_000_000, 100_000), '--maxsize', '100'),
    ...effection('queue', '--n', q(1_000_000, 100_000), '--maxsize', '100'),
    ...tsyncio('queue', '--n', q(1_000_000, 100_000), '--maxsize', '100'),
  ]);
  plans.set('lock', [
    ...py('lock', '--k', '100', '--m', q(10_000, 1000)),
    ...native('lock', '--k', '100', '--m', q(10_000, 1000), '--variant', 'immediate'),
    ...native('lock', '--k', '100', '--m', q(50_000, 5000), '--variant', 'microtask'),
    ...libs('lock', '--k', '100', '--m', q(10_000, 1000), '--variant', 'immediate'),
    ...libs('lock', '--k', '100', '--m', q(10_000, 1000), '--variant', 'microtask'),
    ...effection('lock', '--k', '100', '--m', q(10, 1), '--variant', 'sleep0'),
    ...effection('lock', '--k', '100', '--m', q(3000, 300), '--variant', 'immediate'),
    ...tsyncio('lock', '--k', '100', '--m', q(10_000, 1000)),
  ]);
  const waiters = q(10_000, 1000);
  const rounds = q(10, 3);
  plans.set('event', [
    ...py('event', '--n', waiters, '--rounds', rounds),
    ...native('event', '--n', waiters, '--rounds', rounds),
    ...effection('event', '--n', waiters, '--rounds', rounds),
    ...tsyncio('event', '--n', waiters, '--rounds', rounds),
  ]);
  plans.set('condition', [
    ...py('condition', '--n', waiters, '--rounds', rounds),
    ...tsyncio('condition', '--n', waiters, '--rounds', rounds),
  ]);
  const timersN = q(100_000, 10_000);
  plans.set('timers', [
    ...py('timers', '--n', timersN),
    ...native('timers', '--n', timersN),
    ...effection('timers', '--n', timersN),
    ...tsyncio('timers', '--n', timersN),
  ]);
  const memN = q(100_000, 10_000);
  const pyMem = py('memory', '--n', memN);
  plans.set('memory', [
    ...memory(pyMem.slice(0, 1), 'py-asyncio', memN),
    ...memory(ctx.uvloop ? pyMem.slice(1, 2) : [], 'py-uvloop', memN),
    ...memory(native('memory', '--n', memN), 'node-native', memN),
    ...memory(effection('memory', '--n', memN), 'effection', memN),
    ...memory(tsyncio('memory', '--n', memN), 'tsyncio', memN),
  ]);
  // Stream workloads (not anchors workloads): our src/streams programs beside
  // benchmarks/python/bench_streams.py, the same workloads on CPython asyncio's StreamReader.
  const streamsPy = join(BENCH_DIR, 'python/bench_streams.py');
  const pyStreams = (...args: string[]): Row[] => {
    const rows: Row[] = [];
    if (ctx.py !== null) rows.push({ argv: [ctx.py, streamsPy, ...args, '--system', 'py-asyncio'], cwd: BENCH_DIR });
    if (ctx.extraPy !== null) {
      const system = `py-asyncio@${ctx.extraPy.version}`;
      rows.push({ argv: [ctx.extraPy.py, streamsPy, ...args, '--system', system], cwd: BENCH_DIR });
    }
    return rows;
  };
  const tsStreams = (...args: string[]): Row[] => [
    { argv: ['node', '--expose-gc', join(BENCH_DIR, 'dist/streams/cli.js'), ...args], cwd: BENCH_DIR },
  ];
  const streamN = q(1_000_000, 100_000);
  const pipeSize = q(2 ** 30, 2 ** 26);
  plans.set('streams', [
    ...pyStreams('lines', '--n', streamN),
    ...tsStreams('lines', '--n', streamN),
    ...pyStreams('frames', '--n', streamN),
    ...tsStreams('frames', '--n', streamN),
    ...pyStreams('pipe', '--size', pipeSize),
    ...tsStreams('pipe', '--size', pipeSize),
  ]);
  // TCP echo (anchors workload 7) has long-lived servers: it runs through src/net/echo-compare.ts
  // (started before the reps, one echoRep() per rep, stopped at the end), not through Rows.
  plans.set('echo', []);
  return plans;
}

// ---------------------------------------------------------------- running

let current: ChildProcess | null = null;

function killCurrent(): void {
  const child = current;
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // its whole process group (e.g. /usr/bin/time and the program)
  } catch {
    // already gone
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killCurrent();
    process.exit(130);
  });
}

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runCommand(argv: readonly string[], cwd: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolvePromise) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killCurrent();
    }, timeoutMs);
    const finish = (code: number | null): void => {
      clearTimeout(timer);
      current = null;
      resolvePromise({ code, stdout, stderr, timedOut });
    };
    child.on('error', (error) => {
      stderr += String(error);
      finish(null);
    });
    child.on('close', finish);
  });
}

function display(argv: readonly string[]): string {
  return argv.map((a) => (a.startsWith(`${REPO_ROOT}/`) ? relative(REPO_ROOT, a) : a)).join(' ');
}

// ---------------------------------------------------------------- main

const options = parseOptions(process.argv.slice(2));
const anchors = findAnchors();
const py = findPython();
if (py === null) log('no python3 found: py-asyncio / py-uvloop rows skipped and no report.py table');
const uvloop = py !== null && pythonOk(py, 'import uvloop');
if (py !== null && !uvloop) log(`uvloop not importable by ${py} (apt-get install -y python3-uvloop): py-uvloop rows skipped`);
const extraPyPath = process.env['EXTRA_PY'];
const extraPy = extraPyPath !== undefined && extraPyPath !== '' && pythonOk(extraPyPath) ? { py: extraPyPath, version: pythonVersion(extraPyPath) } : null;
const { dir: nodeDir, depsOk } = prepareNodeAnchors(anchors);
const ctx: Context = { anchors, nodeDir, py, uvloop, extraPy, npmDeps: depsOk, quick: options.quick };
const plans = plan(ctx);
const timeoutMs = Number(process.env['TMO'] ?? 180) * 1000;
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const resultsDir = join(BENCH_DIR, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/:/g, '').replace('T', '-').slice(0, 17);
const raw = join(resultsDir, `${stamp}-compare.raw`);
const pyInfo =
  py === null
    ? 'no python'
    : `PY=${py} Python ${pythonVersion(py)}${uvloop ? ` uvloop ${spawnSync(py, ['-c', 'import uvloop;print(uvloop.__version__)'], { encoding: 'utf8' }).stdout.trim()}` : ''}`;
writeFileSync(
  raw,
  [
    `# bench:compare ${new Date().toISOString()} host_cpus=${String(availableParallelism())} reps=${String(options.reps)}${options.quick ? ' quick' : ''} only=${options.only.join(',')}`,
    `# node ${process.version}; ${pyInfo}${extraPy !== null ? `; EXTRA_PY Python ${extraPy.version}` : ''}`,
    `# npm: ${npmVersions(nodeDir)}; tsyncio ${gitDescribe()}`,
    '',
  ].join('\n'),
);
log(`raw results -> ${relative(REPO_ROOT, raw)}`);

// TCP echo: start the servers once, warm them up, then one echoRep() per rep (interleaved)
const echoCtx: EchoContext = {
  anchors,
  nodeDir,
  benchDir: BENCH_DIR,
  py,
  uvloop,
  quick: options.quick,
  log,
  run: async (argv, cwd) => {
    const out = await runCommand(argv, cwd, timeoutMs);
    if (out.code !== 0) {
      log(`FAILED (rc=${String(out.code)}): ${display(argv)} : ${out.stderr.slice(-300).replace(/\n/g, ' ')}`);
      appendFileSync(raw, `# FAILED: ${display(argv)}\n`);
      return null;
    }
    return out.stdout;
  },
};
let echoLoad: string | null = null;
let echoRunning: EchoServer[] = [];
if (options.only.includes('echo')) {
  echoLoad = buildEchoLoad(echoCtx);
  if (echoLoad !== null) {
    echoRunning = await startEchoServers(echoCtx, await echoServers(echoCtx));
    process.on('exit', () => {
      stopEchoServers(echoRunning);
    });
    log(`echo servers: ${echoRunning.map((s) => s.label).join(', ')}; warm-up ...`);
    await warmUpEcho(echoCtx, echoLoad, echoRunning);
  }
}
const unavailable = new Set<string>();
for (let rep = 1; rep <= options.reps; rep++) {
  log(`rep ${String(rep)}/${String(options.reps)}`);
  for (const workload of options.only) {
    if (workload === 'echo' && echoLoad !== null) {
      const lines = await echoRep(echoCtx, echoLoad, echoRunning);
      for (const line of lines) process.stderr.write(`${line}\n`);
      if (lines.length > 0) appendFileSync(raw, `${lines.join('\n')}\n`);
      continue;
    }
    for (const row of plans.get(workload) ?? []) {
      const argv = row.peakRss !== undefined && timeBin !== null ? [timeBin, '-f', 'PEAK_KB %M', ...row.argv] : row.argv;
      const out = await runCommand(argv, row.cwd, timeoutMs);
      const lines = out.stdout.split('\n').filter((l) => l.startsWith('bench='));
      for (const note of out.stdout.split('\n').filter((l) => /^# .*not available yet/.test(l))) {
        if (!unavailable.has(note)) log(`tsyncio ${note.slice(2)}: no row`);
        unavailable.add(note);
      }
      if (row.peakRss !== undefined && lines.length > 0) {
        const kb = /^PEAK_KB (\d+)$/m.exec(out.stderr)?.[1];
        if (kb !== undefined) {
          const { bench, system } = row.peakRss;
          lines.push(`bench=${bench} system=${system} metric=peak_rss_MiB value=${(Number(kb) / 1024).toFixed(1)}`);
        }
      }
      if (out.code !== 0) {
        const why = out.timedOut ? `timed out after ${String(timeoutMs / 1000)} s` : `rc=${String(out.code)}`;
        log(`FAILED (${why}): ${display(row.argv)} : ${out.stderr.slice(-300).replace(/\n/g, ' ')}`);
        appendFileSync(raw, `# FAILED: ${display(row.argv)}\n`);
      }
      for (const line of lines) process.stderr.write(`${line}\n`);
      if (lines.length > 0) appendFileSync(raw, `${lines.join('\n')}\n`);
    }
  }
}

stopEchoServers(echoRunning);
log(`raw results: ${relative(REPO_ROOT, raw)}`);
if (py !== null) {
  const report = spawnSync(py, [join(anchors, 'report.py'), raw, '--md'], { stdio: 'inherit' });
  process.exitCode = report.status ?? 1;
}
