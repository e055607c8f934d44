import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { kubectlPath, type ControlPlaneInfo } from './control-plane.js';

/** The managed namespace of README's step 5, renamed for this file: the shared control plane's other tests use plumb-demo. */
const DEMO_NS = 'deploy-steps-demo';

/** The kubectl commands of README's "Deploying" steps, in order, as a reader copies them. */
function deployCommands(): string[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('**Deploying**');
  const section = readme.slice(start, readme.indexOf('What is tested here and what is not', start));
  // fenced lines and `code spans` that start with kubectl
  return [...section.matchAll(/(?:^\s*|`)(kubectl [^`\n]+)/gm)].map((m) => m[1].trim());
}

describeCluster('deploy/: the README steps, in order, against a real API server', (cluster) => {
  let c: ControlPlaneInfo;
  let tmp: string;
  const kubectl = (args: string[]) =>
    spawnSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    c = cluster();
    tmp = mkdtempSync(join(tmpdir(), 'plumb-deploy-steps-'));
  });
  afterAll(() => {
    kubectl(['delete', 'namespace', DEMO_NS, '--wait=false', '--ignore-not-found']);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the steps name these commands, the namespace before the Secret before the Deployment', () => {
    expect(deployCommands()).toEqual([
      'kubectl apply -f deploy/namespace.yaml',
      'kubectl -n plumb-system create secret generic plumb-git --from-literal=token=… --from-literal=webhook-secret=…',
      'kubectl apply -k deploy/',
      'kubectl create namespace plumb-demo',
      'kubectl apply -f deploy/managed-namespace.yaml',
    ]);
  });

  it('kubectl kustomize deploy/ puts every namespaced object in a namespace it creates', () => {
    const docs = parseAllDocuments(execFileSync(kubectlPath(), ['kustomize', 'deploy/'], { cwd: PROJECT_ROOT, encoding: 'utf8' })).map((d) => d.toJS());
    const created = new Set(docs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name));
    const elsewhere = docs
      .filter((o) => o.metadata.namespace && !created.has(o.metadata.namespace))
      .map((o) => `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`);
    expect(elsewhere).toEqual([]);
    expect(docs.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'ServiceAccount', 'ClusterRole', 'ConfigMap', 'Deployment', 'NetworkPolicy']));
  });

  it('each command succeeds as written (server-side dry run where it would change what the other tests share)', () => {
    const results: string[] = [];
    for (const command of deployCommands()) {
      const words = command.split(' ').slice(1);
      let args: string[];
      if (command.includes('deploy/namespace.yaml'))
        args = words; // creates plumb-system for real: what the later steps need
      else if (command.startsWith('kubectl create namespace')) args = ['create', 'namespace', DEMO_NS];
      else if (command.includes('managed-namespace.yaml')) {
        const copy = join(tmp, 'managed-namespace.yaml');
        writeFileSync(
          copy,
          readFileSync(join(PROJECT_ROOT, 'deploy/managed-namespace.yaml'), 'utf8').replace('namespace: plumb-demo', `namespace: ${DEMO_NS}`),
        );
        args = ['apply', '--dry-run=server', '-f', copy];
      } else args = [...words, '--dry-run=server'];
      const r = kubectl(args);
      expect(r.status, `${command}\n${r.stdout}${r.stderr}`).toBe(0);
      results.push(r.stdout);
    }
    const applied = results[2];
    for (const object of [
      'namespace/plumb-system',
      'serviceaccount/plumb-controller',
      'clusterrole.rbac.authorization.k8s.io/plumb-managed-kinds',
      'deployment.apps/plumb-controller',
    ])
      expect(applied).toContain(object);
    expect(results[4]).toContain(`rolebinding.rbac.authorization.k8s.io/plumb-controller`);
  });
});
