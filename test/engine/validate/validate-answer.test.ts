import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../../engine/operations/validate.js';
import { copyExample } from '../../helpers/example-copy.js';
import { filesUnder, privateCacheEach, withCache } from '../../helpers/private-cache.js';
import { describeWithTools } from '../../tools/render-tools.js';

/**
 * `plumb validate` keeps what follows the load (engine/operations/validate-answer.ts) and answers a repository loaded
 * as a run before saw it from that entry. The answer must be what a run without the cache computes, for every edit
 * and every instant: each case validates with the cache (twice: the first may fill it) and without, and compares.
 */
const { temp, cacheDir } = privateCacheEach('plumb-answer-cache-');

const NOW = new Date('2026-12-01T12:00:00Z');

/** What a validate answers, as the CLI prints it (text, JSON and SARIF read these). */
async function answer(repo: string, now: Date, cache: boolean) {
  return withCache(cache, async () => {
    const r = await validate({ repo, cwd: repo, now });
    return {
      fromCache: r.fromCache,
      seen: { diagnostics: r.diagnostics, relations: r.relations, results: r.policy.results, denied: r.policy.denied, policies: r.policy.policies },
      cis: r.repo.cis.length,
      graphOrder: (await r.graph()).order,
    };
  });
}

/** Validates with the cache until it answers (or twice), and without; both must see the same. */
async function same(repo: string, now = NOW) {
  const first = await answer(repo, now, true);
  const second = await answer(repo, now, true);
  const fresh = await answer(repo, now, false);
  expect(fresh.fromCache).toBe(false);
  expect(first.seen).toEqual(fresh.seen);
  expect(second.seen).toEqual(fresh.seen);
  expect(second.graphOrder).toBe(fresh.graphOrder);
  return { first, second, fresh };
}

