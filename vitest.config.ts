import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**', 'test/fixtures/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One real kube-apiserver + etcd for the whole run (test/cluster/README.md).
    globalSetup: ['test/cluster/global-setup.ts'],
    // property tests from a fixed seed unless exploring (test/setup/fast-check.ts)
    setupFiles: ['test/setup/fast-check.ts'],
  },
});
