import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Packages the facade (engine/index.ts) must not load when it is imported: each
 * is large and only some commands need it, so it is reached through an
 * operation or a function that imports it on first call. Every command's
 * action imports the facade, so what it loads statically every command pays
 * (`plumb incidents` loaded graphology, the render stage, `diff` and the
 * plan renderers).
 */
const HEAVY = [
  'yaml',
  'graphology',
  'graphology-dag',
  'diff',
  'js-yaml',
  '@kubernetes/client-node',
  'isomorphic-git',
  'simple-git',
  'ajv',
  '@bufbuild/cel',
  'ink',
  'react',
];

/** Files under `dir` (recursively) with one of the extensions. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** The packages evaluating `entry` loads (its static imports, transitively; dynamic imports load on first call), each with a module that imports it. */
async function staticPackages(entry: string): Promise<{ modules: number; packages: Map<string, string> }> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const reached = new Set<string>();
  const packages = new Map<string, string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (reached.has(file) || !inputs[file]) continue;
    reached.add(file);
    for (const i of inputs[file].imports) {
      if (i.kind === 'dynamic-import') continue;
      if (i.external) {
        const name = i.path.startsWith('@') ? i.path.split('/').slice(0, 2).join('/') : i.path.split('/')[0];
        if (!packages.has(name)) packages.set(name, file);
      } else stack.push(i.path);
    }
  }
  return { modules: reached.size, packages };
}

describe('the engine facade loads only what every command needs', () => {
  it('importing engine/index.ts loads none of the heavy packages: they come with the operation or function that uses them', async () => {
    const { modules, packages } = await staticPackages('engine/index.ts');
    expect(modules).toBeGreaterThan(10);
    expect(HEAVY.filter((p) => packages.has(p)).map((p) => `${p} (imported by ${packages.get(p)})`)).toEqual([]);
  });

  it('a plan loads the CEL engine only for a repository with policies (its protobuf descriptors cost ~0.05 CPU-s to load)', async () => {
    const { modules, packages } = await staticPackages('engine/operations/plan.ts');
    expect(modules).toBeGreaterThan(50);
    expect(packages.has('yaml')).toBe(true); // the closure is the real one
    expect(packages.get('@bufbuild/cel')).toBeUndefined();
  });

  it('plumb incidents reads plumb.yaml without the yaml package: js-yaml parses it, yaml only when a diagnostic needs a position', async () => {
    const { modules, packages } = await staticPackages('engine/correlate/read-incidents.ts');
    expect(modules).toBeGreaterThan(5);
    expect(packages.has('js-yaml')).toBe(true); // the closure is the real one
    expect(packages.get('yaml')).toBeUndefined();
  });

  it('a plan and a validate load isomorphic-git only to read a revision where no git binary is (~10 ms of CPU to load)', async () => {
    for (const entry of ['engine/operations/plan.ts', 'engine/operations/validate.ts']) {
      const { packages } = await staticPackages(entry);
      expect(packages.has('js-yaml')).toBe(true); // the closure is the real one
      expect(packages.get('isomorphic-git'), entry).toBeUndefined();
    }
  });

  it('no front end imports the facade dynamically: the importer gets its whole namespace, so the bundle loads everything it re-exports', () => {
    const dynamic = [...sources('cli'), ...sources('tui')].filter((f) => /import\(\s*['"][./]*engine\/index\.js['"]\s*\)/.test(readFileSync(f, 'utf8')));
    expect(dynamic.map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});
