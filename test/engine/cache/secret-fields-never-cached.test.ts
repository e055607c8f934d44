import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { resetCodeSigningKey } from '../../../engine/cache/code-signature.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { gitBlobId } from '../../../engine/load/blob-id.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { discoverTargets } from '../../../engine/plan/discover-targets.js';
import type { DiffRequest, Provider } from '../../../engine/providers/contract.js';
import { holdsSecretValues } from '../../../engine/redact/scrubber.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * Secret values never reach the content cache, in any encoding: not the
 * fields a kind schema marks `x-plumb-secret` (plumb's own Database.password,
 * a repository's own kind), which the parser cannot know about when it
 * parses, and not what a file that does not parse holds, however it spells
 * `kind: Secret` (a YAML escape gets past any look at the text).
 */
let root: string;
const saved = { XDG_STATE_HOME: process.env.XDG_STATE_HOME, PLUMB_CACHE_KEY: process.env.PLUMB_CACHE_KEY };
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-secret-fields-'));
  process.env.XDG_STATE_HOME = join(root, 'state');
  delete process.env.PLUMB_CACHE_KEY;
  resetCodeSigningKey();
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  resetCodeSigningKey();
  rmSync(root, { recursive: true, force: true });
});

const PLUMB_YAML = `inventory: ["inventory/**/*.yaml"]
inventoryId: secret-fields
targets:
  shop:
    provider: snapshot
    path: observed/snapshot.yaml
defaultTarget: shop
`;
const SNAPSHOT = `apiVersion: plumb.io/v1
kind: Snapshot
metadata:
  name: observed
  takenAt: "2026-11-30T00:00:00Z"
objects: []
`;
const SETTINGS = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: shop
data:
  color: blue
`;
const vaultSchema = (secret: boolean) =>
  JSON.stringify({
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { token: { type: 'string', ...(secret ? { 'x-plumb-secret': true } : {}) } } },
    },
  });
const vault = (token: string) => `apiVersion: plumb.io/v1
kind: Vault
metadata: {name: payments, namespace: shop}
spec:
  token: ${token}
`;

/** Every file under `dir`, with its bytes. */
function files(dir: string): { path: string; bytes: Buffer }[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

/** Each value as written, in base64 and in UTF-16 (what v8.serialize makes of a string with a character beyond Latin-1). */
const encodings = (values: readonly string[]) =>
  values.flatMap((v) => [Buffer.from(v), Buffer.from(Buffer.from(v).toString('base64')), Buffer.from(v, 'utf16le')]);

function expectNoneIn(dir: string, values: readonly string[]): void {
  const needles = encodings(values);
  for (const f of files(dir)) for (const needle of needles) expect({ file: f.path, found: f.bytes.includes(needle) }).toEqual({ file: f.path, found: false });
}

const parseKey = (text: string) => `${gitBlobId(Buffer.from(text))}\0${DEFAULT_CONFIG.limits.maxAliases}\0true`;

describe('fields a kind schema marks x-plumb-secret', () => {
  it("plumb's own (Database.password) and a repository's own kind: no cache file holds them after validate and plan; the other files are cached", async () => {
    const password = 'db-pass-4f1c9e0b-plaintext';
    const token = 'vault-tok-77aa31-plaintext';
    const database = `apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: orders, namespace: shop}\nspec:\n  engine: postgres\n  password: ${password}\n`;
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'schemas/Vault.schema.json': vaultSchema(true),
      'inventory/settings.yaml': SETTINGS,
      'inventory/db.yaml': database,
      'inventory/vault.yaml': vault(token),
      // a kubectl List of them: the loader expands it
      'inventory/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: plumb.io/v1\n    kind: Vault\n    metadata: {name: listed, namespace: shop}\n    spec: {token: ${token}-list}\n`,
      'observed/snapshot.yaml': SNAPSHOT,
    });
    const cacheDir = join(root, 'marked');
    const env = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') };
    try {
      for (const args of [['validate'], ['plan'], ['plan', '--rev', 'HEAD']]) {
        const run = await runCli([...args, '--repo', repo, '-o', 'json'], { env });
        expect(run.stdout + run.stderr).not.toContain(token);
      }
      expectNoneIn(cacheDir, [password, token, `${token}-list`]);
      const mine = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }));
      expect(mine.get('parse', parseKey(SETTINGS))).toBeDefined();
      expect(mine.get('parse', parseKey(database))).toBeUndefined();
      expect(mine.get('parse', parseKey(vault(token)))).toBeUndefined();
    } finally {
      removeGitRepo(repo);
    }
  }, 90_000);

  it('a field marked secret after its file was cached: the entry is removed by the next load', async () => {
    const token = 'vault-tok-later-0c3d9a';
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'schemas/Vault.schema.json': vaultSchema(false),
      'inventory/vault.yaml': vault(token),
      'observed/snapshot.yaml': SNAPSHOT,
    });
    const cacheDir = join(root, 'later');
    const env = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') };
    try {
      await runCli(['validate', '--repo', repo], { env });
      expect(new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir })).get('parse', parseKey(vault(token)))).toBeDefined();
      writeFileSync(join(repo, 'schemas/Vault.schema.json'), vaultSchema(true));
      await runCli(['validate', '--repo', repo], { env });
      expect(new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir })).get('parse', parseKey(vault(token)))).toBeUndefined();
      expectNoneIn(cacheDir, [token]);
    } finally {
      removeGitRepo(repo);
    }
  }, 60_000);

  it('a repository kind schema that cannot be read: which fields are secret is unknown, so no parse is stored', async () => {
    const token = 'vault-tok-broken-schema-51e2';
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'schemas/Vault.schema.json': '{"type": "object", "properties": {',
      'inventory/vault.yaml': vault(token),
      'observed/snapshot.yaml': SNAPSHOT,
    });
    const cacheDir = join(root, 'broken-schema');
    try {
      await runCli(['validate', '--repo', repo], { env: { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') } });
      expectNoneIn(cacheDir, [token]);
    } finally {
      removeGitRepo(repo);
    }
  }, 60_000);

  it('holdsSecretValues reads the kind schema: a marked field with a value, in a document or a List', () => {
    const schema = JSON.parse(vaultSchema(true));
    const schemaOf = (kind: string) => (kind === 'Vault' ? schema : undefined);
    expect(holdsSecretValues({ kind: 'Vault', spec: { token: 't' } }, schemaOf)).toBe(true);
    expect(holdsSecretValues({ kind: 'Vault', spec: {} }, schemaOf)).toBe(false);
    expect(holdsSecretValues({ kind: 'List', items: [{ kind: 'Vault', spec: { token: 't' } }] }, schemaOf)).toBe(true);
    expect(holdsSecretValues({ kind: 'Vault', spec: { token: 't' } })).toBe(false);
  });
});

