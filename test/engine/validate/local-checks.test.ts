import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheSettings } from '../../../engine/cache/cache-settings.js';
import { ContentCache } from '../../../engine/cache/content-cache.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { checkCapacity } from '../../../engine/validate/check-capacity.js';
import { kubernetesFindings } from '../../../engine/validate/check-kubernetes.js';
import { checkKubernetesTypes } from '../../../engine/validate/check-kubernetes-types.js';
import { checkKinds } from '../../../engine/validate/check-kinds.js';
import { checkNames } from '../../../engine/validate/check-names.js';
import { checkSchemas } from '../../../engine/validate/check-schemas.js';
import { checkScope } from '../../../engine/validate/check-scope.js';
import { localChecks } from '../../../engine/validate/local-checks.js';
import { at } from '../../../engine/validate/place.js';
import { fixture } from '../../helpers/run-cli.js';

/** The per-CI checks as validate.ts ran them before they ran file by file: each over every CI at once. */
function wholeRepository(repo: Awaited<ReturnType<typeof loadRepository>>) {
  const locate = repo.locate.bind(repo);
  const { known, diagnostics: kinds } = checkKinds(repo.cis, repo.schemas, locate);
  const basic = kubernetesFindings(repo.cis);
  return [
    kinds,
    checkSchemas(known, repo.schemas, locate),
    checkNames(repo.cis, locate),
    basic.map((f) => at(locate, f)),
    checkKubernetesTypes(repo.cis, locate, undefined, basic),
    checkScope(repo.cis, locate),
    checkCapacity(repo.cis, locate),
  ];
}

