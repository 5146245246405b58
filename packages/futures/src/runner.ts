/**
 * `run` and `Runner`: the entry point of a tsyncio program — create a loop, run the main
 * coroutine to completion, cancel what is left, close the loop.
 *
 * ## Ctrl-C (Node only)
 *
 * While `run()` runs the main task, the first SIGINT cancels it (asyncio's `Runner._on_sigint`);
 * when the main task then ends with that cancellation — `uncancel()` brings its count back to 0 —
 * `run()` rejects with {@link KeyboardInterrupt} instead of CancelledError. The main task's
 * `finally` blocks and TaskGroups get to clean up first. A second SIGINT exits the process at
 * once with code 130, as a second Ctrl-C raises KeyboardInterrupt immediately in Python.
 *
 * This applies only where `globalThis.process.on` exists (Node, and runtimes that emulate it) and
 * only when nobody else listens to SIGINT (asyncio: only when the default handler is installed);
 * the listener is removed when `run()` returns. In browsers there is nothing to do.
 *
 * @module
 */
import {
  _getRunningLoop,
  brandedHasInstance,
  copyContext,
  describe,
  getLogger,
  KEYBOARD_INTERRUPT_BRAND,
  newEventLoop,
  RuntimeError,
  setEventLoop,
  type Context,
  type EventLoop,
} from '@tsyncio/loop';
import { isCoroutine, type Coroutine } from './coroutine.js';
import { allTasks } from './current-task.js';
import { CancelledError } from './errors.js';
import { Future, isFuture } from './future.js';
import { createTask, type Task } from './task.js';

/** Options for {@link Runner} and {@link run}. */
export interface RunnerOptions {
  /** Set the loop's debug mode (default: leave it as the loop has it). */
  debug?: boolean;
  /**
   * Create the loop (default: `newEventLoop()`, which the runner also makes the current loop with
   * `setEventLoop()` until it closes). A loop from a factory is not made the current loop.
   */
  loopFactory?: () => EventLoop;
}

/** Options for {@link run}. */
export type RunOptions = RunnerOptions;

/** Options for {@link Runner.run}. */
export interface RunnerRunOptions {
  /** The Context the main task runs in (default: the runner's own, shared by all its runs). */
  context?: Context;
}

/** What `run()` accepts: a coroutine, or a function that returns one (called in the run's Context). */
export type MainCoroutine<T> = Coroutine<T> | (() => Coroutine<T>);


/**
 * What {@link run} and {@link Runner.run} reject with when Ctrl-C (SIGINT) interrupted the program:
 * the first Ctrl-C cancelled the main task, and it ended with that cancellation. The
 * CancelledError is its `cause`.
 *
 * Same role as Python's `KeyboardInterrupt` out of `asyncio.run()`. Differs from Python: it is an
 * ordinary Error that `run()` rejects with — never thrown into coroutines — and an uncaught one
 * makes Node exit with code 1, not 130; set `process.exitCode = 130` yourself if you want the
 * shell to see an interrupted program.
 *
 * @example
 * ```ts
 * try {
 *   await run(main);
 * } catch (e) {
 *   if (!(e instanceof KeyboardInterrupt)) throw e;
 *   console.error('interrupted');
 *   process.exitCode = 130;
 * }
 * ```
 */
export class KeyboardInterrupt extends Error {
  override name = 'KeyboardInterrupt';

  /** @internal brand for cross-copy `instanceof` */
  get [KEYBOARD_INTERRUPT_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, KeyboardInterrupt, KEYBOARD_INTERRUPT_BRAND, value);
  }
}

/** The part of Node's `process` the runner uses, reached through `globalThis` (no `node:` import). */
interface SignalProcess {
  on(event: 'SIGINT', listener: () => void): unknown;
  removeListener(event: 'SIGINT', listener: () => void): unknown;
  listenerCount(event: 'SIGINT'): number;
  exit(code?: number): never;
}

