/**
 * `run`, `Runner` and `newEventLoop` for Node: the same as `@tsyncio/futures`' and
 * `@tsyncio/loop`'s, except that the loop they make is a `NodeEventLoop` — asyncio's
 * `asyncio.run()` / `asyncio.Runner` / `asyncio.new_event_loop()` give the platform's loop, with
 * the networking methods (`loop.sockRecv()`, `loop.createConnection()`, …). The `node` entry of
 * the umbrella exports these in place of the platform-neutral ones.
 *
 * @module
 */
import { Runner as BaseRunner, type MainCoroutine, type RunOptions } from '@tsyncio/futures';
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
  /** @internal the default loop is a NodeEventLoop */
  override _newDefaultLoop(): NodeEventLoop {
    return new NodeEventLoop();
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
export function run<T>(main: MainCoroutine<T>, options: RunOptions = {}): Promise<T> {
  return Runner._run(main, options);
}
