// Node only: a process whose loops have nothing left to do exits by itself. An idle loop holds no
// host handle (no setImmediate, no setTimeout), so Node's own event loop runs dry and the process
// ends, as a Python program ends when asyncio.run() returns.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const distEntry = pathToFileURL(join(packageDir, 'dist', 'index.js')).href;

let scriptDir = '';

beforeAll(async () => {
  // a fresh checkout has no dist/: build the package (tsc -b is incremental, about a second)
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-b', join(packageDir, 'tsconfig.build.json')], { timeout: 60_000 });
  scriptDir = await mkdtemp(join(tmpdir(), 'tsyncio-loop-exit-'));
}, 90_000);

afterAll(async () => {
  if (scriptDir !== '') await rm(scriptDir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  /** true when the process had not exited by the deadline and was killed */
  killed: boolean;
}

let scriptCount = 0;

/** Run `body` (an ES module that can use `tsyncio`, the loop package's built entry) in a fresh Node process. */
async function runScript(body: string, deadlineMs = 10_000): Promise<Outcome> {
  const file = join(scriptDir, `script-${scriptCount++}.mjs`);
  await writeFile(file, `const tsyncio = await import(${JSON.stringify(distEntry)});\n${body}\n`);
  return new Promise<Outcome>((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, deadlineMs);
    child.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stdout, stderr, killed });
    });
  });
}

describe('an idle loop lets a Node process exit', () => {
  it('the default loop, used from plain async code and then idle, does not keep the process alive', async () => {
    // cf. test_runners.py RunTests (asyncio.run returns and the program ends)
    const outcome = await runScript(`
      const loop = tsyncio.getEventLoop();
      const soon = await new Promise((resolve) => loop.callSoon(resolve, 'soon'));
      const later = await new Promise((resolve) => loop.callLater(0.01, resolve, 'later'));
      console.log(soon, later, loop.isRunning());
    `);
    expect(outcome).toEqual({ code: 0, stdout: 'soon later true\n', stderr: '', killed: false });
  });

  it('a far timer that is cancelled releases its host timer, so the process exits', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test__run_once (a cancelled timer never makes the loop wait)
    const outcome = await runScript(`
      const loop = tsyncio.getEventLoop();
      const timer = loop.callLater(3600, () => console.log('never'));
      await new Promise((resolve) => loop.callSoon(resolve));
      timer.cancel();
      console.log('cancelled');
    `);
    expect(outcome).toEqual({ code: 0, stdout: 'cancelled\n', stderr: '', killed: false });
  });

  it('a loop left running forever with nothing to do does not keep the process alive', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_run_forever_pre_stopped (an idle loop does not spin)
    const outcome = await runScript(`
      const loop = tsyncio.newEventLoop();
      const timer = loop.callLater(3600, () => console.log('never'));
      loop.callSoon(() => {
        timer.cancel();
        console.log('idle');
      });
      loop.runForever().then(() => console.log('stopped'));
    `);
    expect(outcome).toEqual({ code: 0, stdout: 'idle\n', stderr: '', killed: false });
  });

  it('control: a live far timer does keep the process alive (so the cases above can fail)', async () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_later (a pending timer is waited for)
    const outcome = await runScript(
      `
      const loop = tsyncio.getEventLoop();
      loop.callLater(3600, () => console.log('never'));
      await new Promise((resolve) => loop.callSoon(resolve));
      console.log('waiting');
    `,
      1000,
    );
    expect(outcome.killed).toBe(true);
    expect(outcome.stdout).toBe('waiting\n');
  });
});
