import { execFile } from 'node:child_process';
import type { FileSource } from './file-source.js';
import { openIsoGitSource } from './git-iso-source.js';
import { openNativeGitSource } from './git-native-source.js';
import { openWorktreeSource } from './worktree-source.js';

/**
 * `native` (the git binary), `isomorphic` (isomorphic-git, pure JS) or `auto`:
 * native when `git` is on PATH, isomorphic-git otherwise. Native is the default
 * because it measured faster — see test/bench/git-readers.ts and the README
 * for the figures — and it understands every revision syntax git does.
 */
export type GitReader = 'native' | 'isomorphic' | 'auto';

let gitAvailable: Promise<boolean> | undefined;

/** True when a working `git` binary is on PATH (asked once per process). */
export function hasNativeGit(): Promise<boolean> {
  return (gitAvailable ??= new Promise((resolve) => execFile('git', ['--version'], (error) => resolve(!error))));
}

/** Opens the work tree, or revision `rev` of the Git repository holding `root`. */
export async function openSource({ root, rev, gitReader = 'auto' }: { root: string; rev?: string; gitReader?: GitReader }): Promise<FileSource> {
  if (rev === undefined) return openWorktreeSource(root);
  const native = gitReader === 'native' || (gitReader === 'auto' && (await hasNativeGit()));
  return native ? openNativeGitSource(root, rev) : openIsoGitSource(root, rev);
}
