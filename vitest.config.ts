import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests never touch the user's own journal or cache: backtests they run journal into a scratch file.
    env: {
      MICROFUT_JOURNAL: join(tmpdir(), `microfut-test-journal-${process.pid}.sqlite`),
      MICROFUT_CACHE: join(tmpdir(), `microfut-test-cache-${process.pid}`),
    },
  },
});
