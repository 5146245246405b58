// docs/streams.md shows test/guide/resp.ts verbatim: keep them in sync (Node only: reads files).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);

describe('docs/streams.md', () => {
  it('shows test/guide/resp.ts exactly as it is', () => {
    const guide = readFileSync(new URL('docs/streams.md', root), 'utf8');
    const source = readFileSync(new URL('packages/streams/test/guide/resp.ts', root), 'utf8');
    const match = /<!-- begin: packages\/streams\/test\/guide\/resp\.ts -->\n```ts\n([\s\S]*?)```\n<!-- end -->/.exec(guide);
    expect(match, 'the guide has no marked copy of resp.ts').not.toBeNull();
    expect(match?.[1]).toBe(source);
  });
});
