import { describe, expect, it } from 'vitest';
import { isCoroutine, type Coroutine } from '../src/index.js';

describe('isCoroutine', () => {
  it('is true for generator objects (coroutines) and false for everything else', () => {
    // cf. test_tasks.py BaseTaskTests.test_coroutine_non_gen_function / test_iscoroutinefunction
    function* coro(): Coroutine<number> {
      return 1;
    }
    async function asyncFn(): Promise<void> {}
    expect(isCoroutine(coro())).toBe(true);
    expect(isCoroutine(coro)).toBe(false);
    const promise = asyncFn();
    expect(isCoroutine(promise)).toBe(false);
    expect(isCoroutine([1, 2][Symbol.iterator]())).toBe(false);
    expect(isCoroutine({ next() {}, throw() {}, return() {} })).toBe(false);
    expect(isCoroutine([])).toBe(false);
    expect(isCoroutine(null)).toBe(false);
    expect(isCoroutine(undefined)).toBe(false);
    expect(isCoroutine('gen')).toBe(false);
  });
});