describe('validate answered from the content cache', () => {
  it('the bundled example: the second run is answered from the cache, and sees what a run without it sees', async () => {
    const repo = copyExample(temp('plumb-answer-example-'));
    const { first, second } = await same(repo);
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.seen.results.length).toBeGreaterThan(0);
    expect(second.graphOrder).toBeGreaterThan(0);
  });

  it('an edit to an inventory file, a policy or plumb.yaml is never answered by the entry before it', async () => {
    const repo = copyExample(temp('plumb-answer-edits-'));
    await same(repo);
    // a schema error in a CI
    appendFileSync(join(repo, 'inventory/teams.yaml'), '---\napiVersion: plumb.io/v1\nkind: Team\nmetadata:\n  name: Bad_Name\nspec:\n  nope: 1\n');
    const edited = await same(repo);
    expect(edited.first.fromCache).toBe(false);
    expect(edited.second.seen.diagnostics.some((d) => d.severity === 'error')).toBe(true);
    // a deny policy every Team violates
    appendFileSync(
      join(repo, 'policies/inventory.yaml'),
      '---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: groups-have-slack\nspec:\n  action: deny\n  scope: inventory\n  match:\n    kinds: [Group]\n  validations:\n    - expression: "false"\n      message: every team needs a channel\n',
    );
    const denied = await same(repo);
    expect(denied.first.fromCache).toBe(false);
    expect(denied.second.seen.denied).toBe(true);
    // plumb.yaml: inventory globs that leave the k8s directory out
    const config = readFileSync(join(repo, 'plumb.yaml'), 'utf8');
    writeFileSync(
      join(repo, 'plumb.yaml'),
      config.replace('inventory: ["inventory/**/*.{yaml,yml}"', 'inventory: ["inventory/*.{yaml,yml}", "inventory/platform/*.yaml"'),
    );
    const narrowed = await same(repo);
    expect(narrowed.first.fromCache).toBe(false);
    expect(narrowed.second.cis).toBeLessThan(denied.second.cis);
  });

  it('an exception that expires between two runs: the later run is not answered by the earlier one', async () => {
    const repo = copyExample(temp('plumb-answer-expiry-'));
    writeFileSync(
      join(repo, 'policies/exceptions.yaml'),
      `${readFileSync(join(repo, 'policies/exceptions.yaml'), 'utf8')}---\napiVersion: plumb.io/v1\nkind: PolicyException\nmetadata:\n  name: digests-later\nspec:\n  policies: [image-pinned-by-digest]\n  reason: pinned in the next release\n  expires: "2026-12-15"\n`,
    );
    const before = await same(repo, NOW);
    expect(before.second.fromCache).toBe(true);
    expect(before.second.seen.results.every((r) => r.policy !== 'image-pinned-by-digest' || r.outcome === 'excepted')).toBe(true);
    // the same repository after the expiry: the kept answer does not hold, and a new one is kept beside it
    const after = await same(repo, new Date('2026-12-16T00:00:00Z'));
    expect(after.first.fromCache).toBe(false);
    expect(after.second.fromCache).toBe(true);
    expect(after.second.seen.diagnostics.some((d) => d.code === 'policy.exception-expired')).toBe(true);
    expect(after.second.seen.results.some((r) => r.policy === 'image-pinned-by-digest' && r.outcome === 'violated')).toBe(true);
    // and an instant before the expiry again: the entry kept now holds from the expiry on, so it does not answer
    const again = await same(repo, new Date('2026-12-14T23:59:59Z'));
    expect(again.first.fromCache).toBe(false);
    expect(again.second.fromCache).toBe(true);
    expect(again.second.seen).toEqual(before.second.seen);
  });

  it('policies that read now: never kept, each run evaluates them at its own instant', async () => {
    const repo = copyExample(temp('plumb-answer-now-'));
    appendFileSync(
      join(repo, 'policies/inventory.yaml'),
      '---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: no-group-edits-on-sunday\nspec:\n  action: warn\n  scope: inventory\n  match:\n    kinds: [Group]\n  validations:\n    - expression: "now.getDayOfWeek() != 0"\n      message: a Sunday\n',
    );
    const sunday = await same(repo, new Date('2026-12-06T12:00:00Z'));
    expect(sunday.second.fromCache).toBe(false);
    expect(sunday.second.seen.results.some((r) => r.policy === 'no-group-edits-on-sunday')).toBe(true);
    const monday = await same(repo, new Date('2026-12-07T12:00:00Z'));
    expect(monday.second.fromCache).toBe(false);
    expect(monday.second.seen.results.some((r) => r.policy === 'no-group-edits-on-sunday')).toBe(false);
  });

  it('an answer that quotes a secret value is not kept, and the value is nowhere in the cache directory', async () => {
    const repo = copyExample(temp('plumb-answer-secret-'));
    const secret = 'Tr0ub4dor-and-3-horses';
    appendFileSync(
      join(repo, 'inventory/data.yaml'),
      `---\napiVersion: plumb.io/v1\nkind: Database\nmetadata:\n  name: quoted-db\n  owner: group:team-dba\nspec:\n  engine: postgres\n  password: "${secret}"\n`,
    );
    appendFileSync(
      join(repo, 'policies/inventory.yaml'),
      '---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: password-echo\nspec:\n  action: audit\n  scope: inventory\n  match:\n    kinds: [Database]\n  validations:\n    - expression: "!has(object.spec.password)"\n      messageExpression: "\'password is \' + object.spec.password"\n',
    );
    const quoted = await same(repo);
    expect(quoted.second.fromCache).toBe(false);
    expect(quoted.second.seen.results.some((r) => r.policy === 'password-echo' && r.message.includes(secret))).toBe(true);
    for (const bytes of filesUnder(cacheDir())) {
      expect(bytes.includes(secret)).toBe(false);
      expect(bytes.includes(Buffer.from(secret).toString('base64'))).toBe(false);
    }
    // the same repository without the echo: kept, and still nothing of the value on disk
    writeFileSync(
      join(repo, 'policies/inventory.yaml'),
      readFileSync(join(repo, 'policies/inventory.yaml'), 'utf8').split('---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: password-echo')[0],
    );
    const quiet = await same(repo);
    expect(quiet.second.fromCache).toBe(true);
    for (const bytes of filesUnder(cacheDir())) expect(bytes.includes(secret)).toBe(false);
  });

  it("a finding about another CI that quotes a secret value (a ConfigMap holding a Secret's value) is not kept", async () => {
    const repo = copyExample(temp('plumb-answer-secret-copy-'));
    const secret = Buffer.from('c2tfdGVzdF9wbHVtYl9leGFtcGxlX3JvdGF0ZWRfMjAyNl8xMQ==', 'base64').toString('utf8');
    writeFileSync(
      join(repo, 'inventory/k8s/leak.yaml'),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leaked\n  namespace: shop\ndata:\n  copy: "${secret}"\n`,
    );
    appendFileSync(
      join(repo, 'policies/inventory.yaml'),
      '---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: configmap-echo\nspec:\n  action: audit\n  scope: inventory\n  match:\n    kinds: [ConfigMap]\n  validations:\n    - expression: "!has(object.data.copy)"\n      messageExpression: "\'copy is \' + object.data.copy"\n',
    );
    const quoted = await same(repo);
    expect(quoted.second.seen.results.some((r) => r.ci === 'configmap:shop/leaked' && r.message.includes(secret))).toBe(true);
    expect(quoted.second.fromCache).toBe(false);
    // (the ConfigMap's own parse is kept: by the redaction rule it holds no secret, whatever its values copy)
    for (const bytes of filesUnder(join(cacheDir(), 'content', 'validate-answer'))) expect(bytes.includes(secret)).toBe(false);
  });

  it('a finding about a CI holding a secret value is not kept, though it quotes nothing (as the per-file validation keeps none)', async () => {
    const repo = copyExample(temp('plumb-answer-secret-finding-'));
    writeFileSync(
      join(repo, 'inventory/vault.yaml'),
      'apiVersion: plumb.io/v1\nkind: Database\nmetadata:\n  name: vault-db\n  owner: group:team-dba\nspec:\n  engine: postgres\n  password: "correct-horse-battery"\n  shards: 3\n',
    );
    const finding = await same(repo);
    expect(finding.second.seen.diagnostics.some((d) => d.file === 'inventory/vault.yaml' && d.severity === 'error')).toBe(true);
    expect(finding.second.fromCache).toBe(false);
    // fixed: nothing is about it any more, and the answer is kept
    writeFileSync(join(repo, 'inventory/vault.yaml'), readFileSync(join(repo, 'inventory/vault.yaml'), 'utf8').replace('  shards: 3\n', ''));
    const fixed = await same(repo);
    expect(fixed.second.seen.diagnostics.some((d) => d.file === 'inventory/vault.yaml')).toBe(false);
    expect(fixed.second.fromCache).toBe(true);
  });
});

describe('validate answered from the content cache: secret fields unknown', () => {
  it("a kind schema that is not JSON: its x-plumb-secret fields are unknown, and a policy's echo of one is not kept", async () => {
    const repo = copyExample(temp('plumb-answer-broken-schema-'));
    const secret = 'Vault-Pa55-word-77';
    // the Database schema (password: x-plumb-secret) as kind Vault, cut short: not JSON
    const database = readFileSync(join(repo, 'schemas/Database.schema.json'), 'utf8');
    writeFileSync(join(repo, 'schemas/Vault.schema.json'), database.replaceAll('"Database"', '"Vault"').slice(0, -20));
    appendFileSync(
      join(repo, 'inventory/data.yaml'),
      `---\napiVersion: plumb.io/v1\nkind: Vault\nmetadata:\n  name: echo-vault\n  owner: group:team-dba\nspec:\n  engine: postgres\n  password: "${secret}"\n`,
    );
    appendFileSync(
      join(repo, 'policies/inventory.yaml'),
      '---\napiVersion: plumb.io/v1\nkind: Policy\nmetadata:\n  name: password-echo\nspec:\n  action: audit\n  scope: inventory\n  match:\n    kinds: [Vault]\n  validations:\n    - expression: "!has(object.spec.password)"\n      messageExpression: "\'password is \' + object.spec.password"\n',
    );
    const echoed = await same(repo);
    expect(echoed.second.seen.diagnostics.some((d) => d.code === 'load.schema-invalid')).toBe(true);
    expect(echoed.second.seen.results.some((r) => r.policy === 'password-echo' && r.message.includes(secret))).toBe(true);
    expect(echoed.second.fromCache).toBe(false);
    for (const bytes of filesUnder(cacheDir())) {
      expect(bytes.includes(Buffer.from(secret, 'latin1'))).toBe(false);
      expect(bytes.includes(Buffer.from(secret, 'utf16le'))).toBe(false);
    }
  });
});

describeWithTools('validate answered from the content cache: rendered objects', ['helm'], () => {
  it("a finding about a rendered Secret placed in the chart's values.yaml is not kept (about its CI, wherever it is placed)", async () => {
    const repo = copyExample(temp('plumb-answer-rendered-secret-'));
    appendFileSync(join(repo, 'charts/status-page/values.yaml'), 'token: "not base64 at all!"\npassword: "Zx9-helm-secret-value"\n');
    writeFileSync(
      join(repo, 'charts/status-page/templates/secret.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: status-page-creds\ndata:\n  token: {{ .Values.token | quote }}\nstringData:\n  password: {{ .Values.password | quote }}\n',
    );
    const finding = await same(repo);
    const d = finding.second.seen.diagnostics.find((x) => x.code === 'k8s.secret-base64');
    expect(d).toMatchObject({ file: 'charts/status-page/values.yaml', ci: 'secret:shop/status-page-creds' });
    expect(finding.second.fromCache).toBe(false);
  });
});
