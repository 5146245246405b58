/**
 * Every example is a program that runs: build them once, run each in a fresh Node process with a
 * deadline, and check its exit code and a few lines of its output.
 */
import { execFile, execFileSync } from 'node:child_process';
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
});
