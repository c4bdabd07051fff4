import { defineConfig } from 'vitest/config';

// Tests import workspace packages through the "source" export condition, so they
// run against the TypeScript sources; the bins (e2e tests) run the compiled dist/.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
