/**
 * `ExceptionGroup` — several errors raised together (what a TaskGroup raises) — and `catchGroup`
 * / `tryCatchGroup`, Python's `except*` for JavaScript.
 *
 * ## Matching
 *
 * `split()`, `subgroup()` and the `except*` helpers take a *matcher*: an error class, an array of
 * classes (Python's tuple of types), or a predicate. A function counts as a class when its
 * prototype is an Error (or it is written with `class`); any other function is a predicate.
 * The matcher is applied to the group itself first, then to every nested group and every leaf:
 * whatever matches is taken whole, so nested structure is kept.
 *
 * A `CancelledError` is asyncio's `BaseException`: `except* Exception` never catches it. So a
 * CancelledError — or a group holding one, asyncio's `BaseExceptionGroup` — matches a class only
 * when that class is `CancelledError` (or a subclass) for a leaf, `ExceptionGroup` (or a subclass)
 * for a group. `catchGroup(e, [[Error, log]])` therefore never swallows a cancellation.
 *
 * ## `except*` (PEP 654), as the helpers implement it
 *
 * 1. A value that is not a group is handled as a group of one; if no clause matches it, the
 *    original value is re-thrown as is (not wrapped).
 * 2. Clauses run in order; each splits off what it matches from what the previous clauses left
 *    and calls its handler once with that subgroup.
 * 3. At the end, what is left unhandled and what handlers threw are combined: a handler that
 *    re-throws the subgroup it received puts it back into the original structure, beside the
 *    unhandled rest; errors a handler raised anew become siblings of that in a new group with an
 *    empty message — or are thrown alone when there is nothing else.
 *
 * @module
 */
import { brandedHasInstance, describe, EXCEPTION_GROUP_BRAND } from '@tsyncio/loop';
import { isCoroutine, type Coroutine } from './coroutine.js';
import { CancelledError } from './errors.js';

/**
 * A class of errors, for matching: `TypeError`, `CancelledError`, your own `class MyError extends
 * Error`. Any constructor whose instances `instanceof` recognises.
 */
export type ErrorClass<E = unknown> = abstract new (...args: never[]) => E;

/**
 * What {@link ExceptionGroup.split}, {@link ExceptionGroup.subgroup} and {@link catchGroup} match
 * errors with: an error class, an array of classes (any of them), or a predicate that receives
 * each group and each leaf.
 */
export type ErrorMatcher<E = unknown> =
  | ErrorClass<E>
  | readonly ErrorClass<E>[]
  | ((error: unknown) => error is E)
  | ((error: unknown) => boolean);

type Matcher = (value: unknown) => boolean;

/** "No part": split results and sentinels (any value, even null or undefined, can be thrown). */
const NONE: unique symbol = Symbol('tsyncio.none');
type Part = unknown;

/**
 * Several errors raised together, with a message: what a `TaskGroup` raises when children fail.
 * `exceptions` lists them; groups nest. `split()` and `subgroup()` pick errors out of the tree by
 * class or predicate and keep its structure; {@link catchGroup} is Python's `except*`.
 *
 * Same as Python's built-in `ExceptionGroup` (and `BaseExceptionGroup`): the same validation
 * (TypeError for a message that is not a string or exceptions that are not an array, RangeError —
 * Python's ValueError — for an empty array), `message`, `exceptions`, `split`, `subgroup`,
 * `derive`; the parts made by `split`/`subgroup` carry the original's `stack` and `cause`
 * (Python's `__traceback__` and `__cause__`).
 *
 * Differs from Python: it is an `AggregateError` (`errors` is the same frozen array as
 * `exceptions`); any value may be a member, since JavaScript can throw anything; `message` is the
 * message alone (Python's `str()` adds "(2 sub-exceptions)"); there is no separate
 * BaseExceptionGroup: a group holding a CancelledError plays that role when matching (see the
 * module notes); there are no `__notes__` and no `__context__`.
 *
 * @example
 * ```ts
 * const group = new ExceptionGroup('several failures', [
 *   new TypeError('bad type'),
 *   new ExceptionGroup('nested', [new RangeError('too big'), new TypeError('again')]),
 * ]);
 * const [types, rest] = group.split(TypeError);
 * // types: ExceptionGroup('several failures', [TypeError, ExceptionGroup('nested', [TypeError])])
 * // rest:  ExceptionGroup('several failures', [ExceptionGroup('nested', [RangeError])])
 * ```
 */
