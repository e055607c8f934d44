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

describe('the engine facade loads only what every command needs', () => {
  it('importing engine/index.ts loads none of the heavy packages: they come with the operation or function that uses them', async () => {
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: ['engine/index.ts'],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'silent',
    });
    const inputs = result.metafile.inputs;
    // the static closure: what evaluating the facade evaluates (dynamic imports are loaded on first call)
    const reached = new Set<string>();
    const packages = new Map<string, string>();
    const stack = ['engine/index.ts'];
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
    expect(reached.size).toBeGreaterThan(10);
    expect(HEAVY.filter((p) => packages.has(p)).map((p) => `${p} (imported by ${packages.get(p)})`)).toEqual([]);
  });

  it('no front end imports the facade dynamically: the importer gets its whole namespace, so the bundle loads everything it re-exports', () => {
    const dynamic = [...sources('cli'), ...sources('tui')].filter((f) => /import\(\s*['"][./]*engine\/index\.js['"]\s*\)/.test(readFileSync(f, 'utf8')));
    expect(dynamic.map((f) => f.slice(ROOT.length))).toEqual([]);
  });
});
