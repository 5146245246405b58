/**
 * Context variables, as Python's `contextvars`: values that follow the flow of a task rather than
 * the call stack. Every Handle runs in the Context it was scheduled with (a copy of the current
 * one by default), and every Task runs all its steps in its own Context, copied when the task is
 * created, so a value set inside a task never leaks into its parent.
 *
 * Implementation: a Context holds an immutable Map that `set` replaces (copy-on-write), so
 * `copy()` is O(1) and a snapshot can never be changed from outside.
 *
 * @module
 */
import { brandedHasInstance, CONTEXT_BRAND, CONTEXT_VAR_BRAND, LOOKUP_ERROR_BRAND } from './brand.js';
import { RuntimeError } from './errors.js';
import { globalSlot } from './internal/global-slot.js';

const EMPTY: ReadonlyMap<ContextVar<unknown>, unknown> = new Map();

/**
 * Raised by {@link ContextVar.get} when the variable has no value in the current context and no
 * default. Same as Python's built-in `LookupError`.
 */
export class LookupError extends Error {
  override name = 'LookupError';

  /** @internal brand for cross-copy `instanceof` */
  get [LOOKUP_ERROR_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, LookupError, LOOKUP_ERROR_BRAND, value);
  }
}

/**
 * A mapping of {@link ContextVar}s to values, in which code can be run with {@link run}.
 * `new Context()` is empty; {@link copyContext} snapshots the current one.
 *
 * Same as Python's `contextvars.Context` (a read-only mapping: `get`, `has`, `size`, iteration).
 *
 * @example
 * ```ts
 * const user = new ContextVar<string>('user', { default: 'nobody' });
 * const ctx = copyContext();
 * ctx.run(() => user.set('ada'));
 * user.get();    // "nobody": the change stayed inside ctx
 * ctx.get(user); // "ada"
 * ```
 */
export class Context implements Iterable<[ContextVar<unknown>, unknown]> {
  /** @internal the variables; replaced on every set, never mutated */
  _vars: ReadonlyMap<ContextVar<unknown>, unknown> = EMPTY;
  /** @internal true while some code runs inside this context */
  _entered = false;

  /** @internal brand for cross-copy `instanceof` */
  get [CONTEXT_BRAND](): true {
    return true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, Context, CONTEXT_BRAND, value);
  }

  /**
   * Call `fn(...args)` with this context as the current one, and return its result. Variables
   * set by `fn` are set in this context (and stay there); the caller's context is untouched.
   *
   * @throws RuntimeError when this context is already entered (by an outer `run`, or by a task
   * that is running in it), as in Python.
   */
  run<R, A extends unknown[]>(fn: (...args: A) => R, ...args: A): R {
    if (this._entered) throw new RuntimeError(`cannot enter context: ${String(this)} is already entered`);
    const slot = globalSlot();
    const previous = slot.context;
    this._entered = true;
    slot.context = this;
    try {
      return fn(...args);
    } finally {
      slot.context = previous;
      this._entered = false;
    }
  }

  /** A new Context with the same variables (O(1)); later sets in either one do not affect the other. */
  copy(): Context {
    const copy = new Context();
    copy._vars = this._vars;
    return copy;
  }

  /** The value of `variable` in this context, or `defaultValue` (undefined if omitted) when it has none. */
  get<T>(variable: ContextVar<T>): T | undefined;
  get<T, D>(variable: ContextVar<T>, defaultValue: D): T | D;
  get<T, D>(variable: ContextVar<T>, defaultValue?: D): T | D | undefined {
    const vars = this._vars as ReadonlyMap<ContextVar<T>, T>;
    return vars.has(variable) ? vars.get(variable) : defaultValue;
  }

  /** Whether `variable` has a value in this context. */
  has(variable: ContextVar<unknown>): boolean {
    return this._vars.has(variable);
  }

  /** How many variables have a value in this context. */
  get size(): number {
    return this._vars.size;
  }

  /** The variables that have a value in this context. */
  keys(): IterableIterator<ContextVar<unknown>> {
    return this._vars.keys();
  }

  /** The values of the variables in this context. */
  values(): IterableIterator<unknown> {
    return this._vars.values();
  }

  /** `[variable, value]` pairs. */
  entries(): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }

  [Symbol.iterator](): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }

  toString(): string {
    return `<Context vars=${this._vars.size}${this._entered ? ' entered' : ''}>`;
  }
}

/**
 * The live Context that code runs in now (the base context outside any `run`), not a copy. For
 * library internals that schedule callbacks which never set context variables, to spare a copy;
 * everything else should use {@link copyContext}. No asyncio equivalent.
 */
export function currentContext(): Context {
  const slot = globalSlot();
  return (slot.context ??= new Context()) as Context;
}

/**
 * @internal Enter `context` without a closure (the hot path of handles and task steps): makes it
 * current and returns the previous one, to be given back to {@link _exitContext} in a `finally`.
 *
 * @throws RuntimeError when `context` is already entered.
 */
