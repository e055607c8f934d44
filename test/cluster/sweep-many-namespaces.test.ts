import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { startApiProxy, type ApiProxy } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import type { ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * The orphan sweep leaves out, by field selector, the namespaces step 1 listed
 * a type in whole — up to 64 of them (SWEEP_EXCLUDES_AT_MOST); beyond that it
 * lists the type everywhere again. Both sides of that bound against the real
 * API server, with the longest namespace names Kubernetes allows (63
 * characters: the selector of 64 is ~6 KB of query): the orphan is found
 * either way, and what step 1 saw is not planned twice.
 */
describeCluster('kubernetes orphan sweep: 64 namespaces left out by field selector, 65 listed again', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: ApiProxy;
  const dirs: string[] = [];
  const temp = (what: string) => {
    const d = mkdtempSync(join(tmpdir(), `plumb-sweep-wide-${what}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    c = cluster();
    proxy = await startApiProxy(c, temp('kubeconfig'));
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the orphan is found with 65 namespaces listed whole (no field selector) and with 64 (one selector of 64 exclusions)', async () => {
    const ns = (i: number) => `sweep-wide-${String(i).padStart(2, '0')}-`.padEnd(63, 'x');
    const gone = 'sweep-wide-gone';
    const dir = temp('repo');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: sweep-wide\ntargets:\n  k8s: {provider: kubernetes}\n`);
    const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
    const configMap = (name: string, namespace: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${namespace}}\ndata: {x: "1"}\n`;
    const write = (withConfigMaps: number, withOld: boolean) =>
      writeFileSync(
        join(dir, 'inventory', 'app.yaml'),
        [
          namespace(gone),
          ...(withOld ? [configMap('old', gone)] : []),
          ...Array.from({ length: 65 }, (_, i) => namespace(ns(i))),
          ...Array.from({ length: withConfigMaps }, (_, i) => configMap('settings', ns(i))),
        ].join('---\n'),
      );
    write(65, true);
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig]);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);

    /** A plan through the proxy: its changes, and the field selectors of the sweep's ConfigMap lists. */
    const plan = async () => {
      proxy.requests.length = 0;
      const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', proxy.kubeconfig]);
      expect(r.code, r.stderr).toBe(0);
      const json = JSON.parse(r.stdout) as Obj;
      const sweeps = proxy.requests
        .filter((q) => q.path.startsWith('/api/v1/configmaps?'))
        .map((q) => ({ status: q.status, fieldSelector: new URLSearchParams(q.path.split('?')[1]).get('fieldSelector') }));
      const changes = (json.changes as Obj[]).filter((ch) => ch.action !== 'noop').map((ch) => `${ch.action} ${ch.id}`);
      const noops = (json.changes as Obj[]).filter((ch) => ch.action === 'noop' && String(ch.id).startsWith('configmap:')).length;
      return { changes: changes.sort(), noops, sweeps, diagnostics: (json.diagnostics as Obj[]).map((d) => d.code) };
    };

    // Git drops the ConfigMap of the namespace it keeps: 65 namespaces listed whole, more than the selector holds
    write(65, false);
    const wide = await plan();
    expect(wide.sweeps).toEqual([{ status: 200, fieldSelector: null }]);
    expect(wide.changes).toEqual([`delete configmap:${gone}/old`]);
    expect(wide.noops).toBe(65);
    expect(wide.diagnostics).not.toContain('kubernetes.orphans-hidden');

    // and one more ConfigMap: 64 namespaces listed whole, each left out of the sweep by the one selector
    write(64, false);
    const narrow = await plan();
    expect(narrow.sweeps).toHaveLength(1);
    expect(narrow.sweeps[0].status).toBe(200);
    expect(narrow.sweeps[0].fieldSelector?.split(',')).toEqual(Array.from({ length: 64 }, (_, i) => `metadata.namespace!=${ns(i)}`));
    expect(narrow.changes).toEqual([`delete configmap:${gone}/old`, `delete configmap:${ns(64)}/settings`].sort());
    expect(narrow.noops).toBe(64);
    expect(narrow.diagnostics).not.toContain('kubernetes.orphans-hidden');
  }, 180_000);
});
