import { describe, expect, expectTypeOf, it } from 'vitest';
import { EXCEPTION_GROUP_BRAND } from '@tsyncio/loop';
import {
  CancelledError,
  catchGroup,
  ExceptionGroup,
  sleep,
  tryCatchGroup,
  type Coroutine,
} from '../src/index.js';
import { leaves, runVirtual, shape, thrown } from './group-helpers.js';

class MyError extends Error {
  override name = 'MyError';
}

/** A group tree with TypeErrors and RangeErrors at two levels. */
function sample(): ExceptionGroup {
  return new ExceptionGroup('outer', [
    new TypeError('t1'),
    new ExceptionGroup('inner', [new RangeError('r1'), new TypeError('t2')]),
    new RangeError('r2'),
  ]);
}

describe('ExceptionGroup', () => {
  describe('construction', () => {
    it('is an AggregateError and an Error named ExceptionGroup', () => {
      // cf. test_exception_group.py TestExceptionGroupTypeHierarchy.test_exception_group_types
      const group = new ExceptionGroup('msg', [new Error('a')]);
      expect(group).toBeInstanceOf(AggregateError);
      expect(group).toBeInstanceOf(Error);
      expect(group.name).toBe('ExceptionGroup');
      expect(Object.prototype.toString.call(group)).toBe('[object Error]');
    });

    it('keeps the message and the exceptions', () => {
      // cf. test_exception_group.py InstanceCreation.test_basics_ExceptionGroup_fields
      const a = new TypeError('a');
      const b = new RangeError('b');
      const group = new ExceptionGroup('my msg', [a, b]);
      expect(group.message).toBe('my msg');
      expect(group.exceptions).toEqual([a, b]);
      expect(group.exceptions[0]).toBe(a);
    });

    it('copies the exceptions into a frozen array shared with AggregateError.errors', () => {
      // cf. test_exception_group.py InstanceCreation.test_fields_are_readonly
      const list = [new TypeError('a')];
      const group = new ExceptionGroup('msg', list);
      list.push(new TypeError('b'));
      expect(group.exceptions).toHaveLength(1);
      expect(Object.isFrozen(group.exceptions)).toBe(true);
      expect(group.errors).toBe(group.exceptions);
      expect(() => {
        (group as unknown as { exceptions: unknown }).exceptions = [];
      }).toThrow(TypeError);
    });

    it('rejects a message that is not a string with TypeError', () => {
      // cf. test_exception_group.py BadConstructorArgs.test_bad_EG_construction__too_many_args / __bad_message
      expect(() => new ExceptionGroup(42 as unknown as string, [new Error()])).toThrow(TypeError);
      expect(() => new ExceptionGroup(undefined as unknown as string, [new Error()])).toThrow(/message must be a string/);
    });

    it('rejects exceptions that are not an array with TypeError', () => {
      // cf. test_exception_group.py BadConstructorArgs.test_bad_EG_construction__bad_excs_sequence
      expect(() => new ExceptionGroup('msg', new Error() as unknown as Error[])).toThrow(TypeError);
      expect(() => new ExceptionGroup('msg', undefined as unknown as Error[])).toThrow(/must be an array/);
    });

    it('rejects an empty array with RangeError (Python: ValueError)', () => {
      // cf. test_exception_group.py BadConstructorArgs.test_bad_EG_construction__bad_excs_sequence ([] case)
      expect(() => new ExceptionGroup('msg', [])).toThrow(RangeError);
      expect(() => new ExceptionGroup('msg', [])).toThrow(/non-empty/);
    });

    it('accepts any thrown value as a member, since JavaScript can throw anything', () => {
      // tsyncio only: Python requires BaseException instances
      const group = new ExceptionGroup('msg', ['oops', 42, null]);
      expect(group.exceptions).toEqual(['oops', 42, null]);
    });

    it('is recognised across installed copies by its Symbol.for brand', () => {
      // cf. DESIGN §6 (brands); test_exception_group.py has no counterpart
      const foreign = Object.create({ [EXCEPTION_GROUP_BRAND]: true }) as object;
      expect(foreign).toBeInstanceOf(ExceptionGroup);
      expect(new AggregateError([], 'x')).not.toBeInstanceOf(ExceptionGroup);
      class MyGroup extends ExceptionGroup {}
      expect(new ExceptionGroup('m', [1])).not.toBeInstanceOf(MyGroup);
      expect(new MyGroup('m', [1])).toBeInstanceOf(ExceptionGroup);
    });
  });

  describe('subgroup()', () => {
    it('returns the group itself when the group matches', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__passthrough
      const group = sample();
      expect(group.subgroup(Error)).toBe(group);
      expect(group.subgroup(ExceptionGroup)).toBe(group);
      expect(group.subgroup(() => true)).toBe(group);
    });

    it('returns null when nothing matches', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__no_match
      expect(sample().subgroup(MyError)).toBeNull();
      expect(sample().subgroup(() => false)).toBeNull();
    });

    it('keeps the matching leaves in the original nesting, and drops emptied groups', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__match
      expect(shape(sample().subgroup(TypeError))).toEqual({
        message: 'outer',
        exceptions: ['TypeError: t1', { message: 'inner', exceptions: ['TypeError: t2'] }],
      });
      expect(shape(new ExceptionGroup('x', [new ExceptionGroup('y', [new RangeError('r')]), new TypeError('t')]).subgroup(TypeError))).toEqual({
        message: 'x',
        exceptions: ['TypeError: t'],
      });
    });

    it('matches any class of an array of classes (Python: a tuple of types)', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_by_type__match (tuple case)
      const group = new ExceptionGroup('m', [new TypeError('t'), new MyError('e'), new RangeError('r')]);
      expect(shape(group.subgroup([TypeError, RangeError]))).toEqual({
        message: 'm',
        exceptions: ['TypeError: t', 'RangeError: r'],
      });
    });

    it('applies a predicate to the group, the nested groups and the leaves, keeping a matched group whole', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_by_predicate__match
      const seen: string[] = [];
      const group = sample();
      const inner = group.exceptions[1];
      const part = group.subgroup((e) => {
        seen.push(e instanceof Error ? e.message : String(e));
        return e === inner;
      });
      expect(seen[0]).toBe('outer');
      expect(seen).toContain('inner');
      expect(seen).not.toContain('r1'); // the inner group matched whole, its leaves were not visited
      expect(part?.exceptions).toEqual([inner]);
    });

    it('rejects a matcher that is neither a class, an array of classes nor a function', () => {
      // cf. test_exception_group.py ExceptionGroupSubgroupTests.test_basics_subgroup_split__bad_arg_type
      const group = sample();
      for (const bad of [42, 'TypeError', null, {}, [TypeError, 'x'], [() => true]]) {
        expect(() => group.subgroup(bad as never)).toThrow(TypeError);
        expect(() => group.split(bad as never)).toThrow(TypeError);
      }
    });

    it('narrows the element type for a class matcher', () => {
      // tsyncio only: types
      const part = sample().subgroup(TypeError);
      expectTypeOf(part).toEqualTypeOf<ExceptionGroup<TypeError> | null>();
    });
  });

  describe('split()', () => {
    it('returns [group, null] when the group matches, [null, group] when nothing does', () => {
      // cf. test_exception_group.py ExceptionGroupSplitTests.test_basics_split_by_type__passthrough / __no_match
      const group = sample();
      expect(group.split(Error)).toEqual([group, null]);
      const [match, rest] = group.split(MyError);
      expect(match).toBeNull();
      expect(rest).not.toBeNull();
      expect(shape(rest)).toEqual(shape(group));
    });

    it('splits into a matching and a remaining part, both with the original structure and messages', () => {
      // cf. test_exception_group.py ExceptionGroupSplitTests.test_basics_split_by_type__match
      const [types, rest] = sample().split(TypeError);
      expect(shape(types)).toEqual({
        message: 'outer',
        exceptions: ['TypeError: t1', { message: 'inner', exceptions: ['TypeError: t2'] }],
      });
      expect(shape(rest)).toEqual({
        message: 'outer',
        exceptions: [{ message: 'inner', exceptions: ['RangeError: r1'] }, 'RangeError: r2'],
      });
    });

    it('splits by predicate', () => {
      // cf. test_exception_group.py ExceptionGroupSplitTests.test_basics_split_by_predicate__match
      const [match, rest] = sample().split((e) => e instanceof Error && e.message.endsWith('2'));
      expect(leaves(match).map((e) => (e as Error).message)).toEqual(['t2', 'r2']);
      expect(leaves(rest).map((e) => (e as Error).message)).toEqual(['t1', 'r1']);
    });

    it('never loses or duplicates a leaf: the two parts partition the leaves', () => {
      // cf. test_exception_group.py ExceptionGroupSplitTestBase.assertMatchesTemplate (leaf bookkeeping)
      const group = sample();
      const [match, rest] = group.split(RangeError);
      expect([...leaves(match), ...leaves(rest)].sort()).toEqual(leaves(group).sort());
    });

    it('gives the parts the original stack and cause (Python: __traceback__ and __cause__)', () => {
      // cf. test_exception_group.py NestedExceptionGroupSplitTest.test_split_copies_notes / metadata checks
      const cause = new Error('root cause');
      const group = new ExceptionGroup('m', [new TypeError('t'), new RangeError('r')]);
      Object.defineProperty(group, 'cause', { value: cause, configurable: true, writable: true });
      group.stack = 'ExceptionGroup: m\n    at original-site';
      const [match, rest] = group.split(TypeError);
      for (const part of [match, rest]) {
        expect(part?.stack).toBe(group.stack);
        expect(part?.cause).toBe(cause);
      }
    });

    it('builds the parts with derive(), so a subclass keeps its class', () => {
      // cf. test_exception_group.py NestedExceptionGroupSubclassSplitTest.test_split_ExceptionGroup_subclass_derive_and_new_overrides
      class Labelled extends ExceptionGroup {
        constructor(
          message: string,
          exceptions: readonly unknown[],
          readonly label: string,
        ) {
          super(message, exceptions);
        }

        override derive<F>(exceptions: readonly (F | ExceptionGroup<F>)[]): ExceptionGroup<F> {
          return new Labelled(this.message, exceptions, this.label) as ExceptionGroup<F>;
        }
      }
      const group = new Labelled('m', [new TypeError('t'), new RangeError('r')], 'L');
      const [match, rest] = group.split(TypeError);
      expect(match).toBeInstanceOf(Labelled);
      expect((match as Labelled).label).toBe('L');
      expect(rest).toBeInstanceOf(Labelled);
    });

    it('rejects a derive() that does not return an ExceptionGroup', () => {
      // cf. test_exception_group.py NestedExceptionGroupSubclassSplitTest (derive returning a non-group)
      class Bad extends ExceptionGroup {
        override derive<F>(): ExceptionGroup<F> {
          return new Error('not a group') as unknown as ExceptionGroup<F>;
        }
      }
      const group = new Bad('m', [new TypeError('t'), new RangeError('r')]);
      expect(() => group.split(TypeError)).toThrow(/derive\(\) must return an ExceptionGroup/);
    });
  });

  describe('derive()', () => {
    it('makes a plain group with the same message and the given exceptions, nothing else', () => {
      // cf. test_exception_group.py InstanceCreation.test_EG_subclass_does_not_wrap_base_exceptions / derive semantics
      const group = new ExceptionGroup('m', [new TypeError('t')]);
      group.stack = 'custom';
      const derived = group.derive([new RangeError('r')]);
      expect(derived).toBeInstanceOf(ExceptionGroup);
      expect(derived).not.toBe(group);
      expect(derived.message).toBe('m');
      expect(shape(derived)).toEqual({ message: 'm', exceptions: ['RangeError: r'] });
      expect(derived.stack).not.toBe('custom');
    });
  });

  describe('CancelledError, asyncio’s BaseException', () => {
    it('is not matched by Error or AggregateError, neither alone nor inside a group', () => {
      // cf. test_exception_group.py (except* Exception does not catch BaseExceptions; BaseExceptionGroup)
      const cancelled = new CancelledError('stop');
      const group = new ExceptionGroup('m', [new TypeError('t'), cancelled]);
      const [match, rest] = group.split(Error);
      expect(leaves(match)).toEqual([group.exceptions[0]]);
      expect(leaves(rest)).toEqual([cancelled]);
      expect(group.subgroup(AggregateError)).toBeNull(); // the group holds a CancelledError: a BaseExceptionGroup
    });

    it('is matched by CancelledError, and a group holding it by ExceptionGroup', () => {
      // cf. test_exception_group.py (BaseExceptionGroup matched by BaseExceptionGroup)
      const cancelled = new CancelledError('stop');
      const group = new ExceptionGroup('m', [new TypeError('t'), cancelled]);
      expect(group.subgroup(CancelledError)?.exceptions).toEqual([cancelled]);
      expect(group.subgroup(ExceptionGroup)).toBe(group);
      expect(group.subgroup(() => true)).toBe(group);
    });
  });
});

