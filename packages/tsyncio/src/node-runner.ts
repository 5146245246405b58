/**
 * `run`, `Runner` and `newEventLoop` for Node: the same as `@tsyncio/futures`' and
 * `@tsyncio/loop`'s, except that the loop they make is a `NodeEventLoop` — asyncio's
 * `asyncio.run()` / `asyncio.Runner` / `asyncio.new_event_loop()` give the platform's loop, with
 * the networking methods (`loop.sockRecv()`, `loop.createConnection()`, …). The `node` entry of
 * the umbrella exports these in place of the platform-neutral ones.
 *
 * @module
 */
import { _getRunningLoop, RuntimeError, setEventLoop } from '@tsyncio/loop';
import {
  isCoroutine,
  Runner as BaseRunner,
  type MainCoroutine,
  type RunnerOptions,
  type RunOptions,
} from '@tsyncio/futures';
import { NodeEventLoop } from '@tsyncio/net';

export { newEventLoop } from '@tsyncio/net';

/**
 * `@tsyncio/futures`' {@link BaseRunner | Runner}, whose default loop is a `NodeEventLoop`
 * (made the current loop with `setEventLoop()` until the runner closes, as the default loop is
 * there). A `loopFactory` option is used as it is.
 *
 * Same as asyncio's `asyncio.Runner` on Node.
 *
 * @example
 * ```ts
 * await using runner = new Runner();
 * const loop = runner.getLoop(); // a NodeEventLoop
 * await runner.run(function* () {
 *   const infos = yield* loop.getaddrinfo('localhost', 80);
 *   console.log(infos);
 * });
 * ```
 */
export class Runner extends BaseRunner {
  /** @throws TypeError when `loopFactory` is given and is not a function. */
  constructor(options: RunnerOptions = {}) {
    const self: { runner: Runner | null } = { runner: null };
    super(
      options.loopFactory !== undefined
        ? options
        : {
            ...options,
            loopFactory: () => {
              const loop = new NodeEventLoop();
              // as for the default loop of @tsyncio/futures' Runner: current until close()
              setEventLoop(loop);
              if (self.runner !== null) self.runner._setEventLoop = true;
              return loop;
            },
          },
    );
    self.runner = this;
  }
}

/**
 * Run `main` on a new `NodeEventLoop` and return its result: `@tsyncio/futures`' `run()` with a
 * Node loop by default (`options.loopFactory` still wins). See {@link Runner}.
 *
 * Same as asyncio's `asyncio.run(main, debug=, loop_factory=)` on Node.
 *
 * @throws (rejects with) RuntimeError when called from a running loop; TypeError when `main` is
 * not a coroutine (or a function returning one); otherwise whatever `main` throws.
 *
 * @example
 * ```ts
 * await run(function* () {
 *   const loop = getRunningLoop() as NodeEventLoop;
 *   const sock = socket();
 *   yield* loop.sockConnect(sock, ['127.0.0.1', 8080]);
 * });
 * ```
 */
export async function run<T>(main: MainCoroutine<T>, options: RunOptions = {}): Promise<T> {
  if (_getRunningLoop() !== null) {
    if (isCoroutine(main)) main.return(undefined as never);
    throw new RuntimeError('run() cannot be called from a running event loop');
  }
  const runner = new Runner(options);
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
  }
}