const FIXTURES = readdirSync(fixture('.')).filter((d) => !['plugins', 'render-sops', 'render-shop'].includes(d));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'plumb-local-checks-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('per-CI checks file by file', () => {
  it.each(FIXTURES)('%s: the same diagnostics, in the same order, as over the whole repository — uncached, cold and warm', async (name) => {
    const repo = await loadRepository({ repo: fixture(name), contentCache: false, renderCache: false });
    const expected = wholeRepository(repo);
    const locate = repo.locate.bind(repo);
    const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(dir, name) }));
    expect(localChecks(repo, locate, undefined)).toEqual(expected);
    expect(localChecks(repo, locate, cache)).toEqual(expected);
    const warm = new ContentCache(cache.settings);
    expect(localChecks(repo, locate, warm)).toEqual(expected);
    // every file that has a blob and no duplicated identity was served from the cache
    expect(warm.stats.misses).toBe(0);
  });

  it('the fixtures cover what the context key and the duplicate rule are for', async () => {
    const findings = new Set<string>();
    for (const name of FIXTURES) {
      const repo = await loadRepository({ repo: fixture(name), contentCache: false, renderCache: false });
      for (const d of wholeRepository(repo).flat()) findings.add(d.code);
      if (repo.cis.some((c) => c.kind === 'CustomResourceDefinition')) findings.add('(crd)');
    }
    expect([...findings]).toEqual(expect.arrayContaining(['schema.violation', 'schema.invalid', 'kind.unknown', 'k8s.name-invalid', '(crd)']));
  });

  it('a file renamed (same blob, same identities) or the same blob in another repository sharing the cache is reported at its own path', async () => {
    const cache = new ContentCache(cacheSettings({ PLUMB_CACHE_DIR: join(dir, 'renamed-cache') }));
    const repoDir = join(dir, 'renamed');
    mkdirSync(join(repoDir, 'inventory'), { recursive: true });
    writeFileSync(join(repoDir, 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ninventoryId: t\n');
    writeFileSync(join(repoDir, 'inventory', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\ndata:\n  x: 1\n');
    const files = async () => {
      const repo = await loadRepository({ repo: repoDir, contentCache: false, renderCache: false });
      return localChecks(repo, repo.locate.bind(repo), new ContentCache(cache.settings))
        .flat()
        .map((d) => `${d.file}:${d.line}:${d.code}`);
    };
    expect(await files()).toEqual(['inventory/a.yaml:5:k8s.type-invalid']);
    renameSync(join(repoDir, 'inventory', 'a.yaml'), join(repoDir, 'inventory', 'b.yaml'));
    expect(await files()).toEqual(['inventory/b.yaml:5:k8s.type-invalid']);
  });
});

describe('a whole repository answered by one entry', () => {
  const repoDir = () => join(dir, 'whole');
  const write = (file: string, text: string) => {
    mkdirSync(join(repoDir(), 'inventory'), { recursive: true });
    writeFileSync(join(repoDir(), 'inventory', file), text);
  };
  const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata:\n  x: ${value}\n`;
  const settings = () => cacheSettings({ PLUMB_CACHE_DIR: join(dir, 'whole-cache') });
  /** localChecks with a fresh handle on the shared cache directory, and without a cache: the two must agree. */
  const run = async () => {
    const repo = await loadRepository({ repo: repoDir(), contentCache: false, renderCache: false });
    const locate = repo.locate.bind(repo);
    const cache = new ContentCache(settings());
    const cached = localChecks(repo, locate, cache);
    expect(cached).toEqual(localChecks(repo, locate, undefined));
    return { cached, stats: cache.stats };
  };

  it('is read once when nothing changed, and every change it does not describe misses it: content, path, identities, secrets, CRDs', async () => {
    mkdirSync(repoDir(), { recursive: true });
    writeFileSync(join(repoDir(), 'plumb.yaml'), 'inventory: ["inventory/**/*.yaml"]\ninventoryId: t\n');
    write('a.yaml', configMap('a', '1'));
    write('b.yaml', configMap('b', '"ok"'));
    const cold = await run();
    expect(cold.cached.flat().map((d) => `${d.file}:${d.code}`)).toEqual(['inventory/a.yaml:k8s.type-invalid']);
    // warm: one lookup, the whole entry
    expect((await run()).stats).toMatchObject({ hits: 1, misses: 0 });
    // a file's content (its blob) changed
    write('b.yaml', configMap('b', '2'));
    expect((await run()).cached.flat()).toHaveLength(2);
    expect((await run()).stats).toMatchObject({ hits: 1, misses: 0 });
    // a file renamed: same blobs, another path
    renameSync(join(repoDir(), 'inventory', 'b.yaml'), join(repoDir(), 'inventory', 'c.yaml'));
    expect((await run()).cached.flat().map((d) => d.file)).toEqual(['inventory/a.yaml', 'inventory/c.yaml']);
    // an identity defined twice: neither copy is kept, the findings are the whole repository's
    write('d.yaml', configMap('a', '3'));
    await run();
    expect((await run()).stats.hits).toBe(1);
    rmSync(join(repoDir(), 'inventory', 'd.yaml'));
    // a Secret's findings may quote its values: never kept, neither per file nor in the whole entry
    write('s.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\nstringData:\n  password: 5up3r-wh0le\ntype: 7\n');
    expect((await run()).cached.flat().map((d) => d.file)).toContain('inventory/s.yaml');
    await run();
    const stored = readdirSync(join(dir, 'whole-cache'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name)).toString('latin1'));
    expect(stored.some((text) => text.includes('5up3r-wh0le'))).toBe(false);
    // a CRD elsewhere changes a custom resource's findings (the context)
    write('cr.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: default}\nspec: {size: big}\n');
    await run();
    write(
      'crd.yaml',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec: {type: object, properties: {size: {type: integer}}}\n',
    );
    await run();
    expect((await run()).stats.hits).toBe(1);
    // a kind schema changed, not one inventory file (the context)
    write('item.yaml', 'apiVersion: plumb.io/v1\nkind: Item\nmetadata: {name: i}\nspec: {size: 2}\n');
    const schema = (size: string) =>
      writeFileSync(
        join(repoDir(), 'schemas', 'Item.schema.json'),
        JSON.stringify({ type: 'object', properties: { spec: { type: 'object', properties: { size: { type: size } } } } }),
      );
    mkdirSync(join(repoDir(), 'schemas'), { recursive: true });
    schema('integer');
    expect((await run()).cached.flat().filter((d) => d.code === 'schema.violation')).toEqual([]);
    schema('string');
    expect((await run()).cached.flat().filter((d) => d.code === 'schema.violation')).toHaveLength(1);
  });
});
