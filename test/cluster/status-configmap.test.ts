import { expect, it } from 'vitest';
import { KubeClient } from '../../engine/providers/kubernetes/kube-client.js';
import { loadKubeConfig } from '../../engine/providers/kubernetes/kube-config.js';
import { writeStatusConfigMap } from '../../engine/reconcile/status-configmap.js';
import { statusVerdict } from '../../engine/reconcile/status.js';
import { STATUS } from '../helpers/controller-status.js';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { apiCall } from './control-plane.js';

const NS = 'status-cli';

describeCluster('plumb status reads the ConfigMap the controller writes, from the real API server', (cluster) => {
  it('-o json and text, through --kubeconfig/--context before the command; a namespace without one is status.not-found', async () => {
    const c = cluster();
    await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const api = new KubeClient(loadKubeConfig({ kubeconfig: c.kubeconfig }));
    try {
      await writeStatusConfigMap(api, NS, STATUS); // the controller's own writer
    } finally {
      api.close();
    }
    const json = await runCli(['--kubeconfig', c.kubeconfig, '--context', 'plumb-test', 'status', '-n', NS, '-o', 'json']);
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ from: `configmap ${NS}/plumb-status`, ...statusVerdict(STATUS), status: STATUS });
    // the flat keys for kubectl -o jsonpath say the same
    const cm = await apiCall(c, c.adminToken, 'GET', `/api/v1/namespaces/${NS}/configmaps/plumb-status`);
    expect(cm.body.data).toMatchObject({ sync: 'OutOfSync', health: 'Degraded', openIncidents: '1', ready: 'False', reason: 'PolicyDenied' });

    const text = await runCli(['status', '--namespace', NS, '--kubeconfig', c.kubeconfig]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Read from:         configmap ${NS}/plumb-status\n`);
    expect(text.stdout).toContain('Sync Status:       OutOfSync\nHealth Status:     Degraded\n');

    const missing = await runCli(['status', '-n', 'status-cli-nothing-here', '--kubeconfig', c.kubeconfig]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      "error: no controller status in namespace status-cli-nothing-here: ConfigMap plumb-status not found\n  hint: no plumb controller has reconciled there yet: pass the controller's --namespace with -n, or read it over HTTP with --endpoint URL\n",
    );
  });
});