export class ExceptionGroup<E = unknown> extends AggregateError {
  override name = 'ExceptionGroup';

  /**
   * @param message what went wrong overall (kept by `derive`, `split` and `subgroup`).
   * @param exceptions the errors (and nested groups), at least one.
   * @throws TypeError when `message` is not a string or `exceptions` is not an array.
   * @throws RangeError when `exceptions` is empty.
   */
  constructor(message: string, exceptions: readonly (E | ExceptionGroup<E>)[]) {
    if (typeof message !== 'string') {
      throw new TypeError(`ExceptionGroup() message must be a string, got ${describe(message)}`);
    }
    if (!Array.isArray(exceptions)) {
      throw new TypeError(`ExceptionGroup() exceptions must be an array, got ${describe(exceptions)}`);
    }
    if (exceptions.length === 0) {
      throw new RangeError('ExceptionGroup() exceptions must be a non-empty array');
    }
    const list = Object.freeze(exceptions.slice());
    super(list, message);
    // one frozen list for both names: `exceptions` (Python) and `errors` (AggregateError)
    Object.defineProperty(this, 'errors', { value: list, writable: false, enumerable: false, configurable: true });
  }

  /** @internal brand for cross-copy `instanceof` */
  get [EXCEPTION_GROUP_BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, ExceptionGroup, EXCEPTION_GROUP_BRAND, value);
  }

  /** The errors in the group, in order (nested groups included as they are). Frozen. */
  get exceptions(): readonly (E | ExceptionGroup<E>)[] {
    return this.errors as readonly (E | ExceptionGroup<E>)[];
  }

  /**
   * The part of the group that matches `match`, with the same nesting, or null when nothing does.
   * If the group itself matches, it is returned as is.
   *
   * @throws TypeError when `match` is not a class, an array of classes or a function.
   */
  subgroup<M>(match: ErrorClass<M> | readonly ErrorClass<M>[] | ((error: unknown) => error is M)): ExceptionGroup<M> | null;
  subgroup(match: (error: unknown) => boolean): ExceptionGroup<E> | null;
  subgroup(match: ErrorMatcher): ExceptionGroup | null {
    const { match: part } = splitValue(this, toMatcher(match, 'subgroup'), false);
    return part === NONE ? null : (part as ExceptionGroup);
  }

  /**
   * Split the group in two: `[match, rest]`, each with the same nesting and message as this group,
   * either null when empty. If the group itself matches, the result is `[this, null]`.
   *
   * @throws TypeError when `match` is not a class, an array of classes or a function.
   */
  split<M>(
    match: ErrorClass<M> | readonly ErrorClass<M>[] | ((error: unknown) => error is M),
  ): [ExceptionGroup<M> | null, ExceptionGroup<E> | null];
  split(match: (error: unknown) => boolean): [ExceptionGroup<E> | null, ExceptionGroup<E> | null];
  split(match: ErrorMatcher): [ExceptionGroup | null, ExceptionGroup | null] {
    const { match: part, rest } = splitValue(this, toMatcher(match, 'split'), true);
    return [part === NONE ? null : (part as ExceptionGroup), rest === NONE ? null : (rest as ExceptionGroup)];
  }

  /**
   * A new group with this group's message and `exceptions`. `split()` and `subgroup()` call it
   * to build their parts (then copy `stack` and `cause`); a subclass overrides it to keep its own
   * class and fields.
   */
  derive<F>(exceptions: readonly (F | ExceptionGroup<F>)[]): ExceptionGroup<F> {
    return new ExceptionGroup<F>(this.message, exceptions);
  }
}