function signalProcess(): SignalProcess | null {
  const proc = (globalThis as { process?: Partial<SignalProcess> }).process;
  if (
    typeof proc !== 'object' ||
    proc === null ||
    typeof proc.on !== 'function' ||
    typeof proc.removeListener !== 'function' ||
    typeof proc.listenerCount !== 'function' ||
    typeof proc.exit !== 'function'
  ) {
    return null;
  }
  return proc as SignalProcess;
}

const CREATED = 0;
const INITIALIZED = 1;
const CLOSED = 2;

/** The exit code of a process ended by SIGINT (128 + 2), what a shell reports after Ctrl-C. */
const SIGINT_EXIT_CODE = 130;

/**
 * Runs coroutines on a loop of its own, one `run()` after another, in one shared Context (so
 * context variables set by one run are seen by the next), and closes the loop at the end. The
 * loop is created on first use. `await using runner = new Runner()` closes it automatically.
 *
 * Same as asyncio's `asyncio.Runner` (3.13): `run(coro, { context })`, `close()`, `getLoop()`,
 * Ctrl-C handling (see the module notes), "Runner is closed" after `close()`.
 *
 * Differs from asyncio: `run()` and `close()` return promises (the loop runs on the host instead
 * of blocking the thread); `run()` also accepts a function returning the coroutine; a value that
 * is neither is a TypeError (as in 3.14; 3.13 raises ValueError); the Ctrl-C rules above; there
 * are no async generators or executor to shut down.
 *
 * @example
 * ```ts
 * await using runner = new Runner({ debug: true });
 * const config = await runner.run(loadConfig());
 * await runner.run(serve(config));
 * ```
 */
export class Runner {
  /** @internal */
  _state = CREATED;
  /** @internal */
  readonly _debug: boolean | undefined;
  /** @internal */
  readonly _loopFactory: (() => EventLoop) | undefined;
  /** @internal */
  _loop: EventLoop | null = null;
  /** @internal the Context shared by every run */
  _context: Context | null = null;
  /** @internal SIGINTs received during the current run */
  _interruptCount = 0;
  /** @internal the runner called setEventLoop() and must undo it */
  _setEventLoop = false;
  /** @internal a run() is in progress */
  _running = false;
  /** @internal the close() in progress or done */
  _closing: Promise<void> | null = null;

  /** @throws TypeError when `loopFactory` is given and is not a function. */
  constructor(options: RunnerOptions = {}) {
    const { debug, loopFactory } = options;
    if (loopFactory !== undefined && typeof loopFactory !== 'function') {
      throw new TypeError(`Runner() loopFactory must be a function returning an EventLoop, got ${describe(loopFactory)}`);
    }
    this._debug = debug;
    this._loopFactory = loopFactory;
  }

