import { describe, inject } from 'vitest';
import type { ControlPlaneInfo } from './control-plane.js';

/**
 * `describe` for tests that need the real control plane. Without one the suite
 * is skipped with a message that says how to run it — unless
 * PLUMB_REQUIRE_CLUSTER=1 (set by .ci/run), where a missing cluster fails.
 */
export function describeCluster(name: string, body: (cluster: () => ControlPlaneInfo) => void): void {
  const c = inject('cluster');
  if ('unavailable' in c) {
    const why = `${c.unavailable}. Install Go >= 1.26 and run test/cluster/build.sh (or just npm test with Go on PATH) to run the Kubernetes integration tests.`;
    if (process.env.PLUMB_REQUIRE_CLUSTER === '1') {
      describe(name, () => {
        throw new Error(`PLUMB_REQUIRE_CLUSTER=1 but there is no cluster: ${why}`);
      });
      return;
    }
    console.warn(`skipping "${name}": ${why}`);
    describe.skip(name, () => body(() => c as never));
    return;
  }
  describe(name, () => body(() => c));
}
