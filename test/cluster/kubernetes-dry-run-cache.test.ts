import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { toolPath } from '../../engine/render/tools.js';
import { fixture, runCli } from '../helpers/run-cli.js';
import { startApiProxy, type ApiProxy, type ProxiedRequest } from './api-proxy.js';
import { describeCluster } from './cluster-test.js';
import { apiCall, kubectlPath, serviceAccountToken, writeKubeconfig, type ControlPlaneInfo } from './control-plane.js';
import { spawnSync } from 'node:child_process';

type Obj = Record<string, any>;

/**
 * The Kubernetes provider's persistent dry-run cache (issue 18) against the real
 * API server, through a counting proxy on 127.0.0.1: each `plumb plan` is its
 * own process sharing one cache directory, as runs of a user or CI job do.
 */
describeCluster('kubernetes steady state: cached dry-run answers', (cluster) => {
  let c: ControlPlaneInfo;
  let proxy: ApiProxy;
  let proxyKubeconfig: string;
  let requests: ProxiedRequest[] = [];
  const dirs: string[] = [];
  const temp = (what: string) => {
    const d = mkdtempSync(join(tmpdir(), `plumb-drc-${what}-`));
    dirs.push(d);
    return d;
  };

  beforeAll(async () => {
    c = cluster();
    // every request of plumb passes here: counted, then sent on to the API server unchanged
    proxy = await startApiProxy(c, temp('kubeconfig'));
    proxyKubeconfig = proxy.kubeconfig;
    requests = proxy.requests;
    await apiCall(c, c.adminToken, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', GIZMO_CRD);
    for (let i = 0; i < 50 && (await apiCall(c, c.adminToken, 'GET', '/apis/drc.example.com/v1')).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 200));
  });
  afterAll(async () => {
    await proxy?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const SECRET_VALUE = 'hunter2-drc-plaintext';
  const files = (ns: string, cmValue = '1'): Record<string, string> => ({
    'ns.yaml': `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`,
    'cms.yaml': [1, 2, 3]
      .map((i) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${ns}}\ndata: {v: "${i === 1 ? cmValue : i}"}\n`)
      .join('---\n'),
    'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: ${ns}}\nstringData: {password: ${SECRET_VALUE}}\n`,
    'deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "nginx:1.27"}]}
`,
    'gizmos.yaml': [1, 2]
      .map((i) => `apiVersion: drc.example.com/v1\nkind: Gizmo\nmetadata: {name: g-${i}, namespace: ${ns}}\nspec: {size: ${i}}\n`)
      .join('---\n'),
  });

  const makeRepo = (ns: string) => {
    const dir = temp(`repo-${ns}`);
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\nbackup:\n  store: dir\n  path: .plumb/backups\n`);
    const write = (more: Record<string, string>) => {
      for (const [f, text] of Object.entries(more)) writeFileSync(join(dir, 'inventory', f), text);
    };
    write(files(ns));
    return { dir, write };
  };

  /** `plumb plan -o json` through the proxy with this cache directory (undefined: caching off); the requests it made. */
  const plan = async (repo: string, cacheDir: string | undefined, code = 0) => {
    requests.length = 0;
    const env = cacheDir ? { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: undefined } : { PLUMB_CACHE: 'off' };
    const r = await runCli(['plan', '-o', 'json', '--repo', repo, '--kubeconfig', proxyKubeconfig], { env });
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const made = [...requests];
    // every read plumb makes is one the server can answer: an Accept it refuses (406) silently lost
    // the cluster's identity and a namespace's uid from the dry-run cache's keys
    expect(made.filter((q) => q.status === 406).map((q) => `${q.method} ${q.path}`)).toEqual([]);
    const json = JSON.parse(r.stdout) as Obj;
    return {
      json,
      dryRuns: made.filter((q) => q.method === 'PATCH' && q.path.includes('dryRun=All')).map((q) => q.path.split('?')[0]),
      // a SelfSubjectReview (who the book is for) is a POST that stores nothing
      writes: made.filter((q) => q.method !== 'GET' && !q.path.includes('dryRun=All') && !q.path.includes('/selfsubjectreviews')),
    };
  };
  /** What a plan says, without what differs between any two runs (time, duration). */
  const answer = (p: Obj) => ({ changes: p.changes, fingerprints: p.fingerprints, diagnostics: p.diagnostics, summary: p.summary });
  const changed = (p: Obj) =>
    (p.changes as Obj[])
      .filter((ch) => ch.action !== 'noop')
      .map((ch) => `${ch.action} ${ch.id}`)
      .sort();

  it('a steady-state plan makes no dry-run request and answers as an uncached plan and as kubectl diff --server-side; either side changing asks again for that object only; no Secret value is kept', async () => {
    const ns = 'drc-steady';
    const repo = makeRepo(ns);
    const cache = temp('cache');
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', repo.dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);

    // cold: every object is dry-run once (7 CIs in the namespace, and the Namespace itself)
    const cold = await plan(repo.dir, cache);
    expect(cold.dryRuns).toHaveLength(8);
    expect(changed(cold.json)).toEqual([]);
    // warm: none, and the same answer as the cold run and as a run without any cache
    const warm = await plan(repo.dir, cache);
    expect(warm.dryRuns).toEqual([]);
    expect(warm.writes).toEqual([]);
    const uncached = await plan(repo.dir, undefined);
    expect(uncached.dryRuns).toHaveLength(8);
    expect(answer(warm.json)).toEqual(answer(uncached.json));
    expect(answer(warm.json)).toEqual(answer(cold.json));
    // and kubectl's: `kubectl diff --server-side` of the same manifests finds nothing either
    const kubectlDiff = (...flags: string[]) =>
      spawnSync(kubectlPath(), ['--kubeconfig', c.kubeconfig, 'diff', '--server-side', ...flags, '-R', '-f', join(repo.dir, 'inventory')], {
        encoding: 'utf8',
      });
    const quiet = kubectlDiff();
    expect([quiet.status, quiet.stdout], quiet.stderr).toEqual([0, '']);

    // the dry-run answers hold no Secret value, in any form (plain, base64 as the server stores it);
    // (the parsed inventory file is the content cache's business: a Git file's own text)
    // the 8 answers are kept in one book (one content-cache entry for this cluster and user)
    const kept = filesUnder(join(cache, 'content', 'kubernetes-dry-run-2'));
    expect(kept).toHaveLength(1);
    for (const f of kept) {
      const bytes = readFileSync(f);
      expect(bytes.includes(SECRET_VALUE)).toBe(false);
      expect(bytes.includes(Buffer.from(SECRET_VALUE).toString('base64'))).toBe(false);
      expect(statSync(f).mode & 0o077).toBe(0);
    }

    // the live side: another manager changes a field plumb owns (resourceVersion bump) — that object alone is asked again
    const patched = await apiCall(
      c,
      c.adminToken,
      'PATCH',
      `/api/v1/namespaces/${ns}/configmaps/cm-2?fieldManager=someone-else&force=true`,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm-2', namespace: ns }, data: { v: 'changed-by-hand' } },
      'application/apply-patch+yaml',
    );
    expect(patched.status).toBe(200);
    const live = await plan(repo.dir, cache);
    // (twice: the plain dry run meets the other manager's field, the forced one shows what Git wants)
    expect([...new Set(live.dryRuns)]).toEqual([`/api/v1/namespaces/${ns}/configmaps/cm-2`]);
    expect(answer(live.json)).toEqual(answer((await plan(repo.dir, undefined)).json));
    // the same answer as kubectl's: that ConfigMap, and only it
    expect(changed(live.json)).toEqual([`update configmap:${ns}/cm-2`]);
    const drift = kubectlDiff('--force-conflicts');
    expect(drift.status, drift.stderr).toBe(1);
    expect([...drift.stdout.matchAll(/^diff -u -N \S+\/(\S+)\s/gm)].map((m) => m[1])).toEqual([`v1.ConfigMap.${ns}.cm-2`]);

    // the desired side: one ConfigMap changed in Git — that object alone
    repo.write({ 'cms.yaml': files(ns, 'changed-in-git')['cms.yaml'] });
    const desired = await plan(repo.dir, cache);
    expect(desired.dryRuns).toEqual([`/api/v1/namespaces/${ns}/configmaps/cm-1`]);
    expect(changed(desired.json)).toContain(`update configmap:${ns}/cm-1`);
    expect(answer(desired.json)).toEqual(answer((await plan(repo.dir, undefined)).json));
    // and steady again
    expect((await plan(repo.dir, cache)).dryRuns).toEqual([]);
  }, 180_000);

  it("another credential under the same kubeconfig user name reads none of the first one's answers: a token that may not patch fails as it does uncached", async () => {
    const ns = 'drc-cred';
    const repo = makeRepo(ns);
    const cache = temp('cache-cred');
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', repo.dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const run = (kubeconfig: string, cacheDir: string | undefined) =>
      runCli(['plan', '-o', 'json', '--repo', repo.dir, '--kubeconfig', kubeconfig], {
        env: cacheDir ? { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: undefined } : { PLUMB_CACHE: 'off' },
      });
    // the admin's answers are kept
    expect((await run(c.kubeconfig, cache)).code).toBe(0);
    // a reader: same context and user names in its kubeconfig, another token; it may read everything and write nothing
    const token = await serviceAccountToken(c, {
      namespace: ns,
      name: 'reader',
      rules: [],
      clusterRules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    });
    const reader = writeKubeconfig(c, token, 'drc-cred-reader', ns);
    const uncached = await run(reader, undefined);
    const cached = await run(reader, cache);
    const errors = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => /error/.test(l));
    expect(errors(uncached).some((l) => l.includes('[kubernetes.forbidden] forbidden: cannot patch configmaps'))).toBe(true); // its dry runs are refused
    expect([cached.code, errors(cached)]).toEqual([uncached.code, errors(uncached)]);
  }, 180_000);

  /**
   * One exec-plugin kubeconfig user that is two identities (AWS_PROFILE-style), through a proxy: the reader reads
   * none of the admin's answers, the admin's next run reads them all.
   */
  const execIdentities = async (ns: string, via: ApiProxy) => {
    const repo = makeRepo(ns);
    const cache = temp(`cache-${ns}`);
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', repo.dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    const readerToken = await serviceAccountToken(c, {
      namespace: ns,
      name: 'exec-reader',
      rules: [],
      clusterRules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    });
    // one kubeconfig, one user entry holding only the command: the plugin picks the identity from the environment,
    // as aws eks get-token does with AWS_PROFILE
    const dir = temp(`exec-plugin-${ns}`);
    writeFileSync(join(dir, 'admin'), c.adminToken, { mode: 0o600 });
    writeFileSync(join(dir, 'reader'), readerToken, { mode: 0o600 });
    const plugin = join(dir, 'get-token.sh');
    writeFileSync(
      plugin,
      `#!/bin/sh\nprintf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' "$(cat ${dir}/$DRC_PROFILE)"\n`,
      { mode: 0o755 },
    );
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: c, cluster: {server: "${/server: "?([^"\s]+)/.exec(readFileSync(via.kubeconfig, 'utf8'))![1]}", insecure-skip-tls-verify: true}}]`,
        `users: [{name: eks, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", interactiveMode: Never}}}]`,
        'contexts: [{name: c, context: {cluster: c, user: eks}}]',
        'current-context: c',
        '',
      ].join('\n'),
    );
    const run = (profile: string, cacheDir: string | undefined) =>
      runCli(['plan', '-o', 'json', '--repo', repo.dir, '--kubeconfig', kubeconfig], {
        env: { DRC_PROFILE: profile, ...(cacheDir ? { PLUMB_CACHE_DIR: cacheDir, PLUMB_CACHE: undefined } : { PLUMB_CACHE: 'off' }) },
      });
    const errors = (r: { stderr: string }) => r.stderr.split('\n').filter((l) => /error/.test(l));
    const first = await run('admin', cache);
    expect(first.code, first.stderr).toBe(0); // the admin's answers are kept
    const uncached = await run('reader', undefined);
    expect(errors(uncached).some((l) => l.includes('[kubernetes.forbidden] forbidden: cannot patch configmaps'))).toBe(true);
    const cached = await run('reader', cache);
    expect([cached.code, errors(cached)]).toEqual([uncached.code, errors(uncached)]);
    // the admin's book is still the admin's: its next run asks no dry run again, and who it is once
    via.requests.length = 0;
    const again = await run('admin', cache);
    expect(again.code, again.stderr).toBe(0);
    expect(via.requests.filter((q) => q.path.includes('dryRun=All')).map((q) => q.path)).toEqual([]);
    expect(via.requests.filter((q) => q.path.includes('/selfsubjectreviews')).length).toBe(1);
  };

  it("one exec-plugin kubeconfig user that is two identities (AWS_PROFILE-style): the reader reads none of the admin's answers, the admin's next run reads them all", async () => {
    await execIdentities('drc-exec', proxy);
  }, 240_000);

  it('where the server does not answer who plumb is (SelfSubjectReview forbidden or not served), the credential the requests carry keys the book: still no answer crosses identities', async () => {
    // this proxy refuses every SelfSubjectReview, as a server before 1.28 (404) or an RBAC without it (403) does
    const refusing = await startApiProxy(c, temp('kubeconfig-no-review'), (req, _headers, res) => {
      if (!req.url?.includes('/selfsubjectreviews')) return false;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'selfsubjectreviews is forbidden' }),
      );
      return true;
    });
    try {
      await execIdentities('drc-exec-noreview', refusing);
    } finally {
      await refusing.close();
    }
  }, 240_000);

  it('an object Git adds to an existing namespace is dry-run once: its absence is keyed by the namespace uid, which plumb can read', async () => {
    const ns = 'drc-create';
    const repo = makeRepo(ns);
    const cache = temp('cache-create');
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', repo.dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    repo.write({ 'extra.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: ${ns}}\ndata: {v: "new"}\n` });
    const cold = await plan(repo.dir, cache);
    expect(changed(cold.json)).toEqual([`create configmap:${ns}/extra`]);
    expect(cold.dryRuns).toContain(`/api/v1/namespaces/${ns}/configmaps/extra`);
    const warm = await plan(repo.dir, cache);
    expect(warm.dryRuns).toEqual([]);
    expect(answer(warm.json)).toEqual(answer((await plan(repo.dir, undefined)).json));
  }, 180_000);

  it("a label put on the Namespace asks again for its objects: a privileged Pod's kept create is not approved once Pod Security enforces restricted there", async () => {
    const ns = 'drc-psa';
    const dir = temp('repo-psa');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\nbackup:\n  store: dir\n  path: .plumb/backups\n`);
    writeFileSync(
      join(dir, 'inventory', 'pod.yaml'),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: priv, namespace: ${ns}}\nspec:\n  containers:\n    - name: c\n      image: registry.example/x:1\n      securityContext: {privileged: true}\n`,
    );
    expect((await apiCall(c, c.adminToken, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })).status).toBe(201);
    const cache = temp('cache-psa');
    const cold = await plan(dir, cache);
    expect(changed(cold.json)).toEqual([`create pod:${ns}/priv`]);
    const warm = await plan(dir, cache);
    expect(warm.dryRuns).toEqual([]);
    expect(answer(warm.json)).toEqual(answer(cold.json));

    // as `kubectl label ns drc-psa pod-security.kubernetes.io/enforce=restricted`: the Namespace's resourceVersion moves
    const labelled = await apiCall(
      c,
      c.adminToken,
      'PATCH',
      `/api/v1/namespaces/${ns}`,
      { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      'application/merge-patch+json',
    );
    expect(labelled.status).toBe(200);
    // the refused Pod is left out of the plan, the rest is planned: an error, so exit 1 (it was 0, "no changes")
    const uncached = await plan(dir, undefined, 1);
    expect(uncached.json.diagnostics.map((d: Obj) => d.code)).toContain('kubernetes.forbidden');
    const after = await plan(dir, cache, 1);
    expect(after.dryRuns).toEqual([`/api/v1/namespaces/${ns}/pods/priv`]);
    expect(answer(after.json)).toEqual(answer(uncached.json));
    // the server's own reason, not a guess at RBAC: the admin may patch Pods, Pod Security refused this one
    const refused = (after.json.diagnostics as Obj[]).find((d) => d.code === 'kubernetes.forbidden')!;
    expect(refused.message).toContain('violates PodSecurity "restricted:latest"');
    expect(refused.hint).toContain('admission refused the object');
    expect(refused.hint).not.toContain('grant the verb');
    // nor does apply say the actual state matches the desired state and exit 0 (a hostile review): the Pod is not there
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stdout + applied.stderr).toBe(1);
    expect(applied.stdout + applied.stderr).not.toContain('matches the desired state');
    expect(applied.stderr).toContain('a CI could not be planned');
    expect((await apiCall(c, c.adminToken, 'GET', `/api/v1/namespaces/${ns}/pods/priv`)).status).toBe(404);
  }, 180_000);

  it("RBAC's escalation check is RBAC's refusal, not admission's: an identity that may patch Roles but lacks the rules one grants is told what to grant (the real server's message)", async () => {
    const ns = 'drc-escalate';
    const token = await serviceAccountToken(c, {
      namespace: ns,
      name: 'role-writer',
      rules: [{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update'] }],
      clusterRules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }],
    });
    const dir = temp('repo-escalate');
    mkdirSync(join(dir, 'inventory'));
    writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\n`);
    writeFileSync(
      join(dir, 'inventory', 'role.yaml'),
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: secret-reader, namespace: ${ns}}\nrules:\n  - {apiGroups: [""], resources: [secrets], verbs: [delete]}\n`,
    );
    const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', writeKubeconfig(c, token, 'drc-escalate', ns)], {
      env: { PLUMB_CACHE: 'off' },
    });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const refused = ((JSON.parse(r.stdout) as Obj).diagnostics as Obj[]).find((d) => d.code === 'kubernetes.forbidden' && d.ci === `role:${ns}/secret-reader`);
    expect(refused, r.stdout).toBeDefined();
    expect(refused!.message).toContain('is attempting to grant RBAC permissions not currently held');
    expect(refused!.hint).not.toContain('admission refused');
    expect(refused!.hint).toContain('"escalate"');
  }, 180_000);

  it('a CRD schema change asks again for its custom resources, though their resourceVersions did not change', async () => {
    const ns = 'drc-crd';
    const repo = makeRepo(ns);
    const cache = temp('cache-crd');
    const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', repo.dir, '--kubeconfig', c.kubeconfig], { env: { PLUMB_CACHE: 'off' } });
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
    await plan(repo.dir, cache);
    expect((await plan(repo.dir, cache)).dryRuns).toEqual([]);
    const before = (await apiCall(c, c.adminToken, 'GET', `/apis/drc.example.com/v1/namespaces/${ns}/gizmos/g-1`)).body.metadata.resourceVersion;

    // the CRD gains a defaulted field: what the server answers for its objects changes, their resourceVersions do not
    const path = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.drc.example.com';
    const crd = await apiCall(c, c.adminToken, 'GET', path);
    crd.body.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.colour = { type: 'string', default: 'blue' };
    expect((await apiCall(c, c.adminToken, 'PUT', path, crd.body)).status).toBe(200);
    for (let i = 0; i < 50; i++) {
      const g = await apiCall(c, c.adminToken, 'GET', `/apis/drc.example.com/v1/namespaces/${ns}/gizmos/g-1`);
      if (g.body.spec?.colour === 'blue') {
        expect(g.body.metadata.resourceVersion).toBe(before);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = await plan(repo.dir, cache);
    expect(after.dryRuns.sort()).toEqual([`/apis/drc.example.com/v1/namespaces/${ns}/gizmos/g-1`, `/apis/drc.example.com/v1/namespaces/${ns}/gizmos/g-2`]);
    expect(answer(after.json)).toEqual(answer((await plan(repo.dir, undefined)).json));
    expect((await plan(repo.dir, cache)).dryRuns).toEqual([]);
  }, 180_000);

  it.skipIf(!toolPath('sops'))(
    'a ConfigMap with SOPS-decrypted values is dry-run, and its projection (the plaintext) never reaches the cache',
    async () => {
      const ns = 'drc-sops';
      const dir = temp('repo-sops');
      mkdirSync(join(dir, 'inventory'));
      writeFileSync(join(dir, 'plumb.yaml'), `inventoryId: ${ns}\ntargets:\n  k8s: {provider: kubernetes}\n`);
      writeFileSync(join(dir, 'inventory', 'ns.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`);
      const plaintext = 'postgres://app:pa55-drc-sops@db/app';
      const clear = join(dir, 'dsn.yaml');
      writeFileSync(clear, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dsn, namespace: ${ns}}\ndata: {DSN: "${plaintext}"}\n`);
      const recipient = /age1[0-9a-z]+/.exec(readFileSync(SOPS_KEY_FILE, 'utf8'))![0];
      const encrypted = execFileSync(
        toolPath('sops')!,
        ['--encrypt', '--age', recipient, '--encrypted-regex', '^data$', '--input-type', 'yaml', '--output-type', 'yaml', clear],
        {
          encoding: 'utf8',
        },
      );
      rmSync(clear);
      writeFileSync(join(dir, 'inventory', 'dsn.sops.yaml'), encrypted);
      const env = { SOPS_AGE_KEY_FILE: SOPS_KEY_FILE };
      const applied = await runCli(['apply', '--auto-approve', '--no-wait', '--repo', dir, '--kubeconfig', c.kubeconfig], {
        env: { ...env, PLUMB_CACHE: 'off' },
      });
      expect(applied.code, applied.stderr + applied.stdout).toBe(0);
      // another manager changes the value: the desired projection (Git's plaintext) now differs from the live object
      const patched = await apiCall(
        c,
        c.adminToken,
        'PATCH',
        `/api/v1/namespaces/${ns}/configmaps/dsn?fieldManager=someone-else&force=true`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dsn', namespace: ns }, data: { DSN: 'changed-by-hand' } },
        'application/apply-patch+yaml',
      );
      expect(patched.status).toBe(200);
      const cache = temp('cache-sops');
      requests.length = 0;
      const r = await runCli(['plan', '-o', 'json', '--repo', dir, '--kubeconfig', proxyKubeconfig], {
        env: { ...env, PLUMB_CACHE_DIR: cache, PLUMB_CACHE: undefined },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(changed(JSON.parse(r.stdout))).toEqual([`update configmap:${ns}/dsn`]);
      // the ConfigMap was dry-run (the server's projection holds the plaintext) ...
      expect(requests.some((q) => q.method === 'PATCH' && q.path.includes(`/namespaces/${ns}/configmaps/dsn`) && q.path.includes('dryRun=All'))).toBe(true);
      // ... and nothing plumb keeps holds it, in any form the server or v8 could write it
      const kept = filesUnder(join(cache, 'content'));
      expect(kept.some((f) => f.includes('kubernetes-dry-run-2'))).toBe(true);
      for (const f of [...kept, ...filesUnder(dir)]) {
        const bytes = readFileSync(f);
        for (const form of [Buffer.from(plaintext), Buffer.from(plaintext, 'utf16le'), Buffer.from(Buffer.from(plaintext).toString('base64'))])
          expect(bytes.includes(form), `${f} holds the plaintext`).toBe(false);
      }
    },
    180_000,
  );
});

const SOPS_KEY_FILE = fixture('render-sops/age-key.txt');

const GIZMO_CRD: Obj = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gizmos.drc.example.com' },
  spec: {
    group: 'drc.example.com',
    scope: 'Namespaced',
    names: { plural: 'gizmos', singular: 'gizmo', kind: 'Gizmo' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } },
      },
    ],
  },
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
