import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRepository } from '../../engine/load/load-repository.js';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { kubectlPath, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

describeCluster('the YAML kubectl reads is the YAML plumb reads', (cluster) => {
  let c: ControlPlaneInfo;
  let repo: string;
  const kubectl = (...args: string[]) => execFileSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, ...args], { encoding: 'utf8' });

  beforeAll(() => {
    c = cluster();
    repo = mkdtempSync(join(tmpdir(), 'plumb-kubectl-yaml-'));
    cpSync('test/fixtures/k8s-kubectl-yaml', repo, { recursive: true });
    kubectl('create', 'namespace', 'kubectl-yaml');
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('plumb loads exactly the objects kubectl sends (merge keys, yes/on/off, octal, underscores)', async () => {
    // kubectl prints one JSON object per manifest
    const printed = kubectl('create', '--dry-run=client', '-o', 'json', '-f', join(repo, 'inventory/app.yaml'));
    const sent = { items: JSON.parse(`[${printed.replace(/}\n{/g, '},{')}]`) as Obj[] };
    const loaded = await loadRepository({ repo });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.cis.map((ci) => ci.object)).toEqual(sent.items);
    const deployment = loaded.cis.find((ci) => ci.kind === 'Deployment')!.object as Obj;
    expect(deployment.spec.template.spec.containers[1]).toMatchObject({ name: 'side', image: 'registry.example.com/merged:1.0.0', stdin: true, tty: false });
    expect(deployment.spec.template.spec.volumes[0].configMap.defaultMode).toBe(420);
  });

  it('after kubectl apply of the same file, plumb plans no change: the server stores the object plumb reads', async () => {
    kubectl('apply', '-f', join(repo, 'inventory/app.yaml'));
    const stored = JSON.parse(kubectl('-n', 'kubectl-yaml', 'get', 'configmap/merged', '-o', 'json')) as Obj;
    expect(stored.metadata.annotations).toMatchObject({ app: 'merged', tier: 'api' });
    const r = await runCli(['plan', '-o', 'json', '--repo', repo, '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    const changes = (JSON.parse(r.stdout).changes as Obj[]).filter((ch) => ch.action !== 'noop');
    // the only differences are the labels plumb adds to what it manages
    expect(changes.map((ch) => ch.id)).toEqual(['configmap:kubectl-yaml/merged', 'deployment:kubectl-yaml/merged']);
    for (const ch of changes)
      expect((ch.paths as string[]).filter((p) => p !== '/metadata/labels' && !p.startsWith('/metadata/labels/plumb.io~1'))).toEqual([]);
  });
});
