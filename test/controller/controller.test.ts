import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signWebhookBody } from '../../engine/sources/webhook-signature.js';
import { describeCluster } from '../cluster/cluster-test.js';
import { apiCall, kubectlPath, writeKubeconfig, type ControlPlaneInfo } from '../cluster/control-plane.js';
import { commit, makeGitRepo, removeGitRepo } from '../helpers/git-repo.js';
import { startGitHttpServer, type GitHttpServer } from '../helpers/git-http-server.js';
import { applyManifests, httpGet, PROJECT_ROOT, spawnController, waitFor, type ControllerProcess } from './controller-process.js';

const NS = 'plumb-demo';
const GIT_TOKEN = 'git-token-do-not-log-7f3a';
const WEBHOOK_SECRET = 'webhook-secret-do-not-log-91c2';

const PLUMB_YAML = (prune: boolean) => `targets:
  cluster: {provider: kubernetes, namespaces: [${NS}]}
sync: {policy: automated, selfHeal: true, prune: ${prune}}
`;
const configMap = (name: string, data: Record<string, string>, annotations: Record<string, string> = {}) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n  annotations: ${JSON.stringify(annotations)}\ndata: ${JSON.stringify(data)}\n`;
const NO_RED = `apiVersion: plumb.io/v1
kind: Policy
metadata: {name: no-red}
spec:
  action: deny
  severity: high
  scope: change
  match: {kinds: [ConfigMap]}
  validations:
    - expression: "!has(object.data) || !('color' in object.data) || object.data['color'] != 'red'"
      message: red is not allowed
