#!/usr/bin/env node
// @ts-check
/**
 * `pnpm check`: the whole suite, one stage after another, continuing after a failure so one run
 * reports everything. `.ci/run` runs exactly this.
 *
 *   build         tsc -b (project references: every package's dist/)
 *   typecheck     tsc -p tsconfig.json in every package, tooling/*, examples, benchmarks
 *   lint          eslint . --cache
 *   cycles        tooling/scripts/check-cycles.mjs (import cycles, layering, declared deps)
 *   test-node     vitest run --project '!browser'
 *   test-browser  vitest run --project browser (headless Chromium)
 *   pack          tooling/scripts/pack-check.mjs (publint --strict, attw --profile esm-only)
 *   bundle        tooling/bundle/check-bundle.mjs (tree-shaking bounds)
 *
 * The last line printed is `N passed, M failed`: test counts over both vitest runs. A test file
 * that fails outside any test (an import error) counts as one failed test, and so does a vitest
 * run that fails without reporting a failed test (an unhandled error, a browser that would not
 * start) or that runs no test at all, so the line never says "0 failed" for a test run that did
 * not pass. Exit status 1 when any stage failed or no test ran.
 *
 * Options: --only <id,id>   run only these stages
 *          --skip <id,id>   skip these stages
 * Environment: CI=true makes a missing Chromium a failure (locally it is skipped with a warning);
 *              CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { pool, ROOT, run, seconds } from './lib/run.mjs';
import { readReport } from './lib/vitest-report.mjs';

const CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NODE = process.execPath;

/** @param {string} flag */
const listArg = (flag) => {
  const i = process.argv.indexOf(flag);
  const value = i === -1 ? undefined : process.argv[i + 1];
  return value === undefined ? undefined : new Set(value.split(',').map((s) => s.trim()));
};
const only = listArg('--only');
const skip = listArg('--skip') ?? new Set();

const tmp = mkdtempSync(join(tmpdir(), 'tsyncio-check-'));

/**
 * @typedef {import('./lib/vitest-report.mjs').TestCounts} TestCounts
 * @typedef {{ ok: boolean, skipped?: string, warning?: string, tests?: TestCounts }} StageResult
 * @typedef {{ id: string, title: string, command: string, needs?: string, run: () => Promise<StageResult> }} Stage
 */

/** A stage that is one streamed command. */
const command = (/** @type {string} */ cmd, /** @type {string[]} */ args) => async () => {
  const r = await run(cmd, args);
  return { ok: r.code === 0 };
};

/** Every workspace directory with a tsconfig.json (the dev config: src + test, noEmit). */
function typecheckProjects() {
  /** @type {string[]} */
  const dirs = [];
  for (const group of ['packages', 'tooling']) {
    for (const name of subdirs(join(ROOT, group))) dirs.push(`${group}/${name}`);
  }
  dirs.push('examples', 'benchmarks');
  return dirs.filter((d) => existsSync(join(ROOT, d, 'tsconfig.json')));
}

