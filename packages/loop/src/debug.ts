/**
 * Debug-mode helpers: where objects were created, and short descriptions of values for
 * diagnostics. Same role as asyncio's `format_helpers.py`.
 *
 * @module
 */

/**
 * The current call stack as text, without the first `skip` frames below the caller (best effort:
 * `Error().stack` where the platform has it, else an empty string). Used in debug mode to record
 * where handles, futures and tasks were created.
 */
export function captureStack(skip = 1): string {
  const stack = new Error().stack;
  if (stack === undefined) return '';
  const lines = stack.split('\n');
  // line 0 is "Error"; line 1 is captureStack itself
  return lines.slice(2 + skip).join('\n');
}

/**
 * A short, single-line description of `value` for messages (Python's `repr` in spirit):
 * strings quoted, functions by name, objects by their own `toString` when they have one.
 */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'function':
      return value.name === '' ? '<anonymous function>' : `${value.name}()`;
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Error) return `${value.name}(${JSON.stringify(value.message)})`;
      if (Array.isArray(value)) return `Array(${value.length})`;
      if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength})`;
      const own = (value as { toString?: unknown }).toString;
      if (typeof own === 'function' && own !== Object.prototype.toString) {
        try {
          return (own as () => string).call(value);
        } catch {
          // fall through to the class name
        }
      }
      const ctor = (value as { constructor?: { name?: unknown } }).constructor;
      return `<${typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object'}>`;
    }
    case 'symbol':
      return value.toString();
    case 'bigint':
      return `${value}n`;
    default:
      return String(value);
  }
}
