// @ts-check
/**
 * Tree-shaking fixtures (STYLE §7.3, house rule 14). Each row is one thing an application imports;
 * `check-bundle.mjs` bundles it from the built dist/ the way an app bundler would (esbuild,
 * `--bundle --minify --format=esm --platform=neutral`) and checks the bounds.
 *
 * To add a guard, add a row. Fields:
 * - `name`           what the row proves, shown in the report.
 * - `import`         the names an app imports, or '*' for the whole entry.
 * - `from`           the module specifier (default 'tsyncio', the umbrella).
 * - `maxBytes`       bound on the minified bundle, in bytes (omit: size is only reported).
 * - `mustNotContain` names that must not reach the bundle: a string matches as a whole identifier
 *                    or inside a string literal (`EventLoop`, but not `newEventLoop`), a RegExp
 *                    matches as written. They are searched in an unminified build of the same
 *                    fixture, where class and function names survive.
 *
 * @typedef {object} BundleFixture
 * @property {string} name
 * @property {readonly string[] | '*'} import
 * @property {string} [from]
 * @property {number} [maxBytes]
 * @property {readonly (string | RegExp)[]} [mustNotContain]
 */

/** @type {readonly BundleFixture[]} */
export const fixtures = [
  {
    name: 'getRunningLoop alone does not pull in the event loop',
    import: ['getRunningLoop'],
    maxBytes: 1024,
    mustNotContain: ['EventLoop', 'VirtualClock', 'Deque', 'TimerHeap', 'Context'],
  },
  {
    name: 'sleep alone does not pull in the combinators or TaskGroup',
    import: ['sleep'],
    maxBytes: 33_000,
    mustNotContain: ['TaskGroup', 'gather', 'shield', 'ExceptionGroup', 'Timeout', 'Runner'],
  },
  {
    name: 'Lock alone does not pull in the other primitives or streams',
    import: ['Lock'],
    maxBytes: 35_000,
    mustNotContain: ['Queue', 'Condition', 'Semaphore', 'Barrier', 'StreamReader', 'TaskGroup'],
  },
  {
    name: 'StreamReader alone does not pull in the pipes, the sync primitives or TaskGroup',
    import: ['StreamReader'],
    maxBytes: 50_000,
    mustNotContain: ['PipeTransport', 'createPipe', 'Lock', 'Queue', 'TaskGroup', 'checkTransport'],
  },
  {
    name: 'TaskGroup alone does not pull in streams or the sync primitives',
    import: ['TaskGroup', 'asyncWith'],
    maxBytes: 46_000,
    mustNotContain: ['StreamReader', 'Lock', 'Queue', 'gather'],
  },
  // Bounds are today's sizes + ~10 %: raise one deliberately, with the reason in the commit.
  {
    name: 'the whole platform-neutral umbrella',
    import: '*',
    maxBytes: 117_000,
  },
];
