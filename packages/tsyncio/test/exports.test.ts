/**
 * The public surface of the `tsyncio` umbrella, pinned (STYLE house rule 5; Trio's
 * test_exports.py). This file runs in Node and in headless Chromium and checks the
 * platform-neutral entry (`src/index.ts`, what browsers and bundlers get); the Node entry is
 * pinned in `exports.node.test.ts`.
 *
 * When you add or remove an export on purpose, update the snapshot and commit it with the change:
 *   pnpm vitest run --project tsyncio -u packages/tsyncio/test/exports
 * and make sure the change has a changeset and an API.md entry.
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
