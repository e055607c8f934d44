import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plumbPackageDir } from '../config/package-dir.js';

let stamp: string | undefined;

/**
 * What identifies the code that produced a cache entry: the plumb version
 * from package.json, and in a development checkout (a `.git` beside
 * package.json) also the newest modification time of the engine's modules,
 * so editing the parser never serves entries the old parser made. An
 * installed plumb changes only with its version, and costs one file read.
 */
export function codeStamp(): string {
  if (stamp !== undefined) return stamp;
  const pkgDir = plumbPackageDir();
  const version = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
  if (!existsSync(join(pkgDir, '.git'))) return (stamp = version);
  const here = dirname(fileURLToPath(import.meta.url));
  // bundled (dist/bundle/, test/build/bundle-cli.ts): every module is in the chunks of that one directory, which
  // each build writes anew; else this module is engine/cache/code-stamp.{ts,js}, and its grandparent is the
  // engine directory in use (sources or dist), scanned whole (the bundle's grandparent, dist/, held ~1,500 files:
  // 40 ms of every command in a checkout)
  const bundled = basename(here) === 'bundle';
  const engine = bundled ? here : dirname(here);
  let newest = 0;
  for (const name of readdirSync(engine, { recursive: !bundled }) as string[]) {
    if (!/\.(ts|js)$/.test(name)) continue;
    newest = Math.max(newest, statSync(join(engine, name)).mtimeMs);
  }
  return (stamp = createHash('sha256').update(`${version}\0${engine}\0${newest}`).digest('hex').slice(0, 16));
}
