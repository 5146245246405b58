import { CancelledError, type Coroutine } from '@tsyncio/futures';
import { getRunningLoop } from '@tsyncio/loop';
import { describe, expect, it } from 'vitest';
import { Event } from '../src/index.js';
import { raises, runLoop, spawn, tick } from './helpers.js';

describe('Event', () => {
  // cf. test_locks.py EventTests.test_repr
  it('toString() shows whether it is set and how many tasks wait', async () => {
    await runLoop(function* () {
      const ev = new Event();
      expect(String(ev)).toBe('<Event [unset]>');
      ev.set();
      expect(String(ev)).toBe('<Event [set]>');
      ev.clear();
      const t = spawn(ev.wait());
      yield* tick();
      expect(String(ev)).toBe('<Event [unset, waiters:1]>');
      ev.set();
      yield* t;
    });
  });

  // cf. test_locks.py EventTests.test_wait
  it('set() wakes every waiting task, and wait() returns true at once once set', async () => {
    await runLoop(function* () {
      const ev = new Event();
      expect(ev.isSet()).toBe(false);
      const result: number[] = [];
      function* c(n: number): Coroutine<void> {
        if (yield* ev.wait()) result.push(n);
      }
      const t1 = spawn(c(1));
      const t2 = spawn(c(2));
      yield* tick();
      expect(result).toEqual([]);
      const t3 = spawn(c(3));
      ev.set();
      yield* tick();
      expect(result).toEqual([3, 1, 2]);
      for (const t of [t1, t2, t3]) {
        expect(t.done()).toBe(true);
        expect(t.result()).toBeUndefined();
      }
    });
  });

  // cf. test_locks.py EventTests.test_wait_on_set
  it('wait() on a set event returns true without waiting', async () => {
    await runLoop(function* () {
      const ev = new Event();
      ev.set();
      const before = getRunningLoop().time();
      expect(yield* ev.wait()).toBe(true);
      expect(getRunningLoop().time()).toBe(before);
    });
  });

  // cf. test_locks.py EventTests.test_wait_cancel
  it('a cancelled wait() leaves the waiter list', async () => {
    await runLoop(function* () {
      const ev = new Event();
      const wait = spawn(ev.wait());
      getRunningLoop().callSoon(() => wait.cancel());
      expect(yield* raises(wait)).toBeInstanceOf(CancelledError);
      expect(ev._waiters.length).toBe(0);
    });
  });

  // cf. test_locks.py EventTests.test_clear
  it('clear() unsets the flag', () => {
    const ev = new Event();
    expect(ev.isSet()).toBe(false);
    ev.set();
    expect(ev.isSet()).toBe(true);
    ev.clear();
    expect(ev.isSet()).toBe(false);
  });

  // cf. test_locks.py EventTests.test_clear_with_waiters
  it('set() then clear() in the same iteration still wakes the waiting tasks', async () => {
    await runLoop(function* () {
      const ev = new Event();
      const result: number[] = [];
      const t = spawn(
        (function* (): Coroutine<boolean> {
          if (yield* ev.wait()) result.push(1);
          return true;
        })(),
      );
      yield* tick();
      expect(result).toEqual([]);
      ev.set();
      ev.clear();
      expect(ev.isSet()).toBe(false);
      ev.set();
      ev.set();
      expect(ev._waiters.length).toBe(1);
      yield* tick();
      expect(result).toEqual([1]);
      expect(ev._waiters.length).toBe(0);
      expect(t.result()).toBe(true);
    });
  });

  it('a waiter cancelled after set() woke it still raises CancelledError and nothing is left behind', async () => {
    await runLoop(function* () {
      const ev = new Event();
      const a = spawn(ev.wait());
      const b = spawn(ev.wait());
      yield* tick();
      ev.set();
      a.cancel();
      expect(yield* raises(a)).toBeInstanceOf(CancelledError);
      expect(yield* b).toBe(true);
      expect(ev._waiters.length).toBe(0);
    });
  });
});
