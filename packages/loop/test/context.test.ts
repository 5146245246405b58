import { describe, expect, it } from 'vitest';
import { Context, ContextVar, copyContext, LookupError, RuntimeError, Token } from '../src/index.js';
import { virtualLoop } from './helpers.js';

/** Run `fn` in a fresh empty Context, so nothing it sets reaches other tests (test_context.py's isolated_context). */
function isolated<R>(fn: () => R): R {
  return new Context().run(fn);
}

describe('ContextVar', () => {
  it('requires a string name and keeps it', () => {
    // cf. test_context.py ContextTest.test_context_var_new_1
    expect(() => new ContextVar(1 as never)).toThrow(TypeError);
    expect(() => new ContextVar(1 as never)).toThrow('ContextVar name must be a string, got number');
    expect(new ContextVar('aaa').name).toBe('aaa');
  });

  it('toString() shows the name and the default; a token shows its variable and whether it was used', () => {
    // cf. test_context.py ContextTest.test_context_var_repr_1
    isolated(() => {
      expect(String(new ContextVar('a'))).toBe('<ContextVar name="a">');
      const c = new ContextVar('a', { default: 123 });
      expect(String(c)).toBe('<ContextVar name="a" default=123>');
      const token = c.set(1);
      expect(String(token)).toContain(String(c));
      expect(String(token)).not.toContain('used');
      c.reset(token);
      expect(String(token)).toBe(`<Token used var=${String(c)}>`);
    });
  });

  it('get() with no value, no argument and no default raises LookupError', () => {
    // cf. test_context.py ContextTest.test_context_getset_1
    isolated(() => {
      const c = new ContextVar<number>('c');
      expect(() => c.get()).toThrow(LookupError);
      expect(() => c.get()).toThrow('<ContextVar name="c">');
      try {
        c.get();
      } catch (e) {
        expect((e as Error).name).toBe('LookupError');
      }
    });
  });

  it('get() falls back to its argument first, then to the variable’s default', () => {
    // cf. test_context.py ContextTest.test_context_run_6
    isolated(() => {
      const plain = new ContextVar<number>('plain');
      expect(plain.get(5)).toBe(5);
      expect(plain.get(undefined)).toBeUndefined();
      const withDefault = new ContextVar<number>('d', { default: 42 });
      expect(withDefault.get()).toBe(42);
      expect(withDefault.get(7)).toBe(7);
      withDefault.set(1);
      expect(withDefault.get()).toBe(1);
      expect(withDefault.get(7)).toBe(1);
    });
  });

  it('an explicit default of undefined counts as a default (no LookupError)', () => {
    // cf. test_context.py ContextTest.test_context_run_6
    isolated(() => {
      const c = new ContextVar<number | undefined>('c', { default: undefined });
      expect(c.get()).toBeUndefined();
    });
  });

  it('set() returns a token with the variable and the old value; reset() restores it once', () => {
    // cf. test_context.py ContextTest.test_context_getset_1
    isolated(() => {
      const c = new ContextVar<number | string>('c');
      const t0 = c.set(42);
      expect(c.get()).toBe(42);
      expect(t0.oldValue).toBe(Token.MISSING);
      expect(Token.MISSING).toBe(Symbol.for('tsyncio.Token.MISSING'));
      expect(t0.var).toBe(c);

      const t = c.set('spam');
      expect(c.get()).toBe('spam');
      expect(t.oldValue).toBe(42);
      c.reset(t);
      expect(c.get()).toBe(42);

      c.set('spam2');
      expect(() => c.reset(t)).toThrow(RuntimeError);
      expect(() => c.reset(t)).toThrow('has already been used once');
      expect(c.get()).toBe('spam2');

      const snapshot = copyContext();
      c.reset(t0);
      expect(() => c.reset(t0)).toThrow('has already been used once');
      expect(c.get(null)).toBeNull();
      expect(snapshot.get(c)).toBe('spam2');
    });
  });

  it('reset() with a token of another variable raises RangeError', () => {
    // cf. test_context.py ContextTest.test_context_getset_2
    isolated(() => {
      const v1 = new ContextVar<number>('v1');
      const v2 = new ContextVar<number>('v2');
      const t1 = v1.set(42);
      expect(() => v2.reset(t1)).toThrow(RangeError);
      expect(() => v2.reset(t1)).toThrow('was created by a different ContextVar');
      expect(v1.get()).toBe(42);
    });
  });

  it('reset() with a token made in another Context raises RangeError', () => {
    // cf. test_context.py ContextTest.test_context_getset_4
    isolated(() => {
      const c = new ContextVar<number>('c', { default: 42 });
      const ctx = new Context();
      const token = ctx.run(() => c.set(1));
      expect(() => c.reset(token)).toThrow(RangeError);
      expect(() => c.reset(token)).toThrow('was created in a different Context');
      expect(ctx.get(c)).toBe(1);
    });
  });

  it('a token is disposable: leaving a `using` block resets the variable', () => {
    // cf. test_context.py ContextTest.test_token_contextmanager_with_default (3.14: `with var.set(x):`)
    isolated(() => {
      const c = new ContextVar<number>('c', { default: 0 });
      {
        using _token = c.set(1);
        expect(c.get()).toBe(1);
      }
      expect(c.get()).toBe(0);
      const token = c.set(2);
      token[Symbol.dispose]();
      expect(c.get()).toBe(0);
      expect(() => {
        token[Symbol.dispose]();
      }).toThrow('has already been used once');
    });
  });
});

