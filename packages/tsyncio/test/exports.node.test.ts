/**
 * The public surface of `tsyncio` under the `node` export condition (`src/index.node.ts`), pinned.
 * Node only: this entry adds `@tsyncio/net`. See `exports.test.ts` for how to update the snapshot.
 */
import { describe, expect, it } from 'vitest';
import * as nodeEntry from '../src/index.node.js';
import * as neutral from '../src/index.js';

describe('tsyncio exports (node)', () => {
  it('the Node entry exports exactly these names', () => {
    expect(Object.keys(nodeEntry).sort()).toMatchSnapshot();
  });

  it('the Node entry exports everything the platform-neutral entry does', () => {
    const missing = Object.keys(neutral).filter((name) => !(name in nodeEntry));
    expect(missing).toEqual([]);
  });

  it("importing 'tsyncio' in Node resolves to the Node entry", async () => {
    const viaPackage: Record<string, unknown> = await import('tsyncio');
    expect(Object.keys(viaPackage).sort()).toEqual(Object.keys(nodeEntry).sort());
  });
});
