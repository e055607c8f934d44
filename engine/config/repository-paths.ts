import { isAbsolute, normalize } from 'node:path';

/**
 * The environment variable an operator sets (never Git: a pull request can
 * edit plumb.yaml, not the environment plumb runs in) to let plumb.yaml name
 * paths outside the repository.
 */
export const ALLOW_OUTSIDE_REPOSITORY_ENV = 'PLUMB_ALLOW_PATHS_OUTSIDE_REPO';

/** True when the operator opted in to paths outside the repository. */
export function outsidePathsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_OUTSIDE_REPOSITORY_ENV] === '1' || env[ALLOW_OUTSIDE_REPOSITORY_ENV] === 'true';
}

/**
 * Does a plumb.yaml path (relative to the repository root) leave the
 * repository — absolute, `~`, or climbing with `..`? Symlinks are not
 * resolved here: readers resolve them and refuse escapes themselves.
 */
export function leavesRepository(path: string): boolean {
  if (isAbsolute(path) || path.startsWith('~') || /^[A-Za-z]:[\\/]/.test(path)) return true;
  const n = normalize(path).split('\\').join('/');
  return n === '..' || n.startsWith('../');
}

/**
 * The plumb.yaml settings that name a path plumb reads or writes: `schemas`,
 * `backup.path`, and each snapshot target's `path`. Returned as JSON Pointers
 * into plumb.yaml with their values.
 */
export function repositoryPathSettings(raw: Readonly<Record<string, unknown>>): { pointer: string; path: string; section: string }[] {
  const out: { pointer: string; path: string; section: string }[] = [];
  if (typeof raw.schemas === 'string') out.push({ pointer: '/schemas', path: raw.schemas, section: 'schemas' });
  const backup = raw.backup as { path?: unknown } | undefined;
  if (backup && typeof backup.path === 'string') out.push({ pointer: '/backup/path', path: backup.path, section: 'backup' });
  const targets = raw.targets as Record<string, { provider?: unknown; path?: unknown }> | undefined;
  if (targets && typeof targets === 'object') {
    for (const [name, t] of Object.entries(targets)) {
      if (t && t.provider === 'snapshot' && typeof t.path === 'string')
        out.push({ pointer: `/targets/${name.replace(/~/g, '~0').replace(/\//g, '~1')}/path`, path: t.path, section: 'targets' });
    }
  }
  const metrics = raw.metrics as { provider?: unknown; path?: unknown } | undefined;
  // a recording is data of the repository; token and password files are mounted secrets and may live anywhere
  if (metrics && metrics.provider === 'recorded' && typeof metrics.path === 'string')
    out.push({ pointer: '/metrics/path', path: metrics.path, section: 'metrics' });
  return out;
}
