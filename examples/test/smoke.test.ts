/**
 * Every example is a program that runs: build them once, run each in a fresh Node process with a
 * deadline, and check its exit code and a few lines of its output.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

function runExample(file: string, deadlineMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`dist/${file}`],
      { cwd: root, timeout: deadlineMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(() => {
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
});

describe('examples', () => {
  it('demo.js shows tasks, cancellation and timeouts, then exits 0', async () => {
    const { code, stdout, stderr } = await runExample('demo.js');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`gather returned ["alpha's result","beta's result"]`);
    expect(stdout).toContain('slow: cancelled while waiting (no longer needed)');
    expect(stdout).toContain('slow: cleaned up');
    expect(stdout).toContain('slow.cancelled() is true');
    expect(stdout).toContain('timed out after 0.25 s');
    expect(stdout).toContain('deadline: cleaned up');
    expect(stdout).toContain(`waitFor returned "quick's result"`);
    expect(stdout).toContain('sibling: cancelled while waiting');
    expect(stdout).toContain('the group raised "unhandled errors in a TaskGroup" with Error: boom');
    expect(stdout.trimEnd().endsWith('done')).toBe(true);
  });

  it('echo-client.js starts the echo server in-process, echoes three lines over TCP, half-closes, exits 0', async () => {
    const { code, stdout, stderr } = await runExample('echo-client.js');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^server: serving on 127\.0\.0\.1:\d+$/m);
    expect(stdout).toContain('client: sent "hello", got back "hello"');
    expect(stdout).toContain('client: sent "tsyncio über TCP", got back "tsyncio über TCP"');
    expect(stdout).toContain('client: sent "bye", got back "bye"');
    expect(stdout).toMatch(/^server: 127\.0\.0\.1:\d+ is done$/m);
    expect(stdout).toContain('client: end-of-file after 0 more bytes');
    expect(stdout.trimEnd().endsWith('done')).toBe(true);
  });

  it('producer-consumer.js runs nine jobs through a bounded queue with three workers, then cancels them', async () => {
    const { code, stdout, stderr } = await runExample('producer-consumer.js');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (let id = 1; id <= 9; id++) expect(stdout).toMatch(new RegExp(`worker-\\d finished job ${id}$`, 'm'));
    expect(stdout).toContain('9 jobs done; workers ended with CancelledError, CancelledError, CancelledError');
  });

  it('promise-interop.js uses tasks from plain async code, and a cancelled task aborts its promise', async () => {
    const { code, stdout, stderr } = await runExample('promise-interop.js');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('double(21) = 42');
    expect(stdout).toContain('quick download: waited 0.02 s');
    expect(stdout).toContain('slow download cancelled (user pressed stop); the process exits');
  });

  it('docs/networking.md shows echo-server.ts and echo-client.ts exactly as they are', () => {
    const guide = readFileSync(join(root, '..', 'docs', 'networking.md'), 'utf8');
    for (const file of ['echo-server.ts', 'echo-client.ts']) {
      const source = readFileSync(join(root, 'src', file), 'utf8');
      const marker = `<!-- begin: examples/src/${file} -->\n\`\`\`ts\n`;
      const start = guide.indexOf(marker);
      expect(start, `the guide has no marked copy of ${file}`).toBeGreaterThanOrEqual(0);
      const end = guide.indexOf('```\n<!-- end -->', start);
      expect(guide.slice(start + marker.length, end)).toBe(source);
    }
  });
});
