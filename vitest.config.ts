import { defineConfig } from 'vitest/config';

// Unit tests live beside the code they test (src/**/*.test.ts) and need no server.
// Tests under test/ start real Temporal, PostgreSQL and SMTP peers: they run one file at a
// time so two dev servers never fight over this machine's two cores.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
