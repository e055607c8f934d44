import { describe, expect, it } from 'vitest';
import { storedMismatches } from '../../../../engine/providers/kubernetes/verify-stored.js';

type Obj = Record<string, any>;

const deployment = (container: Obj, extra: Obj = {}): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'api', namespace: 'shop', labels: { app: 'api' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'api' } },
    template: { metadata: { labels: { app: 'api' } }, spec: { containers: [container] } },
    ...extra,
  },
});

describe('storedMismatches: the post-apply read of a server-side apply', () => {
  it('a declared field stored otherwise is named by its path', () => {
    const asked = deployment({ name: 'main', image: 'api:1.0.0' });
    const stored = deployment({ name: 'main', image: 'api@sha256:abc' });
    stored.spec.replicas = 3;
    expect(storedMismatches(asked, stored)).toEqual(['spec.replicas', 'spec.template.spec.containers[main].image']);
  });

  it('a declared field the server dropped is missing, and so is a declared list entry', () => {
    const asked = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 3, colour: 'red', parts: [{ name: 'a' }, { name: 'b' }] },
    };
    const stored = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', uid: 'u' }, spec: { size: 3, parts: [{ name: 'a' }] } };
    expect(storedMismatches(asked, stored)).toEqual(['spec.colour', 'spec.parts[b]']);
  });

  it('quantities compare by value, server additions and defaults are not differences', () => {
    const asked = deployment({ name: 'main', image: 'api:1', resources: { limits: { cpu: '1000m', memory: '1024Mi' } } });
    const stored = deployment(
      { name: 'main', image: 'api:1', imagePullPolicy: 'IfNotPresent', resources: { limits: { cpu: '1', memory: '1Gi' } } },
      { strategy: { type: 'RollingUpdate' } },
    );
    stored.spec.template.spec.containers.push({ name: 'sidecar', image: 'proxy:1' });
    stored.metadata.uid = 'u';
    stored.status = { replicas: 0 };
    expect(storedMismatches(asked, stored)).toEqual([]);
  });

  it('status is not written by an apply; empty declarations are nothing; a scalar list may grow', () => {
    const asked = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', annotations: {}, finalizers: ['plumb.io/keep'] },
      spec: {},
      status: { phase: 'Active' },
    };
    const stored = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', finalizers: ['kubernetes', 'plumb.io/keep'] },
      status: { phase: 'Terminating' },
    };
    expect(storedMismatches(asked, stored)).toEqual([]);
    expect(storedMismatches(asked, { ...stored, metadata: { name: 'n', finalizers: ['kubernetes'] } })).toEqual(['metadata.finalizers[0]']);
  });

  it('an int-or-string keeps its type, as the API stores it', () => {
    const svc = (targetPort: unknown): Obj => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { ports: [{ name: 'http', port: 80, targetPort }] },
    });
    expect(storedMismatches(svc(8080), svc(8080))).toEqual([]);
    expect(storedMismatches(svc(8080), svc('8080'))).toEqual(['spec.ports[http].targetPort']);
  });
});
