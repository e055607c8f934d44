import { describe, expect, it } from 'vitest';
import { identityOf } from '../../../engine/model/identity.js';
import { validateRepository } from '../../../engine/validate/validate.js';
import { runCli } from '../../helpers/run-cli.js';
import { ci, makeRepo } from '../../helpers/make-repo.js';

describe("Kubernetes' own naming rules and the API group in identity", () => {
  it('the official metrics-server release (RBAC names like system:metrics-server) validates clean', async () => {
    const r = await runCli(['validate', '--repo', 'test/fixtures/k8s-metrics-server']);
    expect(r.stdout + r.stderr).toContain('9 CIs');
    expect(r.code, r.stdout).toBe(0);
  });

  it('applies each kind its own rule: path segments for RBAC, 52 characters for CronJobs, built-in rules for built-in groups only', () => {
    const k8s = (apiVersion: string, kind: string, name: string) => ci({ apiVersion, kind, name, namespace: 'shop' });
    const repo = makeRepo({
      cis: [
        k8s('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'metrics-server:system:auth-delegator'),
        k8s('rbac.authorization.k8s.io/v1', 'Role', 'a/b'),
        k8s('rbac.authorization.k8s.io/v1', 'RoleBinding', '..'),
        k8s('rbac.authorization.k8s.io/v1', 'Role', 'x%2f'),
        k8s('batch/v1', 'CronJob', 'c'.repeat(53)),
        k8s('v1', 'ConfigMap', 'system:cfg'),
        k8s('serving.knative.dev/v1', 'Service', 'web.v2'),
      ],
    });
    const named = validateRepository(repo).diagnostics.filter((d) => d.code === 'k8s.name-invalid');
    expect(named.map((d) => [d.code, d.ci, d.message]).sort()).toEqual(
      [
        ['k8s.name-invalid', 'role:shop/a/b', 'Role name "a/b" is not a valid path segment name'],
        ['k8s.name-invalid', 'rolebinding:shop/..', 'RoleBinding name ".." is not a valid path segment name'],
        ['k8s.name-invalid', 'role:shop/x%2f', 'Role name "x%2f" is not a valid path segment name'],
        [
          'k8s.name-invalid',
          `cronjob:shop/${'c'.repeat(53)}`,
          `CronJob name "${'c'.repeat(53)}" is not a valid CronJob name (DNS-1123 subdomain of at most 52 characters)`,
        ],
        ['k8s.name-invalid', 'configmap:shop/system:cfg', 'ConfigMap name "system:cfg" is not a valid DNS-1123 subdomain'],
      ].sort(),
    );
  });

  it('a core Service and a Service of another group with the same name are different objects', () => {
    const core = identityOf({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } });
    const knative = identityOf({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' } });
    const widget = identityOf({ apiVersion: 'e2e.plumb.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'shop' } });
    expect([core?.id, knative?.id, widget?.id]).toEqual(['service:shop/web', 'service.serving.knative.dev:shop/web', 'widget:shop/w']);
    const repo = makeRepo({
      cis: [
        ci({ apiVersion: 'v1', kind: 'Service', name: 'web', namespace: 'shop' }),
        ci({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'web', namespace: 'shop' }),
      ],
    });
    expect(validateRepository(repo).diagnostics.filter((d) => d.code.includes('duplicate'))).toEqual([]);
  });
});

describe('Kubernetes types are checked before a cluster is asked', () => {
  it('each type error is reported offline at its node, and validate exits 1', async () => {
    const r = await runCli(['validate', '--repo', 'test/fixtures/validate-k8s-types', '-o', 'json']);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout).diagnostics as { code: string; line: number; column: number; message: string }[]).map(
      (d) => `${d.line}:${d.column} ${d.code} ${d.message}`,
    );
    expect(found).toEqual([
      '7:13 k8s.type-invalid ConfigMap .data.replicas must be a string, not a number',
      '16:8 k8s.type-invalid Secret .stringData.pin must be a string, not a number',
      '32:30 k8s.type-invalid Deployment .spec.template.spec.containers[0].ports[0].containerPort must be an integer, not a string',
      '35:22 k8s.type-invalid Deployment .spec.template.spec.containers[0].env[0].value must be a string, not a number',
      '38:15 k8s.list-key-duplicate Deployment .spec.template.spec.containers[0].env[2] repeats the key [name="MODE"] of .spec.template.spec.containers[0].env[1]',
      '41:29 k8s.type-invalid Deployment .spec.template.spec.containers[0].resources.requests.cpu must be a resource quantity, not a string',
      '43:26 k8s.field-unknown Deployment .spec.template.spec.containers[0].livenessprobe is not a field of this kind',
      '72:9 k8s.type-invalid Widget .spec.size must be an integer, not a string',
    ]);
    expect(r.stdout).not.toContain('12345'); // a Secret's value is never quoted
  });

  it('ports are list-map entries keyed by containerPort and protocol, TCP by default', () => {
    const port = (p: Record<string, unknown>[]) =>
      ci({ apiVersion: 'v1', kind: 'Pod', name: 'p', namespace: 'shop', extra: { spec: { containers: [{ name: 'c', image: 'i', ports: p }] } } });
    const codes = (p: Record<string, unknown>[]) => validateRepository(makeRepo({ cis: [port(p)] })).diagnostics.map((d) => d.code);
    expect(codes([{ containerPort: 80 }, { containerPort: 80, protocol: 'TCP' }])).toEqual(['k8s.list-key-duplicate']);
    expect(codes([{ containerPort: 80 }, { containerPort: 80, protocol: 'UDP' }])).toEqual([]);
  });
});
