// @ts-check
/**
 * `loop`, `futures`, `sync` and `streams` run in browsers: they may not import Node built-ins
 * (`node:*` or bare names such as `fs`, `net`). Platform access goes through the loop's hosts.
 * @type {import('eslint').Rule.RuleModule}
 */
const BUILTINS = new Set([
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs',
  'fs/promises', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'os', 'path', 'perf_hooks', 'process',
  'readline', 'stream', 'string_decoder', 'timers', 'timers/promises', 'tls', 'tty', 'url', 'util', 'v8', 'vm',
  'worker_threads', 'zlib',
]);

export default {
  meta: {
    type: 'problem',
    docs: { description: 'forbid Node built-in imports in platform-neutral packages' },
    messages: { node: "'{{name}}' is a Node built-in: platform-neutral packages may not import it (use the loop's Host)." },
    schema: [],
  },
  create(context) {
    /** @param {import('estree').Node | null | undefined} source */
    function check(source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const name = source.value;
      if (name.startsWith('node:') || BUILTINS.has(name)) context.report({ node: source, messageId: 'node', data: { name } });
    }
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