  /**
   * Run `main` on the runner's loop until it finishes, and return its result. `main` runs as a
   * Task (created through the loop's task factory) in `options.context`, else the runner's own
   * Context. On Node, Ctrl-C cancels it (see the module notes).
   *
   * @returns a promise of `main`'s result; it rejects with `main`'s error, CancelledError if the
   * main task was cancelled, or {@link KeyboardInterrupt} after Ctrl-C.
   * @throws (rejects with) TypeError when `main` is neither a coroutine nor a function returning
   * one, or when it returns a Future or Task (a promise cannot resolve to a thenable; return its
   * result); RuntimeError when called from a running loop ("Runner.run() cannot be called from a
   * running event loop"), while another `run()` of this runner is in progress, or after `close()`
   * ("Runner is closed").
   */
  async run<T>(main: MainCoroutine<T>, options: RunnerRunOptions = {}): Promise<T> {
    if (!isCoroutine(main) && typeof main !== 'function') {
      throw new TypeError(`a coroutine was expected, got ${describe(main)}`);
    }
    if (_getRunningLoop() !== null) {
      closeUnstarted(main);
      throw new RuntimeError('Runner.run() cannot be called from a running event loop');
    }
    if (this._running) {
      closeUnstarted(main);
      throw new RuntimeError('Runner.run() cannot be called while another run() of the same runner is in progress');
    }
    try {
      this._lazyInit();
    } catch (error) {
      closeUnstarted(main);
      throw error;
    }
    const loop = this._loop as EventLoop;
    const context = options.context ?? (this._context as Context);
    const coro = isCoroutine(main) ? main : context.run(main);
    if (!isCoroutine(coro)) {
      throw new TypeError(`run() main must return a coroutine (call a generator function), got ${describe(coro)}`);
    }
    const task = createTask(coro, { loop, context });

    const proc = signalProcess();
    let onSigint: (() => void) | null = null;
    if (proc !== null && proc.listenerCount('SIGINT') === 0) {
      onSigint = (): void => {
        this._onSigint(task, proc);
      };
      proc.on('SIGINT', onSigint);
    }

    this._interruptCount = 0;
    this._running = true;
    try {
      // wait for a plain "done" future, then read the result: the promise of runUntilComplete(task)
      // itself would adopt a thenable result and wait forever
      await loop.runUntilComplete(whenAllDone(loop, new Set([task])));
      const result = task.result();
      if (isFuture(result)) {
        // a promise adopts a thenable: it would wait for a callback of this (stopped) loop forever
        throw new TypeError(
          `run() main returned ${String(result)}, which a promise cannot resolve to (Futures are thenables): return its result instead`,
        );
      }
      return result;
    } catch (error) {
      if (error instanceof CancelledError && this._interruptCount > 0) {
        const uncancel = (task as Partial<Task<T>>).uncancel;
        if (typeof uncancel === 'function' && uncancel.call(task) === 0) {
          throw new KeyboardInterrupt('the program was interrupted (SIGINT)', { cause: error });
        }
      }
      throw error;
    } finally {
      this._running = false;
      if (onSigint !== null) proc?.removeListener('SIGINT', onSigint);
    }
  }

  /**
   * Close the runner: cancel every task still pending on its loop, wait for them all to finish
   * (errors do not stop the wait), report each error they ended with to the loop's exception
   * handler ("unhandled exception during run() shutdown"), undo the runner's `setEventLoop()`,
   * and close the loop. Idempotent: later calls return the same promise.
   *
   * @throws (rejects with) RuntimeError when called from a running loop, or while `run()` is in
   * progress.
   */
  close(): Promise<void> {
    if (this._closing !== null) return this._closing;
    if (this._state !== INITIALIZED) return Promise.resolve();
    if (_getRunningLoop() !== null) {
      return Promise.reject(new RuntimeError('Runner.close() cannot be called from a running event loop'));
    }
    if (this._running) {
      return Promise.reject(new RuntimeError('Runner.close() cannot be called while run() is in progress'));
    }
    const loop = this._loop as EventLoop;
    this._state = CLOSED;
    this._closing = (async (): Promise<void> => {
      try {
        await cancelAllTasks(loop);
      } finally {
        if (this._setEventLoop) setEventLoop(null);
        loop.close();
        this._loop = null;
      }
    })();
    return this._closing;
  }

  /**
   * The runner's loop (created on first use).
   *
   * @throws RuntimeError("Runner is closed") after `close()`.
   */
  getLoop(): EventLoop {
    this._lazyInit();
    return this._loop as EventLoop;
  }

  /** `await using runner = new Runner()`: {@link close} at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * @internal The loop made when no `loopFactory` is given (also made the current loop until
   * `close()`). A platform's Runner overrides it (the Node entry's makes a NodeEventLoop).
   */
  _newDefaultLoop(): EventLoop {
    return newEventLoop();
  }

