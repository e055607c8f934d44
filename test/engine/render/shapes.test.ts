import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob, matchesAny } from '../../../engine/load/glob.js';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { isRemoteRef } from '../../../engine/render/kustomization.js';
import { TESTED_VERSIONS } from '../../../engine/render/tools.js';
import { writeFiles } from '../../helpers/git-repo.js';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

const withRepo = async (files: Record<string, string>, body: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-shapes-'));
  try {
    writeFiles(dir, files);
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('shapes real repositories use', () => {
  it('expands kind: List and *List documents into their items, each placed at its own line', async () => {
    const list = [
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: a, namespace: shop}',
      '  - apiVersion: v1',
      '    kind: ConfigMap',
      '    metadata: {name: b, namespace: shop}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: RoleBindingList',
      'items:',
      '  - apiVersion: rbac.authorization.k8s.io/v1',
      '    kind: RoleBinding',
      '    metadata: {name: reader, namespace: shop}',
      '    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}',
      '    subjects: [{kind: ServiceAccount, name: web}]',
      '',
    ].join('\n');
    await withRepo({ 'inventory/list.yaml': list }, async (dir) => {
      const r = await loadRepository({ repo: dir });
      expect(r.diagnostics).toEqual([]);
      expect(r.cis.map((c) => `${c.id} @ ${c.origin.line}`)).toEqual(['configmap:shop/a @ 4', 'configmap:shop/b @ 7', 'rolebinding:shop/reader @ 14']);
      const b = r.cis[1];
      expect(b.origin.pointer).toBe('/items/1');
      expect(r.locate(b.origin, '/metadata/name')).toEqual({ line: 9, column: 22 });
    });
  });

  it('refuses an object with only generateName, saying why', async () => {
    await withRepo(
      { 'inventory/job.yaml': 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\n  namespace: shop\nspec: {}\n' },
      async (dir) => {
        const r = await loadRepository({ repo: dir });
        expect(r.cis).toEqual([]);
        expect(r.diagnostics).toEqual([
          expect.objectContaining({ severity: 'error', code: 'ci.generate-name', file: 'inventory/job.yaml', line: 4, column: 17 }),
        ]);
        expect(r.diagnostics[0].message).toContain('plumb identifies objects by name');
      },
    );
  });

  it('accepts exclusions in the inventory globs (picomatch)', async () => {
    const globs = ['inventory/**/*.yaml', '!**/charts/**', '!inventory/**/*.test.yaml'].map(compileGlob);
    expect(matchesAny(globs, 'inventory/a.yaml')).toBe(true);
    expect(matchesAny(globs, 'inventory/x/charts/y/templates/z.yaml')).toBe(false);
    expect(matchesAny(globs, 'inventory/a.test.yaml')).toBe(false);
    expect(matchesAny(globs, 'inventory/.hidden/a.yaml')).toBe(true);
    await withRepo(
      {
        'plumb.yaml': 'inventory: ["inventory/**/*.yaml", "!**/drafts/**"]\n',
        'inventory/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
        'inventory/drafts/b.yaml': 'not: [valid',
      },
      async (dir) => {
        const r = await loadRepository({ repo: dir });
        expect(r.diagnostics).toEqual([]);
        expect(r.cis.map((c) => c.id)).toEqual(['configmap:default/a']);
      },
    );
  });

  it('knows remote references when it sees them', () => {
    for (const ref of ['https://github.com/x/y//base?ref=v1', 'github.com/x/y/base?ref=main', 'git@github.com:x/y.git', 'ssh://git@host/x.git//base'])
      expect(isRemoteRef(ref)).toBe(true);
    for (const ref of ['../../base', 'deployment.yaml', 'components/ha']) expect(isRemoteRef(ref)).toBe(false);
  });

  it('pins the same tool versions as the build script CI runs', () => {
    const script = readFileSync(join(PROJECT_ROOT, 'test/tools/build.sh'), 'utf8');
    expect(/KUSTOMIZE_VERSION="(v[\d.]+)"/.exec(script)?.[1]).toBe(TESTED_VERSIONS.kustomize);
    expect(/HELM_VERSION="(v[\d.]+)"/.exec(script)?.[1]).toBe(TESTED_VERSIONS.helm);
    expect(/SOPS_VERSION="(v[\d.]+)"/.exec(script)?.[1]).toBe(TESTED_VERSIONS.sops);
  });
});

describe('the render cache', () => {
  it('keeps the most recently used units within its unit and object bounds', async () => {
    const { RenderCache } = await import('../../../engine/render/render-stage.js');
    const out = (n: number) => ({
      documents: Array.from({ length: n }, (_, i) => ({ origin: { file: 'f', doc: i, line: 1, column: 1 }, value: {} })),
      diagnostics: [],
      cacheable: true,
    });
    const cache = new RenderCache(3, 10);
    cache.set('a', out(4));
    cache.set('b', out(4));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('c', out(4)); // 12 objects > 10: b (least recent) goes
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([true, false, true]);
    cache.set('d', out(1));
    cache.set('e', out(1)); // 4 units > 3: a goes
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('e')).toBeDefined();
  });
});
