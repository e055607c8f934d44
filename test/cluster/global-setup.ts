import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { binariesPresent, startControlPlane, type ControlPlane, type ControlPlaneInfo } from './control-plane.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared control plane, or why there is none. */
    cluster: ControlPlaneInfo | { unavailable: string };
  }
}

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Does this run include cluster tests? `vitest run test/engine/load` selects none,
 * so the control plane is not started for it; a run with no file filters does.
 */
function clusterTestsSelected(): boolean {
  const runIndex = process.argv.findIndex((a) => a === 'run' || a.endsWith('vitest.mjs') || a.endsWith('/vitest'));
  const filters = process.argv.slice(runIndex + 1).filter((a) => !a.startsWith('-') && a !== 'run');
  return filters.length === 0 || filters.some((f) => f.includes('cluster') || f.includes('kubernetes') || f.includes('controller'));
}

/**
 * vitest global setup: builds kube-apiserver and etcd when they are missing
 * (test/cluster/build.sh; needs Go), starts one control plane for the whole run,
 * and stops it afterwards — also when tests fail. `PLUMB_CLUSTER=0` turns it off.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let cp: ControlPlane | undefined;
  if (process.env.PLUMB_CLUSTER === '0') {
    project.provide('cluster', { unavailable: 'PLUMB_CLUSTER=0 is set' });
  } else if (!clusterTestsSelected()) {
    project.provide('cluster', { unavailable: 'no cluster test was selected in this run' });
  } else if (!binariesPresent() && !goAvailable()) {
    project.provide('cluster', { unavailable: 'Go is not installed, so kube-apiserver and etcd cannot be built' });
  } else {
    try {
      if (!binariesPresent()) {
        execFileSync('bash', [join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, 'build.sh')], { stdio: 'inherit' });
      }
      cp = await startControlPlane();
      const { server, caFile, adminToken, kubeconfig, dir } = cp;
      project.provide('cluster', { server, caFile, adminToken, kubeconfig, dir });
    } catch (e) {
      project.provide('cluster', { unavailable: `the control plane did not start: ${(e as Error).message}` });
    }
  }
  return async () => {
    await cp?.stop();
  };
}
