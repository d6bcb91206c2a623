import { defineConfig } from 'vitest/config';

// One real broker per test run (test/global-setup.ts); files run one at a time because the
// integration tests share it and this machine has two cores.
export default defineConfig({
  test: {
    include: ['graders/**/*.test.ts', 'labs/**/*.test.ts', 'site/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
