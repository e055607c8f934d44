import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writeK8sRepo } from '../cluster/k8s-fixture.js';
import { freePort } from '../cluster/control-plane.js';
import { runCli } from '../helpers/run-cli.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

it('plan against a dead API server: one clear diagnostic with a hint, exit 1, no stack trace, nothing written', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-dead-cluster-'));
  writeK8sRepo(dir, { namespaces: ['dead-a', 'dead-b'], configMaps: 30, deployments: 5 });
  const port = await freePort();
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: dead',
      'clusters: [{name: dead, cluster: {server: "https://127.0.0.1:' + port + '", insecure-skip-tls-verify: true}}]',
      'users: [{name: u, user: {token: not-a-real-token-4f1e}}]',
      'contexts: [{name: dead, context: {cluster: dead, user: u}}]',
      '',
    ].join('\n'),
  );
  const r = await runCli(['plan', '--repo', dir, '--kubeconfig', kubeconfig, '--out', join(dir, 'plan.json')]);
  expect(r.code).toBe(1);
  const errors = r.stderr.split('\n').filter((l) => l.startsWith('error'));
  expect(errors).toEqual([
    'error [kubernetes.unreachable] cannot reach the API server while trying to read the API discovery documents: ECONNREFUSED (check that the cluster is up and the kubeconfig points at it)',
  ]);
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout + r.stderr).not.toContain('not-a-real-token-4f1e');
  expect(() => rmSync(join(dir!, 'plan.json'), { force: false })).toThrow();
});
