import { apiCall, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * Stands in for kube-controller-manager's Deployment controller, which this
 * control plane does not run: every `intervalMs` it marks each Deployment in
 * `namespaces` (outside `skipNamespaces`) as rolled out — observedGeneration
 * current, all replicas updated and available — by writing the status
 * subresource, as the real controller would. Without it, every Deployment
 * would stay unavailable and every apply would fail its health check.
 *
 * `namespaces` is required: the cluster test files of one vitest run share one
 * API server, so a rollout over the whole cluster would mark another file's
 * Deployments available (one that keeps a workload down on purpose, say). A
 * test names the namespaces it owns; only a control plane of its own (the
 * benchmark's) may say `'all'`.
 */
export function startFakeRollout(
  c: ControlPlaneInfo,
  opts: {
    intervalMs?: number;
    skipNamespaces?: readonly string[];
    /** observed, updated, but never available */
    stuckNamespaces?: readonly string[];
    /** the namespaces whose Deployments to roll out: the caller's own, or `'all'` on a control plane no other test shares */
    namespaces: readonly string[] | 'all';
    /** whether a Deployment's pods come up (default: yes), as a kubelet would decide */
    podsUp?: (deployment: Obj) => Promise<boolean>;
    /** Deployments written at once (default 1; kube-controller-manager's --concurrent-deployment-syncs is 5) */
    workers?: number;
  },
): () => Promise<void> {
  let stopped = false;
  const skip = new Set(opts.skipNamespaces ?? []);
  const stuck = new Set(opts.stuckNamespaces ?? []);
  const loop = (async () => {
    while (!stopped) {
      try {
        const paths = opts.namespaces === 'all' ? ['/apis/apps/v1/deployments'] : opts.namespaces.map((ns) => `/apis/apps/v1/namespaces/${ns}/deployments`);
        const items = (await Promise.all(paths.map((p) => apiCall(c, c.adminToken, 'GET', p)))).flatMap((list) => (list.body?.items ?? []) as Obj[]);
        const queue = [...items];
        const worker = async () => {
          for (let d = queue.shift(); d; d = queue.shift()) {
            const ns = d.metadata.namespace as string;
            const want = d.spec?.replicas ?? 1;
            const available = stuck.has(ns) || (opts.podsUp && !(await opts.podsUp(d))) ? 0 : want;
            const s = d.status ?? {};
            if (skip.has(ns) || (s.observedGeneration === d.metadata.generation && (s.availableReplicas ?? 0) === available && s.updatedReplicas === want))
              continue;
            const status = {
              observedGeneration: d.metadata.generation,
              replicas: want,
              updatedReplicas: want,
              readyReplicas: available,
              availableReplicas: available,
            };
            await apiCall(
              c,
              c.adminToken,
              'PATCH',
              `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}/status`,
              { status },
              'application/merge-patch+json',
            );
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, worker));
      } catch {
        /* the API server may be restarting in a fault test */
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