// ---------------------------------------------------------------- matching and splitting

/** Whether `fn` is used as a class (rather than called as a predicate). */
function isClass(fn: (...args: never[]) => unknown): boolean {
  if (fn === Error) return true;
  const proto = (fn as { prototype?: unknown }).prototype;
  if (typeof proto !== 'object' || proto === null) return false; // arrow functions, methods
  if (proto instanceof Error) return true;
  return /^class\b/.test(Function.prototype.toString.call(fn));
}

/**
 * Whether `value` is "a BaseException" in asyncio's sense: a CancelledError, or a group holding
 * one somewhere (a BaseExceptionGroup).
 */
function isBaseLike(value: unknown): boolean {
  if (value instanceof CancelledError) return true;
  return value instanceof ExceptionGroup && value.exceptions.some(isBaseLike);
}

function matchesClass(value: unknown, cls: ErrorClass): boolean {
  if (!(value instanceof cls)) return false;
  if (!isBaseLike(value)) return true;
  // Error, AggregateError and the like play the role of Python's Exception: no BaseExceptions
  const proto: unknown = cls.prototype;
  return proto instanceof CancelledError || proto instanceof ExceptionGroup;
}

function toMatcher(match: unknown, method: string): Matcher {
  if (Array.isArray(match)) {
    const classes = match as unknown[];
    for (const cls of classes) {
      if (typeof cls !== 'function' || !isClass(cls as () => unknown)) {
        throw new TypeError(`${method}() expects an array of error classes, got ${describe(cls)} in it`);
      }
    }
    return (value) => classes.some((cls) => matchesClass(value, cls as ErrorClass));
  }
  if (typeof match !== 'function') {
    throw new TypeError(
      `${method}() expects an error class, an array of error classes or a predicate, got ${describe(match)}`,
    );
  }
  if (isClass(match as () => unknown)) {
    const cls = match as ErrorClass;
    return (value) => matchesClass(value, cls);
  }
  const predicate = match as (value: unknown) => unknown;
  return (value) => Boolean(predicate(value));
}

/** Python's `exceptiongroup_split_recursive`: the matching and the other part of `value`. */
function splitValue(value: unknown, matches: Matcher, wantRest: boolean): { match: Part; rest: Part } {
  if (matches(value)) return { match: value, rest: NONE };
  if (!(value instanceof ExceptionGroup)) return { match: NONE, rest: wantRest ? value : NONE };
  const matched: unknown[] = [];
  const others: unknown[] = [];
  for (const member of (value as ExceptionGroup).exceptions) {
    const parts = splitValue(member, matches, wantRest);
    if (parts.match !== NONE) matched.push(parts.match);
    if (parts.rest !== NONE) others.push(parts.rest);
  }
  return {
    match: subset(value as ExceptionGroup, matched),
    rest: wantRest ? subset(value as ExceptionGroup, others) : NONE,
  };
}

/** A part of `original` holding `members` (NONE when empty): `derive()`, then the metadata. */
function subset(original: ExceptionGroup, members: unknown[]): Part {
  if (members.length === 0) return NONE;
  const part: unknown = original.derive(members);
  if (!(part instanceof ExceptionGroup)) {
    throw new TypeError(`derive() must return an ExceptionGroup, got ${describe(part)}`);
  }
  copyMetadata(original, part);
  return part;
}

/** Give `target` the `stack` and `cause` of `source` (Python copies `__traceback__`, `__cause__`). */
function copyMetadata(source: Error, target: Error): void {
  try {
    if (source.stack !== undefined) target.stack = source.stack;
  } catch {
    // a platform whose `stack` cannot be set: keep the part's own
  }
  if (Object.hasOwn(source, 'cause')) {
    Object.defineProperty(target, 'cause', { value: source.cause, writable: true, enumerable: false, configurable: true });
  }
}

