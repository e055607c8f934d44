import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';

type Obj = Record<string, any>;

/**
 * Never delete or lose what Git declares, against the real API server: one
 * test per kind of fault — a scope plumb cannot know offline, an empty
 * inventory, a ceiling on deletes, an object moved out of its namespace,
 * two repositories on one cluster.
 */
describeCluster('prune safety against a real API server', (cluster) => {
  let c: ControlPlaneInfo;
  const dirs: string[] = [];
  beforeAll(() => {
    c = cluster();
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A repository with plumb.yaml and the given inventory files; `write` replaces files (null removes). */
  const makeRepo = (id: string, plumbYaml: string, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), `plumb-prune-${id}-`));
    dirs.push(dir);
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${id}\ntargets:\n  cluster: {provider: kubernetes}\n${plumbYaml}`);
    const write = (more: Record<string, string | null>) => {
      for (const [f, text] of Object.entries(more)) {
        if (text === null) rmSync(join(dir, 'inventory', f), { force: true });
        else writeFileSync(join(dir, 'inventory', f), text);
      }
    };
    write(files);
    const plumb = (...args: string[]) => runCli([...args, '--repo', dir, '--kubeconfig', c.kubeconfig]);
    const plan = async () => {
      const r = await plumb('plan', '-o', 'json');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Obj;
    };
    return { dir, write, plumb, plan };
  };
  const changed = (plan: Obj) =>
    (plan.changes as Obj[])
      .filter((ch) => ch.action !== 'noop')
      .map((ch) => `${ch.action} ${ch.id}`)
      .sort();
  const cm = (ns: string, name: string, data: Record<string, string> = { v: '1' }) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: ${ns}}\ndata: ${JSON.stringify(data)}\n`;
  const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
  const get = (path: string) => apiCall(c, c.adminToken, 'GET', path);

  it('a cluster-scoped kind plumb does not know offline (a CRD installed outside Git) and a ValidatingAdmissionPolicy apply, then plan 0 changes, and --prune deletes nothing', async () => {
    // the CRD comes from somewhere else (a platform team's chart): not in this repository
    await apiCall(c, c.adminToken, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'tenants.platform.example.com' },
      spec: {
        group: 'platform.example.com',
        scope: 'Cluster',
        names: { plural: 'tenants', singular: 'tenant', kind: 'Tenant' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { tier: { type: 'string' } } } } } },
          },
        ],
      },
    });
    for (let i = 0; i < 50; i++) {
      if ((await get('/apis/platform.example.com/v1')).status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const vap = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replicas-limit}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations: [{expression: "object.spec.replicas <= 50"}]
`;
    const tenant = 'apiVersion: platform.example.com/v1\nkind: Tenant\nmetadata: {name: acme}\nspec: {tier: gold}\n';
    const r = makeRepo('scope', '', { 'vap.yaml': vap, 'tenant.yaml': tenant });

    // offline the Tenant's scope is unknown, and said so
    const validate = await runCli(['validate', '--repo', r.dir, '-o', 'json']);
    expect(validate.stdout).toContain('the scope of Tenant (platform.example.com/v1) is unknown offline');

    const first = await r.plan();
    expect(changed(first)).toEqual(['create tenant:default/acme', 'create validatingadmissionpolicy:_cluster/replicas-limit']);
    const apply = await r.plumb('apply', '--auto-approve');
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect((await get('/apis/platform.example.com/v1/tenants/acme')).body.spec).toEqual({ tier: 'gold' });

    const again = await r.plan();
    expect(changed(again)).toEqual([]);
    expect(again.summary).toMatchObject({ create: 0, update: 0, delete: 0, noop: 2 });
    const prune = await r.plumb('apply', '--auto-approve', '--prune');
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toContain('no changes');
    expect((await get('/apis/platform.example.com/v1/tenants/acme')).status).toBe(200);
    expect((await get('/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies/replicas-limit')).status).toBe(200);
  }, 180_000);

  it('an empty inventory with --prune is refused and nothing changes; allowEmpty lets it through', async () => {
    const r = makeRepo('empty', '', { 'ns.yaml': ns('prune-empty'), 'cms.yaml': [cm('prune-empty', 'a'), cm('prune-empty', 'b')].join('---\n') });
    expect((await r.plumb('apply', '--auto-approve')).code).toBe(0);
    // a renamed directory: the inventory glob matches no file
    r.write({ 'ns.yaml': null, 'cms.yaml': null });
    const refused = await r.plumb('apply', '--auto-approve', '--prune');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to prune target cluster: the inventory renders no CI for it, so all 3 object(s) it manages would be deleted');
    for (const p of ['/api/v1/namespaces/prune-empty', '/api/v1/namespaces/prune-empty/configmaps/a', '/api/v1/namespaces/prune-empty/configmaps/b']) {
      expect((await get(p)).status, p).toBe(200);
    }
    writeFileSync(join(r.dir, 'plumb.yaml'), 'inventoryId: empty\ntargets:\n  cluster: {provider: kubernetes, prune: {allowEmpty: true}}\n');
    const allowed = await r.plumb('apply', '--auto-approve', '--prune', '-o', 'json');
    expect(allowed.code, allowed.stderr + allowed.stdout).toBe(0);
    // the ConfigMaps go with their namespace (cascaded deletes): the namespace controller removes them —
    // this control plane has none, so the namespace stays Terminating with them inside
    expect((JSON.parse(allowed.stdout).changes as Obj[]).map((ch) => [ch.id, ch.result, ch.message ?? null]).sort()).toEqual([
      ['configmap:prune-empty/a', 'applied', 'deleted with namespace:_cluster/prune-empty'],
      ['configmap:prune-empty/b', 'applied', 'deleted with namespace:_cluster/prune-empty'],
      ['namespace:_cluster/prune-empty', 'applied', null],
    ]);
    expect((await get('/api/v1/namespaces/prune-empty')).body.metadata.deletionTimestamp).toBeTruthy();
  }, 180_000);

  it('prune.maxDeletes refuses a plan above the ceiling, and nothing is deleted', async () => {
    const names = ['m1', 'm2', 'm3', 'm4'];
    const r = makeRepo('ceiling', 'prune: {maxDeletes: "50%"}\n', {
      'ns.yaml': ns('prune-ceiling'),
      ...Object.fromEntries(names.map((n) => [`${n}.yaml`, cm('prune-ceiling', n)])),
    });
    expect((await r.plumb('apply', '--auto-approve')).code).toBe(0);
    r.write({ 'm1.yaml': null, 'm2.yaml': null, 'm3.yaml': null });
    const refused = await r.plumb('apply', '--auto-approve', '--prune');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'refusing to prune target cluster: 3 delete(s), 60% of its 5 managed object(s), is over the ceiling prune.maxDeletes (50%)',
    );
    for (const n of names) expect((await get(`/api/v1/namespaces/prune-ceiling/configmaps/${n}`)).status).toBe(200);
    r.write({ 'm1.yaml': cm('prune-ceiling', 'm1') });
    expect((await r.plumb('apply', '--auto-approve', '--prune')).code).toBe(0);
    expect(names.map((n) => n)).toHaveLength(4);
    expect((await get('/api/v1/namespaces/prune-ceiling/configmaps/m2')).status).toBe(404);
  }, 180_000);

  it('the last ConfigMap of a namespace moved to another namespace: its old copy is a delete', async () => {
    const r = makeRepo('moved', '', { 'ns.yaml': [ns('moved-old'), ns('moved-new')].join('---\n'), 'cm.yaml': cm('moved-old', 'settings') });
    expect((await r.plumb('apply', '--auto-approve')).code).toBe(0);
    r.write({ 'cm.yaml': cm('moved-new', 'settings') });
    const plan = await r.plan();
    expect(changed(plan)).toEqual(['create configmap:moved-new/settings', 'delete configmap:moved-old/settings']);
    expect((await r.plumb('apply', '--auto-approve', '--prune')).code).toBe(0);
    expect((await get('/api/v1/namespaces/moved-old/configmaps/settings')).status).toBe(404);
    expect((await get('/api/v1/namespaces/moved-new/configmaps/settings')).status).toBe(200);
  }, 180_000);

  it('deleting a Namespace lists its 8 objects as cascaded deletes, counts them in the impact, backs them up, and plumb restore recreates them', async () => {
    const NS = 'cascade-ns';
    const own = ['own-1', 'own-2', 'own-3', 'own-4', 'own-5'];
    const r = makeRepo('cascade', '', {
      'keep.yaml': cm('default', 'cascade-keep'),
      'ns.yaml': ns(NS),
      'own.yaml': own.map((n) => cm(NS, n)).join('---\n'),
    });
    expect((await r.plumb('apply', '--auto-approve')).code).toBe(0);
    // three more objects in the namespace that Git never declared (made by hand)
    await apiCall(c, c.adminToken, 'POST', `/api/v1/namespaces/${NS}/configmaps`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'by-hand' },
      data: { x: '1' },
    });
    await apiCall(c, c.adminToken, 'POST', `/api/v1/namespaces/${NS}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'by-hand-secret' },
      stringData: { token: 'cascade-secret-value' },
    });
    await apiCall(c, c.adminToken, 'POST', `/api/v1/namespaces/${NS}/serviceaccounts`, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'by-hand-sa' },
    });
    const children = [
      ...own.map((n) => `configmap:${NS}/${n}`),
      `configmap:${NS}/by-hand`,
      `secret:${NS}/by-hand-secret`,
      `serviceaccount:${NS}/by-hand-sa`,
    ].sort();

    // the namespace and what Git declared in it leave Git
    r.write({ 'ns.yaml': null, 'own.yaml': null });
    const plan = await r.plan();
    const deletes = (plan.changes as Obj[]).filter((ch) => ch.action === 'delete');
    expect(deletes.filter((ch) => !ch.cascadeOf).map((ch) => ch.id)).toEqual([`namespace:_cluster/${NS}`]);
    expect(
      deletes
        .filter((ch) => ch.cascadeOf)
        .map((ch) => [ch.id, ch.cascadeOf])
        .sort(),
    ).toEqual(children.map((id) => [id, `namespace:_cluster/${NS}`]));
    expect(plan.summary).toMatchObject({ delete: 9, unmanaged: 0 });
    expect((plan.impact.affected as Obj[]).map((a) => a.id).sort()).toEqual(children);
    // the eight count as deletes and in the breadth of the risk score (a lone delete of nothing else scores 13, low)
    expect(plan.impact.risk).toEqual({ score: 30, level: 'medium' });
    expect(JSON.stringify(plan)).not.toContain(Buffer.from('cascade-secret-value').toString('base64'));
    const text = await r.plumb('plan');
    expect(text.stdout).toContain(`- delete configmap:${NS}/by-hand (cluster) cascade: deleted with namespace:_cluster/${NS}`);

    const apply = await r.plumb('apply', '--auto-approve', '--prune', '-o', 'json');
    expect(apply.code, apply.stderr).toBe(0);
    const report = JSON.parse(apply.stdout) as Obj;
    expect(
      (report.changes as Obj[])
        .filter((ch) => ch.result === 'applied')
        .map((ch) => ch.id)
        .sort(),
    ).toEqual([...children, `namespace:_cluster/${NS}`].sort());
    expect((await get(`/api/v1/namespaces/${NS}`)).body.metadata.deletionTimestamp).toBeTruthy();

    // This control plane has no controller-manager: do what the namespace controller would —
    // delete the namespace's contents, then finalize it through its `finalize` subresource.
    for (const id of children) {
      const [kind, rest] = id.split(':');
      const name = rest.split('/')[1];
      await apiCall(c, c.adminToken, 'DELETE', `/api/v1/namespaces/${NS}/${kind}s/${name}`);
    }
    const live = (await get(`/api/v1/namespaces/${NS}`)).body;
    await apiCall(c, c.adminToken, 'PUT', `/api/v1/namespaces/${NS}/finalize`, { ...live, spec: { finalizers: [] } });
    for (let i = 0; i < 50 && (await get(`/api/v1/namespaces/${NS}`)).status !== 404; i++) await new Promise((res) => setTimeout(res, 100));
    expect((await get(`/api/v1/namespaces/${NS}`)).status).toBe(404);

    // the backup taken before the wave holds every object the cascade removed
    const restore = await r.plumb('restore', (report.backups as string[])[0], '--auto-approve');
    expect(restore.code, restore.stderr + restore.stdout).toBe(0);
    expect((await get(`/api/v1/namespaces/${NS}`)).status).toBe(200);
    for (const n of [...own, 'by-hand']) expect((await get(`/api/v1/namespaces/${NS}/configmaps/${n}`)).status, n).toBe(200);
    const secret = await get(`/api/v1/namespaces/${NS}/secrets/by-hand-secret`);
    expect(Buffer.from(secret.body.data.token, 'base64').toString()).toBe('cascade-secret-value');
    expect((await get(`/api/v1/namespaces/${NS}/serviceaccounts/by-hand-sa`)).status).toBe(200);
  }, 180_000);

  it('deleting a CRD lists its custom resources in every namespace as cascaded deletes, backs them up, and plumb restore recreates the CRD and them', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.cascade.example.com}
