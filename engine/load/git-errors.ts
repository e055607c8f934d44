import { PlumbError } from '../model/errors.js';

/** `--rev` names nothing in the repository: not a branch, tag or commit. */
export function unknownRevError(rev: string, cause?: unknown): PlumbError {
  return new PlumbError('git.unknown-rev', `unknown revision: ${rev}`, {
    hint: 'give a branch, a tag or a commit SHA that exists in this repository (see `git log --oneline --all`)',
    data: { rev },
    cause,
  });
}

/** `--rev` was given, but the repository directory is not inside a Git repository. */
export function notARepositoryError(dir: string, cause?: unknown): PlumbError {
  return new PlumbError('git.not-a-repository', `not a git repository: ${dir}`, {
    hint: 'run plumb inside a git work tree (or pass --repo DIR), or drop --rev to read the work tree',
    data: { dir },
    cause,
  });
}

/** Relative path of `root` inside the Git top level, with a trailing slash, or `''`. */
export function gitPrefix(relativeRoot: string): string {
  const p = relativeRoot
    .split('\\')
    .join('/')
    .replace(/^\/+|\/+$/g, '');
  return p ? p + '/' : '';
}