describe('Context', () => {
  it('copyContext() returns a Context', () => {
    // cf. test_context.py ContextTest.test_context_get_context_1
    expect(copyContext()).toBeInstanceOf(Context);
  });

  it('run() calls the function with its arguments and returns its result', () => {
    // cf. test_context.py ContextTest.test_context_run_2
    const ctx = new Context();
    const fn = (...args: unknown[]): unknown[] => [...args, 'bar'];
    expect(ctx.run(fn)).toEqual(['bar']);
    expect(ctx.run(fn, 1)).toEqual([1, 'bar']);
    expect(ctx.run(fn, 11, { a: 2 })).toEqual([11, { a: 2 }, 'bar']);
  });

  it('run() lets the function’s error through', () => {
    // cf. test_context.py ContextTest.test_context_run_3
    const ctx = new Context();
    const error = new RangeError('zero');
    expect(() =>
      ctx.run(() => {
        throw error;
      }),
    ).toThrow(error);
    expect(ctx._entered).toBe(false);
  });

  it('values set inside run() stay in that context, and contexts do not see each other', () => {
    // cf. test_context.py ContextTest.test_context_run_4
    isolated(() => {
      const ctx1 = new Context();
      const ctx2 = new Context();
      const v = new ContextVar<string>('var');
      const returned = ctx1.run(() => {
        expect(v.get(null)).toBeNull();
        v.set('spam');
        ctx2.run(() => {
          expect(v.get(null)).toBeNull();
        });
        expect(v.get(null)).toBe('spam');
        const current = copyContext();
        expect(current.size).toBe(1);
        expect(current.get(v)).toBe('spam');
        return current;
      });
      expect(returned.get(v)).toBe('spam');
      expect(returned.has(v)).toBe(true);
      expect(ctx1.get(v)).toBe('spam');
      expect(ctx2.has(v)).toBe(false);
      expect(v.get(null)).toBeNull();
    });
  });

  it('a value set inside run() before an error does not leak out', () => {
    // cf. test_context.py ContextTest.test_context_run_5
    isolated(() => {
      const ctx = new Context();
      const v = new ContextVar<string>('var');
      expect(() =>
        ctx.run(() => {
          v.set('spam');
          throw new Error('zero');
        }),
      ).toThrow('zero');
      expect(v.get(null)).toBeNull();
      expect(ctx.get(v)).toBe('spam');
    });
  });

  it('get() and has() read a context from outside; set() inside run() shows in get()', () => {
    // cf. test_context.py ContextTest.test_context_run_6
    const ctx = new Context();
    const c = new ContextVar<number>('a', { default: 0 });
    ctx.run(() => {
      expect(c.get()).toBe(0);
      expect(ctx.get(c)).toBeUndefined();
      c.set(42);
      expect(c.get()).toBe(42);
      expect(ctx.get(c)).toBe(42);
    });
  });

  it('run() on a context that is already entered raises RuntimeError', () => {
    // cf. test_context.py ContextTest.test_context_run_7
    const ctx = new Context();
    const caught: unknown[] = [];
    ctx.run(() => {
      try {
        ctx.run(() => {});
      } catch (e) {
        caught.push(e);
      }
    });
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(RuntimeError);
    expect((caught[0] as Error).message).toMatch(/^cannot enter context: <Context vars=0 entered> is already entered$/);
    // and it can be entered again once left
    expect(ctx.run(() => 'again')).toBe('again');
  });

  it('is a read-only mapping of variables: get, has, size, keys, values, entries, iteration', () => {
    // cf. test_context.py ContextTest.test_context_getset_1 and test_context_getset_3
    isolated(() => {
      const c = new ContextVar<string>('c', { default: 'x' });
      const ctx = new Context();
      ctx.run(() => {
        expect(ctx.get(c)).toBeUndefined();
        expect(ctx.get(c, 'spam')).toBe('spam');
        expect(ctx.has(c)).toBe(false);
        expect([...ctx.keys()]).toEqual([]);
        const token = c.set('1');
        expect([...ctx.keys()]).toEqual([c]);
        expect([...ctx.values()]).toEqual(['1']);
        expect([...ctx.entries()]).toEqual([[c, '1']]);
        expect([...ctx]).toEqual([[c, '1']]);
        expect(ctx.size).toBe(1);
        expect(ctx.get(c, 'spam')).toBe('1');
        c.reset(token);
        expect([...ctx.keys()]).toEqual([]);
        expect(ctx.has(c)).toBe(false);
      });
    });
  });

  it('a copy is a snapshot: changing a value inside it leaves the outside alone', () => {
    // cf. test_context.py ContextTest.test_context_getset_5
    isolated(() => {
      const c = new ContextVar<number[]>('c');
      c.set([]);
      copyContext().run(() => {
        c.set([]);
        c.get().push(42);
        expect(c.get()).toEqual([42]);
      });
      expect(c.get()).toEqual([]);
    });
  });

  it('copy() makes an independent context with the same values', () => {
    // cf. test_context.py ContextTest.test_context_copy_1
    const ctx1 = new Context();
    const c = new ContextVar<number>('c', { default: 42 });
    ctx1.run(() => {
      c.set(10);
      const ctx2 = ctx1.copy();
      expect(ctx2.get(c)).toBe(10);
      c.set(20);
      expect(ctx1.get(c)).toBe(20);
      expect(ctx2.get(c)).toBe(10);
      ctx2.run(() => {
        expect(c.get()).toBe(10);
        c.set(30);
        expect(c.get()).toBe(30);
      });
      expect(ctx1.get(c)).toBe(20);
      expect(ctx2.get(c)).toBe(30);
    });
  });
});

