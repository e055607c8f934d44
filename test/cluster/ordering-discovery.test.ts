import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { kubectlPath, type ControlPlaneInfo } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';

type Obj = Record<string, any>;

describeCluster('ordering like Helm and kapp, health that says what happened, and one unavailable API group', (cluster) => {
  let c: ControlPlaneInfo;
  let ms: string;
  let other: string;
  let stopRollout: () => Promise<void>;
  const kubectl = (...args: string[]) => execFileSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { encoding: 'utf8' });

  beforeAll(() => {
    c = cluster();
    stopRollout = startFakeRollout(c, { namespaces: ['kube-system', 'other-group', 'cel-health'] });
    ms = mkdtempSync(join(tmpdir(), 'plumb-metrics-server-'));
    cpSync('test/fixtures/k8s-metrics-server', ms, { recursive: true });
    other = mkdtempSync(join(tmpdir(), 'plumb-other-group-'));
    mkdirSync(join(other, 'inventory'));
    writeFileSync(join(other, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ntargets:\n  live: {provider: kubernetes}\n');
    writeFileSync(
      join(other, 'inventory/app.yaml'),
      `apiVersion: v1
kind: Namespace
metadata: {name: other-group}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: other-group}
data: {a: "1"}
---
apiVersion: metrics.k8s.io/v1beta1
kind: NodeMetrics
metadata: {name: node-1}
`,
    );
  });
  afterAll(async () => {
    await stopRollout();
    // the unavailable APIService would otherwise stay for the other test files of this run
    try {
      kubectl('delete', 'apiservice', 'v1beta1.metrics.k8s.io', '--ignore-not-found');
    } catch {
      // nothing to clean up
    }
    rmSync(ms, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  it('plans the metrics-server release in install order: RBAC with roles before bindings, the Service before its Deployment, the APIService last', async () => {
    const r = await runCli(['plan', '-o', 'json', '--repo', ms, '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    const wave = Object.fromEntries((JSON.parse(r.stdout).changes as Obj[]).map((ch) => [ch.id, ch.wave]));
    const w = (id: string) => wave[id] as number;
    expect(w('serviceaccount:kube-system/metrics-server')).toBeLessThan(w('rolebinding:kube-system/metrics-server-auth-reader'));
    expect(w('clusterrole:_cluster/system:metrics-server')).toBeLessThan(w('clusterrolebinding:_cluster/system:metrics-server'));
    expect(w('service:kube-system/metrics-server')).toBeLessThan(w('deployment:kube-system/metrics-server'));
    expect(w('deployment:kube-system/metrics-server')).toBeLessThan(w('apiservice:_cluster/v1beta1.metrics.k8s.io'));
  });

  it('applies it with every step succeeding; the APIService without a running backend is "applied, unhealthy" with the reason', async () => {
    const r = await runCli(['apply', '--auto-approve', '--health-timeout', '3s', '--repo', ms, '--kubeconfig', c.kubeconfig]);
    expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toMatch(/apply failed in wave \d+: 9 applied \(1 unhealthy\), 0 failed, 0 not attempted, 0 skipped/);
    expect(r.stdout).toMatch(/applied, unhealthy: apiservice:_cluster\/v1beta1\.metrics\.k8s\.io \(wave \d+\) — .*Available=False/);
    expect(r.code).toBe(1);
    // without waiting, the same apply succeeds (nothing left to change)
    const again = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', ms, '--kubeconfig', c.kubeconfig]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it('a per-kind CEL health rule in plumb.yaml gives a custom resource real health', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'plumb-cel-health-'));
    try {
      mkdirSync(join(repo, 'inventory'));
      writeFileSync(
        join(repo, 'plumb.yaml'),
        `inventory: ["inventory/**/*.yaml"]
targets:
  live: {provider: kubernetes}
health:
  checks:
    - apiVersion: cel.plumb.io/v1
      kind: Gizmo
      current: "spec.size <= 10"
      failed: "spec.size > 10"
`,
      );
      writeFileSync(
        join(repo, 'inventory/gizmos.yaml'),
        `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.cel.plumb.io}
spec:
  group: cel.plumb.io
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer}}}}}}
---
apiVersion: v1
kind: Namespace
metadata: {name: cel-health}
---
apiVersion: cel.plumb.io/v1
kind: Gizmo
metadata: {name: small, namespace: cel-health}
spec: {size: 3}
---
apiVersion: cel.plumb.io/v1
kind: Gizmo
metadata: {name: huge, namespace: cel-health}
spec: {size: 11}
`,
      );
      const r = await runCli(['apply', '--auto-approve', '--health-timeout', '20s', '--repo', repo, '--kubeconfig', c.kubeconfig]);
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toMatch(/4 applied \(1 unhealthy\)/);
      expect(r.stdout).toContain('applied, unhealthy: gizmo:cel-health/huge');
      expect(r.stdout).toContain('failed: spec.size > 10');
      expect(r.code).toBe(1);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it("a custom resource whose CRD is only on the server is typed against the server's /openapi/v3, at its line, before any dry run", async () => {
    const repo = mkdtempSync(join(tmpdir(), 'plumb-server-types-'));
    try {
      mkdirSync(join(repo, 'inventory'));
      writeFileSync(join(repo, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ntargets:\n  live: {provider: kubernetes}\n');
      writeFileSync(
        join(repo, 'inventory/gizmo.yaml'),
        'apiVersion: cel.plumb.io/v1\nkind: Gizmo\nmetadata: {name: typed, namespace: cel-health}\nspec:\n  size: big\n',
      );
      expect((await runCli(['validate', '--repo', repo])).code).toBe(0); // offline, the kind is unknown
      const r = await runCli(['plan', '-o', 'json', '--repo', repo, '--kubeconfig', c.kubeconfig]);
      expect(r.stdout + r.stderr).toContain("Gizmo .spec.size must be an integer, not a string (the API server's schema)");
      expect(r.stdout + r.stderr).toMatch(/inventory\/gizmo\.yaml:5:9/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('an unready aggregated APIService leaves plans of other groups working: a warning names the group, its CIs are unknown', async () => {
    const r = await runCli(['plan', '-o', 'json', '--repo', other, '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as Obj;
    expect((plan.changes as Obj[]).map((ch) => `${ch.action} ${ch.id}`).sort()).toEqual([
      'create configmap:other-group/settings',
      'create namespace:_cluster/other-group',
    ]);
    expect(r.stderr).toContain('the API group metrics.k8s.io (metrics.k8s.io/v1beta1) is unavailable');
    expect(r.stderr).toContain('1 CI(s) of it are unknown and left out of this plan');
  });
});