spec:
  group: cascade.example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, x-kubernetes-preserve-unknown-fields: true}}}}
`;
    const r = makeRepo('crd-cascade', '', {
      'keep.yaml': cm('default', 'crd-cascade-keep'),
      'ns.yaml': [ns('gadgets-a'), ns('gadgets-b')].join('---\n'),
      'crd.yaml': crd,
    });
    const first = await r.plumb('apply', '--auto-approve');
    expect(first.code, first.stderr + first.stdout).toBe(0);
    for (const [nsName, name] of [
      ['gadgets-a', 'g1'],
      ['gadgets-b', 'g2'],
    ]) {
      await apiCall(c, c.adminToken, 'POST', `/apis/cascade.example.com/v1/namespaces/${nsName}/gadgets`, {
        apiVersion: 'cascade.example.com/v1',
        kind: 'Gadget',
        metadata: { name },
        spec: { size: 1 },
      });
    }
    r.write({ 'crd.yaml': null });
    const plan = await r.plan();
    expect(
      (plan.changes as Obj[])
        .filter((ch) => ch.action === 'delete')
        .map((ch) => [ch.id, ch.cascadeOf ?? null])
        .sort(),
    ).toEqual([
      ['customresourcedefinition:_cluster/gadgets.cascade.example.com', null],
      ['gadget:gadgets-a/g1', 'customresourcedefinition:_cluster/gadgets.cascade.example.com'],
      ['gadget:gadgets-b/g2', 'customresourcedefinition:_cluster/gadgets.cascade.example.com'],
    ]);

    const apply = await r.plumb('apply', '--auto-approve', '--prune', '-o', 'json');
    expect(apply.code, apply.stderr).toBe(0);
    const report = JSON.parse(apply.stdout) as Obj;
    // The CRD's `customresourcecleanup` finalizer is run by the apiextensions server inside
    // kube-apiserver; should it not finish, do what it does — delete the custom resources — so the
    // CRD goes (this control plane has no controller-manager for anything else).
    const crdPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.cascade.example.com';
    for (let i = 0; i < 50 && (await get(crdPath)).status !== 404; i++) await new Promise((res) => setTimeout(res, 100));
    if ((await get(crdPath)).status !== 404) {
      for (const [nsName, name] of [
        ['gadgets-a', 'g1'],
        ['gadgets-b', 'g2'],
      ])
        await apiCall(c, c.adminToken, 'DELETE', `/apis/cascade.example.com/v1/namespaces/${nsName}/gadgets/${name}`);
      for (let i = 0; i < 100 && (await get(crdPath)).status !== 404; i++) await new Promise((res) => setTimeout(res, 100));
    }
    expect((await get(crdPath)).status).toBe(404);

    // the backup taken before the wave holds the CRD and its custom resources: restore brings back both
    const restore = await r.plumb('restore', (report.backups as string[])[0], '--auto-approve');
    expect(restore.code, restore.stderr + restore.stdout).toBe(0);
    expect((await get(crdPath)).status).toBe(200);
    for (const [nsName, name] of [
      ['gadgets-a', 'g1'],
      ['gadgets-b', 'g2'],
    ]) {
      const gadget = await get(`/apis/cascade.example.com/v1/namespaces/${nsName}/gadgets/${name}`);
      expect(gadget.status, `${nsName}/${name}`).toBe(200);
      expect(gadget.body.spec).toEqual({ size: 1 });
    }
  }, 180_000);

  it('a Job template change is a replace: refused without the opt-in, done with it; a Service change and a CI that cannot be planned in the same commit do not hold up the rest', async () => {
    const NS = 'replace-ns';
    const job = (image: string, annotations = '{}') => `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: ${NS}, annotations: ${annotations}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: ${image}}]
