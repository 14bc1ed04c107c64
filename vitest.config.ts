import { defineConfig } from 'vitest/config';

// The ten-minute quiet-activity test (leaks.quiet.live.test.ts) runs on its own, beside the
// end-to-end suite (scripts/test-slow.mjs): PMEMSTAT_QUIET=1 selects it, and only it.
const quiet = process.env.PMEMSTAT_QUIET === '1';

export default defineConfig({
  test: {
    include: quiet ? ['test/integration/**/*.quiet.live.test.ts'] : ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: quiet ? [] : ['**/node_modules/**', 'test/integration/**/*.quiet.live.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests spawn processes and read the live /proc; running files
    // one at a time keeps their process counts and timings independent.
    fileParallelism: false,
    // Users and /tmp dirs a test file creates are removed when it ends; the run ends with what
    // was skipped here (a missing Debian package, not root) and how to enable it.
    setupFiles: ['test/support/setup.ts'],
    reporters: ['default', './test/support/skipped.ts'],
  },
});
