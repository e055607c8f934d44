import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory of the plumb package itself (where its built-in schemas/ live).
 * Found by walking up from this module to the package.json named "plumb", so it
 * works from the TypeScript sources under vitest (engine/config/) and from the
 * compiled dist/engine/config/ alike.
 */
export function plumbPackageDir(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === 'plumb') return (cached = dir);
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('plumb package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The package's built-in schemas/ directory. */
export function builtinSchemasDir(): string {
  return join(plumbPackageDir(), 'schemas');
}