`;
    const svc = (port: number) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  selector: {app: web}
  ports: [{name: http, port: ${port}, targetPort: 8080}]
`;
    // no controller-manager here: complete each Job the way the Job controller would, so its health check can pass
    let stop = false;
    const completer = (async () => {
      while (!stop) {
        const list = await apiCall(c, c.adminToken, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs`).catch(() => undefined);
        for (const j of (list?.body?.items ?? []) as Obj[]) {
          if (j.status?.succeeded) continue;
          const now = new Date().toISOString();
          await apiCall(
            c,
            c.adminToken,
            'PATCH',
            `/apis/batch/v1/namespaces/${NS}/jobs/${j.metadata.name}/status`,
            {
              status: {
                startTime: now,
                completionTime: now,
                succeeded: 1,
                conditions: [
                  { type: 'SuccessCriteriaMet', status: 'True', lastTransitionTime: now },
                  { type: 'Complete', status: 'True', lastTransitionTime: now },
                ],
              },
            },
            'application/merge-patch+json',
          ).catch(() => undefined);
        }
        await new Promise((res) => setTimeout(res, 200));
      }
    })();
    try {
      const r = makeRepo('replace', '', { 'ns.yaml': ns(NS), 'job.yaml': job('busybox:1.36'), 'svc.yaml': svc(80) });
      const first = await r.plumb('apply', '--auto-approve', '--health-timeout', '30s');
      expect(first.code, first.stderr + first.stdout).toBe(0);
      const uid = (await get(`/apis/batch/v1/namespaces/${NS}/jobs/migrate`)).body.metadata.uid;

      // one commit: the Job's image (spec.template is immutable), the Service's port, and a ConfigMap the server refuses
      r.write({
        'job.yaml': job('busybox:1.37'),
        'svc.yaml': svc(8080),
        'bad.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: bad, namespace: ${NS}}\nspec: {ports: [{port: 80, protocol: SCTPX}]}\n`,
      });
      const planned = await r.plumb('plan', '-o', 'json');
      const plan = JSON.parse(planned.stdout) as Obj;
      expect(changed(plan)).toEqual([`replace job:${NS}/migrate`, `update service:${NS}/web`]);
      const replace = (plan.changes as Obj[]).find((ch) => ch.action === 'replace')!;
      expect(replace.replace.fields).toEqual(['spec.template']);
      expect(replace.impact.event).toBe('delete');
      expect(planned.stderr).toContain(`service:${NS}/bad`);
      const text = await r.plumb('plan');
      expect(text.stdout).toContain(`± replace job:${NS}/migrate`);
      expect(text.stdout).toContain('the server will not change spec.template in place');

      // without the opt-in: the Service is applied, the Job is left as it is
      const refused = await r.plumb('apply', '--auto-approve', '--health-timeout', '30s');
      expect(refused.stdout).toContain(`skipped: job:${NS}/migrate`);
      expect(refused.stdout).toContain('needs --allow-replace or its annotation plumb.io/replace: allowed');
      expect((await get(`/api/v1/namespaces/${NS}/services/web`)).body.spec.ports[0].port).toBe(8080);
      expect((await get(`/apis/batch/v1/namespaces/${NS}/jobs/migrate`)).body.metadata.uid).toBe(uid);

      // with the per-object annotation: deleted and created again, backed up first
      r.write({ 'job.yaml': job('busybox:1.37', '{plumb.io/replace: allowed}'), 'bad.yaml': null });
      const done = await r.plumb('apply', '--auto-approve', '--health-timeout', '30s', '-o', 'json');
      expect(done.code, done.stderr + done.stdout).toBe(0);
      const report = JSON.parse(done.stdout) as Obj;
      expect((report.changes as Obj[]).map((ch) => [ch.id, ch.action, ch.result])).toEqual([[`job:${NS}/migrate`, 'replace', 'applied']]);
      expect(report.backups).toHaveLength(1);
      const after = (await get(`/apis/batch/v1/namespaces/${NS}/jobs/migrate`)).body;
      expect({ image: after.spec.template.spec.containers[0].image, same: after.metadata.uid === uid }).toEqual({ image: 'busybox:1.37', same: false });
      expect(changed(await r.plan())).toEqual([]);
    } finally {
      stop = true;
      await completer;
    }
  }, 240_000);

  it('two repositories on one cluster: neither prunes the other, a takeover needs --adopt', async () => {
    const shared = 'shared-ns';
    const a = makeRepo('repo-a', '', { 'ns.yaml': ns(shared), 'a.yaml': cm(shared, 'from-a') });
    const b = makeRepo('repo-b', '', { 'b.yaml': cm(shared, 'from-b') });
    expect((await a.plumb('apply', '--auto-approve')).code).toBe(0);
    expect((await b.plumb('apply', '--auto-approve')).code).toBe(0);
    expect((await get(`/api/v1/namespaces/${shared}/configmaps/from-b`)).body.metadata.labels['plumb.io/inventory']).toBe('repo-b.cluster');
    // each sees the other's objects as not its own: no deletes
    expect(changed(await a.plan())).toEqual([]);
    expect(changed(await b.plan())).toEqual([]);
    expect((await a.plumb('apply', '--auto-approve', '--prune')).code).toBe(0);
    expect((await get(`/api/v1/namespaces/${shared}/configmaps/from-b`)).status).toBe(200);
    // repo A now declares B's ConfigMap too, differently: refused without --adopt, naming the owner
    a.write({ 'b.yaml': cm(shared, 'from-b', { v: 'a-wins' }) });
    const refused = await a.plumb('apply', '--auto-approve');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to take over configmap:shared-ns/from-b (owned by inventory repo-b.cluster)');
    expect((await get(`/api/v1/namespaces/${shared}/configmaps/from-b`)).body.data).toEqual({ v: '1' });
    expect((await a.plumb('apply', '--auto-approve', '--adopt')).code).toBe(0);
    expect((await get(`/api/v1/namespaces/${shared}/configmaps/from-b`)).body.metadata.labels['plumb.io/inventory']).toBe('repo-a.cluster');
  }, 180_000);
});
