#!/usr/bin/env node
// @ts-check
/**
 * Packaging check for every publishable package under packages/ (`pnpm pack:check`, a stage of
 * `pnpm check`): packs the package the way it will be published (`pnpm pack`, which rewrites
 * `workspace:^` ranges), then checks the tarball with
 * - `publint --strict` (exports map, files, package.json fields; warnings count as errors),
 * - `attw --profile esm-only` (types resolve for ESM consumers: node16 and bundler),
 * - a look at the file list: no `.tsbuildinfo`, no tests, and the entry points present.
 *
 * Usage: node tooling/scripts/pack-check.mjs [--no-build] [--verbose]
 *   --no-build  skip `tsc -b` (the caller has just built; `pnpm check` does this)
 *   --verbose   print the tools' output for passing packages too
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { pool, ROOT, run, seconds } from './lib/run.mjs';

const args = new Set(process.argv.slice(2));
const verbose = args.has('--verbose');

if (!args.has('--no-build')) {
  const build = await run('tsc', ['-b']);
  if (build.code !== 0) {
    console.error('✖ tsc -b failed; the packaging check needs a build');
    process.exit(1);
  }
}

const packagesDir = join(ROOT, 'packages');
const publishable = readdirSync(packagesDir)
  .sort()
  .map((dir) => join(packagesDir, dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => pkg.private !== true);

if (publishable.length === 0) {
  console.error('✖ no publishable package found under packages/');
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 'tsyncio-pack-'));
const pnpm = process.env.npm_execpath?.includes('pnpm') === true ? process.env.npm_execpath : 'pnpm';

/**
 * @param {{ dir: string, pkg: any }} target
 * @returns {Promise<{ name: string, ok: boolean, report: string, ms: number }>}
 */
async function check({ dir, pkg }) {
  const started = Date.now();
  const dest = mkdtempSync(join(tmp, 'p-'));
  /** @type {string[]} */
  const problems = [];
  let report = '';
  const pack = await run(pnpm, ['pack', '--pack-destination', dest], { cwd: dir, capture: true });
  const tarball = readdirSync(dest).find((f) => f.endsWith('.tgz'));
  if (pack.code !== 0 || tarball === undefined) {
    return { name: pkg.name, ok: false, report: `pnpm pack failed:\n${pack.output}`, ms: Date.now() - started };
  }
  const tgz = join(dest, tarball);

  const listing = await run('tar', ['-tzf', tgz], { capture: true });
  const files = listing.output.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
  if (files.some((f) => f.endsWith('.tsbuildinfo'))) problems.push('the tarball ships a .tsbuildinfo (add "!dist/.tsbuildinfo" to files)');
  if (files.some((f) => /^test\/|\.test\.[cm]?[jt]s$/.test(f))) problems.push('the tarball ships test files');
  if (!files.includes('dist/index.js') || !files.includes('dist/index.d.ts')) {
    problems.push('the tarball lacks dist/index.js or dist/index.d.ts (was the package built?)');
  }

  const [publint, attw] = await Promise.all([
    run('publint', ['run', tgz, '--strict'], { capture: true }),
    run('attw', [tgz, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'], { capture: true }),
  ]);
  if (publint.code !== 0) problems.push('publint --strict failed');
  if (attw.code !== 0) problems.push('attw --profile esm-only failed');
  const ok = problems.length === 0;
  if (!ok || verbose) {
    report = [
      ...problems.map((p) => `  ✖ ${p}`),
      `  ── publint --strict (exit ${publint.code})`,
      publint.output.trimEnd().replace(/^/gm, '    '),
      `  ── attw --profile esm-only (exit ${attw.code})`,
      attw.output.trimEnd().replace(/^/gm, '    '),
    ].join('\n');
  }
  return { name: `${pkg.name}@${pkg.version}`, ok, report, ms: Date.now() - started };
}

let failed = 0;
try {
  const results = await pool(publishable, 2, check);
  for (const r of results) {
    console.log(`${r.ok ? '✔' : '✖'} ${r.name}  ${seconds(r.ms)}`);
    if (r.report !== '') console.log(r.report);
    if (!r.ok) failed++;
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`✖ ${failed} of ${publishable.length} packages failed the packaging check`);
  process.exit(1);
}
console.log(`✔ ${publishable.length} packages pass publint --strict and attw --profile esm-only`);
