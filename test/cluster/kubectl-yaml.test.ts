import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRepository } from '../../engine/load/load-repository.js';
import { parseYamlFile } from '../../engine/load/parse-yaml.js';
import { runCli } from '../helpers/run-cli.js';
import { KEY_ROWS } from '../engine/load/kubectl-yaml-keys.js';
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

  it('every mapping key of the table is the key the real kubectl sends, and refused where kubectl refuses it', () => {
    // `label --local` decodes the file as apply does (sigs.k8s.io/yaml) and prints it without asking the server
    const file = join(repo, 'key.yaml');
    const seen: Array<[string, string | undefined]> = [];
    for (const [written] of KEY_ROWS) {
      const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  ${written}: v\n`;
      writeFileSync(file, text);
      let sent: string | undefined;
      try {
        sent = Object.keys(JSON.parse(kubectl('label', '--local', '-f', file, 'a=b', '-o', 'json')).data)[0];
      } catch (e) {
        expect(String((e as { stderr?: unknown }).stderr)).toMatch(/unsupported map key/);
      }
      seen.push([written, sent]);
      const read = parseYamlFile(text, 'key.yaml', { maxAliases: 100 });
      if (sent === undefined) expect(read.diagnostics.map((d) => d.severity)).toEqual(['error']);
      else expect(Object.keys((read.documents[0].value as { data: object }).data)).toEqual([sent]);
    }
    expect(seen).toEqual(KEY_ROWS); // the table the unit test holds is kubectl's own answer
  });
});