describe('Context and the loop', () => {
  it('each handle runs in its own copy of the context current when it was scheduled', async () => {
    // cf. test_context.py ContextTest.test_context_run_4 and asyncio's Handle(context=copy_context())
    const { loop } = virtualLoop();
    const v = new ContextVar<string>('v', { default: 'unset' });
    const seen: string[] = [];
    isolated(() => {
      v.set('scheduler');
      loop.callSoon(() => {
        seen.push(v.get());
        v.set('first handle');
        seen.push(v.get());
      });
      loop.callSoon(() => seen.push(v.get()));
      v.set('changed after scheduling');
      loop.callLater(1, () => {
        seen.push(v.get());
        loop.stop();
      });
    });
    await loop.runForever();
    expect(seen).toEqual(['scheduler', 'first handle', 'scheduler', 'changed after scheduling']);
    expect(v.get()).toBe('unset');
  });

  it('a value a callback sets does not leak into the code that scheduled it', async () => {
    // cf. test_context.py ContextTest.test_context_getset_5
    const { loop } = virtualLoop();
    const v = new ContextVar<string>('v', { default: 'outside' });
    const scheduler = new Context();
    scheduler.run(() => {
      loop.callSoon(() => {
        v.set('inside');
        loop.stop();
      });
    });
    await loop.runForever();
    expect(scheduler.has(v)).toBe(false);
    expect(v.get()).toBe('outside');
  });

  it('callSoonInContext() runs the callback in that very context, so what it sets stays there', async () => {
    // cf. test_events.py HandleTests.test_handle (call_soon(..., context=ctx))
    const { loop } = virtualLoop();
    const v = new ContextVar<number>('v', { default: 0 });
    const ctx = new Context();
    const seen: number[] = [];
    const handle = loop.callSoonInContext(ctx, (add: number) => {
      seen.push(v.get());
      v.set(v.get() + add);
    }, 5);
    expect(handle.getContext()).toBe(ctx);
    loop.callSoonInContext(ctx, () => {
      seen.push(v.get());
      loop.stop();
    });
    await loop.runForever();
    expect(seen).toEqual([0, 5]);
    expect(ctx.get(v)).toBe(5);
    expect(v.get()).toBe(0);
  });

  it('callLaterInContext() and callAtInContext() run timers in that very context', async () => {
    // cf. test_events.py TimerTests.test_timer (TimerHandle(..., context=ctx))
    const { loop } = virtualLoop();
    const v = new ContextVar<string[]>('v', { default: [] });
    const ctx = new Context();
    ctx.run(() => v.set([]));
    const later = loop.callLaterInContext(ctx, 2, (tag: string) => {
      v.set([...v.get(), tag]);
    }, 'later');
    const at = loop.callAtInContext(ctx, 1, (tag: string) => {
      v.set([...v.get(), tag]);
    }, 'at');
    loop.callLater(3, () => loop.stop());
    expect(later.getContext()).toBe(ctx);
    expect(at.getContext()).toBe(ctx);
    expect(later.when()).toBe(2);
    expect(at.when()).toBe(1);
    await loop.runForever();
    expect(ctx.get(v)).toEqual(['at', 'later']);
  });

  it('the context variants check their arguments like the plain ones', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_call_soon_non_callable
    const { loop } = virtualLoop();
    const ctx = new Context();
    expect(() => loop.callSoonInContext(ctx, 1 as never)).toThrow('a callable object was expected by callSoonInContext(), got number');
    expect(() => loop.callLaterInContext(ctx, 'x' as never, () => {})).toThrow(TypeError);
    expect(() => loop.callLaterInContext(ctx, Number.NaN, () => {})).toThrow(RangeError);
    expect(() => loop.callAtInContext(ctx, Number.NaN, () => {})).toThrow('callAtInContext() when must not be NaN');
    loop.close();
    expect(() => loop.callSoonInContext(ctx, () => {})).toThrow('Event loop is closed');
    expect(() => loop.callLaterInContext(ctx, 1, () => {})).toThrow('Event loop is closed');
  });
});
