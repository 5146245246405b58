#!/usr/bin/env node
// @ts-check
/**
 * Tree-shaking guard (`pnpm check:bundle`, a stage of `pnpm check`). Bundles every row of
 * `fixtures.mjs` with esbuild from the packages' built `dist/` and fails when a bundle is larger
 * than its bound or contains a name it must not.
 *
 * Usage: node tooling/bundle/check-bundle.mjs [--no-build] [--verbose]
 *   --no-build  skip `tsc -b` (the caller has just built; `pnpm check` does this)
 *   --verbose   list the modules that contribute to every bundle, not only to failing ones
 */
import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { fixtures } from './fixtures.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const args = new Set(process.argv.slice(2));

if (!args.has('--no-build')) {
  const tscBin = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const tsc = spawnSync(process.execPath, [tscBin, '-b'], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) {
    console.error('✖ tsc -b failed; the bundle check needs a build');
    process.exit(1);
  }
}
if (!existsSync(new URL('../../packages/tsyncio/dist/index.js', import.meta.url))) {
  console.error('✖ packages/tsyncio/dist/index.js is missing: run `pnpm build` first');
  process.exit(1);
}

/** @param {string} name */
const identifierPattern = (name) => {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // esbuild renames colliding top-level names by appending digits (EventLoop2)
  return new RegExp(`(?<![A-Za-z0-9_$])${escaped}\\d*(?![A-Za-z0-9_$])`);
};

/**
 * @param {import('./fixtures.mjs').BundleFixture} fixture
 * @param {boolean} minify false: whitespace and syntax are still minified (comments go), but
 *   identifiers keep their names, so markers can be searched for
 */
async function bundle(fixture, minify) {
  const from = fixture.from ?? 'tsyncio';
  const contents =
    fixture.import === '*' ? `export * from '${from}';\n` : `export { ${fixture.import.join(', ')} } from '${from}';\n`;
  const result = await esbuild.build({
    stdin: { contents, resolveDir: HERE, sourcefile: 'fixture.js', loader: 'js' },
    bundle: true,
    minifyWhitespace: true,
    minifySyntax: true,
    minifyIdentifiers: minify,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const out = result.outputFiles[0];
  const text = out === undefined ? '' : out.text;
  const meta = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(meta?.inputs ?? {})
    .filter(([, v]) => v.bytesInOutput > 0)
    .map(([path, v]) => ({ path: path.replace(/^(\.\.\/)+/, ''), bytes: v.bytesInOutput }))
    .sort((a, b) => b.bytes - a.bytes);
  return { text, bytes: Buffer.byteLength(text), inputs };
}

let failures = 0;
/** @type {{ cells: string[], details: string[] }[]} */
const rows = [];
for (const fixture of fixtures) {
  /** @type {string[]} */
  const errors = [];
  let min;
  let plain;
  try {
    min = await bundle(fixture, true);
    plain = await bundle(fixture, false);
  } catch (error) {
    const e = /** @type {{ errors?: { text: string }[], message?: string }} */ (error);
    const text = e.errors?.map((x) => x.text).join('; ') ?? e.message ?? String(error);
    console.error(`✖ ${fixture.name}: esbuild failed: ${text}`);
    failures++;
    continue;
  }
  const gz = gzipSync(min.text).length;
  if (fixture.maxBytes !== undefined && min.bytes >= fixture.maxBytes) {
    errors.push(`${min.bytes} B minified, bound is < ${fixture.maxBytes} B`);
  }
  for (const marker of fixture.mustNotContain ?? []) {
    const pattern = typeof marker === 'string' ? identifierPattern(marker) : marker;
    const hit = pattern.exec(plain.text);
    if (hit !== null) {
      const around = plain.text.slice(Math.max(0, hit.index - 50), hit.index + hit[0].length + 50);
      errors.push(`contains ${String(marker)}: …${around.replace(/\s+/g, ' ')}…`);
    }
  }
  const bound = fixture.maxBytes === undefined ? 'no bound' : `< ${fixture.maxBytes} B`;
  /** @type {string[]} */
  const details = errors.map((e) => `    ${e}`);
  if (errors.length > 0 || args.has('--verbose')) {
    details.push('    modules in the bundle (bytes in the minified output):');
    for (const { path, bytes } of min.inputs) details.push(`      ${String(bytes).padStart(6)} B  ${path}`);
  }
  rows.push({ cells: [errors.length === 0 ? '✔' : '✖', fixture.name, `${min.bytes} B`, `${gz} B gz`, bound], details });
  if (errors.length > 0) failures++;
}

const widths = [1, 2, 3].map((i) => Math.max(...rows.map((r) => (r.cells[i] ?? '').length)));
for (const { cells, details } of rows) {
  const [mark, name, bytes, gz, bound] = cells;
  console.log(
    `${mark} ${(name ?? '').padEnd(widths[0] ?? 0)}  ${(bytes ?? '').padStart(widths[1] ?? 0)}  ${(gz ?? '').padStart(widths[2] ?? 0)}  ${bound}`,
  );
  for (const d of details) console.log(d);
}
if (failures > 0) {
  console.error(`✖ ${failures} of ${fixtures.length} bundle fixture${fixtures.length === 1 ? '' : 's'} failed`);
  process.exit(1);
}
console.log(`✔ ${fixtures.length} bundle fixture${fixtures.length === 1 ? '' : 's'} within bounds`);
