import { posix } from 'node:path';

/** The directory of a repository-relative path (`''` for the root). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last segment of a repository-relative path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `ref` resolved against repository-relative directory `dir`; undefined when
 * it leaves the repository or is absolute (plumb never reads outside it).
 */
export function joinInside(dir: string, ref: string): string | undefined {
  if (posix.isAbsolute(ref)) return undefined;
  const joined = posix.normalize(posix.join(dir || '.', ref));
  if (joined === '..' || joined.startsWith('../') || posix.isAbsolute(joined)) return undefined;
  return joined === '.' ? '' : joined.replace(/\/+$/, '');
}

/** True when `path` is `dir` or lies below it. */
export function isUnder(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(dir + '/');
}