/** The sub-directories of `dir`, sorted (none when it does not exist). */
function subdirs(/** @type {string} */ dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function typecheck() {
  const projects = typecheckProjects();
  let ok = true;
  await pool(projects, 2, async (dir) => {
    const r = await run('tsc', ['-p', `${dir}/tsconfig.json`, '--pretty'], { capture: true });
    console.log(`${r.code === 0 ? '✔' : '✖'} ${dir}  ${seconds(r.ms)}`);
    if (r.output.trim() !== '') console.log(r.output.trimEnd());
    if (r.code !== 0) ok = false;
  });
  return { ok };
}

/** @param {string} label @param {string[]} projectArgs */
const vitest = (label, projectArgs) => async () => {
  const out = join(tmp, `vitest-${label}.json`);
  rmSync(out, { force: true });
  const r = await run('vitest', [
    'run',
    ...projectArgs,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  const tests = readReport(out, r.code, ROOT);
  for (const note of tests.notes) console.log(`! ${note}`);
  return { ok: r.code === 0 && tests.failed === 0 && tests.passed > 0, tests };
};

async function browserTests() {
  if (!existsSync(CHROMIUM)) {
    const why = `Chromium not found at ${CHROMIUM} (install Debian's chromium or set CHROMIUM_PATH)`;
    if (CI) {
      console.error(`✖ ${why}; CI requires the browser run`);
      return { ok: false, tests: { passed: 0, failed: 1, skipped: 0, notes: ['browser tests could not run (counted as 1 failure)'] } };
    }
    const warning = `browser tests SKIPPED: ${why}`;
    console.warn(`\n  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n  !! ${warning}\n  !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n`);
    return { ok: true, skipped: 'no Chromium (not CI)', warning };
  }
  return vitest('browser', ['--project', 'browser'])();
}

/** @type {Stage[]} */
const stages = [
  { id: 'build', title: 'build', command: 'tsc -b', run: command('tsc', ['-b']) },
  { id: 'typecheck', title: 'typecheck', command: 'tsc -p <dir>/tsconfig.json, 2 at a time', run: typecheck },
  {
    id: 'lint',
    title: 'lint',
    command: 'eslint . --cache',
    run: command('eslint', ['.', '--cache', '--cache-strategy', 'content']),
  },
  { id: 'cycles', title: 'import graph', command: 'check-cycles.mjs', run: command(NODE, ['tooling/scripts/check-cycles.mjs']) },
  { id: 'test-node', title: 'tests (node)', command: "vitest run --project '!browser'", run: vitest('node', ['--project', '!browser']) },
  { id: 'test-browser', title: 'tests (chromium)', command: 'vitest run --project browser', run: browserTests },
  {
    id: 'pack',
    title: 'packaging',
    command: 'pack-check.mjs (publint --strict, attw --profile esm-only)',
    needs: 'build',
    run: command(NODE, ['tooling/scripts/pack-check.mjs', '--no-build']),
  },
  {
    id: 'bundle',
    title: 'tree-shaking',
    command: 'tooling/bundle/check-bundle.mjs',
    needs: 'build',
    run: command(NODE, ['tooling/bundle/check-bundle.mjs', '--no-build']),
  },
];

for (const id of [...(only ?? []), ...skip]) {
  if (!stages.some((s) => s.id === id)) {
    console.error(`unknown stage '${id}'; stages: ${stages.map((s) => s.id).join(', ')}`);
    process.exit(2);
  }
}

const selected = stages.filter((s) => (only === undefined || only.has(s.id)) && !skip.has(s.id));
/** @type {Map<string, StageResult & { ms: number }>} */
const results = new Map();
const started = performance.now();

for (const [i, stage] of selected.entries()) {
  const header = `━━ [${i + 1}/${selected.length}] ${stage.title}: ${stage.command} `;
  console.log(`\n${header.padEnd(100, '━')}`);
  const t0 = performance.now();
  /** @type {StageResult} */
  let result;
  const dep = stage.needs === undefined ? undefined : results.get(stage.needs);
  if (dep !== undefined && !dep.ok) {
    console.log(`skipped: needs ${stage.needs}, which failed`);
    result = { ok: false, skipped: `${stage.needs} failed` };
  } else {
    try {
      result = await stage.run();
    } catch (error) {
      console.error(error);
      result = { ok: false };
    }
  }
  const ms = performance.now() - t0;
  results.set(stage.id, { ...result, ms });
  console.log(`── ${stage.title}: ${result.skipped !== undefined ? 'skipped' : result.ok ? 'ok' : 'FAILED'} in ${seconds(ms)}`);
}
rmSync(tmp, { recursive: true, force: true });

// ---- summary ------------------------------------------------------------------------------------

let passed = 0;
let failed = 0;
let testsRan = false;
console.log(`\n${'━━ summary '.padEnd(100, '━')}`);
for (const stage of selected) {
  const r = results.get(stage.id);
  if (r === undefined) continue;
  const mark = r.skipped !== undefined && r.ok ? '○' : r.ok ? '✔' : '✖';
  let detail = r.skipped !== undefined ? `skipped (${r.skipped})` : r.ok ? 'ok' : 'FAILED';
  if (r.tests !== undefined) {
    passed += r.tests.passed;
    failed += r.tests.failed;
    testsRan = true;
    detail += ` — ${r.tests.passed} passed, ${r.tests.failed} failed${r.tests.skipped ? `, ${r.tests.skipped} skipped/todo` : ''}`;
  }
  console.log(`${mark} ${stage.title.padEnd(18)} ${seconds(r.ms).padStart(7)}  ${detail}`);
}
for (const r of results.values()) if (r.warning !== undefined) console.log(`! ${r.warning}`);
console.log(`  ${'total'.padEnd(18)} ${seconds(performance.now() - started).padStart(7)}`);

const runsTests = selected.some((s) => s.id === 'test-node' || s.id === 'test-browser');
const stageFailed = [...results.values()].some((r) => !r.ok);
const noTests = runsTests && testsRan && passed + failed === 0;
if (noTests) console.log('✖ no test ran');
console.log(`${passed} passed, ${failed} failed`);
process.exit(stageFailed || failed > 0 || noTests ? 1 : 0);
