import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { loadRepository } from '../../engine/load/load-repository.js';
import { runPlan } from '../../engine/plan/run-plan.js';
import { renderCapabilitiesFromTarget } from '../../engine/plan/render-capabilities.js';
import { RenderCache } from '../../engine/render/render-stage.js';
import { toolPath } from '../../engine/render/tools.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

const GROUP = 'caps.plumb.test';

/** A chart whose ConfigMap says what .Capabilities told it: branches on the Kubernetes version and on API versions. */
function repoFiles(target: string): Record<string, string> {
  return {
    'plumb.yaml': `inventory: ["inventory/**/*.yaml"]\ntargets:\n  cluster: ${target}\n`,
    'inventory/caps/Chart.yaml': 'apiVersion: v2\nname: caps\nversion: 0.1.0\n',
    'inventory/caps/values.yaml': 'note: capabilities\n',
    'inventory/caps/templates/configmap.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: caps
data:
  note: {{ .Values.note | quote }}
  kubeVersion: {{ .Capabilities.KubeVersion.Version | quote }}
  {{- if semverCompare ">=1.36.0-0" .Capabilities.KubeVersion.Version }}
  era: "1.36 or later"
  {{- else }}
  era: "before 1.36"
  {{- end }}
  {{- if .Capabilities.APIVersions.Has "${GROUP}/v1" }}
  widgetGroup: "served"
  {{- else }}
  widgetGroup: "absent"
  {{- end }}
  {{- if .Capabilities.APIVersions.Has "${GROUP}/v1/Widget" }}
  widgetKind: "served"
  {{- else }}
  widgetKind: "absent"
  {{- end }}
`,
  };
}

describeCluster('helm renders for the Kubernetes version and API versions of the target', (cluster) => {
  let c: ControlPlaneInfo;
  const dirs: string[] = [];
  const repo = (target: string) => {
    const dir = makeGitRepo(repoFiles(target), { message: 'caps chart' });
    dirs.push(dir);
    return dir;
  };
  const data = (cis: readonly { id: string; object: Obj }[]) => cis.find((ci) => ci.id === 'configmap:default/caps')?.object.data as Obj;

  beforeAll(async () => {
    if (!toolPath('helm')) throw new Error('helm is needed: run test/tools/build.sh');
    c = cluster();
    // a CRD only the server knows: helm's built-in API versions cannot have it
    await apiCall(c, c.adminToken, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `widgets.${GROUP}` },
      spec: {
        group: GROUP,
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } } }],
      },
    });
    for (let i = 0; i < 50; i++) {
      if ((await apiCall(c, c.adminToken, 'GET', `/apis/${GROUP}/v1`)).status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 60_000);
  afterAll(async () => {
    await apiCall(c, c.adminToken, 'DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${GROUP}`).catch(() => undefined);
    for (const d of dirs) removeGitRepo(d);
  });

  it('takes the server version and its group-versions and group-version/Kinds from discovery; the cache key follows them', async () => {
    const server = (await apiCall(c, c.adminToken, 'GET', '/version')).body.gitVersion as string;
    const dir = repo('{provider: kubernetes}');
    const cache = new RenderCache();
    const ask = renderCapabilitiesFromTarget({ cliSettings: { kubeconfig: c.kubeconfig } });
    const loaded = await loadRepository({ repo: dir, renderCache: cache, targetCapabilities: ask });
    expect(loaded.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(data(loaded.cis)).toEqual({ note: 'capabilities', kubeVersion: server, era: '1.36 or later', widgetGroup: 'served', widgetKind: 'served' });
    expect(loaded.renders?.[0]).toMatchObject({ tool: 'helm', status: 'rendered', kubeVersion: server });

    // offline (no target asked): helm's defaults, which know neither the server's version nor its CRD — and a different key
    const offline = await loadRepository({ repo: dir, renderCache: cache });
    expect(data(offline.cis).kubeVersion).not.toBe(server);
    expect(data(offline.cis)).toMatchObject({ widgetGroup: 'absent', widgetKind: 'absent' });
    expect(offline.renders?.[0].status).toBe('rendered');
    expect(offline.renders?.[0].key).not.toBe(loaded.renders?.[0].key);

    // the same target again: the same key, from the cache
    const again = await loadRepository({ repo: dir, renderCache: cache, targetCapabilities: ask });
    expect(again.renders?.[0]).toMatchObject({ status: 'cached', key: loaded.renders?.[0].key });
    expect(cache.stats.renders).toBe(2);
  }, 60_000);

  it('plan renders for the target it plans (runPlan through the kubernetes provider)', async () => {
    const dir = repo('{provider: kubernetes}');
    const result = await runPlan({ repo: dir, cliSettings: { kubeconfig: c.kubeconfig } });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const change = result.plan!.changes.find((ch) => ch.id === 'configmap:default/caps')!;
    expect((change.desired as Obj).data).toMatchObject({ era: '1.36 or later', widgetGroup: 'served', widgetKind: 'served' });
  }, 60_000);

  it("plumb.yaml's kubeVersion and apiVersions win over the server's, each on its own", async () => {
    const dir = repo('{provider: kubernetes, kubeVersion: "1.30.2"}');
    const loaded = await loadRepository({
      repo: dir,
      renderCache: false,
      target: 'cluster',
      targetCapabilities: renderCapabilitiesFromTarget({ cliSettings: { kubeconfig: c.kubeconfig } }),
    });
    // the version from plumb.yaml, the API versions still from the server
    expect(data(loaded.cis)).toMatchObject({ kubeVersion: 'v1.30.2', era: 'before 1.36', widgetGroup: 'served', widgetKind: 'served' });

    const both = repo(`{provider: kubernetes, kubeVersion: "1.30.2", apiVersions: ["${GROUP}/v1"]}`);
    const pinned = await loadRepository({
      repo: both,
      renderCache: false,
      target: 'cluster',
      targetCapabilities: renderCapabilitiesFromTarget({ cliSettings: { kubeconfig: '/nonexistent/kubeconfig' } }),
    });
    // both set: the target is not asked at all (a missing kubeconfig says nothing)
    expect(pinned.diagnostics.filter((d) => d.code === 'render.target-unanswered')).toEqual([]);
    expect(data(pinned.cis)).toMatchObject({ kubeVersion: 'v1.30.2', widgetGroup: 'served', widgetKind: 'absent' });
  }, 60_000);

  it('an unreachable target is one warning naming it, and the chart renders with the defaults', async () => {
    const dir = repo('{provider: kubernetes, kubeVersion: "1.29.0"}');
    // a kubeconfig whose server is a closed port on loopback
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const kubeconfig = join(dir, 'closed.kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters: [{name: closed, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: closed, context: {cluster: closed, user: u}}]\ncurrent-context: closed\n`,
    );
    const loaded = await loadRepository({ repo: dir, renderCache: false, targetCapabilities: renderCapabilitiesFromTarget({ cliSettings: { kubeconfig } }) });
    const warnings = loaded.diagnostics.filter((d) => d.code === 'render.target-unanswered');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file: 'plumb.yaml' });
    expect(warnings[0].message).toMatch(/^target cluster did not say its Kubernetes version and API versions/);
    expect(data(loaded.cis)).toMatchObject({ kubeVersion: 'v1.29.0', era: 'before 1.36', widgetGroup: 'absent', widgetKind: 'absent' });
  }, 60_000);
});
