import type { JsonApi } from '../leader/lease-api.js';
import { scrubText } from '../redact/scrubber.js';
import { statusOf } from '../leader/lease-api.js';
import { statusVerdict, type ControllerStatus } from './status.js';

export const STATUS_CONFIGMAP = 'plumb-status';

/**
 * Writes the status to the ConfigMap `plumb-status` in the controller's
 * namespace — a ConfigMap rather than a CRD, so installing plumb needs no
 * cluster-admin CRD install and `kubectl get cm plumb-status -o yaml` reads it.
 * `status.json` holds the whole status; a few flat keys are there for
 * `kubectl get -o jsonpath` and humans. Replaced with the read
 * resourceVersion; a 409 means another writer raced us and is retried once.
 */
export async function writeStatusConfigMap(api: JsonApi, namespace: string, status: ControllerStatus, signal?: AbortSignal): Promise<void> {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`;
  const ready = status.conditions.find((c) => c.type === 'Ready');
  const { sync, health } = statusVerdict(status);
  const data: Record<string, string> = {
    'status.json': scrubText(JSON.stringify(status, null, 2)),
    revision: status.revision ?? '',
    lastAppliedRevision: status.lastAppliedRevision ?? '',
    ready: ready?.status ?? 'Unknown',
    reason: ready?.reason ?? '',
    sync,
    health,
    openIncidents: String(status.incidents?.open ?? 0),
  };
  const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: STATUS_CONFIGMAP, namespace, labels: { 'app.kubernetes.io/name': 'plumb' } }, data };
  for (let attempt = 0; attempt < 2; attempt++) {
    let existing: any;
    try {
      existing = (await api.call({ method: 'GET', path: `${base}/${STATUS_CONFIGMAP}`, signal })).body;
    } catch (e) {
      if (statusOf(e) !== 404) throw e;
    }
    try {
      if (!existing) await api.call({ method: 'POST', path: base, body, signal });
      else
        await api.call({
          method: 'PUT',
          path: `${base}/${STATUS_CONFIGMAP}`,
          body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } },
          signal,
        });
      return;
    } catch (e) {
      if ((statusOf(e) !== 409 && statusOf(e) !== 404) || attempt === 1) throw e;
    }
  }
}