describe('catchGroup (except*)', () => {
  it('calls the handler of each matching clause once with its part, and returns when all is handled', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_multiple_matches_unnamed / named
    const calls: unknown[] = [];
    catchGroup(sample(), [
      [TypeError, (g) => calls.push(['types', shape(g)])],
      [RangeError, (g) => calls.push(['ranges', shape(g)])],
    ]);
    expect(calls).toEqual([
      ['types', { message: 'outer', exceptions: ['TypeError: t1', { message: 'inner', exceptions: ['TypeError: t2'] }] }],
      ['ranges', { message: 'outer', exceptions: [{ message: 'inner', exceptions: ['RangeError: r1'] }, 'RangeError: r2'] }],
    ]);
  });

  it('offers each clause only what the clauses before it left', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_first_match_wins_unnamed
    const calls: string[] = [];
    catchGroup(new ExceptionGroup('m', [new TypeError('t')]), [
      [TypeError, () => calls.push('first')],
      [Error, () => calls.push('second')],
    ]);
    expect(calls).toEqual(['first']);
  });

  it('skips a clause that matches nothing', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_no_match_single_type
    const calls: string[] = [];
    catchGroup(new ExceptionGroup('m', [new TypeError('t')]), [
      [RangeError, () => calls.push('range')],
      [TypeError, () => calls.push('type')],
    ]);
    expect(calls).toEqual(['type']);
  });

  it('re-throws the unhandled rest, with the original structure and message', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_match_single_type_partial_match
    const error = thrown(() => {
      catchGroup(sample(), [[TypeError, () => undefined]]);
    });
    expect(shape(error)).toEqual({
      message: 'outer',
      exceptions: [{ message: 'inner', exceptions: ['RangeError: r1'] }, 'RangeError: r2'],
    });
  });

  it('re-throws the original group itself when no clause matches', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_no_match_single_type
    const group = sample();
    expect(thrown(() => catchGroup(group, [[MyError, () => undefined]]))).toBe(group);
  });

  it('handles a lone error as a group of one, and re-throws it unwrapped when unmatched', () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_naked_exception_matched_wrapped / test_naked_exception_unmatched
    const lone = new TypeError('lone');
    let received: unknown;
    catchGroup(lone, [[TypeError, (g) => (received = g)]]);
    expect(received).toBeInstanceOf(ExceptionGroup);
    expect((received as ExceptionGroup).message).toBe('');
    expect((received as ExceptionGroup).exceptions).toEqual([lone]);

    const other = new RangeError('other');
    expect(thrown(() => catchGroup(other, [[TypeError, () => undefined]]))).toBe(other);
    expect(thrown(() => catchGroup('a string', [[TypeError, () => undefined]]))).toBe('a string');
  });

  it('re-throws the wrapped group when a handler re-throws what it got for a lone error', () => {
    // cf. test_except_star.py TestExceptStarReraise.test_reraise_naked (the re-raise is wrapped)
    const lone = new TypeError('lone');
    const error = thrown(() => {
      catchGroup(lone, [
        [
          TypeError,
          (g) => {
            throw g;
          },
        ],
      ]);
    });
    expect(error).toBeInstanceOf(ExceptionGroup);
    expect((error as ExceptionGroup).exceptions).toEqual([lone]);
  });

  it('puts a re-thrown part back into the original structure beside the unhandled rest', () => {
    // cf. test_except_star.py TestExceptStarReraise.test_reraise_some_handle_all / test_reraise_partial_handle_some
    const error = thrown(() => {
      catchGroup(sample(), [
        [
          RangeError,
          (g) => {
            throw g;
          },
        ],
        [MyError, () => undefined],
      ]);
    });
    expect(shape(error)).toEqual({
      message: 'outer',
      exceptions: [
        'TypeError: t1',
        { message: 'inner', exceptions: ['RangeError: r1', 'TypeError: t2'] },
        'RangeError: r2',
      ],
    });
  });

  it('re-throws the original object when every part is re-thrown or unhandled', () => {
    // cf. test_except_star.py TestExceptStarReraise.test_reraise_all_unnamed
    const group = sample();
    const error = thrown(() => {
      catchGroup(group, [
        [
          TypeError,
          (g) => {
            throw g;
          },
        ],
      ]);
    });
    expect(error).toBe(group);
  });

  it('throws a new error from a handler alone when nothing else is left', () => {
    // cf. test_except_star.py TestExceptStarRaise.test_raise_handle_all_raise_one_named
    const replacement = new MyError('replacement');
    const error = thrown(() => {
      catchGroup(sample(), [
        [
          Error,
          () => {
            throw replacement;
          },
        ],
      ]);
    });
    expect(error).toBe(replacement);
  });

  it('combines new errors from handlers with the rest in a group with an empty message', () => {
    // cf. test_except_star.py TestExceptStarRaise.test_raise_handle_all_raise_two_named / test_raise_handle_some_raise_one
    const a = new MyError('from types');
    const b = new MyError('from the inner ranges');
    const group = sample();
    const error = thrown(() => {
      catchGroup(group, [
        [
          TypeError,
          () => {
            throw a;
          },
        ],
        [
          (e) => e instanceof RangeError && e.message === 'r1',
          () => {
            throw b;
          },
        ],
      ]);
    });
    expect(error).toBeInstanceOf(ExceptionGroup);
    const top = error as ExceptionGroup;
    expect(top.message).toBe('');
    expect(top.exceptions.slice(0, 2)).toEqual([a, b]);
    expect(shape(top.exceptions[2])).toEqual({ message: 'outer', exceptions: ['RangeError: r2'] });
  });

  it('never swallows a CancelledError with a broad class, but handles it when named', () => {
    // cf. asyncio: CancelledError is a BaseException, which `except* Exception` does not catch
    const cancelled = new CancelledError('stop');
    expect(thrown(() => catchGroup(cancelled, [[Error, () => undefined]]))).toBe(cancelled);
    const calls: string[] = [];
    catchGroup(cancelled, [[CancelledError, () => calls.push('cancelled')]]);
    expect(calls).toEqual(['cancelled']);
  });

  it('refuses to match ExceptionGroup itself (use a plain catch)', () => {
    // cf. test_except_star.py TestExceptStarCatchExceptionGroup (except* ExceptionGroup is a TypeError)
    expect(() => catchGroup(sample(), [[ExceptionGroup, () => undefined]])).toThrow(/cannot match ExceptionGroup/);
    expect(() => catchGroup(sample(), [[[TypeError, ExceptionGroup], () => undefined]])).toThrow(TypeError);
  });

  it('rejects malformed clauses with TypeError before calling any handler', () => {
    // cf. test_except_star.py (invalid except* targets raise TypeError)
    const calls: string[] = [];
    const handler = (): void => {
      calls.push('called');
    };
    for (const bad of [
      'nope',
      [[TypeError]],
      [[TypeError, handler, 1]],
      [[42, handler]],
      [[TypeError, 'not a function']],
      [
        [TypeError, handler],
        [{}, handler],
      ],
    ]) {
      expect(() => catchGroup(sample(), bad as never)).toThrow(TypeError);
    }
    expect(calls).toEqual([]);
  });

  it('rejects a handler that returns a coroutine, which it cannot wait for', () => {
    // tsyncio only: generator handlers belong to tryCatchGroup
    let ran = false;
    const error = thrown(() => {
      catchGroup(new TypeError('t'), [
        [
          TypeError,
          function* () {
            ran = true;
          },
        ],
      ]);
    });
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/tryCatchGroup/);
    expect(ran).toBe(false);
  });

  it('types each handler’s group after its own matcher', () => {
    // tsyncio only: types (a predicate needs an annotated parameter, or every handler gets `any`)
    class HttpError extends Error {
      readonly status = 500;
    }
    class DnsError extends Error {
      readonly host = 'example.com';
    }
    catchGroup(new ExceptionGroup('m', [new TypeError('t')]), [
      [
        TypeError,
        (g) => {
          expectTypeOf(g).toEqualTypeOf<ExceptionGroup<TypeError>>();
        },
      ],
      [
        [HttpError, DnsError],
        (g) => {
          // (classes of the same shape collapse to one in an array literal: structural typing)
          expectTypeOf(g).toEqualTypeOf<ExceptionGroup<HttpError | DnsError>>();
        },
      ],
      [
        (e: unknown): e is MyError => e instanceof MyError,
        (g) => {
          expectTypeOf(g).toEqualTypeOf<ExceptionGroup<MyError>>();
        },
      ],
    ]);
  });
});

