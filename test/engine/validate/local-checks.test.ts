import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
