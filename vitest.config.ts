import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn processes and read the live /proc; running files
    // one at a time keeps their process counts and timings independent.
    fileParallelism: false,
  },
});
