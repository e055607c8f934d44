import { describe, expect, it } from 'vitest';
import { parseHealthEvent } from '../../../engine/correlate/events.js';
import { hostEvents } from '../../../engine/correlate/signals/host-signals.js';
import { hasHealth, healthKindOf, kubernetesEvents } from '../../../engine/correlate/signals/kubernetes-signals.js';
import { isPlumbError } from '../../../engine/model/errors.js';

const T = '2026-01-05T09:00:00.000Z';
const brief = (events: ReturnType<typeof kubernetesEvents>) => events.map((e) => `${e.kind} ${e.severity} ${e.detail}`);

describe('Kubernetes health signals', () => {
  it("a custom kind named like a built-in one is read by the generic Ready rule, not the built-in kind's", () => {
    // an example.com Deployment reporting Ready was 'unavailable critical 0/1 replicas available'; an example.com
    // ConfigMap with a Ready condition had no health at all
    const kind = healthKindOf({ apiVersion: 'example.com/v1', kind: 'Deployment' });
    const live = { kind: 'Deployment', status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(brief(kubernetesEvents('deployment.example.com:shop/api', live, kind, T))).toEqual(['not-ready cleared healthy']);
    expect(brief(kubernetesEvents('deployment.example.com:shop/api', undefined, kind, T))).toEqual([]);
    expect(hasHealth(healthKindOf({ apiVersion: 'example.com/v1', kind: 'ConfigMap' }))).toBe(true);
    expect(healthKindOf({ apiVersion: 'apps/v1', kind: 'Deployment' })).toBe('Deployment');
  });

  it('workloads: fewer available replicas than wanted is unavailable (critical at none), a stuck rollout too; all available clears', () => {
    const dep = (available: number, extra: Record<string, unknown> = {}) => ({
      kind: 'Deployment',
      spec: { replicas: 3 },
      status: { availableReplicas: available, ...extra },
    });
    expect(brief(kubernetesEvents('deployment:shop/api', dep(0), 'Deployment', T))).toEqual(['unavailable critical 0/3 replicas available']);
    expect(brief(kubernetesEvents('deployment:shop/api', dep(2), 'Deployment', T))).toEqual(['unavailable major 2/3 replicas available']);
    expect(
      brief(
        kubernetesEvents(
          'deployment:shop/api',
          dep(3, { conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-7c" has timed out progressing.' }] }),
          'Deployment',
          T,
        ),
      ),
    ).toEqual(['unavailable major rollout stuck: ReplicaSet "api-7c" has timed out progressing.']);
    expect(brief(kubernetesEvents('deployment:shop/api', dep(3), 'Deployment', T))).toEqual(['unavailable cleared healthy']);
    expect(brief(kubernetesEvents('deployment:shop/api', { spec: { replicas: 0 }, status: {} }, 'Deployment', T))).toEqual(['unavailable cleared healthy']);
    expect(brief(kubernetesEvents('statefulset:shop/db', { spec: { replicas: 2 }, status: { readyReplicas: 1 } }, 'StatefulSet', T))).toEqual([
      'unavailable major 1/2 replicas ready',
    ]);
    expect(brief(kubernetesEvents('daemonset:kube-system/agent', { status: { desiredNumberScheduled: 4, numberAvailable: 0 } }, 'DaemonSet', T))).toEqual([
      'unavailable critical 0/4 pods available',
    ]);
    expect(brief(kubernetesEvents('deployment:shop/api', undefined, 'Deployment', T))).toEqual(['unavailable critical does not exist']);
  });

  it('a failed Job, a Ready condition that is not True; nothing for a running Job or a kind without health', () => {
    expect(
      brief(
        kubernetesEvents(
          'job:shop/migrate',
          {
            status: {
              conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }],
            },
          },
          'Job',
          T,
        ),
      ),
    ).toEqual(['job-failed major BackoffLimitExceeded: Job has reached the specified backoff limit']);
    expect(brief(kubernetesEvents('job:shop/migrate', { status: { active: 1 } }, 'Job', T))).toEqual([]);
    expect(
      brief(
        kubernetesEvents(
          'certificate:shop/tls',
          { status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Pending', message: 'Issuing' }] } },
          'Certificate',
          T,
        ),
      ),
    ).toEqual(['not-ready major Ready=False (Pending): Issuing']);
    expect(brief(kubernetesEvents('certificate:shop/tls', { status: { conditions: [{ type: 'Ready', status: 'True' }] } }, 'Certificate', T))).toEqual([
      'not-ready cleared healthy',
    ]);
    expect(kubernetesEvents('configmap:shop/app', { data: {} }, 'ConfigMap', T)).toEqual([]);
    expect(kubernetesEvents('configmap:shop/app', undefined, 'ConfigMap', T)).toEqual([]);
  });
});

describe('host thresholds', () => {
  const usage = { load1PerCpu: 2.5, memoryUsedPercent: 98.2, diskUsedPercent: (p: string) => (p === '/' ? 41 : undefined) };
  it('crossing critical is major, warning is a warning, under both clears; the detail names the level, not the value', () => {
    const events = hostEvents(
      'host:dc1/web-01',
      { load1PerCpu: { warning: 2, critical: 4 }, memoryUsedPercent: { warning: 85, critical: 97 }, diskUsedPercent: { warning: 80 } },
      usage,
      T,
    );
    expect(events.map((e) => `${e.kind} ${e.severity} ${e.detail}`)).toEqual([
      'load-high warning 1-minute load per cpu at or over 2 (warning)',
      'memory-high major memory used at or over 97% (critical)',
      'disk-full cleared under its thresholds',
    ]);
    expect(hostEvents('host:dc1/web-01', undefined, usage, T)).toEqual([]);
    expect(hostEvents('host:dc1/web-01', { diskUsedPercent: { warning: 1 }, diskPath: '/nope' }, usage, T)).toEqual([]);
  });
});

describe('parseHealthEvent', () => {
  it('normalizes an event from outside and refuses a bad one naming the field', () => {
    expect(
      parseHealthEvent({
        ci: 'host:dc1/web-01',
        kind: 'predicted-exhaustion',
        time: '2026-01-05T10:00:00+01:00',
        detail: 'disk full in 3 days',
        severity: 'warning',
        source: 'capacity',
      }),
    ).toEqual({ ci: 'host:dc1/web-01', kind: 'predicted-exhaustion', time: T, detail: 'disk full in 3 days', severity: 'warning', source: 'capacity' });
    for (const [bad, field] of [
      [{ ci: 'x:y/z', kind: 'Down', time: T, detail: '', severity: 'major' }, 'kind'],
      [{ ci: 'x:y/z', kind: 'down', time: 'yesterday', detail: '', severity: 'major' }, 'time'],
      [{ ci: 'x:y/z', kind: 'down', time: T, detail: '', severity: 'fatal' }, 'severity'],
      [[], 'the event'],
    ] as const) {
      try {
        parseHealthEvent(bad, 'events.jsonl:3');
        expect.unreachable();
      } catch (e) {
        expect(isPlumbError(e) && e.code === 'events.bad-event' && e.message.startsWith(`events.jsonl:3: ${field}`)).toBe(true);
      }
    }
  });
});
