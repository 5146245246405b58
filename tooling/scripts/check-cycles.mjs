#!/usr/bin/env node
// @ts-check
/**
 * Import-graph check over packages/*\/src/**\/*.ts (`pnpm check:cycles`, a stage of `pnpm check`).
 *
 * Fails on
 * - any runtime import cycle between source files (inside a package or across packages), printed
 *   as a path `a.ts → b.ts → a.ts`;
 * - a package importing a workspace package that is not below it in the layering (DESIGN §2):
 *   loop ← futures ← sync, futures ← streams ← net, and tsyncio on all;
 * - a workspace import that the package's package.json does not declare as a dependency (it would
 *   work here through the workspace and break once published);
 * - a relative import that resolves to no file.
 *
 * Edges are value imports only: `import type`, `export type` and imports whose every specifier is
 * `type`-qualified are skipped, since they vanish at run time. A package import (`@tsyncio/loop`)
 * is an edge to that package's source entry (its `@tsyncio/source` export), so a cycle that leaves
 * a package and comes back through another is found too.
 *
 * Usage: node tooling/scripts/check-cycles.mjs [--root <repo dir>]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Which workspace packages each package's src/ may import: only the layers below it (DESIGN §2).
 * A new package gets a row here, or the check fails.
 * @type {Record<string, readonly string[]>}
 */
export const LAYERS = {
  '@tsyncio/loop': [],
  '@tsyncio/futures': ['@tsyncio/loop'],
  '@tsyncio/sync': ['@tsyncio/loop', '@tsyncio/futures'],
  '@tsyncio/streams': ['@tsyncio/loop', '@tsyncio/futures'],
  '@tsyncio/net': ['@tsyncio/loop', '@tsyncio/futures', '@tsyncio/streams'],
  tsyncio: ['@tsyncio/loop', '@tsyncio/futures', '@tsyncio/sync', '@tsyncio/streams', '@tsyncio/net'],
};

const argRoot = process.argv.indexOf('--root');
const ROOT =
  argRoot !== -1 && process.argv[argRoot + 1] !== undefined
    ? resolve(process.argv[argRoot + 1] ?? '.')
    : fileURLToPath(new URL('../..', import.meta.url));

/** @param {string} file */
const rel = (file) => relative(ROOT, file).split('\\').join('/');

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/**
 * The source entry files of a package: every `@tsyncio/source` target in exports["."] (the
 * umbrella has one per environment).
 * @param {string} dir @param {any} pkg @returns {string[]}
 */
function sourceEntries(dir, pkg) {
  /** @type {string[]} */
  const found = [];
  /** @param {unknown} node */
  const walk = (node) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '@tsyncio/source' && typeof value === 'string') found.push(resolve(dir, value));
      else walk(value);
    }
  };
  const exp = pkg.exports;
  walk(exp && typeof exp === 'object' && '.' in exp ? exp['.'] : exp);
  if (found.length === 0 && existsSync(join(dir, 'src/index.ts'))) found.push(join(dir, 'src/index.ts'));
  return found;
}

/**
 * The value imports of one file: static imports and re-exports that survive compilation, plus
 * dynamic `import('…')` with a literal specifier.
 * @param {string} file @returns {{ spec: string, line: number }[]}
 */
function valueImports(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  /** @type {{ spec: string, line: number }[]} */
  const out = [];
  /** @param {ts.Node} node @param {ts.Expression | undefined} spec */
  const add = (node, spec) => {
    if (spec && ts.isStringLiteralLike(spec)) {
      out.push({ spec: spec.text, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    }
  };
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.phaseModifier === ts.SyntaxKind.TypeKeyword ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) add(node, node.moduleSpecifier);
      return;
    }
    if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) add(node, node.moduleSpecifier);
      return;
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Resolve a relative specifier the way NodeNext + TS sources do (`./x.js` is `./x.ts`). */
function resolveRelative(/** @type {string} */ from, /** @type {string} */ spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [
    base.replace(/\.(m?)js$/, '.$1ts'),
    base,
    `${base}.ts`,
    join(base, 'index.ts'),
  ];
  return candidates.find((c) => c.endsWith('.ts') && existsSync(c) && statSync(c).isFile());
}

/** The workspace package name a bare specifier refers to (`@scope/name/sub` → `@scope/name`). */
function packageOf(/** @type {string} */ spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

// ---- collect packages, files and edges ----------------------------------------------------------

const packagesDir = join(ROOT, 'packages');
/** @type {Map<string, { dir: string, pkg: any, entries: string[] }>} */
const packages = new Map();
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest) || !existsSync(join(dir, 'src'))) continue;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
  packages.set(pkg.name, { dir, pkg, entries: sourceEntries(dir, pkg) });
}

/** @type {string[]} */
const problems = [];
/** @type {Map<string, Set<string>>} */
const graph = new Map();
/** @type {Map<string, string>} file → package name */
const owner = new Map();
let edgeCount = 0;

for (const [name, { dir }] of packages) {
  for (const file of tsFiles(join(dir, 'src'))) {
    owner.set(file, name);
    graph.set(file, new Set());
  }
}

