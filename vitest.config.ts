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
    // and without the persistent content cache unless a test opens one (test/setup/content-cache.ts)
    setupFiles: ['test/setup/fast-check.ts', 'test/setup/content-cache.ts'],
  },
});