/** Every leaf (non-group member) of `value`, recursively; `value` itself when it is not a group. */
function collectLeaves(value: unknown, into: Set<unknown>): Set<unknown> {
  if (value instanceof ExceptionGroup) {
    for (const member of (value as ExceptionGroup).exceptions) collectLeaves(member, into);
  } else {
    into.add(value);
  }
  return into;
}

// ---------------------------------------------------------------- except*

/**
 * The errors a matcher selects: `E` for an `ErrorClass<E>`, an array of classes or a type guard
 * `(e) => e is E`; `unknown` for a plain predicate.
 */
export type MatchedBy<M> = M extends ErrorClass
  ? InstanceOf<M>
  : M extends readonly (infer C)[]
    ? InstanceOf<C>
    : M extends (error: unknown) => error is infer E
      ? E
      : unknown;

/** The instances of a class (read from `prototype`: overloaded constructors such as TypeError's infer poorly). */
type InstanceOf<C> = C extends { prototype: infer E } ? E : never;

/** A handler of {@link catchGroup}: receives the subgroup its clause matched. */
export type CatchGroupHandler<E = unknown> = (group: ExceptionGroup<E>) => void;

/** One clause of {@link catchGroup}: `[matcher, handler]`, Python's `except* T as group: handler`. */
export type CatchGroupClause<M extends ErrorMatcher = ErrorMatcher> = readonly [
  match: M,
  handler: CatchGroupHandler<MatchedBy<M>>,
];

/** The clauses of {@link catchGroup}, each handler typed after its own matcher (`T` is inferred). */
export type CatchGroupClauses<T extends readonly ErrorMatcher[]> = {
  readonly [K in keyof T]: CatchGroupClause<T[K]>;
};

/**
 * A handler of {@link tryCatchGroup}: a plain function, or a generator function whose coroutine
 * is run with `yield*` (any other return value is ignored).
 */
export type TryCatchGroupHandler<E = unknown> = (group: ExceptionGroup<E>) => unknown;

/** One clause of {@link tryCatchGroup}: `[matcher, handler]`. */
export type TryCatchGroupClause<M extends ErrorMatcher = ErrorMatcher> = readonly [
  match: M,
  handler: TryCatchGroupHandler<MatchedBy<M>>,
];

/** The clauses of {@link tryCatchGroup}, each handler typed after its own matcher (`T` is inferred). */
export type TryCatchGroupClauses<T extends readonly ErrorMatcher[]> = {
  readonly [K in keyof T]: TryCatchGroupClause<T[K]>;
};

interface CheckedClause {
  readonly matches: Matcher;
  readonly handler: (group: ExceptionGroup) => unknown;
}

function checkClauses(clauses: unknown, method: string): CheckedClause[] {
  if (!Array.isArray(clauses)) {
    throw new TypeError(`${method}() expects an array of [matcher, handler] clauses, got ${describe(clauses)}`);
  }
  return (clauses as unknown[]).map((clause, index) => {
    if (!Array.isArray(clause) || clause.length !== 2) {
      throw new TypeError(`${method}() clause ${index} must be a [matcher, handler] pair, got ${describe(clause)}`);
    }
    const [match, handler] = clause as [unknown, unknown];
    const groupClass =
      typeof match === 'function' && isClass(match as () => unknown) && (match as ErrorClass).prototype instanceof ExceptionGroup;
    const groupInArray =
      Array.isArray(match) &&
      (match as unknown[]).some(
        (cls) => typeof cls === 'function' && (cls as ErrorClass).prototype instanceof ExceptionGroup,
      );
    if (groupClass || groupInArray) {
      // Python: "catching ExceptionGroup with except* is not allowed. Use except instead."
      throw new TypeError(`${method}() cannot match ExceptionGroup itself: catch it with a plain catch block`);
    }
    if (typeof handler !== 'function') {
      throw new TypeError(`${method}() clause ${index} handler must be a function, got ${describe(handler)}`);
    }
    return { matches: toMatcher(match, method), handler: handler as (group: ExceptionGroup) => unknown };
  });
}