for (const [file, name] of owner) {
  const info = packages.get(name);
  if (info === undefined) continue;
  const allowed = LAYERS[name];
  const declared = new Set([
    ...Object.keys(info.pkg.dependencies ?? {}),
    ...Object.keys(info.pkg.peerDependencies ?? {}),
    ...Object.keys(info.pkg.optionalDependencies ?? {}),
  ]);
  for (const { spec, line } of valueImports(file)) {
    const where = `${rel(file)}:${line}`;
    /** @type {string[]} */
    let targets;
    if (spec.startsWith('.')) {
      const target = resolveRelative(file, spec);
      if (target === undefined) {
        problems.push(`${where}: '${spec}' resolves to no .ts file`);
        continue;
      }
      if (owner.get(target) !== name) {
        problems.push(`${where}: '${spec}' leaves the package's src/ (${rel(target)}); import the package by name`);
        continue;
      }
      targets = [target];
    } else {
      const dep = packageOf(spec);
      const target = packages.get(dep);
      if (target === undefined) continue; // node: built-ins and third-party packages are not graph nodes
      if (dep === name) {
        problems.push(`${where}: '${spec}' imports its own package by name; use a relative import`);
      } else if (allowed === undefined) {
        // reported once below
      } else if (!allowed.includes(dep)) {
        problems.push(
          `${where}: layering: ${name} may not import ${dep} (${name} may import: ${allowed.join(', ') || 'no workspace package'})`,
        );
      } else if (!declared.has(dep)) {
        problems.push(`${where}: '${dep}' is imported but not in ${name}'s package.json dependencies`);
      }
      if (spec !== dep) problems.push(`${where}: '${spec}' is a deep import; import from '${dep}' only`);
      targets = target.entries.filter((e) => graph.has(e));
    }
    for (const t of targets) {
      const edges = graph.get(file);
      if (edges !== undefined && !edges.has(t)) {
        edges.add(t);
        edgeCount++;
      }
    }
  }
}

for (const name of packages.keys()) {
  if (LAYERS[name] === undefined) {
    problems.push(`packages: ${name} has no row in LAYERS (tooling/scripts/check-cycles.mjs); say which layers it may import`);
  }
}

// ---- cycles: strongly connected components (Tarjan), one shortest cycle printed per component ----

/** @returns {string[][]} */
function stronglyConnected() {
  let index = 0;
  /** @type {Map<string, number>} */ const idx = new Map();
  /** @type {Map<string, number>} */ const low = new Map();
  /** @type {string[]} */ const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */ const out = [];
  // iterative, so deep graphs cannot overflow the call stack
  for (const start of [...graph.keys()].sort()) {
    if (idx.has(start)) continue;
    /** @type {{ node: string, it: Iterator<string> }[]} */
    const work = [{ node: start, it: (graph.get(start) ?? new Set()).values() }];
    idx.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame === undefined) break;
      const next = frame.it.next();
      if (!next.done) {
        const w = next.value;
        if (!idx.has(w)) {
          idx.set(w, index);
          low.set(w, index++);
          stack.push(w);
          onStack.add(w);
          work.push({ node: w, it: (graph.get(w) ?? new Set()).values() });
        } else if (onStack.has(w)) {
          low.set(frame.node, Math.min(low.get(frame.node) ?? 0, idx.get(w) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) ?? 0, low.get(frame.node) ?? 0));
      if (low.get(frame.node) === idx.get(frame.node)) {
        /** @type {string[]} */
        const component = [];
        let w;
        do {
          w = stack.pop();
          if (w === undefined) break;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.node);
        const self = graph.get(frame.node)?.has(frame.node) ?? false;
        if (component.length > 1 || self) out.push(component.sort());
      }
    }
  }
  return out;
}

/** The shortest cycle through `start` inside `component` (breadth-first). */
function shortestCycle(/** @type {string} */ start, /** @type {Set<string>} */ component) {
  /** @type {Map<string, string>} */
  const prev = new Map();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i];
    if (node === undefined) break;
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = prev.get(at) ?? start) path.splice(1, 0, at);
        path.push(start);
        return path;
      }
      if (!prev.has(next)) {
        prev.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const components = stronglyConnected();
for (const component of components) {
  const first = component[0];
  if (first === undefined) continue;
  const cycle = shortestCycle(first, new Set(component));
  const more = component.length > cycle.length - 1 ? ` (${component.length} files are in this cycle knot)` : '';
  problems.push(`import cycle${more}:\n    ${cycle.map(rel).join('\n    → ')}`);
}

console.log(
  `import graph: ${graph.size} source files in ${packages.size} packages, ${edgeCount} value-import edges`,
);
if (problems.length > 0) {
  for (const p of problems) console.error(`✖ ${p}`);
  console.error(`${problems.length} import-graph problem${problems.length === 1 ? '' : 's'}`);
  process.exit(1);
}
console.log('✔ no import cycles; every workspace import points down the layers and is declared');
