import { shared } from '@tsyncio/vitest-config';
import { defineProject, mergeConfig } from 'vitest/config';

export default mergeConfig(shared, defineProject({ test: { testTimeout: 120_000, hookTimeout: 120_000 } }));
