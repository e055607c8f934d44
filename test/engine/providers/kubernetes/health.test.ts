import { describe, expect, it } from 'vitest';
import { evaluateHealth } from '../../../../engine/providers/kubernetes/health.js';

/** A workload after an update, with the status its controller writes once it has done all it will do without help. */
const sts = (updateStrategy: unknown, status: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'shop', generation: 2 },
  spec: { replicas: 3, updateStrategy },
  status: { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3, currentRevision: 'db-old', updateRevision: 'db-new', ...status },
});

describe('workload health the controller can settle without someone deleting pods', () => {
  it('a StatefulSet updating OnDelete is healthy once observed and ready: its pods change only when deleted', () => {
    expect(evaluateHealth(sts({ type: 'OnDelete' }, { updatedReplicas: 0 }))).toMatchObject({ healthy: true, done: true });
    expect(evaluateHealth(sts({ type: 'OnDelete' }, { readyReplicas: 2 }))).toMatchObject({ healthy: false, message: '2 of 3 replicas ready' });
    expect(evaluateHealth(sts({ type: 'OnDelete' }, { observedGeneration: 1 }))).toMatchObject({ healthy: false });
  });

  it('a partitioned rolling update (canary) is done when the ordinals at or above the partition are updated, as kubectl rollout status says', () => {
    const canary = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    expect(evaluateHealth(sts(canary, { updatedReplicas: 0 }))).toMatchObject({ healthy: false, message: '0 of 1 replicas above partition 2 updated' });
    expect(evaluateHealth(sts(canary, { updatedReplicas: 1 }))).toMatchObject({
      healthy: true,
      message: 'partitioned rollout complete: 1 of 3 replicas updated',
    });
    // without a partition, the revisions must meet
    expect(evaluateHealth(sts({ type: 'RollingUpdate' }, { updatedReplicas: 1 }))).toMatchObject({ healthy: false, message: 'rolling update in progress' });
    expect(evaluateHealth(sts({ type: 'RollingUpdate' }, { updatedReplicas: 3, currentRevision: 'db-new' }))).toMatchObject({ healthy: true });
  });

  it('a DaemonSet updating OnDelete is healthy once observed and its pods available, updated or not', () => {
    const ds = (type: string, status: Record<string, unknown>) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'ops', generation: 4 },
      spec: { updateStrategy: { type } },
      status: { observedGeneration: 4, desiredNumberScheduled: 5, updatedNumberScheduled: 0, numberAvailable: 5, ...status },
    });
    expect(evaluateHealth(ds('OnDelete', {}))).toMatchObject({ healthy: true, done: true });
    expect(evaluateHealth(ds('OnDelete', { numberAvailable: 4 }))).toMatchObject({ healthy: false, message: '4 of 5 pods available' });
    expect(evaluateHealth(ds('RollingUpdate', {}))).toMatchObject({ healthy: false, message: '0 of 5 pods updated' });
  });
});

describe("a custom kind named like one of Kubernetes' own gets the generic rule, not that kind's", () => {
  it('a Knative Service whose Ready is False is pending, not healthy as a core Service would be', () => {
    const ksvc = {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name: 'hello', generation: 2 },
      status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'False', message: 'revision missing' }] },
    };
    expect(evaluateHealth(ksvc)).toMatchObject({ healthy: false, done: false, message: 'Ready=False: revision missing' });
    expect(evaluateHealth({ ...ksvc, metadata: { name: 'hello', generation: 3 } })).toMatchObject({ healthy: false, done: false });
    expect(evaluateHealth({ ...ksvc, status: { observedGeneration: 2, conditions: [{ type: 'Ready', status: 'True' }] } })).toMatchObject({ healthy: true });
  });

  it('a Volcano Job (no Complete condition) is healthy once it exists and is observed, not waited on until the timeout', () => {
    const vcjob = { apiVersion: 'batch.volcano.sh/v1alpha1', kind: 'Job', metadata: { name: 'train', generation: 1 }, status: { state: { phase: 'Running' } } };
    expect(evaluateHealth(vcjob)).toMatchObject({ healthy: true, done: true, message: 'exists' });
    // Kubernetes' own Job keeps its rule
    expect(evaluateHealth({ ...vcjob, apiVersion: 'batch/v1' })).toMatchObject({ healthy: false, done: false });
  });

  it("a core LoadBalancer Service's address is named whether it is an ip or a hostname", () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { type: 'LoadBalancer' } };
    expect(evaluateHealth({ ...svc, status: { loadBalancer: { ingress: [{ ip: '', hostname: 'lb.example' }] } } }).message).toBe('load balancer at lb.example');
    expect(evaluateHealth({ ...svc, status: {} })).toMatchObject({ healthy: false, done: false });
  });
});
