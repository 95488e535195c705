import { defineConfig } from 'vitest/config';

// Unit tests need no server: they live beside the code they test (src/**/*.test.ts, and the
// benchmark's helpers under bench/), or under test/unit/ when they use test fixtures (nothing
// under src/ imports from test/). Every other test under test/ starts real Temporal,
// PostgreSQL or SMTP peers: those run one file at a time so two dev servers never fight over
// this machine's two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/unit/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
