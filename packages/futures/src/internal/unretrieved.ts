/**
 * "Future exception was never retrieved": a future that failed and was garbage-collected before
 * anyone looked at its exception is reported to its loop's exception handler, as asyncio's
 * `Future.__del__` does. JavaScript has no destructors, so a `FinalizationRegistry` watches every
 * failed future until its exception is retrieved (`result()`, `exception()`, `yield*`, `await`,
 * `cancel()`). Only failed futures are registered, so the success path costs nothing.
 */
import type { EventLoop, ExceptionContext } from '@tsyncio/loop';

interface Unretrieved {
  readonly loop: EventLoop;
  readonly exception: unknown;
  readonly message: string;
  readonly description: string;
  readonly sourceTraceback: string | null;
}

interface Watched {
  readonly _loop: EventLoop;
  readonly _sourceTraceback: string | null;
  toString(): string;
}

let registry: FinalizationRegistry<Unretrieved> | null | undefined;

function report(held: Unretrieved): void {
  const context: ExceptionContext = {
    message: held.message,
    exception: held.exception,
    future: held.description,
  };
  if (held.sourceTraceback !== null) context.sourceTraceback = held.sourceTraceback;
  held.loop.callExceptionHandler(context);
}

function getRegistry(): FinalizationRegistry<Unretrieved> | null {
  if (registry === undefined) {
    registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry(report) : null;
  }
  return registry;
}

/** Watch `future`, which just failed with `exception`, until it is retrieved or collected. */
export function reportUnretrieved(future: Watched, exception: unknown): void {
  const watcher = getRegistry();
  if (watcher === null) return;
  const kind = (future as { constructor: { name: string } }).constructor.name;
  watcher.register(
    future,
    {
      loop: future._loop,
      exception,
      message: `${kind} exception was never retrieved`,
      description: String(future),
      sourceTraceback: future._sourceTraceback,
    },
    future,
  );
}

/** Stop watching `future`: its exception was retrieved. */
export function retrieved(future: object): void {
  registry?.unregister(future);
}
