import { describe, expect, it } from 'vitest';
import {
  brandedHasInstance,
  Context,
  CONTEXT_BRAND,
  CONTEXT_VAR_BRAND,
  ContextVar,
  EVENT_LOOP_BRAND,
  EventLoop,
  Handle,
  HANDLE_BRAND,
  hasBrand,
  LOOKUP_ERROR_BRAND,
  LookupError,
  RUNTIME_ERROR_BRAND,
  RuntimeError,
  TIMER_HANDLE_BRAND,
  TimerHandle,
} from '../src/index.js';
import { virtualLoop } from './helpers.js';

/** What an instance made by a second installed copy of the package looks like to this one: only the brand. */
function fromOtherCopy(...brands: symbol[]): object {
  const proto: Record<symbol, unknown> = {};
  for (const brand of brands) {
    Object.defineProperty(proto, brand, { get: () => true });
  }
  return Object.create(proto) as object;
}

const BRANDED = [
  ['EventLoop', EventLoop, EVENT_LOOP_BRAND, 'tsyncio.EventLoop'],
  ['Handle', Handle, HANDLE_BRAND, 'tsyncio.Handle'],
  ['TimerHandle', TimerHandle, TIMER_HANDLE_BRAND, 'tsyncio.TimerHandle'],
  ['Context', Context, CONTEXT_BRAND, 'tsyncio.Context'],
  ['ContextVar', ContextVar, CONTEXT_VAR_BRAND, 'tsyncio.ContextVar'],
  ['RuntimeError', RuntimeError, RUNTIME_ERROR_BRAND, 'tsyncio.RuntimeError'],
  ['LookupError', LookupError, LOOKUP_ERROR_BRAND, 'tsyncio.LookupError'],
] as const;

describe('brands', () => {
  it.each(BRANDED)('the %s brand is the registered symbol, shared by every copy', (_name, _cls, brand, key) => {
    // cf. futures.py isfuture (asyncio duck-types by `_asyncio_future_blocking`; DESIGN §6)
    expect(brand).toBe(Symbol.for(key));
  });

  it.each(BRANDED)('instanceof %s accepts an object of another copy that carries the brand', (_name, cls, brand) => {
    // cf. test_futures.py BaseFutureTests.test_isfuture (a foreign future-like object is a future)
    expect(fromOtherCopy(brand)).toBeInstanceOf(cls);
    expect(fromOtherCopy()).not.toBeInstanceOf(cls);
    expect({}).not.toBeInstanceOf(cls);
  });

  it('real instances carry their brands, a TimerHandle both its own and Handle’s', () => {
    // cf. test_events.py TimerTests.test_timer (a TimerHandle is a Handle)
    const { loop } = virtualLoop();
    const timer = loop.callLater(1, () => {});
    expect(hasBrand(timer, TIMER_HANDLE_BRAND)).toBe(true);
    expect(hasBrand(timer, HANDLE_BRAND)).toBe(true);
    expect(hasBrand(loop.callSoon(() => {}), TIMER_HANDLE_BRAND)).toBe(false);
    expect(hasBrand(loop, EVENT_LOOP_BRAND)).toBe(true);
    expect(hasBrand(new RuntimeError('x'), RUNTIME_ERROR_BRAND)).toBe(true);
  });

  it('a Handle brand alone does not make a TimerHandle', () => {
    // cf. test_events.py TimerTests.test_timer
    expect(fromOtherCopy(HANDLE_BRAND)).toBeInstanceOf(Handle);
    expect(fromOtherCopy(HANDLE_BRAND)).not.toBeInstanceOf(TimerHandle);
    expect(fromOtherCopy(HANDLE_BRAND, TIMER_HANDLE_BRAND)).toBeInstanceOf(TimerHandle);
  });

  it('a subclass keeps ordinary instanceof: branded objects are not instances of it', () => {
    // cf. test_base_events.py BaseEventLoopTests.test_create_task (custom loop subclasses)
    class MyLoop extends EventLoop {}
    class MyError extends RuntimeError {}
    const mine = new MyLoop();
    try {
      expect(mine).toBeInstanceOf(MyLoop);
      expect(mine).toBeInstanceOf(EventLoop);
      expect(virtualLoop().loop).not.toBeInstanceOf(MyLoop);
      expect(fromOtherCopy(EVENT_LOOP_BRAND)).not.toBeInstanceOf(MyLoop);
      expect(new MyError('x')).toBeInstanceOf(MyError);
      expect(new MyError('x')).toBeInstanceOf(RuntimeError);
      expect(new MyError('x')).toBeInstanceOf(Error);
      expect(new RuntimeError('x')).not.toBeInstanceOf(MyError);
      expect(fromOtherCopy(RUNTIME_ERROR_BRAND)).not.toBeInstanceOf(MyError);
    } finally {
      mine.close();
    }
  });

  it('hasBrand() is false for primitives, null, and a brand getter that does not return true', () => {
    // cf. test_futures.py BaseFutureTests.test_isfuture (`_asyncio_future_blocking = None` is not a future)
    for (const value of [undefined, null, 0, 'tsyncio.Handle', Symbol.for('tsyncio.Handle'), true]) {
      expect(hasBrand(value, HANDLE_BRAND)).toBe(false);
    }
    expect(hasBrand({ [HANDLE_BRAND]: 1 }, HANDLE_BRAND)).toBe(false);
    expect(hasBrand({ [HANDLE_BRAND]: true }, HANDLE_BRAND)).toBe(true);
    const fn = Object.assign(() => {}, { [HANDLE_BRAND]: true });
    expect(hasBrand(fn, HANDLE_BRAND)).toBe(true);
  });

  it('brandedHasInstance() checks the brand on the base class and the prototype chain on subclasses', () => {
    // cf. DESIGN §6 (no CPython counterpart)
    class Base {
      readonly kind: string = 'base';
    }
    class Sub extends Base {}
    const brand = Symbol('test brand');
    const branded = { [brand]: true };
    expect(brandedHasInstance(Base, Base, brand, branded)).toBe(true);
    expect(brandedHasInstance(Base, Base, brand, new Base())).toBe(false);
    expect(brandedHasInstance(Sub, Base, brand, branded)).toBe(false);
    expect(brandedHasInstance(Sub, Base, brand, new Sub())).toBe(true);
  });

  it('RuntimeError and LookupError are Errors with their Python names', () => {
    // cf. test_context.py ContextTest.test_context_getset_1 (LookupError) and base_events.py (RuntimeError)
    const runtime = new RuntimeError('no running event loop');
    expect(runtime).toBeInstanceOf(Error);
    expect(runtime.name).toBe('RuntimeError');
    expect(runtime.message).toBe('no running event loop');
    const lookup = new LookupError('x');
    expect(lookup).toBeInstanceOf(Error);
    expect(lookup.name).toBe('LookupError');
    expect(lookup).not.toBeInstanceOf(RuntimeError);
  });
});
