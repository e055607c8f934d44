import { execFile } from 'node:child_process';
import type { FileSource } from './file-source.js';
import type { TreeEntry } from './list-tree.js';
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

/**
 * Opens the work tree, or revision `rev` of the Git repository holding `root`.
 * `tree`: the revision's files as the caller knows them, listed instead of the
 * revision's tree (native git only; isomorphic-git lists as before).
 */
export async function openSource({
  root,
  rev,
  gitReader = 'auto',
  tree,
}: {
  root: string;
  rev?: string;
  gitReader?: GitReader;
  tree?: ReadonlyMap<string, TreeEntry>;
}): Promise<FileSource> {
  if (rev === undefined) return openWorktreeSource(root);
  const native = gitReader === 'native' || (gitReader === 'auto' && (await hasNativeGit()));
  if (native) return openNativeGitSource(root, rev, tree);
  // isomorphic-git (~0.55 MB bundled, ~10 ms of CPU to load) only where there is no git binary: not for every load
  return (await import('./git-iso-source.js')).openIsoGitSource(root, rev);
}
