import { groupOf, isBuiltinGroup } from '../../model/kubernetes-kinds.js';
/**
 * Health of a live object from its status, the way `kubectl rollout status`
 * and kstatus read it. `done: true` means the answer will not change by
 * waiting (healthy, or failed for good like a failed Job).
 */
export interface HealthVerdict {
  readonly healthy: boolean;
  readonly done: boolean;
  readonly message: string;
}

type Obj = Record<string, any>;

function condition(o: Obj, type: string): Obj | undefined {
  return ((o.status?.conditions ?? []) as Obj[]).find((c) => c.type === type);
}

/**
 * Has the controller seen the latest spec? Workloads must report
 * observedGeneration; other objects are current when they do not report it.
 */
function observedCurrent(o: Obj, required = true): boolean {
  const gen = o.metadata?.generation;
  const observed = o.status?.observedGeneration;
  if (observed === undefined) return !required || gen === undefined;
  return gen === undefined || observed >= gen;
}

/**
 * A health rule from plumb.yaml (`health.checks`, compiled by the apply stage):
 * its verdict for an object of its kind, `'no-wait'` when apply is not to wait
 * for that kind, undefined when no rule covers the object.
 */
export type HealthRule = (object: Obj) => HealthVerdict | 'no-wait' | undefined;

export function evaluateHealth(o: Obj): HealthVerdict {
  // a kind's own rule is for Kubernetes' own kind: a Knative Service or a Volcano Job is read by the generic
  // rule below (observedGeneration, Ready/Available), as Argo CD keys its health checks by group and kind
  const kind = isBuiltinGroup(groupOf(String(o.apiVersion ?? ''))) ? String(o.kind) : '';
  const s = o.status ?? {};
  const pending = (message: string): HealthVerdict => ({ healthy: false, done: false, message });
  const ok = (message = 'ready'): HealthVerdict => ({ healthy: true, done: true, message });
  switch (kind) {
    case 'Deployment': {
      if (!observedCurrent(o)) return pending('waiting for the deployment controller to observe generation ' + o.metadata?.generation);
      const progressing = condition(o, 'Progressing');
      if (progressing?.reason === 'ProgressDeadlineExceeded')
        return { healthy: false, done: true, message: `rollout failed: ${progressing.message ?? 'progress deadline exceeded'}` };
      const want = o.spec?.replicas ?? 1;
      if ((s.updatedReplicas ?? 0) < want) return pending(`${s.updatedReplicas ?? 0} of ${want} replicas updated`);
      if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return pending(`${(s.replicas ?? 0) - (s.updatedReplicas ?? 0)} old replicas pending termination`);
      if ((s.availableReplicas ?? 0) < want) return pending(`${s.availableReplicas ?? 0} of ${want} replicas available`);
      return ok(`${want} of ${want} replicas available`);
    }
    case 'StatefulSet': {
      if (!observedCurrent(o)) return pending('waiting for the statefulset controller to observe the new generation');
      const want = o.spec?.replicas ?? 1;
      if ((s.readyReplicas ?? 0) < want) return pending(`${s.readyReplicas ?? 0} of ${want} replicas ready`);
      // OnDelete: pods take the new revision only when someone deletes them — waiting cannot end it (Argo CD, kstatus)
      if (o.spec?.updateStrategy?.type === 'OnDelete') return ok(`${want} of ${want} replicas ready (OnDelete: pods update when deleted)`);
      // a partitioned rolling update (a canary) updates only the ordinals at or above the partition: done when those are
      const partition = Number(o.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
      if (partition > 0) {
        const due = Math.max(0, want - partition);
        if ((s.updatedReplicas ?? 0) < due) return pending(`${s.updatedReplicas ?? 0} of ${due} replicas above partition ${partition} updated`);
        return ok(`partitioned rollout complete: ${due} of ${want} replicas updated`);
      }
      if (s.updateRevision && s.currentRevision !== s.updateRevision) return pending('rolling update in progress');
      return ok(`${want} of ${want} replicas ready`);
    }
    case 'DaemonSet': {
      if (!observedCurrent(o)) return pending('waiting for the daemonset controller to observe the new generation');
      const want = s.desiredNumberScheduled ?? 0;
      // OnDelete: pods take the new template only when deleted — waiting cannot update them (Argo CD)
      const onDelete = o.spec?.updateStrategy?.type === 'OnDelete';
      if (!onDelete && (s.updatedNumberScheduled ?? 0) < want) return pending(`${s.updatedNumberScheduled ?? 0} of ${want} pods updated`);
      if ((s.numberAvailable ?? 0) < want) return pending(`${s.numberAvailable ?? 0} of ${want} pods available`);
      return ok(`${want} of ${want} pods available`);
    }
    case 'Job': {
      const failed = condition(o, 'Failed');
      if (failed?.status === 'True') return { healthy: false, done: true, message: `job failed: ${failed.message ?? failed.reason ?? ''}`.trim() };
      if (condition(o, 'Complete')?.status === 'True') return ok('completed');
      return pending(`${s.succeeded ?? 0} pods succeeded`);
    }
    case 'APIService': {
      // the aggregator reports availability a moment after the object is written: no condition yet is not healthy
      const available = condition(o, 'Available');
      if (available?.status === 'True') return ok('Available=True');
      return pending(
        available
          ? `Available=${available.status}${available.reason ? ` (${available.reason})` : ''}${available.message ? `: ${available.message}` : ''}`
          : 'waiting for the aggregator to report availability',
      );
    }
    case 'Service': {
      // a LoadBalancer is usable once its controller has given it an address (Argo CD and kstatus wait for
      // status.loadBalancer.ingress); other types work as soon as they exist
      if (o.spec?.type !== 'LoadBalancer') return ok('exists');
      const ingress = ((s.loadBalancer?.ingress ?? []) as Obj[]).filter((i) => i && (i.ip || i.hostname));
      if (ingress.length) return ok(`load balancer at ${ingress.map((i) => i.ip || i.hostname).join(', ')}`);
      return pending(
        'no load-balancer controller has assigned an address (status.loadBalancer.ingress is empty): a cluster without one (kind, bare metal without MetalLB) never does',
      );
    }
    case 'CustomResourceDefinition': {
      const established = condition(o, 'Established');
      if (established?.status === 'True') return ok('established');
      const names = condition(o, 'NamesAccepted');
      if (names?.status === 'False') return { healthy: false, done: true, message: `names not accepted: ${names.message ?? names.reason ?? ''}`.trim() };
      return pending('waiting for the CRD to be established');
    }
    default: {
      if (!observedCurrent(o, false)) return pending('waiting for the controller to observe the new generation');
      const ready = condition(o, 'Ready') ?? condition(o, 'Available');
      if (ready && ready.status !== 'True') return pending(`${ready.type}=${ready.status}${ready.message ? `: ${ready.message}` : ''}`);
      return ok(ready ? `${ready.type}=True` : 'exists');
    }
  }
}
