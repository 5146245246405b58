/**
 * The public surface of the `tsyncio` umbrella, pinned (STYLE house rule 5; Trio's
 * test_exports.py). This file runs in Node and in headless Chromium and checks the
 * platform-neutral entry (`src/index.ts`, what browsers and bundlers get); the Node entry is
 * pinned in `exports.node.test.ts`.
 *
 * When you add or remove an export on purpose, update the snapshots, and commit them with the
 * change, its changeset and its API.md entry:
 *   pnpm vitest run --project tsyncio -u test/exports
 * One snapshot file serves both the Node and the Chromium run of this file.
 */
import { describe, expect, it } from 'vitest';
import * as neutral from '../src/index.js';

describe('tsyncio exports', () => {
  it('the platform-neutral entry exports exactly these names', () => {
    expect(Object.keys(neutral).sort()).toMatchSnapshot();
  });

  it('every export is defined (no re-export of a name its module lacks)', () => {
    const missing = Object.entries(neutral)
      .filter(([, value]) => value === undefined)
      .map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
