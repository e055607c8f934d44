import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadRepository } from '../../../engine/load/load-repository.js';
import { RenderCache } from '../../../engine/render/render-stage.js';
import { describeWithTools } from '../../tools/render-tools.js';

// kustomize refuses a collection used as a mapping key in a resource or patch file with no position ("invalid map
// key", render.failed); plumb names the file, line and column, as for the kustomization itself, and does not render
// the unit.
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-kust-complex-'));
  made.push(dir);
  const all = { 'plumb.yaml': 'inventory: ["inventory/**/*.yaml"]\n', ...files };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: kust-complex}\n';

describeWithTools('a complex key in a kustomize input', ['kustomize'], () => {
  it.each([
    [
      'a resource file',
      { 'inventory/app/kustomization.yaml': 'resources: [cm.yaml]\n', 'inventory/app/cm.yaml': `${CM}data:\n  [a, b]: x\n` },
      'inventory/app/cm.yaml',
      5,
      3,
    ],
    [
      'a strategic-merge patch file',
      {
        'inventory/app/kustomization.yaml': 'resources: [cm.yaml]\npatches:\n  - path: patch.yaml\n',
        'inventory/app/cm.yaml': `${CM}data: {a: b}\n`,
        'inventory/app/patch.yaml': `${CM}data:\n  {k: 1}: x\n`,
      },
      'inventory/app/patch.yaml',
      5,
      3,
    ],
    [
      'a patchesStrategicMerge file of a base',
      {
        'inventory/app/kustomization.yaml': 'resources: [../base]\n',
        'inventory/base/kustomization.yaml': 'resources: [cm.yaml]\npatchesStrategicMerge: [patch.yaml]\n',
        'inventory/base/cm.yaml': `${CM}data: {a: b}\n`,
        'inventory/base/patch.yaml': `${CM}data: {[a]: x}\n`,
      },
      'inventory/base/patch.yaml',
      4,
      8,
    ],
  ] as const)('%s is yaml.complex-key at its position, and the unit is not rendered', async (_what, files, file, line, column) => {
    const loaded = await loadRepository({ repo: repo(files), renderCache: new RenderCache() });
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => ({ code: d.code, file: d.file, line: d.line, column: d.column }))).toEqual([{ code: 'yaml.complex-key', file, line, column }]);
    expect(loaded.renders ?? []).toEqual([]);
  });

  it('a generator file holding such text is data, not YAML kustomize parses: the unit renders', async () => {
    const loaded = await loadRepository({
      repo: repo({
        'inventory/app/kustomization.yaml': 'namespace: kust-complex\nconfigMapGenerator:\n  - name: raw\n    files: [raw.yaml]\n',
        'inventory/app/raw.yaml': '[a, b]: x\n',
      }),
      renderCache: new RenderCache(),
    });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.renders?.map((u) => u.status)).toEqual(['rendered']);
  });
});