describe('tryCatchGroup (except* in a coroutine)', () => {
  it('returns the body’s result when it does not throw', async () => {
    // cf. test_except_star.py (try body without error)
    const calls: string[] = [];
    const result = await runVirtual(function* () {
      return yield* tryCatchGroup(
        function* () {
          yield* sleep(1);
          return 42;
        },
        [[TypeError, () => calls.push('handler')]],
      );
    });
    expect(result).toBe(42);
    expect(calls).toEqual([]);
  });

  it('runs generator handlers to completion, so they can wait', async () => {
    // cf. test_except_star.py in spirit: an except* handler of an async def may await
    const calls: string[] = [];
    const result = await runVirtual(function* () {
      return yield* tryCatchGroup(
        function* (): Coroutine<number> {
          yield* sleep(1);
          throw new ExceptionGroup('m', [new TypeError('t'), new RangeError('r')]);
        },
        [
          [
            TypeError,
            function* (g) {
              calls.push(`start ${g.exceptions.length}`);
              yield* sleep(1);
              calls.push('end');
            },
          ],
          [RangeError, () => calls.push('plain handler')],
        ],
      );
    });
    expect(result).toBeUndefined();
    expect(calls).toEqual(['start 1', 'end', 'plain handler']);
  });

  it('re-throws what no clause handled, as catchGroup does', async () => {
    // cf. test_except_star.py TestExceptStarSplitSemantics.test_match_single_type_partial_match
    const outcome = await runVirtual(function* () {
      try {
        yield* tryCatchGroup(
          function* () {
            yield* sleep(0);
            throw sample();
          },
          [[TypeError, () => undefined]],
        );
        return 'returned';
      } catch (e) {
        return shape(e);
      }
    });
    expect(outcome).toEqual({
      message: 'outer',
      exceptions: [{ message: 'inner', exceptions: ['RangeError: r1'] }, 'RangeError: r2'],
    });
  });

  it('checks the clauses before running the body', async () => {
    // tsyncio only: a malformed clause is a programming error, reported at once
    let ran = false;
    const outcome = await runVirtual(function* () {
      try {
        yield* tryCatchGroup(
          function* () {
            ran = true;
          },
          [[ExceptionGroup, () => undefined]] as never,
        );
        return null;
      } catch (e) {
        return e;
      }
    });
    expect(outcome).toBeInstanceOf(TypeError);
    expect(ran).toBe(false);
  });
});
