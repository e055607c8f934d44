import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';

type Obj = Record<string, any>;

/**
 * The orphan sweep (engine/providers/kubernetes/kubernetes-provider.ts
 * sweepOwned) against the real API server, where the target's own lists are
 * narrowed: a list narrowed by the target's `labelSelector` did not see every
 * object plumb owns, so the sweep must not leave its namespaces out — an
 * orphan there is found as it is in a namespace Git no longer names.
 */
describeCluster('kubernetes orphan sweep beside a target label selector', (cluster) => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('an orphan without the label is found in a namespace the target lists by label, as in one it does not list', async () => {
    const c = cluster();
    const ns = 'sweep-sel';
    const dir = mkdtempSync(join(tmpdir(), 'plumb-sweep-sel-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'inventory'));
    const target = (extra: string) => writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes${extra}}\n`);
    const labelled = (kind: string, name: string, namespace?: string, data = '') =>
      `apiVersion: v1\nkind: ${kind}\nmetadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}, labels: {team: shop}}\n${data}`;
    const kept = [labelled('Namespace', ns), labelled('Namespace', `${ns}-2`), labelled('ConfigMap', 'settings', ns, 'data: {mode: "on"}\n')].join('---\n');
    // applied before the target narrowed its lists by label: these two carry no team label
    const unlabelled = `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: ${ns}}\ndata: {x: "1"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: ${ns}-2}\ndata: {x: "1"}\n`;
    target('');
    writeFileSync(join(dir, 'inventory', 'app.yaml'), kept + unlabelled);
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);

    // Git no longer declares either unlabelled ConfigMap, and the target now lists by label
    target(', labelSelector: team=shop');
    writeFileSync(join(dir, 'inventory', 'app.yaml'), kept);
    const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    const changes = (JSON.parse(r.stdout).changes as Obj[]).filter((ch) => ch.action !== 'noop').map((ch) => `${ch.action} ${ch.id}`);
    expect(changes.sort()).toEqual([`delete configmap:${ns}-2/old`, `delete configmap:${ns}/old`]);
  });
});
