import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const SOURCE = '@tsyncio/source';

/** Packages whose tests also run in headless Chromium (no Node built-ins in their src/). */
const NEUTRAL = ['loop', 'futures', 'sync', 'streams', 'tsyncio'];

export default defineConfig({
  test: {
    projects: [
      // one project per package: packages/*/vitest.config.ts (node environment)
      'packages/*',
      'examples',
      // the platform-neutral packages' tests again, in Debian's headless Chromium. A bare root
      // `vitest run` includes it (and fails without chromium): scripts pass --project.
      {
        resolve: { conditions: [SOURCE, 'module', 'browser', 'development|production'] },
        test: {
          name: 'browser',
          include: NEUTRAL.map((p) => `packages/${p}/test/**/*.test.ts`),
          // *.node.test.ts need Node (subprocesses, sockets)
          exclude: ['**/*.node.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: [
                  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                  '--disable-background-networking', '--disable-component-update', '--disable-sync',
                ],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
    coverage: { provider: 'v8', include: ['packages/*/src/**'], reporter: ['text', 'json-summary'] },
  },
});
