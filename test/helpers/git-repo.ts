import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Real Git repositories for tests: real commits, branches and tags made with
 * the git binary in a fresh temporary directory. Author, committer and dates
 * are fixed, so the same calls give the same SHAs on every run.
 *
 * Files are given as `{path: content}`; content `null` deletes the file.
 *
 * @example
 *   const dir = makeGitRepo({ 'inventory/a.yaml': 'apiVersion: …' });
 *   const first = head(dir);
 *   commit(dir, { 'inventory/a.yaml': null, 'inventory/b.yaml': '…' }, 'replace a by b');
 *   tag(dir, 'v1');
 */
export type FileTree = Record<string, string | Uint8Array | null>;

const ENV = {
  GIT_AUTHOR_NAME: 'plumb test',
  GIT_AUTHOR_EMAIL: 'test@plumb.invalid',
  GIT_COMMITTER_NAME: 'plumb test',
  GIT_COMMITTER_EMAIL: 'test@plumb.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

/** Runs git in `dir` and returns its trimmed stdout. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { env: { ...process.env, ...ENV }, encoding: 'utf8' }).trim();
}

/** A new repository on branch `main`, with `files` in its first commit (none when empty). Returns its directory. */
export function makeGitRepo(files: FileTree = {}, { message = 'initial commit' }: { message?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-git-'));
  git(dir, 'init', '--quiet', '--initial-branch=main');
  if (Object.keys(files).length) commit(dir, files, message);
  return dir;
}

/** Writes files into the work tree (null deletes) without committing. */
export function writeFiles(dir: string, files: FileTree): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    if (content === null) rmSync(full, { force: true });
    else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
  }
}

/** Writes (or deletes) files, commits everything, and returns the new commit's SHA. */
export function commit(dir: string, files: FileTree, message: string): string {
  writeFiles(dir, files);
  git(dir, 'add', '--all');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
  return head(dir);
}

/** Renames a file with `git mv` and commits; returns the new commit's SHA. */
export function rename(dir: string, from: string, to: string, message = `rename ${from} to ${to}`): string {
  mkdirSync(dirname(join(dir, to)), { recursive: true });
  git(dir, 'mv', from, to);
  git(dir, 'commit', '--quiet', '-m', message);
  return head(dir);
}

/** Deletes files and commits; returns the new commit's SHA. */
export function remove(dir: string, paths: string[], message = `remove ${paths.join(', ')}`): string {
  return commit(dir, Object.fromEntries(paths.map((p) => [p, null])), message);
}

/** Creates a tag at `rev` (default HEAD); annotated when a message is given. */
export function tag(dir: string, name: string, { rev = 'HEAD', message }: { rev?: string; message?: string } = {}): void {
  if (message === undefined) git(dir, 'tag', name, rev);
  else git(dir, 'tag', '-a', name, '-m', message, rev);
}

/** Creates a branch at `rev` (default HEAD) and, with `checkout`, switches to it. */
export function branch(dir: string, name: string, { rev = 'HEAD', checkout = false }: { rev?: string; checkout?: boolean } = {}): void {
  if (checkout) git(dir, 'checkout', '--quiet', '-b', name, rev);
  else git(dir, 'branch', name, rev);
}

/** Switches the work tree to a branch or commit. */
export function checkout(dir: string, rev: string): void {
  git(dir, 'checkout', '--quiet', rev);
}

/** The SHA HEAD points at. */
export function head(dir: string): string {
  return git(dir, 'rev-parse', 'HEAD');
}

/** Removes a repository made by makeGitRepo. */
export function removeGitRepo(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