export function _enterContext(context: Context): object | null {
  if (context._entered) throw new RuntimeError(`cannot enter context: ${String(context)} is already entered`);
  const slot = globalSlot();
  const previous = slot.context;
  context._entered = true;
  slot.context = context;
  return previous;
}

/** @internal Leave `context`, restoring `previous` (what {@link _enterContext} returned). */
export function _exitContext(context: Context, previous: object | null): void {
  globalSlot().context = previous;
  context._entered = false;
}

/**
 * A copy of the current context. Same as Python's `contextvars.copy_context()`.
 */
export function copyContext(): Context {
  return currentContext().copy();
}

/** Options for {@link ContextVar}. */
export interface ContextVarOptions<T> {
  /** The value `get()` returns when the variable is not set in the current context. */
  default?: T;
}

/**
 * A context variable. `set` changes its value in the current context only; `get` reads it.
 *
 * Same as Python's `contextvars.ContextVar`. Tokens returned by `set` can also be disposed
 * (`using _ = v.set(x)`), which resets the variable, as Python 3.14's `with v.set(x):`.
 *
 * @example
 * ```ts
 * const requestId = new ContextVar<number>('requestId');
 * const token = requestId.set(7);
 * requestId.get(); // 7
 * requestId.reset(token);
 * requestId.get(0); // 0 (not set any more)
 * ```
 */
export class ContextVar<T> {
  /** The variable's name, for diagnostics. */
  readonly name: string;
  private readonly _hasDefault: boolean;
  private readonly _default: T | undefined;

  /** @throws TypeError when `name` is not a string. */
  constructor(name: string, options?: ContextVarOptions<T>) {
    if (typeof name !== 'string') throw new TypeError(`ContextVar name must be a string, got ${typeof name}`);
    this.name = name;
    this._hasDefault = options !== undefined && 'default' in options;
    this._default = options?.default;
  }

  /** @internal brand for cross-copy `instanceof` */
  get [CONTEXT_VAR_BRAND](): true {
    return true;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, ContextVar, CONTEXT_VAR_BRAND, value);
  }

  /**
   * The variable's value in the current context; else `defaultValue` when given; else the
   * variable's default.
   *
   * @throws LookupError when there is none of the three.
   */
  get(): T;
  get<D>(defaultValue: D): T | D;
  get(...args: unknown[]): unknown {
    const vars = currentContext()._vars;
    if (vars.has(this)) return vars.get(this);
    if (args.length > 0) return args[0];
    if (this._hasDefault) return this._default;
    throw new LookupError(String(this));
  }

  /** Set the variable in the current context; the returned token undoes it with {@link reset}. */
  set(value: T): Token<T> {
    const context = currentContext();
    const vars = context._vars;
    const oldValue = vars.has(this) ? (vars.get(this) as T) : Token.MISSING;
    context._vars = new Map(vars).set(this, value);
    return new Token(this, oldValue, context);
  }

  /**
   * Restore the value the variable had before the `set` that returned `token`.
   *
   * @throws RuntimeError when the token was already used.
   * @throws RangeError when the token was made by another variable or in another context.
   */
  reset(token: Token<T>): void {
    if (token._used) throw new RuntimeError(`${String(token)} has already been used once`);
    if (token.var !== this) throw new RangeError(`${String(token)} was created by a different ContextVar`);
    const context = currentContext();
    if (token._context !== context) throw new RangeError(`${String(token)} was created in a different Context`);
    const vars = new Map(context._vars);
    if (token.oldValue === Token.MISSING) vars.delete(this);
    else vars.set(this, token.oldValue);
    context._vars = vars;
    token._used = true;
  }

  toString(): string {
    return `<ContextVar name=${JSON.stringify(this.name)}${this._hasDefault ? ` default=${String(this._default)}` : ''}>`;
  }
}

/**
 * What {@link ContextVar.set} returns: enough to undo the set with {@link ContextVar.reset}, or by
 * disposing it (`using`).
 *
 * Same as Python's `contextvars.Token`.
 */
export class Token<T> implements Disposable {
  /** The marker `oldValue` holds when the variable had no value before the set. */
  static readonly MISSING: unique symbol = Symbol.for('tsyncio.Token.MISSING');
  /** The variable that was set. */
  readonly var: ContextVar<T>;
  /** Its value before the set, or {@link Token.MISSING}. */
  readonly oldValue: T | typeof Token.MISSING;
  /** @internal the context the set happened in */
  readonly _context: Context;
  /** @internal */
  _used = false;

  /** @internal use {@link ContextVar.set} */
  constructor(variable: ContextVar<T>, oldValue: T | typeof Token.MISSING, context: Context) {
    this.var = variable;
    this.oldValue = oldValue;
    this._context = context;
  }

  /** Reset the variable (`using _ = v.set(x)`). */
  [Symbol.dispose](): void {
    this.var.reset(this);
  }

  toString(): string {
    return `<Token${this._used ? ' used' : ''} var=${String(this.var)}>`;
  }
}
