import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { codeSigningKeyFile, derivedCacheKey, resetCodeSigningKey } from '../../../engine/cache/code-signature.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { gitBlobId } from '../../../engine/load/blob-id.js';
import { parseYamlFile } from '../../../engine/load/parse-yaml.js';
import { makeGitRepo, removeGitRepo } from '../../helpers/git-repo.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * The content cache directory is shared or restored by design (PLUMB_CACHE_DIR
 * on a CI cache; GitLab shares a cache across branches by default), so whoever
 * can write it must not be able to decide what plumb parses, validates or
 * plans: every entry and bucket carries an HMAC under a key kept outside the
 * directory. And a Secret's values from Git never land in it.
 */
let root: string;
const saved = { XDG_STATE_HOME: process.env.XDG_STATE_HOME, PLUMB_CACHE_KEY: process.env.PLUMB_CACHE_KEY };
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'plumb-cache-auth-'));
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

const configMap = (color: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-settings
  namespace: shop
data:
  color: ${color}
`;

const SNAPSHOT = `apiVersion: plumb.io/v1
kind: Snapshot
metadata:
  name: observed
  takenAt: "2026-11-30T00:00:00Z"
objects:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: web-settings
      namespace: shop
    data:
      color: blue
`;

const PLUMB_YAML = `inventory: ["inventory/**/*.yaml"]
inventoryId: auth
targets:
  shop:
    provider: snapshot
    path: observed/snapshot.yaml
defaultTarget: shop
`;

/** Every file under `dir`, with its bytes. */
function files(dir: string): { path: string; bytes: Buffer }[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

describe('an entry planted in a shared cache directory', () => {
  it('a parse bucket planted for a blob the repository holds (well-formed, checksummed, under another key) does not change the plan, and is rebuilt', async () => {
    const repo = makeGitRepo({ 'plumb.yaml': PLUMB_YAML, 'inventory/settings.yaml': configMap('blue'), 'observed/snapshot.yaml': SNAPSHOT });
    const cacheDir = join(root, 'shared-parse');
    const env = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') };
    try {
      const honest = await runCli(['plan', '--repo', repo, '-o', 'json'], { env: { ...env, PLUMB_CACHE: 'off' } });
      expect(honest.code).toBe(0);
      // the planter parses its own text and stores it under the blob main holds, with every part of a valid entry but the key
      const blob = gitBlobId(Buffer.from(configMap('blue')));
      const evil = configMap('red');
      const forged = {
        text: evil,
        documents: parseYamlFile(evil, 'inventory/settings.yaml', { maxAliases: DEFAULT_CONFIG.limits.maxAliases }).documents,
        diagnostics: [],
      };
      const planter = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }), undefined, randomBytes(32));
      planter.set('parse', `${blob}\0${DEFAULT_CONFIG.limits.maxAliases}\0true`, forged);
      planter.flush();
      expect(files(join(cacheDir, 'content', 'parse')).length).toBe(1);

      const planned = await runCli(['plan', '--repo', repo, '-o', 'json'], { env });
      expect(planned.stderr).toBe('');
      expect(planned.code).toBe(0);
      const plan = (stdout: string) => {
        const { summary, changes } = JSON.parse(stdout) as { summary: unknown; changes: unknown };
        return { summary, changes };
      };
      expect(plan(planned.stdout)).toEqual(plan(honest.stdout));
      expect(plan(planned.stdout).summary).toMatchObject({ update: 0, noop: 1 });
      // rebuilt: the bucket now holds the real parse, which this user's next run serves
      const again = await runCli(['plan', '--repo', repo, '-o', 'json'], { env });
      expect(plan(again.stdout)).toEqual(plan(honest.stdout));
      const mine = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }));
      expect(mine.get<{ documents: unknown }>('parse', `${blob}\0${DEFAULT_CONFIG.limits.maxAliases}\0true`)?.documents).toEqual(
        parseYamlFile(configMap('blue'), 'inventory/settings.yaml', { maxAliases: DEFAULT_CONFIG.limits.maxAliases }).documents,
      );
    } finally {
      removeGitRepo(repo);
    }
  }, 60_000);

  it('a single entry (a rendered unit) and a bucket written under another key are misses, counted as corrupt and removed; entries under this key are hits', () => {
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(root, 'other-key') });
    const theirs = new ContentCache(settings, 'salt', randomBytes(32));
    theirs.set('render', 'unit', { documents: [{ value: { kind: 'ConfigMap', data: { color: 'red' } } }] });
    theirs.set('validate', 'file', [[], []]);
    theirs.flush();
    const planted = files(settings.dir).filter((f) => !f.path.endsWith('.trimmed'));
    expect(planted).toHaveLength(2);

    const mine = new ContentCache(settings, 'salt');
    expect(mine.get('render', 'unit')).toBeUndefined();
    expect(mine.get('validate', 'file')).toBeUndefined();
    expect(mine.stats).toMatchObject({ hits: 0, corrupt: 2 });
    expect(files(settings.dir).filter((f) => !f.path.endsWith('.trimmed'))).toEqual([]);

    mine.set('render', 'unit', { documents: [] });
    mine.set('validate', 'file', [[], []]);
    mine.flush();
    const next = new ContentCache(settings, 'salt');
    expect(next.get('render', 'unit')).toEqual({ documents: [] });
    expect(next.get('validate', 'file')).toEqual([[], []]);
    // and the planter, who has not the key, gets nothing from them either
    expect(new ContentCache(settings, 'salt', randomBytes(32)).get('render', 'unit')).toBeUndefined();
  });

  it('PLUMB_CACHE_KEY: runners holding the same secret share a restored cache; another secret, or none, rebuilds', () => {
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(root, 'ci') });
    const runner = (state: string, secret?: string) => {
      process.env.XDG_STATE_HOME = join(root, state);
      if (secret === undefined) delete process.env.PLUMB_CACHE_KEY;
      else process.env.PLUMB_CACHE_KEY = secret;
      resetCodeSigningKey();
      return new ContentCache(settings, 'salt');
    };
    try {
      const secret = randomBytes(32).toString('hex');
      runner('runner-1', secret).set('render', 'unit', { ok: 1 });
      expect(runner('runner-2', secret).get('render', 'unit')).toEqual({ ok: 1 });
      runner('runner-1', secret).set('render', 'unit', { ok: 1 });
      expect(runner('runner-2', randomBytes(32).toString('hex')).get('render', 'unit')).toBeUndefined();
      runner('runner-1', secret).set('render', 'unit', { ok: 1 });
      expect(runner('runner-2').get('render', 'unit')).toBeUndefined();
      expect(derivedCacheKey('content-cache entry', { PLUMB_CACHE_KEY: secret })).not.toEqual(
        derivedCacheKey('kubernetes dry-run key', { PLUMB_CACHE_KEY: secret }),
      );
    } finally {
      process.env.XDG_STATE_HOME = join(root, 'state');
      delete process.env.PLUMB_CACHE_KEY;
      resetCodeSigningKey();
    }
  });
});

describe('a Secret from Git', () => {
  it('its plaintext and base64 values are in no cache file after validate and plan; the other files are cached', async () => {
    const password = 'correct-horse-battery-staple-7f3a';
    const token = 'tok-9c1e5d2b-plaintext-in-data';
    const secret = `apiVersion: v1
kind: Secret
metadata:
  name: psp-credentials
  namespace: shop
type: Opaque
stringData:
  password: ${password}
data:
  token: ${Buffer.from(token).toString('base64')}
`;
    // any apiVersion: the redaction rule treats every kind: Secret as secret
    const odd = `apiVersion: example.com/v9\nkind: Secret\nmetadata:\n  name: odd\n  namespace: shop\nstringData:\n  key: ${password}-odd\n`;
    const repo = makeGitRepo({
      'plumb.yaml': PLUMB_YAML,
      'inventory/settings.yaml': configMap('blue'),
      'inventory/secret.yaml': secret,
      'inventory/odd.yaml': odd,
      // a Secret inside a kubectl List: the loader expands it, so it is a Secret too
      'inventory/list.yaml': `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: in-list, namespace: shop}\n    stringData:\n      key: ${password}-list\n`,
      // a Secret that does not parse: its text would be the entry
      'inventory/broken.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: broken\nstringData:\n  key: ${password}-broken\n`,
      'observed/snapshot.yaml': SNAPSHOT,
    });
    const cacheDir = join(root, 'secret');
    const env = { PLUMB_CACHE: 'on', PLUMB_CACHE_DIR: cacheDir, XDG_STATE_HOME: join(root, 'state') };
    try {
      for (const args of [['validate'], ['plan'], ['plan', '--rev', 'HEAD']]) {
        const run = await runCli([...args, '--repo', repo, '-o', 'json'], { env });
        expect(run.stderr).not.toContain(password);
      }
      const cached = files(cacheDir);
      expect(cached.some((f) => f.path.includes(`${join('content', 'parse')}`))).toBe(true);
      const needles = [password, token, `${password}-odd`, `${password}-list`, `${password}-broken`].flatMap((v) => [v, Buffer.from(v).toString('base64')]);
      for (const f of cached) for (const needle of needles) expect({ file: f.path, found: f.bytes.includes(needle) }).toEqual({ file: f.path, found: false });
      // the ConfigMap's file is served from the cache: the cache is on, only the Secrets' files are left out
      const mine = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: cacheDir }));
      const key = (text: string) => `${gitBlobId(Buffer.from(text))}\0${DEFAULT_CONFIG.limits.maxAliases}\0true`;
      expect(mine.get('parse', key(configMap('blue')))).toBeDefined();
      expect(mine.get('parse', key(secret))).toBeUndefined();
    } finally {
      removeGitRepo(repo);
    }
  }, 60_000);
});

