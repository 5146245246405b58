import { describe, expect, it } from 'vitest';
import {
  asyncWith,
  CancelledError,
  createTask,
  sleep,
  type AsyncContextManager,
  type Coroutine,
} from '../src/index.js';
import { iterate, rejection, runTask, thrown, virtualLoop } from './helpers.js';

/** A context manager that records what happens to it; aexit() returns `swallow`. */
class Recorder implements AsyncContextManager<string> {
  readonly log: unknown[] = [];
  constructor(
    private readonly _swallow?: boolean,
    private readonly _exitDelay = 0,
  ) {}

  *aenter(): Coroutine<string> {
    this.log.push('enter');
    yield* sleep(0);
    return 'value';
  }

  *aexit(error: unknown): Coroutine<boolean | undefined> {
    this.log.push(['exit', error]);
    if (this._exitDelay > 0) yield* sleep(this._exitDelay);
    this.log.push('exited');
    return this._swallow;
  }
}

describe('asyncWith', () => {
  it('enters, runs the body with the value, exits with undefined and returns the body result', async () => {
    // cf. PEP 492 async with: __aenter__, body, __aexit__(None, None, None)
    const { loop } = virtualLoop();
    const cm = new Recorder();
    function* main(): Coroutine<string> {
      return yield* asyncWith(cm, function* (value) {
        cm.log.push(['body', value]);
        yield* sleep(1);
        return `result of ${value}`;
      });
    }
    expect(await runTask(loop, main())).toBe('result of value');
    expect(cm.log).toEqual(['enter', ['body', 'value'], ['exit', undefined], 'exited']);
  });

  it('aexit() sees the body error, which propagates unless aexit() returns true', async () => {
    // cf. PEP 492 async with: __aexit__(*sys.exc_info())
    const { loop } = virtualLoop();
    const boom = new RangeError('boom');
    for (const swallow of [undefined, false]) {
      const cm = new Recorder(swallow);
      function* main(): Coroutine<unknown> {
        return yield* asyncWith(cm, function* () {
          yield;
          throw boom;
        });
      }
      expect(await rejection(runTask(loop, main()))).toBe(boom);
      expect(cm.log).toEqual(['enter', ['exit', boom], 'exited']);
    }
  });

  it('aexit() returning true swallows the body error; asyncWith() then returns undefined', async () => {
    const { loop } = virtualLoop();
    const cm = new Recorder(true);
    const boom = new RangeError('boom');
    function* main(): Coroutine<unknown> {
      const result = yield* asyncWith(cm, function* () {
        yield;
        throw boom;
      });
      return ['went on', result];
    }
    expect(await runTask(loop, main())).toEqual(['went on', undefined]);
    expect(cm.log).toEqual(['enter', ['exit', boom], 'exited']);
  });

  it('aexit() runs, and may yield*, when the task is cancelled in the body', async () => {
    const { loop } = virtualLoop();
    const cm = new Recorder(undefined, 2);
    function* main(): Coroutine<void> {
      yield* asyncWith(cm, function* () {
        yield* sleep(10);
      });
    }
    const task = createTask(main(), { loop });
    loop.callLater(1, () => task.cancel('stop'));
    const error = await rejection(loop.runUntilComplete(task));
    expect(error).toBeInstanceOf(CancelledError);
    expect(cm.log[1]).toEqual(['exit', error]);
    expect(cm.log[2]).toBe('exited');
    expect(loop.time()).toBe(3);
    expect(task.cancelled()).toBe(true);
  });

  it('an error from aenter() skips the body and aexit()', async () => {
    const { loop } = virtualLoop();
    const boom = new Error('cannot enter');
    const log: string[] = [];
    const cm: AsyncContextManager<void> = {
      *aenter() {
        yield;
        throw boom;
      },
      *aexit() {
        log.push('exit');
      },
    };
    function* main(): Coroutine<void> {
      yield* asyncWith(cm, function* () {
        log.push('body');
      });
    }
    expect(await rejection(runTask(loop, main()))).toBe(boom);
    expect(log).toEqual([]);
  });

  it('an error from aexit() replaces the body error', async () => {
    const { loop } = virtualLoop();
    const fromExit = new Error('exit failed');
    const cm: AsyncContextManager<void> = {
      *aenter() {},
      *aexit() {
        yield;
        throw fromExit;
      },
    };
    function* main(): Coroutine<void> {
      yield* asyncWith(cm, function* () {
        throw new Error('body failed');
      });
    }
    expect(await rejection(runTask(loop, main()))).toBe(fromExit);
  });

  it('rejects an object that is not an asynchronous context manager with a TypeError', async () => {
    const { loop } = virtualLoop();
    const gen = asyncWith({} as never, function* () {});
    const error = thrown(() => gen.next());
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/aenter\(\) and aexit\(\)/);
    await iterate(loop);
  });
});