/**
 * One run of an `except*` block over `error`: hands out the matching parts clause by clause and
 * computes what to re-throw at the end (CPython's `_PyExc_PrepReraiseStar`).
 */
class ExceptStar {
  private readonly naked: boolean;
  private rest: ExceptionGroup | null;
  /** the subgroups handed to handlers: throwing one of them is a re-raise */
  private readonly handedOut = new Set<unknown>();
  private readonly thrown: unknown[] = [];

  constructor(private readonly error: unknown) {
    this.naked = !(error instanceof ExceptionGroup);
    if (this.naked) {
      const wrapper = new ExceptionGroup('', [error]);
      // Python gives the wrapper the lone error's traceback
      if (error instanceof Error && error.stack !== undefined) wrapper.stack = error.stack;
      this.rest = wrapper;
    } else {
      this.rest = error as ExceptionGroup;
    }
  }

  /** The part the next clause handles (null: nothing for it), removed from the rest. */
  take(matches: Matcher): ExceptionGroup | null {
    if (this.rest === null) return null;
    const { match, rest } = splitValue(this.rest, matches, true);
    this.rest = rest === NONE ? null : (rest as ExceptionGroup);
    if (match === NONE) return null;
    this.handedOut.add(match);
    return match as ExceptionGroup;
  }

  /** A handler threw `error`. */
  raised(error: unknown): void {
    this.thrown.push(error);
  }

  /** Re-throw what is left (unhandled or thrown by handlers), or return when nothing is. */
  finish(): void {
    if (this.naked) {
      // only one clause can have matched a lone error
      if (this.thrown.length > 0) throw this.thrown[0];
      if (this.rest !== null) throw this.error;
      return;
    }
    const original = this.error as ExceptionGroup;
    const kept: unknown[] = this.rest === null ? [] : [this.rest];
    const raisedAnew: unknown[] = [];
    for (const error of this.thrown) {
      if (error === original || this.handedOut.has(error)) kept.push(error);
      else raisedAnew.push(error);
    }
    const reraised = project(original, kept);
    if (raisedAnew.length === 0) {
      if (reraised !== null) throw reraised;
      return;
    }
    if (reraised !== null) raisedAnew.push(reraised);
    throw raisedAnew.length === 1 ? raisedAnew[0] : new ExceptionGroup('', raisedAnew);
  }
}

/**
 * The part of `original` made of the leaves of `kept` (groups cut from it), with its structure;
 * `original` itself when that is all of it; null when nothing is kept.
 */
function project(original: ExceptionGroup, kept: readonly unknown[]): ExceptionGroup | null {
  if (kept.length === 0) return null;
  const leaves = new Set<unknown>();
  for (const group of kept) collectLeaves(group, leaves);
  const all = collectLeaves(original, new Set());
  if (leaves.size === all.size) return original;
  const { match } = splitValue(original, (value) => !(value instanceof ExceptionGroup) && leaves.has(value), false);
  return match === NONE ? null : (match as ExceptionGroup);
}

