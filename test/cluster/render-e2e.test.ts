import { afterAll, beforeAll, expect, it } from 'vitest';
import { commit, makeGitRepo, removeGitRepo, writeFiles } from '../helpers/git-repo.js';
import { fixtureTree } from '../helpers/fixture-tree.js';
import { fixture, runCli } from '../helpers/run-cli.js';
import { toolPath } from '../../engine/render/tools.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, type ControlPlaneInfo } from './control-plane.js';
import { startFakeRollout } from './fake-rollout.js';

type Obj = Record<string, any>;

const KEY_FILE = `${fixture('render-sops')}/age-key.txt`;
const PLAINTEXTS = ['s3cr3t-cache-pass', 'tok-9f8e7d6c5b4a', 'pa55word-in-dsn'];

/** render-shop + the SOPS files, in namespaces of their own, with a kubernetes target. */
function repoFiles(): Record<string, string> {
  const files: Record<string, string> = { ...fixtureTree(fixture('render-shop')) };
  for (const [p, text] of Object.entries(fixtureTree(fixture('render-sops')))) if (p.startsWith('inventory/')) files[p] = text;
  files['plumb.yaml'] = `${files['plumb.yaml']}targets:\n  k8s: {provider: kubernetes, kubeVersion: "1.36.3"}\n`;
  return files;
}