`;

describeCluster('plumb controller against the real API server', (cluster) => {
  let info: ControlPlaneInfo;
  let saToken: string;
  let kubeconfig: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    info = cluster();
    // exactly the RBAC of deploy/, then a real token for its ServiceAccount
    await apiCall(info, info.adminToken, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    for (const f of ['namespace.yaml', 'rbac.yaml', 'managed-namespace.yaml'])
      await applyManifests(info, readFileSync(join(PROJECT_ROOT, 'deploy', f), 'utf8'));
    const r = await apiCall(info, info.adminToken, 'POST', '/api/v1/namespaces/plumb-system/serviceaccounts/plumb-controller/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 3600 },
    });
    saToken = r.body.status.token;
    kubeconfig = writeKubeconfig(info, saToken, 'plumb-controller', 'plumb-system');
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  const getCm = (name: string, ns = NS) => apiCall(info, info.adminToken, 'GET', `/api/v1/namespaces/${ns}/configmaps/${name}`);
  const status = async () => {
    const r = await getCm('plumb-status', 'plumb-system');
    return r.status === 200 ? JSON.parse(r.body.data['status.json']) : undefined;
  };
  const repoWith = (files: Record<string, string>) => {
    const dir = makeGitRepo(files);
    cleanups.push(() => removeGitRepo(dir));
    return dir;
  };
  const serve = async (dir: string): Promise<GitHttpServer> => {
    const s = await startGitHttpServer(dir, { type: 'bearer', token: GIT_TOKEN });
    cleanups.push(() => s.close());
    return s;
  };
  const start = (url: string, extra: string[]): ControllerProcess => {
    const cache = mkdtempSync(join(tmpdir(), 'plumb-ctl-'));
    const p = spawnController(
      [
        '--git-url',
        url,
        '--branch',
        'main',
        '--git-credentials-env',
        'PLUMB_GIT_TOKEN',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        'plumb-system',
        '--listen',
        '127.0.0.1:0',
        '--lease-duration',
        '4s',
        '--cache-dir',
        cache,
        '--retry-base',
        '200ms',
        '--health-timeout',
        '10s',
        ...extra,
      ],
      { PLUMB_GIT_TOKEN: GIT_TOKEN, PLUMB_WEBHOOK_SECRET: WEBHOOK_SECRET },
    );
    cleanups.push(() => {
      p.child.kill('SIGKILL');
      rmSync(cache, { recursive: true, force: true });
    });
    return p;
  };
  const hook = (base: string, body: string, signature: string) =>
    fetch(`${base}/hooks/git`, { method: 'POST', body, headers: { 'x-hub-signature-256': signature, 'content-type': 'application/json' } }).then(
      (r) => r.status,
    );

  it('reconciles a Git repository: apply, webhook, self-heal, prune, policy denial, invalid revision, metrics, Events, clean logs', async () => {
    const repo = repoWith({
      'plumb.yaml': PLUMB_YAML(true),
      'inventory/app.yaml': configMap('app-config', { color: 'blue' }),
      'inventory/extra.yaml': configMap('extra', { a: '1' }),
      'policies/no-red.yaml': NO_RED,
    });
    const c1 = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const git = await serve(repo);
    // a long interval: every pick-up below within the wait is the webhook's or the watch's doing
    const ctl = start(git.url, ['--interval', '10m', '--lease-name', 'plumb-single']);
    const base = await ctl.base();

    // first reconcile: created, Ready, /readyz
    await waitFor(async () => (await httpGet(`${base}/readyz`)).status === 200, { what: '/readyz' });
    expect((await httpGet(`${base}/healthz`)).status).toBe(200);
    await waitFor(async () => (await getCm('app-config')).body?.data?.color === 'blue', { what: 'app-config created' });
    const s1 = await waitFor(async () => ((await status())?.lastAppliedRevision === c1 ? status() : undefined), { what: 'status of c1' });
    expect(s1.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
      ['Reconciling', 'False'],
      ['Stalled', 'False'],
    ]);

    // a new commit, announced by the webhook (a bad signature is refused)
    const c2 = commit(repo, { 'inventory/app.yaml': configMap('app-config', { color: 'green' }) }, 'green');
    expect(await hook(base, '{"ref":"refs/heads/main"}', 'sha256=' + '0'.repeat(64))).toBe(401);
    expect(await hook(base, '{"ref":"refs/heads/main"}', signWebhookBody(WEBHOOK_SECRET, '{"ref":"refs/heads/main"}'))).toBe(202);
    await waitFor(async () => (await getCm('app-config')).body?.data?.color === 'green', { what: 'c2 applied' });
    await waitFor(async () => (await status())?.lastAppliedRevision === c2, { what: 'status of c2' });

    // drift made with kubectl is healed (the watch triggers the reconcile)
    execFileSync(kubectlPath(), [
      '--kubeconfig',
      info.kubeconfig,
      '-n',
      NS,
      'patch',
      'configmap',
      'app-config',
      '--type',
      'merge',
      '-p',
      '{"data":{"color":"purple"}}',
    ]);
    await waitFor(async () => (await getCm('app-config')).body?.data?.color === 'green', { what: 'drift healed' });

    // prune: a CI removed from Git is deleted (it carries plumb's label)
    commit(repo, { 'inventory/extra.yaml': null }, 'drop extra');
    await hook(base, '{}', signWebhookBody(WEBHOOK_SECRET, '{}'));
    await waitFor(async () => (await getCm('extra')).status === 404, { what: 'extra pruned' });
    const c3 = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    await waitFor(async () => (await status())?.lastAppliedRevision === c3, { what: 'status of c3' });

    // a commit a policy denies is refused; the cluster keeps c3
    const c4 = commit(repo, { 'inventory/app.yaml': configMap('app-config', { color: 'red' }) }, 'red');
    await hook(base, '{}', signWebhookBody(WEBHOOK_SECRET, '{}'));
    const denied = await waitFor(async () => ((await status())?.refusedRevision?.revision === c4 ? status() : undefined), { what: 'c4 refused' });
    expect({
      refused: denied.refusedRevision.reason,
      last: denied.lastAppliedRevision,
      stalled: denied.conditions.find((c: any) => c.type === 'Stalled').status,
    }).toEqual({ refused: 'PolicyDenied', last: c3, stalled: 'True' });
    expect((await getCm('app-config')).body.data.color).toBe('green');

    // an invalid revision is refused too, and the loop goes on with the last good one (drift is still healed)
    const c5 = commit(
      repo,
      { 'inventory/app.yaml': configMap('app-config', { color: 'green' }), 'inventory/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [oops\n' },
      'broken',
    );
    await hook(base, '{}', signWebhookBody(WEBHOOK_SECRET, '{}'));
    const invalid = await waitFor(async () => ((await status())?.refusedRevision?.revision === c5 ? status() : undefined), { what: 'c5 refused' });
    expect({ refused: invalid.refusedRevision.reason, last: invalid.lastAppliedRevision, revision: invalid.revision }).toEqual({
      refused: 'InvalidRevision',
      last: c3,
      revision: c5,
    });
    execFileSync(kubectlPath(), [
      '--kubeconfig',
      info.kubeconfig,
      '-n',
      NS,
      'patch',
      'configmap',
      'app-config',
      '--type',
      'merge',
      '-p',
      '{"data":{"color":"orange"}}',
    ]);
    await waitFor(async () => (await getCm('app-config')).body?.data?.color === 'green', { what: 'drift healed with the old revision' });

    // metrics
    const metrics = (await httpGet(`${base}/metrics`)).text;
    for (const line of [
      /^plumb_reconcile_duration_seconds_count\{result="succeeded"\} [1-9]/m,
      /^plumb_applies_total\{result="succeeded"\} [1-9]/m,
      /^plumb_policy_denials_total [1-9]/m,
      new RegExp(`^plumb_last_successful_revision_info\\{revision="${c3}"\\} 1$`, 'm'),
      /^plumb_leader 1$/m,
      /^plumb_drift_cis \d/m,
      /^plumb_unmanaged_cis \d/m,
      /^plumb_reconcile_failures_total\{kind="terminal"\} [1-9]/m,
    ])
      expect(metrics).toMatch(line);

    // Events in the controller's namespace
    const events = await apiCall(info, info.adminToken, 'GET', '/api/v1/namespaces/plumb-system/events');
    const reasons = new Set((events.body.items as any[]).map((e) => e.reason));
    for (const r of ['ApplySucceeded', 'DriftDetected', 'PolicyDenied', 'InvalidRevision', 'LeaderElected']) expect(reasons).toContain(r);

    // graceful stop, and logs: JSON lines, no credential anywhere
    ctl.child.kill('SIGTERM');
    expect(await ctl.exited()).toBe(0);
    const output = ctl.output();
    for (const secret of [GIT_TOKEN, WEBHOOK_SECRET, saToken]) expect(output).not.toContain(secret);
    expect(ctl.logs().filter((l) => 'raw' in l)).toEqual([]);
  }, 180_000);

  it('holds the last good revision when a revision deletes over the ceiling or renders nothing: Stalled with the reason, nothing deleted', async () => {
    const names = ['held-a', 'held-b', 'held-c'];
    const repo = repoWith({
      'plumb.yaml': `${PLUMB_YAML(true)}inventoryId: held-test\nprune: {maxDeletes: 1}\n`,
      ...Object.fromEntries(names.map((n) => [`inventory/${n}.yaml`, configMap(n, { v: '1' })])),
    });
    const c1 = execFileSync('git', ['-C', repo, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
    const git = await serve(repo);
    const ctl = start(git.url, ['--interval', '1s', '--lease-name', 'plumb-held']);
    await ctl.base();
    await waitFor(async () => (await status())?.lastAppliedRevision === c1, { what: 'c1 applied' });
    const exists = async () => Promise.all(names.map(async (n) => (await getCm(n)).status === 200));

    // two of three deleted: over maxDeletes 1
    const c2 = commit(repo, { 'inventory/held-b.yaml': null, 'inventory/held-c.yaml': null }, 'drop two');
    const over = await waitFor(async () => ((await status())?.refusedRevision?.revision === c2 ? status() : undefined), { what: 'c2 held' });
    const stalled = (s: any) => s.conditions.find((c: any) => c.type === 'Stalled');
    expect({ reason: over.refusedRevision.reason, last: over.lastAppliedRevision, stalled: stalled(over).status, why: stalled(over).reason }).toEqual({
      reason: 'PruneRefused',
      last: c1,
      stalled: 'True',
      why: 'PruneRefused',
    });
    expect(over.refusedRevision.message).toMatch(/2 delete\(s\), 67% of its 3 managed object\(s\), is over the ceiling prune\.maxDeletes \(1\)/);
    expect(await exists()).toEqual([true, true, true]);

    // the inventory renders nothing at all
    const c3 = commit(repo, { 'inventory/held-a.yaml': null }, 'empty');
    const empty = await waitFor(async () => ((await status())?.refusedRevision?.revision === c3 ? status() : undefined), { what: 'c3 held' });
    expect({ reason: empty.refusedRevision.reason, last: empty.lastAppliedRevision, stalled: stalled(empty).status }).toEqual({
      reason: 'PruneRefused',
      last: c1,
      stalled: 'True',
    });
    expect(empty.refusedRevision.message).toContain('the inventory renders no CI for it, so all 3 object(s) it manages would be deleted');
    // a few more rounds on the 1 s interval: still nothing deleted
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await exists()).toEqual([true, true, true]);
  }, 120_000);

  it('two controllers: exactly one reconciles; kill it and the other takes over within the lease duration', async () => {
    const repo = repoWith({ 'plumb.yaml': PLUMB_YAML(false), 'inventory/ha.yaml': configMap('ha', { v: '1' }) });
    const git = await serve(repo);
    const args = ['--interval', '1s', '--lease-name', 'plumb-ha'];
    const a = start(git.url, [...args, '--identity', 'replica-a']);
    const b = start(git.url, [...args, '--identity', 'replica-b']);
    const [baseA, baseB] = await Promise.all([a.base(), b.base()]);
    const leaderOf = async () => {
      const [sa, sb] = await Promise.all([httpGet(`${baseA}/status`), httpGet(`${baseB}/status`)]).then((rs) => rs.map((r) => JSON.parse(r.text)));
      return { a: sa.leader as boolean, b: sb.leader as boolean };
    };
    await waitFor(async () => (await getCm('ha')).body?.data?.v === '1', { what: 'ha created' });
    const roles = await leaderOf();
    expect(Number(roles.a) + Number(roles.b)).toBe(1);
    const [leader, follower, followerBase] = roles.a ? [a, b, baseB] : [b, a, baseA];
    // a new commit is picked up by polling (no webhook), by the leader only
    commit(repo, { 'inventory/ha.yaml': configMap('ha', { v: '2' }) }, 'v2');
    await waitFor(async () => (await getCm('ha')).body?.data?.v === '2', { what: 'v2 polled and applied' });
    expect(follower.logs().filter((l) => l.msg === 'reconciled' || l.msg === 'apply finished')).toEqual([]);
    expect((await httpGet(`${followerBase}/readyz`)).status).toBe(200);

    // the leader dies without releasing the lease
    leader.child.kill('SIGKILL');
    const killed = Date.now();
    await waitFor(async () => JSON.parse((await httpGet(`${followerBase}/status`)).text).leader === true, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: 'takeover',
    });
    const takeover = Date.now() - killed;
    // lease 4 s, plus one retry period (0.8 s), plus slack for a loaded 2-core CI
    // machine: the point is that the follower takes over on its own, soon after the
    // lease runs out — not a speed target
    expect(takeover).toBeLessThan(4_000 + 800 + 4_000);
    const lease = await apiCall(info, info.adminToken, 'GET', '/apis/coordination.k8s.io/v1/namespaces/plumb-system/leases/plumb-ha');
    expect({ holder: lease.body.spec.holderIdentity, transitions: lease.body.spec.leaseTransitions >= 1 }).toEqual({
      holder: follower === a ? 'replica-a' : 'replica-b',
      transitions: true,
    });
    commit(repo, { 'inventory/ha.yaml': configMap('ha', { v: '3' }) }, 'v3');
    await waitFor(async () => (await getCm('ha')).body?.data?.v === '3', { what: 'the new leader reconciles' });
  }, 120_000);
});
