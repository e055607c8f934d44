import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { RenderCache } from '../../../engine/render/render-stage.js';
import { findTool } from '../../../engine/render/tools.js';
import { commit, head, makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { fixtureTree } from '../../helpers/fixture-tree.js';
import { fixture, runCli } from '../../helpers/run-cli.js';
import { describeWithTools } from '../../tools/render-tools.js';

/** The plaintext values the encrypted fixtures hold: none may appear in any output. */
const PLAINTEXTS = ['s3cr3t-cache-pass', 'tok-9f8e7d6c5b4a', 'pa55word-in-dsn'];
const KEY_FILE = `${fixture('render-sops')}/age-key.txt`;

/** render-shop with the SOPS files of render-sops laid over it (inventory only: the key stays outside the repository). */
function sopsShop(): Record<string, string> {
  const extra = Object.entries(fixtureTree(fixture('render-sops'))).filter(([p]) => p.startsWith('inventory/'));
  return { ...fixtureTree(fixture('render-shop')), ...Object.fromEntries(extra) };
}

describeWithTools('SOPS-encrypted files', ['kustomize', 'helm', 'sops'], () => {
  let dir: string;
  beforeAll(() => {
    dir = makeGitRepo(sopsShop(), { message: 'shop with secrets' });
  });
  afterAll(() => removeGitRepo(dir));

  it('decrypts with the age key from SOPS_AGE_KEY_FILE; the decrypted fields are secret whatever the kind', async () => {
    const env = { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE };
    const r = await loadRepository({ repo: dir, env, renderCache: new RenderCache() });
    expect(r.diagnostics).toEqual([]);
    const byId = new Map(r.cis.map((c) => [c.id, c]));
    const auth = byId.get('secret:shop/cache-auth')!;
    expect((auth.object as any).stringData).toEqual({ password: 's3cr3t-cache-pass' });
    expect(auth.object).not.toHaveProperty('sops');
    expect(auth.secretPointers).toEqual(['/stringData/password']);
    const dsn = byId.get('configmap:shop/web-dsn')!;
    expect((dsn.object as any).data.POOL).toBe('10');
    expect(dsn.secretPointers).toEqual(['/data/DSN', '/data/POOL']);
    expect(dsn.origin).toMatchObject({ file: 'inventory/secrets/web-dsn.sops.yaml', line: 1 });
    // a SOPS file inside a kustomization: decrypted before kustomize builds, the value marked in the output
    const apiKey = byId.get('secret:shop/web-api-key')!;
    expect((apiKey.object as any).stringData).toEqual({ token: 'tok-9f8e7d6c5b4a' });
    expect(apiKey.origin).toMatchObject({
      file: 'inventory/apps/web/overlays/prod/api-key.sops.yaml',
      render: { unit: 'kustomize:inventory/apps/web/overlays/prod' },
    });
    expect(apiKey.secretPointers).toEqual(['/stringData/token']);
  });

  it("without the key: exit 1, a diagnostic at each file's sops block, nothing of them loaded or planned", async () => {
    const env = { SOPS_AGE_KEY_FILE: `${dir}/no-such-key.txt`, SOPS_AGE_KEY: undefined, XDG_CONFIG_HOME: dir };
    const r = await runCli(['validate', '--repo', dir, '-o', 'json'], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const sops = out.diagnostics.filter((d: { code: string }) => d.code.startsWith('sops.'));
    expect(sops.map((d: { code: string; file: string; line: number }) => [d.code, d.file, d.line])).toEqual([
      ['sops.no-key', 'inventory/apps/web/overlays/prod/api-key.sops.yaml', 8],
      ['sops.no-key', 'inventory/secrets/cache-auth.sops.yaml', 9],
      ['sops.no-key', 'inventory/secrets/web-dsn.sops.yaml', 9],
    ]);
    expect(sops[0].hint).toContain('SOPS_AGE_KEY_FILE');
    const plan = await runCli(['review', '--repo', dir, '--base', head(dir), '--head', 'HEAD', '-o', 'json'], { env });
    expect(plan.code).toBe(1);
    expect(plan.stdout).not.toContain('ENC[');
    for (const text of [r.stdout, r.stderr, plan.stdout, plan.stderr]) expect(text).not.toMatch(/AES256_GCM|ENC\[/);
  }, 180_000);

  it('a file changed without sops fails its MAC check and loads nothing', async () => {
    const d = makeGitRepo({ ...sopsShop() }, { message: 'shop' });
    try {
      const tampered = sopsShop()['inventory/secrets/web-dsn.sops.yaml'].replace('name: web-dsn', 'name: web-dsn-copy');
      commit(d, { 'inventory/secrets/web-dsn.sops.yaml': tampered }, 'rename by hand');
      const r = await loadRepository({ repo: d, env: { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE }, renderCache: new RenderCache() });
      expect(r.diagnostics.map((x) => [x.code, x.file])).toEqual([['sops.mac-mismatch', 'inventory/secrets/web-dsn.sops.yaml']]);
      expect(r.cis.some((c) => c.name.startsWith('web-dsn'))).toBe(false);
    } finally {
      removeGitRepo(d);
    }
  });

  it('no decrypted value appears in validate, review or SARIF output', async () => {
    const env = { SOPS_AGE_KEY_FILE: KEY_FILE };
    const base = makeGitRepo(fixtureTree(fixture('render-shop')), { message: 'shop' });
    try {
      const from = head(base);
      const to = commit(base, sopsShop(), 'secrets');
      // every front end's output, run two at a time (each is a whole plumb process)
      const runs: { args: string[]; output?: string }[] = [
        { args: ['validate', '--repo', base, '-o', 'json'] },
        { args: ['validate', '--repo', base] },
        ...['json', 'text', 'sarif', 'markdown'].map((output) => ({ args: ['review', '--repo', base, '--base', from, '--head', to, '-o', output], output })),
      ];
      const results: { args: string[]; output?: string; r: Awaited<ReturnType<typeof runCli>> }[] = [];
      for (let i = 0; i < runs.length; i += 2) {
        results.push(...(await Promise.all(runs.slice(i, i + 2).map(async (run) => ({ ...run, r: await runCli(run.args, { env }) })))));
      }
      for (const { args, output, r } of results) {
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
        for (const secret of PLAINTEXTS) expect(r.stdout + r.stderr).not.toContain(secret);
        if (output === 'json') {
          const changes = JSON.parse(r.stdout)
            .changes.filter((c: { action: string }) => c.action !== 'noop')
            .map((c: { id: string; action: string }) => `${c.action} ${c.id}`);
          expect(changes.sort()).toEqual(['create configmap:shop/web-dsn', 'create secret:shop/cache-auth', 'create secret:shop/web-api-key']);
        }
      }
    } finally {
      removeGitRepo(base);
    }
  }, 240_000);

  it('a file sops encrypted whole (its default) keeps its identity readable: only the other fields are secret, and no output blanks `default` or `ConfigMap`', async () => {
    const sops = (await findTool('sops'))!;
    const recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: whole\n  namespace: default\ndata:\n  apikey: whole-file-value-77\n';
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-whole-'));
    writeFileSync(join(scratch, 'whole.yaml'), plain);
    const encrypted = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'whole.yaml')], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    expect(encrypted).toMatch(/^kind: ENC\[/m); // the identity fields are encrypted too
    const d = makeGitRepo(
      {
        'plumb.yaml': 'inventory: ["inventory/**"]\ntargets:\n  t: {provider: snapshot, path: snap.yaml}\n',
        'snap.yaml': 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n',
        'inventory/whole.yaml': encrypted,
      },
      { message: 'whole' },
    );
    try {
      const env = { SOPS_AGE_KEY_FILE: KEY_FILE };
      const r = await loadRepository({ repo: d, env: { ...process.env, ...env }, renderCache: new RenderCache() });
      expect(r.diagnostics).toEqual([]);
      expect(r.cis.map((c) => [c.id, c.secretPointers])).toEqual([['configmap:default/whole', ['/data/apikey']]]);
      const plan = await runCli(['plan', '--repo', d, '-o', 'json'], { env });
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).not.toContain('whole-file-value-77');
      expect(JSON.parse(plan.stdout).changes.map((c: { id: string; action: string }) => `${c.action} ${c.id}`)).toEqual(['create configmap:default/whole']);
      expect(plan.stdout).toContain('"kind": "ConfigMap"');
    } finally {
      removeGitRepo(d);
    }
  });

  it('a chart field derived from a decrypted value in a way no search finds (b64enc | b64enc, lower, a substring) is secret too', async () => {
    const sops = (await findTool('sops'))!;
    const recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-chart-'));
    writeFileSync(join(scratch, 'secrets.yaml'), 'dbpass: Derived-Pass-4242\n');
    const encrypted = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'secrets.yaml')], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    const secret = 'Derived-Pass-4242';
    const forms = [secret, Buffer.from(Buffer.from(secret).toString('base64')).toString('base64'), secret.toLowerCase(), secret.slice(0, 12)];
    const d = makeGitRepo(
      {
        'plumb.yaml':
          'inventory: ["charts/**"]\nrender:\n  releases:\n    - chart: charts/db\n      namespace: db\n      values: [charts/db/values.yaml, charts/db/secrets.yaml]\ntargets:\n  t: {provider: snapshot, path: snap.yaml}\n',
        'snap.yaml': 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n',
        'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
        'charts/db/values.yaml': 'pool: 10\n',
        'charts/db/secrets.yaml': encrypted,
        'charts/db/templates/cm.yaml': [
          'apiVersion: v1',
          'kind: ConfigMap',
          'metadata: {name: db-settings}',
          'data:',
          '  pool: {{ .Values.pool | quote }}',
          '  twice: {{ .Values.dbpass | b64enc | b64enc | quote }}',
          '  lower: {{ .Values.dbpass | lower | quote }}',
          '  prefix: {{ .Values.dbpass | trunc 12 | quote }}',
          '',
        ].join('\n'),
      },
      { message: 'chart' },
    );
    try {
      const env = { SOPS_AGE_KEY_FILE: KEY_FILE };
      const r = await loadRepository({ repo: d, env: { ...process.env, ...env }, renderCache: new RenderCache() });
      expect(r.diagnostics).toEqual([]);
      const cm = r.cis.find((c) => c.id === 'configmap:db/db-settings')!;
      expect([...(cm.secretPointers ?? [])].sort()).toEqual(['/data/lower', '/data/prefix', '/data/twice']);
      for (const output of ['json', 'text', 'markdown', 'sarif']) {
        const plan = await runCli(['plan', '--repo', d, '-o', output], { env });
        expect(plan.code, plan.stderr).toBe(0);
        for (const form of forms) expect(plan.stdout + plan.stderr).not.toContain(form);
        if (output === 'json') expect(plan.stdout).toContain('"pool": "10"');
      }
    } finally {
      removeGitRepo(d);
    }
  }, 240_000);

  it("a dotenv or binary file sops encrypted (a secretGenerator's envs and files) is decrypted, never generated as ciphertext", async () => {
    const sops = (await findTool('sops'))!;
    const recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-flat-'));
    writeFileSync(join(scratch, 'db.env'), 'DB_PASS=dotenv-value-9\n');
    writeFileSync(join(scratch, 'tls.key'), 'binary-value-8\n');
    const env = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'db.env')], { encoding: 'utf8' });
    const key = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'tls.key')], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    expect(env).toMatch(/^sops_mac=ENC\[/m);
    const d = makeGitRepo(
      {
        'plumb.yaml': 'inventory: ["apps/**"]\ntargets:\n  t: {provider: snapshot, path: snap.yaml}\n',
        'snap.yaml': 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n',
        'apps/k/kustomization.yaml': 'namespace: default\nsecretGenerator:\n  - name: db\n    envs: [db.env]\n  - name: tls\n    files: [tls.key]\n',
        'apps/k/db.env': env,
        'apps/k/tls.key': key,
      },
      { message: 'flat' },
    );
    try {
      const r = await loadRepository({ repo: d, env: { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE }, renderCache: new RenderCache() });
      expect(r.diagnostics).toEqual([]);
      const data = (name: string) => (r.cis.find((c) => c.name.startsWith(name))!.object as { data: Record<string, string> }).data;
      expect(Object.fromEntries(Object.entries(data('db-')).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]))).toEqual({ DB_PASS: 'dotenv-value-9' });
      expect(Buffer.from(data('tls-')['tls.key'], 'base64').toString()).toBe('binary-value-8\n');
      const plan = await runCli(['plan', '--repo', d, '-o', 'json'], { env: { SOPS_AGE_KEY_FILE: KEY_FILE } });
      expect(plan.code, plan.stderr).toBe(0);
      for (const v of ['dotenv-value-9', 'binary-value-8', 'ENC[', 'sops_']) expect(plan.stdout).not.toContain(v);
      const none = await loadRepository({
        repo: d,
        env: { ...process.env, SOPS_AGE_KEY_FILE: `${d}/no-such-key.txt`, SOPS_AGE_KEY: '', XDG_CONFIG_HOME: d },
        renderCache: new RenderCache(),
      });
      expect(none.diagnostics.map((x) => [x.code, x.file, x.line])).toEqual([
        ['sops.no-key', 'apps/k/db.env', 5],
        ['sops.no-key', 'apps/k/tls.key', 3],
      ]);
      expect(none.cis).toEqual([]);
    } finally {
      removeGitRepo(d);
    }
  }, 240_000);

  it("a unit with an encrypted input is rendered again in a long-running process: its output depends on the keys at hand, as a SOPS file's does (a hostile review)", async () => {
    // one RenderCache, as the TUI, the controller and a review share: the key removed between two loads
    const cache = new RenderCache();
    const withKey = await loadRepository({ repo: dir, env: { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE }, renderCache: cache });
    expect(withKey.diagnostics).toEqual([]);
    expect(withKey.cis.some((c) => c.origin.render && c.secretPointers?.length)).toBe(true);
    const noKey = { ...process.env, SOPS_AGE_KEY_FILE: `${dir}/no-such-key.txt`, SOPS_AGE_KEY: '', XDG_CONFIG_HOME: dir };
    const without = await loadRepository({ repo: dir, env: noKey, renderCache: cache });
    const fresh = await loadRepository({ repo: dir, env: noKey, renderCache: new RenderCache() });
    expect(fresh.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    // the same answer as a process that never had the key: no decrypted value served from memory
    expect(without.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual(fresh.diagnostics.map((d) => [d.code, d.file, d.line]));
    expect(without.cis.map((c) => c.id)).toEqual(fresh.cis.map((c) => c.id));
    // (a unit with no encrypted input is served from memory: 'cached' where the fresh process 'rendered' it)
    const outcome = (u: { id: string; status: string }) => [u.id, u.status === 'cached' ? 'rendered' : u.status];
    expect(without.renders?.map(outcome)).toEqual(fresh.renders?.map(outcome));
    expect(without.renders?.some((u) => u.status === 'failed')).toBe(true);
    expect(without.cis.some((c) => c.secretPointers?.length)).toBe(false);
  }, 240_000);

  it('a chart field derived from a decrypted dotenv file (.Files.Get | b64enc | b64enc) is secret too', async () => {
    const sops = (await findTool('sops'))!;
    const recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-chart-env-'));
    writeFileSync(join(scratch, 'creds.env'), 'TOKEN=chart-env-value-5\n');
    const encrypted = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'creds.env')], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    const d = makeGitRepo(
      {
        'plumb.yaml': 'inventory: ["charts/**"]\ntargets:\n  t: {provider: snapshot, path: snap.yaml}\n',
        'snap.yaml': 'apiVersion: plumb.io/v1\nkind: Snapshot\nobjects: []\n',
        'charts/app/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 0.1.0\n',
        'charts/app/creds.env': encrypted,
        'charts/app/templates/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata:\n  plain: "yes"\n  creds: {{ .Files.Get "creds.env" | b64enc | b64enc | quote }}\n',
      },
      { message: 'chart env' },
    );
    try {
      const r = await loadRepository({ repo: d, env: { ...process.env, SOPS_AGE_KEY_FILE: KEY_FILE }, renderCache: new RenderCache() });
      expect(r.diagnostics).toEqual([]);
      const cm = r.cis.find((c) => c.id === 'configmap:default/app')!;
      expect(cm.secretPointers).toEqual(['/data/creds']);
      const plan = await runCli(['plan', '--repo', d, '-o', 'json'], { env: { SOPS_AGE_KEY_FILE: KEY_FILE } });
      expect(plan.code, plan.stderr).toBe(0);
      expect(plan.stdout).not.toContain(Buffer.from(Buffer.from('TOKEN=chart-env-value-5\n').toString('base64')).toString('base64'));
    } finally {
      removeGitRepo(d);
    }
  }, 240_000);

  it('a failing render of a unit with decrypted inputs does not quote the tool, which may print a value in any form', async () => {
    const sops = (await findTool('sops'))!;
    const recipient = /public key: (age1\w+)/.exec(readFileSync(KEY_FILE, 'utf8'))![1];
    const scratch = mkdtempSync(join(tmpdir(), 'plumb-sops-fail-'));
    writeFileSync(join(scratch, 'secrets.yaml'), 'dbpass: Failing-Pass-3131\n');
    const encrypted = execFileSync(sops.path, ['encrypt', '--age', recipient, join(scratch, 'secrets.yaml')], { encoding: 'utf8' });
    rmSync(scratch, { recursive: true, force: true });
    const d = makeGitRepo(
      {
        'plumb.yaml': 'inventory: ["charts/**"]\nrender:\n  releases:\n    - chart: charts/db\n      values: [charts/db/secrets.yaml]\n',
        'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
        'charts/db/secrets.yaml': encrypted,
        'charts/db/templates/fail.yaml': '{{ fail (printf "lower=%s" (.Values.dbpass | lower)) }}\n',
      },
      { message: 'failing chart' },
    );
    try {
      for (const output of ['text', 'json', 'sarif']) {
        const r = await runCli(['validate', '--repo', d, '-o', output], { env: { SOPS_AGE_KEY_FILE: KEY_FILE } });
        expect(r.code).toBe(1);
        expect(r.stdout + r.stderr).toContain('render.failed');
        expect((r.stdout + r.stderr).toLowerCase()).not.toContain('failing-pass-3131');
      }
    } finally {
      removeGitRepo(d);
    }
  }, 240_000);
});