describeCluster('rendered repositories against a real API server: Kustomize, Helm, SOPS', (cluster) => {
  let dir: string;
  let c: ControlPlaneInfo;
  let stopRollout: () => Promise<void>;
  const env = { SOPS_AGE_KEY_FILE: KEY_FILE };
  const plumb = (...args: string[]) =>
    runCli([...args, '--repo', dir, ...(args[0] === 'validate' || args[0] === 'graph' ? [] : ['--kubeconfig', c.kubeconfig])], { env });
  const changed = (plan: Obj) =>
    (plan.changes as Obj[])
      .filter((ch) => ch.action !== 'noop')
      .map((ch) => `${ch.action} ${ch.id}`)
      .sort();
  const noSecrets = (...texts: string[]) => {
    for (const t of texts) for (const s of PLAINTEXTS) expect(t).not.toContain(s);
  };

  beforeAll(() => {
    if (!toolPath('kustomize') || !toolPath('helm') || !toolPath('sops')) throw new Error('kustomize, helm and sops are needed: run test/tools/build.sh');
    c = cluster();
    dir = makeGitRepo(repoFiles(), { message: 'shop' });
    stopRollout = startFakeRollout(c, { namespaces: ['shop', 'shop-staging'] });
  });
  afterAll(async () => {
    await stopRollout?.();
    // the cluster is shared by every cluster test of the run
    for (const ns of ['shop', 'shop-staging']) await apiCall(c, c.adminToken, 'DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
    if (dir) removeGitRepo(dir);
  }, 180_000);

  it('validates and graphs the rendered objects with their relations', async () => {
    const v = await plumb('validate', '-o', 'json');
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(JSON.parse(v.stdout).cis).toBe(12);
    const g = await plumb('graph', '-o', 'json');
    expect(g.code, g.stderr).toBe(0);
    const graph = JSON.parse(g.stdout);
    const edges = (graph.edges as Obj[]).map((e) => `${e.source} ${e.type} ${e.target}`);
    // inferred from the rendered objects: Services select their Deployments, Namespaces contain
    expect(edges).toEqual(
      expect.arrayContaining([
        'service:shop/web dependsOn deployment:shop/web',
        'service:shop/cache dependsOn deployment:shop/cache',
        'service:shop-staging/web dependsOn deployment:shop-staging/web',
        'namespace:_cluster/shop contains secret:shop/web-api-key',
      ]),
    );
    noSecrets(v.stdout, v.stderr, g.stdout);
  }, 180_000);

  it('plans every rendered object as a create, applies them, and then plans 0 changes', async () => {
    const p = await plumb('plan', '-o', 'json');
    expect(p.code, p.stderr).toBe(0);
    const plan = JSON.parse(p.stdout);
    expect(changed(plan)).toEqual([
      'create configmap:shop-staging/web-settings-b72kd9899k',
      'create configmap:shop/web-dsn',
      'create deployment:shop-staging/web',
      'create deployment:shop/cache',
      'create deployment:shop/web',
      'create namespace:_cluster/shop',
      'create namespace:_cluster/shop-staging',
      'create secret:shop/cache-auth',
      'create secret:shop/web-api-key',
      'create service:shop-staging/web',
      'create service:shop/cache',
      'create service:shop/web',
    ]);
    const web = (plan.changes as Obj[]).find((ch) => ch.id === 'deployment:shop/web')!;
    expect(web.rendered).toEqual({ unit: 'kustomize:inventory/apps/web/overlays/prod', tool: 'kustomize', source: 'inventory/apps/web/base/deployment.yaml' });
    noSecrets(p.stdout, p.stderr);

    const a = await plumb('apply', '--auto-approve');
    expect(a.code, a.stderr + a.stdout).toBe(0);
    noSecrets(a.stdout, a.stderr);
    const deployment = await apiCall(c, c.adminToken, 'GET', '/apis/apps/v1/namespaces/shop/deployments/web');
    expect(deployment.body.spec.replicas).toBe(3);
    const cache = await apiCall(c, c.adminToken, 'GET', '/apis/apps/v1/namespaces/shop/deployments/cache');
    expect(cache.body.spec.template.spec.containers[0].image).toBe('registry.example/shop/valkey:7.4.2');
    // the decrypted values reached the cluster, not the ciphertext
    const auth = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/shop/secrets/cache-auth');
    expect(Buffer.from(auth.body.data.password, 'base64').toString()).toBe('s3cr3t-cache-pass');
    const dsn = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/shop/configmaps/web-dsn');
    expect(dsn.body.data.DSN).toBe('postgres://web:pa55word-in-dsn@db.shop:5432/shop');
    const apiKey = await apiCall(c, c.adminToken, 'GET', '/api/v1/namespaces/shop/secrets/web-api-key');
    expect(Buffer.from(apiKey.body.data.token, 'base64').toString()).toBe('tok-9f8e7d6c5b4a');

    const again = await plumb('plan', '-o', 'json');
    expect(again.code, again.stderr).toBe(0);
    expect(changed(JSON.parse(again.stdout))).toEqual([]);
    expect(JSON.parse(again.stdout).summary.noop).toBe(12);
  }, 180_000);

  it('a values change plans exactly the object it renders differently', async () => {
    const values = repoFiles()['inventory/values/cache-prod.yaml'].replace('tag: "7.4.2"', 'tag: "7.4.3"');
    commit(dir, { 'inventory/values/cache-prod.yaml': values }, 'cache 7.4.3');
    const p = await plumb('plan', '-o', 'json');
    expect(p.code, p.stderr).toBe(0);
    const plan = JSON.parse(p.stdout);
    expect(changed(plan)).toEqual(['update deployment:shop/cache']);
    const change = (plan.changes as Obj[]).find((ch) => ch.action === 'update')!;
    expect([change.file, change.line]).toEqual(['inventory/values/cache-prod.yaml', 3]);
  }, 180_000);

  it('without the key: exit 1, nothing planned, the ciphertext never sent', async () => {
    writeFiles(dir, {});
    const r = await runCli(['plan', '--repo', dir, '--kubeconfig', c.kubeconfig, '-o', 'json'], {
      env: { SOPS_AGE_KEY_FILE: `${dir}/none.txt`, SOPS_AGE_KEY: undefined, XDG_CONFIG_HOME: dir },
    });
    expect(r.code).toBe(1);
    // -o json says why on stdout too (schemas/failure-output.schema.json), never with the ciphertext
    expect(r.stdout).not.toMatch(/ENC\[/);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, command: 'plan' });
    expect(JSON.parse(r.stdout).diagnostics.map((d: { code: string }) => d.code)).toContain('sops.no-key');
    expect(r.stderr).toContain('sops.no-key');
    expect(r.stderr).not.toMatch(/ENC\[|\n\s+at /);
  }, 180_000);
});
