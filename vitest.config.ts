import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Each integration test file creates its own database, so files may run in parallel.
    fileParallelism: true,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