  /**
   * @internal `run()` for this Runner class: a platform's Runner subclass inherits it, so its
   * `run()` is `SubRunner._run(main, options)`.
   */
  static async _run<T>(this: new (options: RunnerOptions) => Runner, main: MainCoroutine<T>, options: RunOptions = {}): Promise<T> {
    if (_getRunningLoop() !== null) {
      closeUnstarted(main);
      throw new RuntimeError('run() cannot be called from a running event loop');
    }
    const runner = new this(options);
    try {
      return await runner.run(main);
    } finally {
      await runner.close();
    }
  }

  /** @internal create the loop and the Context on first use */
  _lazyInit(): void {
    if (this._state === CLOSED) throw new RuntimeError('Runner is closed');
    if (this._state === INITIALIZED) return;
    let loop: EventLoop;
    if (this._loopFactory === undefined) {
      loop = this._newDefaultLoop();
      if (!this._setEventLoop) {
        setEventLoop(loop);
        this._setEventLoop = true;
      }
    } else {
      loop = this._loopFactory();
    }
    if (this._debug !== undefined) loop.setDebug(this._debug);
    this._loop = loop;
    this._context = copyContext();
    this._state = INITIALIZED;
  }

  /** @internal asyncio's `_on_sigint`: first Ctrl-C cancels the main task, the second exits */
  _onSigint(task: Task<unknown>, proc: SignalProcess): void {
    this._interruptCount++;
    if (this._interruptCount === 1 && !task.done()) {
      task.cancel();
      return;
    }
    getLogger().error('KeyboardInterrupt: interrupted again (SIGINT) while the main task was cancelled; exiting');
    proc.exit(SIGINT_EXIT_CODE);
  }
}

/** Close a coroutine `run()` refuses, so it never runs. */
function closeUnstarted(main: unknown): void {
  if (isCoroutine(main)) main.return(undefined);
}

/** Cancel the loop's pending tasks, wait for all of them, and report their errors. */
async function cancelAllTasks(loop: EventLoop): Promise<void> {
  const tasks = allTasks(loop);
  if (tasks.size === 0) return;
  for (const task of tasks) task.cancel();
  await loop.runUntilComplete(whenAllDone(loop, tasks));
  for (const task of tasks) {
    if (task.cancelled()) continue;
    const exception = task.exception();
    if (exception !== null) {
      loop.callExceptionHandler({ message: 'unhandled exception during run() shutdown', exception, task });
    }
  }
}

/** A future done when every task is (asyncio's `gather(..., return_exceptions=True)`, unpacked). */
function whenAllDone(loop: EventLoop, tasks: ReadonlySet<Future<unknown>>): Future<void> {
  const all = new Future<void>({ loop });
  let remaining = tasks.size;
  const onDone = (): void => {
    remaining--;
    if (remaining === 0 && !all.done()) all.setResult(undefined);
  };
  for (const task of tasks) task.addDoneCallback(onDone);
  return all;
}

/**
 * Run `main` on a new loop and return its result: create a {@link Runner}, `run(main)`, then
 * `close()` it — which cancels the tasks left behind, waits for them, reports their errors, and
 * closes the loop. The entry point of a tsyncio program; on Node, Ctrl-C cancels `main` and
 * `run()` rejects with {@link KeyboardInterrupt}.
 *
 * Same as asyncio's `asyncio.run(main, debug=, loop_factory=)`. Differs from asyncio: returns a
 * promise; `main` may also be a function returning the coroutine; see {@link Runner}.
 *
 * @throws (rejects with) RuntimeError when called from a running loop ("run() cannot be called
 * from a running event loop"); TypeError when `main` is not a coroutine (or a function returning
 * one); otherwise whatever `main` throws.
 *
 * @example
 * ```ts
 * function* main(): Coroutine<string> {
 *   yield* sleep(1);
 *   return 'done';
 * }
 * console.log(await run(main)); // "done", a second later
 * ```
 */
export function run<T>(main: MainCoroutine<T>, options: RunOptions = {}): Promise<T> {
  return Runner._run(main, options);
}
