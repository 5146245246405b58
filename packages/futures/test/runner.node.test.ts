// Node only: Ctrl-C. In-process, SIGINT is simulated with `process.emit('SIGINT')`, which calls the
// listeners exactly as a real signal would; then real signals go to a subprocess running a small
// program (test/programs/interrupt.mjs) against the built package.
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getRunningLoop, type EventLoop } from '@tsyncio/loop';
import {
  CancelledError,
  createTask,
  currentTask,
  Future,
  KeyboardInterrupt,
  Runner,
  run,
  sleep,
  Task,
  type Coroutine,
} from '../src/index.js';
import { virtualLoopFactory } from './group-helpers.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Send ourselves a simulated Ctrl-C from a loop callback (CPython's `interrupt_self`). */
function interruptSoon(delay: number): void {
  getRunningLoop().callLater(delay, () => {
    process.emit('SIGINT');
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected the promise to reject');
}

describe('Runner and Ctrl-C (in process)', () => {
  // the test runner may listen to SIGINT itself: set its listeners aside, so run() installs its own
  let saved: ((...args: unknown[]) => void)[] = [];
  beforeEach(() => {
    saved = process.listeners('SIGINT') as ((...args: unknown[]) => void)[];
    process.removeAllListeners('SIGINT');
  });
  afterEach(() => {
    process.removeAllListeners('SIGINT');
    for (const listener of saved) process.on('SIGINT', listener);
  });

  it('cancels the main task where it waits on a future, and run() rejects with KeyboardInterrupt', async () => {
    // cf. test_runners.py RunnerTests.test_interrupt_wait
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const fut = new Future<void>({ loop: runner.getLoop() });
    const error = await rejection(
      runner.run(
        (function* () {
          interruptSoon(0.1);
          try {
            yield* fut;
          } catch (e) {
            expect(e).toBeInstanceOf(CancelledError);
          }
          throw new CancelledError();
        })(),
      ),
    );
    expect(error).toBeInstanceOf(KeyboardInterrupt);
    expect((error as Error).cause).toBeInstanceOf(CancelledError);
    expect(fut.cancelled()).toBe(true);
    await runner.close();
  });

  it('cancels a main task that only ever yields a bare yield', async () => {
    // cf. test_runners.py RunnerTests.test_interrupt_call_soon
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const error = await rejection(
      runner.run(
        (function* () {
          // (a timer would never come due: virtual time stands still while the loop is busy)
          getRunningLoop().callSoon(() => {
            process.emit('SIGINT');
          });
          let caught: unknown;
          try {
            for (;;) yield* sleep(0);
          } catch (e) {
            caught = e;
          }
          expect(caught).toBeInstanceOf(CancelledError);
          throw new CancelledError();
        })(),
      ),
    );
    expect(error).toBeInstanceOf(KeyboardInterrupt);
    await runner.close();
  });

  it('rejects with CancelledError, not KeyboardInterrupt, when someone else cancelled main too', async () => {
    // cf. test_runners.py RunnerTests.test_interrupt_cancelled_task
    const runner = new Runner({ loopFactory: virtualLoopFactory() });
    const error = await rejection(
      runner.run(
        (function* () {
          const main = currentTask() as Task<unknown>;
          createTask(
            (function* () {
              yield* sleep(0);
              main.cancel();
              process.emit('SIGINT');
            })(),
          );
          yield* sleep(10);
        })(),
      ),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).not.toBeInstanceOf(KeyboardInterrupt);
    await runner.close();
  });

  it('returns normally when main swallows the cancellation and returns', async () => {
    // cf. runners.py Runner.run (KeyboardInterrupt only "except exceptions.CancelledError")
    const result = await run(
      function* () {
        interruptSoon(0.1);
        try {
          yield* sleep(10);
        } catch {
          (currentTask() as Task<unknown>).uncancel();
          return 'handled the interrupt';
        }
        return 'not interrupted';
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(result).toBe('handled the interrupt');
  });

  it('exits the process with code 130 on a second Ctrl-C', async () => {
    // cf. runners.py Runner._on_sigint (the second interrupt raises KeyboardInterrupt at once)
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await run(
        function* () {
          interruptSoon(0.1);
          try {
            yield* sleep(10);
          } catch {
            (currentTask() as Task<unknown>).uncancel();
          }
          // still running: the second Ctrl-C does not wait for the main task
          process.emit('SIGINT');
          expect(exit).toHaveBeenCalledWith(130);
          return 'after exit()';
        },
        { loopFactory: virtualLoopFactory() },
      );
      expect(result).toBe('after exit()'); // (exit() was a stub)
      expect(logged.mock.calls.some((args) => String(args[0]).includes('KeyboardInterrupt'))).toBe(true);
    } finally {
      exit.mockRestore();
      logged.mockRestore();
    }
  });

  it('exits on a Ctrl-C that comes once the main task is done', async () => {
    // cf. runners.py Runner._on_sigint ("if self._interrupt_count == 1 and not main_task.done()")
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const result = await run(
        function* () {
          yield* sleep(0);
          // runs right after the main task finished, before run() is done with it
          getRunningLoop().callSoon(() => {
            process.emit('SIGINT');
          });
          return 'done';
        },
        { loopFactory: virtualLoopFactory() },
      );
      expect(result).toBe('done');
      expect(exit).toHaveBeenCalledWith(130);
    } finally {
      exit.mockRestore();
      logged.mockRestore();
    }
  });

  it('listens to SIGINT only while run() runs', async () => {
    // cf. runners.py Runner.run (signal.signal(SIGINT, default_int_handler) in finally)
    let during = -1;
    await run(
      function* () {
        yield* sleep(0);
        during = process.listenerCount('SIGINT');
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(during).toBe(1);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it('leaves SIGINT alone when someone else listens to it', async () => {
    // cf. runners.py Runner.run (only when signal.getsignal(SIGINT) is default_int_handler)
    const own = vi.fn();
    process.on('SIGINT', own);
    const result = await run(
      function* () {
        interruptSoon(0.1);
        yield* sleep(1);
        return 'not cancelled';
      },
      { loopFactory: virtualLoopFactory() },
    );
    expect(result).toBe('not cancelled');
    expect(own).toHaveBeenCalledTimes(1);
    expect(process.listeners('SIGINT')).toEqual([own]);
  });

  it('rejects with CancelledError when the main task has no uncancel()', async () => {
    // cf. test_runners.py RunTests.test_asyncio_run_without_uncancel (gh-95097)
    const make = virtualLoopFactory();
    const loopFactory = (): EventLoop => {
      const loop = make();
      loop.setTaskFactory((l, coro, options) => {
        const task = new Task(coro, { ...options, loop: l });
        // a task-like object without cancelling()/uncancel()
        return {
          done: () => task.done(),
          result: () => task.result(),
          cancel: (msg?: unknown) => task.cancel(msg),
          cancelled: () => task.cancelled(),
          exception: () => task.exception(),
          addDoneCallback: (cb: (f: unknown) => void) => {
            task.addDoneCallback(() => {
              cb(task);
            });
          },
          getLoop: () => l,
        } as never;
      });
      return loop;
    };
    const error = await rejection(
      run(
        function* (): Coroutine<void> {
          interruptSoon(0.1);
          yield* new Future<void>({ loop: getRunningLoop() });
        },
        { loopFactory },
      ),
    );
    expect(error).toBeInstanceOf(CancelledError);
    expect(error).not.toBeInstanceOf(KeyboardInterrupt);
  });
});

// ---------------------------------------------------------------- real signals, in a subprocess

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string;
}

/**
 * Run test/programs/interrupt.mjs in `mode`; each time its stdout prints a line in `sendOn`, send
 * it SIGINT. Killed (and failed) after 15 s.
 */
function runProgram(mode: string, sendOn: readonly string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['test/programs/interrupt.mjs', mode], {
      cwd: PACKAGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: string[] = [];
    let stderr = '';
    let partial = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`program "${mode}" timed out; stdout: ${JSON.stringify(stdout)}, stderr: ${stderr}`));
    }, 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        if (sendOn.includes(line)) child.kill('SIGINT');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial !== '') stdout.push(partial);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

describe('Runner and Ctrl-C (real signals, subprocess)', () => {
  beforeAll(async () => {
    // the program imports the built package: build @tsyncio/futures (and @tsyncio/loop) first
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: PACKAGE_DIR }, (error, stdout, stderr) => {
        if (error) reject(new Error(`tsc -b failed:\n${stdout}${stderr}`));
        else resolve();
      });
    });
  }, 180_000);

  it('the first Ctrl-C cancels main, lets it clean up, and run() rejects with KeyboardInterrupt', async () => {
    // cf. test_runners.py RunnerTests.test_interrupt_wait, with a real SIGINT
    const { code, stdout } = await runProgram('clean', ['ready']);
    expect(stdout).toEqual(['ready', 'cleanup', 'KeyboardInterrupt']);
    expect(code).toBe(130);
  });

  it('a second Ctrl-C exits at once with code 130', async () => {
    // cf. runners.py Runner._on_sigint (second interrupt: KeyboardInterrupt immediately)
    const { code, stdout, stderr } = await runProgram('stubborn', ['ready', 'caught the cancellation']);
    expect(stdout).toEqual(['ready', 'caught the cancellation']);
    expect(stderr).toMatch(/KeyboardInterrupt/);
    expect(code).toBe(130);
  });

  it('leaves Ctrl-C to a program that listens to SIGINT itself', async () => {
    // cf. runners.py Runner.run (custom SIGINT handlers are respected)
    const { code, stdout } = await runProgram('foreign', ['ready']);
    expect(stdout).toEqual(['ready', 'own handler', 'main finished']);
    expect(code).toBe(0);
  });
});