describe('a file that does not parse', () => {
  it('is never stored, however it spells its kind: YAML escapes, an escaped line break, a tag, a flow mapping, another kind with a secret field', async () => {
    const v = 'broken-value-93b1e7';
    const broken: Record<string, string> = {
      // each has a YAML error (an unclosed flow sequence) after the value
      'x65.yaml': `apiVersion: v1\nkind: "Secr\\x65t"\nmetadata: {name: b1}\nstringData:\n  key: ${v}-x65\nbroken: [\n`,
      'u0074.yaml': `apiVersion: v1\nkind: "Secre\\u0074"\nmetadata: {name: b2}\nstringData:\n  key: ${v}-u\nbroken: [\n`,
      'U.yaml': `apiVersion: v1\nkind: "Secr\\U00000065t"\nmetadata: {name: b3}\nstringData:\n  key: ${v}-U\nbroken: [\n`,
      'folded.yaml': `apiVersion: v1\nkind: "Sec\\\n  ret"\nmetadata: {name: b4}\nstringData:\n  key: ${v}-folded\nbroken: [\n`,
      'tag.yaml': `apiVersion: v1\nkind: !<tag:yaml.org,2002:str> "Secr\\x65t"\nmetadata: {name: b5}\nstringData:\n  key: ${v}-tag\nbroken: [\n`,
      'flow.yaml': `{apiVersion: v1, kind: "S\\x65cret", metadata: {name: b6}, stringData: {key: ${v}-flow}, broken: [}\n`,
      'database.yaml': `apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: b7, namespace: shop}\nspec:\n  password: ${v}-db\nbroken: [\n`,
    };
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'inventory/settings.yaml': SETTINGS,
      ...Object.fromEntries(Object.entries(broken).map(([name, text]) => [`inventory/${name}`, text])),
      'observed/snapshot.yaml': SNAPSHOT,
    });
    const cacheDir = join(root, 'broken');
    const env = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') };
    try {
      for (const args of [['validate'], ['validate', '--rev', 'HEAD']]) {
        const run = await runCli([...args, '--repo', repo, '-o', 'json'], { env });
        expect(run.code).toBe(1);
        // every one of them is a parse error plumb reports
        for (const name of Object.keys(broken)) expect(run.stdout).toContain(`inventory/${name}`);
      }
      expectNoneIn(
        cacheDir,
        ['-x65', '-u', '-U', '-folded', '-tag', '-flow', '-db'].map((s) => `${v}${s}`),
      );
      expect(new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir })).get('parse', parseKey(SETTINGS))).toBeDefined();
    } finally {
      removeGitRepo(repo);
    }
  }, 60_000);
});

describe('a provider asked to diff an object with a marked field', () => {
  it('is told the answer holds secrets (holdsSecrets), so it keeps no dry-run answer of it', async () => {
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'schemas/Vault.schema.json': vaultSchema(true),
      'inventory/settings.yaml': SETTINGS,
      'inventory/vault.yaml': vault('tok-diff').replace('plumb.io/v1', 'vault.example.com/v1'),
      'inventory/db.yaml': 'apiVersion: plumb.io/v1\nkind: Database\nmetadata: {name: orders, namespace: shop}\nspec: {engine: postgres, password: pw}\n',
      'observed/snapshot.yaml': SNAPSHOT,
    });
    try {
      const loaded = await loadRepository({ repo, contentCache: false });
      const asked = new Map<string, boolean | undefined>();
      const provider: Provider = {
        name: 'fake',
        discover: async () => ({ observed: [], diagnostics: [] }),
        diff: async (req: DiffRequest) => {
          asked.set(req.desired.id, req.holdsSecrets);
          return { diagnostics: [] };
        },
      };
      const signal = new AbortController().signal;
      await discoverTargets({
        config: loaded.config,
        names: ['shop'],
        cis: loaded.cis,
        root: loaded.root,
        signal,
        schemas: loaded.schemas,
        openProvider: () => provider,
      });
      expect(Object.fromEntries(asked)).toEqual({ 'configmap:shop/web-settings': undefined, 'database:shop/orders': true, 'vault:shop/payments': true });
    } finally {
      removeGitRepo(repo);
    }
  });
});