describe('what a writer of the cache or state directory plants besides entries', () => {
  it('a FIFO at an entry or a bucket path is a miss, not a hang', () => {
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(root, 'fifo') });
    const cache = new ContentCache(settings, 'salt');
    cache.set('render', 'unit', { documents: [] });
    cache.set('validate', 'file', [[], []]);
    cache.flush();
    for (const f of files(settings.dir).filter((x) => !x.path.endsWith('.trimmed'))) {
      unlinkSync(f.path);
      execFileSync('mkfifo', [f.path]);
    }
    const next = new ContentCache(settings, 'salt');
    expect(next.get('render', 'unit')).toBeUndefined();
    expect(next.get('validate', 'file')).toBeUndefined();
  });

  it('a cache directory that is a symlink is not used, so trimming never deletes what it points at', () => {
    const victim = join(root, 'victim');
    mkdirSync(join(victim, 'project'), { recursive: true });
    writeFileSync(join(victim, 'project', 'important.txt'), 'precious');
    const old = new Date('2020-01-01');
    utimesSync(join(victim, 'project', 'important.txt'), old, old);
    const base = join(root, 'linked');
    mkdirSync(base);
    symlinkSync(victim, join(base, 'content'));
    const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: base }), 'salt');
    cache.set('render', 'unit', { documents: [] });
    cache.flush();
    cache.trim(Date.now());
    expect(cache.get('render', 'unit')).toBeUndefined();
    expect(readFileSync(join(victim, 'project', 'important.txt'), 'utf8')).toBe('precious');
    expect(readdirSync(victim)).toEqual(['project']);
  });

  it("an entry copied to another plumb's path (another salt: format version, code) does not verify", () => {
    const settings = cacheSettings({ PLUMB_CACHE_DIR: join(root, 'replay') });
    const key = randomBytes(32);
    const older = new ContentCache(settings, '2\0plumb-1.0.0', key);
    const newer = new ContentCache(settings, '2\0plumb-1.1.0', key);
    older.set('render', 'unit', { documents: ['old'] });
    mkdirSync(join(newer.pathOf('render', 'unit'), '..'), { recursive: true });
    copyFileSync(older.pathOf('render', 'unit'), newer.pathOf('render', 'unit'));
    expect(newer.get('render', 'unit')).toBeUndefined();
    expect(older.get('render', 'unit')).toEqual({ documents: ['old'] });
  });

  it('a key file another user could read or write, or that is not a regular file, is not used: the cache is off', () => {
    const state = process.env.XDG_STATE_HOME;
    try {
      for (const plant of [
        (file: string) => {
          writeFileSync(file, Buffer.alloc(32));
          chmodSync(file, 0o666);
        },
        (file: string) => execFileSync('mkfifo', [file]),
      ]) {
        process.env.XDG_STATE_HOME = mkdtempSync(join(root, 'planted-state-'));
        resetCodeSigningKey();
        const file = codeSigningKeyFile();
        mkdirSync(join(file, '..'), { recursive: true });
        plant(file);
        expect(derivedCacheKey('content-cache entry')).toBeUndefined();
      }
      // a relative XDG_STATE_HOME is invalid (XDG base directory spec): the default is used, not the working directory
      expect(codeSigningKeyFile({ XDG_STATE_HOME: 'relative/state' })).not.toContain('relative');
    } finally {
      process.env.XDG_STATE_HOME = state;
      resetCodeSigningKey();
    }
    expect(existsSync(codeSigningKeyFile())).toBe(true);
  });
});
