// @ts-check
/** Small process helpers shared by the repository scripts (no dependencies). */
import { spawn } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** The environment for tools: the root node_modules/.bin first on PATH, so `tsc`, `eslint` resolve. */
export const TOOL_ENV = {
  ...process.env,
  PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH ?? ''].join(delimiter),
};

/**
 * Run a command. With `capture`, stdout and stderr are collected (interleaved) and returned;
 * otherwise they stream to this process's own.
 * @param {string} cmd
 * @param {readonly string[]} args
 * @param {{ cwd?: string, capture?: boolean, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ code: number, output: string, ms: number }>}
 */
export function run(cmd, args, options = {}) {
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? TOOL_ENV,
      stdio: options.capture === true ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += String(chunk)));
    child.stderr?.on('data', (chunk) => (output += String(chunk)));
    child.on('error', (error) => {
      output += `${cmd}: ${error.message}\n`;
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - started;
      resolvePromise({ code: code ?? (signal === null ? 1 : 128), output, ms });
    });
  });
}

/**
 * Map `items` through `fn` with at most `limit` running at once; results keep the input order.
 * @template T, R
 * @param {readonly T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function pool(items, limit, fn) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(/** @type {T} */ (items[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `1234.5` → `"1.2 s"`. */
export const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
