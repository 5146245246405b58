import { describe, expect, it } from 'vitest';
import { setEventLoop, type EventLoop } from '@tsyncio/loop';
import {
  ensureFuture,
  Future,
  isCoroutine,
  sleep,
  Task,
  type Awaitable,
  type Coroutine,
} from '../src/index.js';
import { iterate, rejection, returns, runTask, thrown, virtualLoop } from './helpers.js';

function* notmuch(): Coroutine<string> {
  yield* sleep(0);
  return 'ok';
}

describe('ensureFuture', () => {
  it('wraps a coroutine in a Task on the loop given', async () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_coroutine
    const { loop } = virtualLoop();
    const t = ensureFuture(notmuch(), { loop });
    expect(t).toBeInstanceOf(Task);
    expect(t.getLoop()).toBe(loop);
    expect(await loop.runUntilComplete(t)).toBe('ok');
  });

  it('wraps a coroutine in a Task on the running loop inside a task', async () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_coroutine (use running loop)
    const { loop } = virtualLoop();
    setEventLoop(null);
    function* test(): Coroutine<[EventLoop, string]> {
      const t = ensureFuture(notmuch());
      return [t.getLoop(), yield* t];
    }
    expect(await runTask(loop, test())).toEqual([loop, 'ok']);
  });

  it('returns a Future as it is, unless it belongs to another loop than the one given', async () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_future / test_ensure_future_error_msg
    const { loop } = virtualLoop();
    const { loop: other } = virtualLoop();
    const fOrig = new Future<string>({ loop });
    fOrig.setResult('ko');
    expect(ensureFuture(fOrig)).toBe(fOrig);
    expect(ensureFuture(fOrig, { loop })).toBe(fOrig);
    const error = thrown(() => ensureFuture(fOrig, { loop: other }));
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe(
      'The future belongs to a different loop than the one specified as the loop argument',
    );
    await iterate(loop);
  });

  it('returns a Task as it is, unless it belongs to another loop than the one given', async () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_task
    const { loop } = virtualLoop();
    const { loop: other } = virtualLoop();
    const tOrig = new Task(notmuch(), { loop });
    expect(ensureFuture(tOrig)).toBe(tOrig);
    expect(() => ensureFuture(tOrig, { loop: other })).toThrow(RangeError);
    expect(await loop.runUntilComplete(ensureFuture(tOrig, { loop }))).toBe('ok');
  });

  it('returns a future of another installed copy as it is', () => {
    // DESIGN §6
    const foreign = { [Symbol.for('tsyncio.Future')]: true, getLoop: () => null };
    expect(ensureFuture(foreign as never)).toBe(foreign);
  });

  it('wraps any other awaitable in a Task that waits on it', async () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_awaitable / test_ensure_future_task_awaitable
    const { loop } = virtualLoop();
    const awaitable: Awaitable<string> = {
      [Symbol.iterator]: () => sleep(0, 'ok'),
    };
    const task = ensureFuture(awaitable, { loop });
    expect(task).toBeInstanceOf(Task);
    expect(await loop.runUntilComplete(task)).toBe('ok');
    expect(task instanceof Task && isCoroutine(task.getCoro())).toBe(true);
  });

  it('wraps a promise in a Future settled by it', async () => {
    // tsyncio: promises play the role of concurrent.futures (cf. test_futures.py test_wrap_future)
    const { loop } = virtualLoop();
    const resolved = ensureFuture(Promise.resolve(5), { loop });
    const rejected = ensureFuture(Promise.reject(new RangeError('no')), { loop });
    expect(resolved).toBeInstanceOf(Future);
    expect(await loop.runUntilComplete(resolved)).toBe(5);
    expect(await rejection(loop.runUntilComplete(rejected))).toBeInstanceOf(RangeError);
  });

  it('rejects anything else with a TypeError', () => {
    // cf. test_tasks.py BaseTaskTests.test_ensure_future_neither
    virtualLoop();
    for (const bad of ['ok', 42, null, undefined, {}, [1, 2], () => 1, new Set([1]), new Map(), new Uint8Array(2)]) {
      const error = thrown(() => ensureFuture(bad as never));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toMatch(/A Future, a coroutine, a promise or an awaitable is required/);
    }
  });

  it('a coroutine already finished is still wrapped; its task reports the outcome', async () => {
    const { loop } = virtualLoop();
    const task = ensureFuture(returns(3), { loop });
    expect(await loop.runUntilComplete(task)).toBe(3);
  });
});