/**
 * Python's `except*` for a `catch` block: hand each clause's handler the part of `error` its
 * matcher selects, then re-throw whatever is left unhandled — and whatever the handlers threw —
 * or return normally when everything was handled. Use it as the whole body of a `catch`.
 *
 * `error` need not be a group: a lone error is handled as a group of one (the handler gets
 * `ExceptionGroup('', [error])`), and re-thrown unchanged when no clause matches it. Handlers are
 * plain functions; in a coroutine whose handlers must wait (`yield*`), use {@link tryCatchGroup}.
 * A handler that re-throws the group it received puts it back with the unhandled rest (in the
 * original structure); errors raised anew are combined with it in `ExceptionGroup('', [...])`,
 * as Python does.
 *
 * Same as Python's `try: ... except* T as group: ...`. Differs from Python: CancelledError stays
 * out of reach of broad classes such as `Error` (as asyncio's BaseException is of `Exception`);
 * match it by name (`[CancelledError, handler]`) if you mean to.
 *
 * @throws TypeError for malformed clauses (not `[matcher, handler]` pairs, a matcher that is not
 * a class, an array of classes or a function, a handler that is not a function, or a matcher for
 * ExceptionGroup itself — catch that with a plain `catch`), or when a handler returns a coroutine.
 * @throws what is left of `error`, and what the handlers threw.
 *
 * @example
 * ```ts
 * try {
 *   yield* asyncWith(new TaskGroup(), function* (tg) {
 *     tg.createTask(fetchUser(id));
 *     tg.createTask(fetchOrders(id));
 *   });
 * } catch (e) {
 *   catchGroup(e, [
 *     [TimeoutError, (group) => console.warn(`${group.exceptions.length} requests timed out`)],
 *     [[TypeError, RangeError], (group) => reportBug(group)],
 *   ]); // anything else is re-thrown
 * }
 * ```
 */
export function catchGroup<T extends readonly ErrorMatcher[]>(error: unknown, clauses: CatchGroupClauses<T>): void {
  const checked = checkClauses(clauses, 'catchGroup');
  const block = new ExceptStar(error);
  for (const { matches, handler } of checked) {
    const group = block.take(matches);
    if (group === null) continue;
    try {
      const result = handler(group);
      if (isCoroutine(result)) {
        result.return(undefined);
        throw new TypeError(
          'a catchGroup() handler returned a coroutine, which catchGroup() cannot wait for: use `yield* tryCatchGroup(body, clauses)` in a coroutine',
        );
      }
    } catch (thrown) {
      block.raised(thrown);
    }
  }
  block.finish();
}

/**
 * Run `body()` with Python's `except*` clauses around it, in a coroutine: if it throws, each
 * clause's handler gets the part of the error its matcher selects, and whatever is left unhandled
 * (or thrown by the handlers) is re-thrown as {@link catchGroup} describes. Handlers may be
 * generator functions: their coroutines are run (`yield*`) in turn, so they can wait.
 *
 * @returns the body's result, or undefined when it threw and every error was handled.
 * @throws TypeError for malformed clauses (checked before the body runs; see {@link catchGroup}).
 * @throws what is left of the body's error, and what the handlers threw.
 *
 * Same as Python's `try: body except* T as group: handler` inside an `async def`, handlers that
 * `await` included. Differs from Python as {@link catchGroup} does (CancelledError).
 *
 * @example
 * ```ts
 * const report = yield* tryCatchGroup(
 *   function* () {
 *     return yield* crawl(urls); // raises ExceptionGroups from its TaskGroups
 *   },
 *   [
 *     [ConnectionError, function* (group) {
 *       yield* sleep(1);
 *       yield* notifyOps(group);
 *     }],
 *   ],
 * );
 * ```
 */
export function* tryCatchGroup<R, T extends readonly ErrorMatcher[]>(
  body: () => Coroutine<R>,
  clauses: TryCatchGroupClauses<T>,
): Coroutine<R | undefined> {
  if (typeof body !== 'function') {
    throw new TypeError(`tryCatchGroup() body must be a generator function, got ${describe(body)}`);
  }
  const checked = checkClauses(clauses, 'tryCatchGroup');
  try {
    return yield* body();
  } catch (error) {
    const block = new ExceptStar(error);
    for (const { matches, handler } of checked) {
      const group = block.take(matches);
      if (group === null) continue;
      try {
        const result = handler(group);
        if (isCoroutine(result)) yield* result;
      } catch (thrown) {
        block.raised(thrown);
      }
    }
    block.finish();
    return undefined;
  }
}
