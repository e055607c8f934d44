import { relative, resolve, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import picomatch from 'picomatch';
import { CONFIG_FILE } from '../config/load-config.js';
import { parseConfigText } from '../config/parse-config.js';
import { DEFAULT_CONFIG, type PlumbConfig } from '../config/types.js';
import { compileGlob } from '../load/glob.js';
import { readWorktreeFileAgain } from '../load/worktree-source.js';
import { localRevision } from './local-revision.js';
import type { Source, SourceArtifact } from './types.js';

export interface LocalPathSourceOptions {
  readonly path: string;
  /** Quiet time after the last file event before `onChange` fires (default 500 ms): an editor's save or a `git pull` is one change, not fifty. */
  readonly debounceMs?: number;
}

/** A local path source, with what its file watcher covers (for tests and diagnostics). */
export interface LocalPathSource extends Source {
  /**
   * Once the watcher started by `watch` has scanned what it covers: every
   * watched path, absolute (directories and the entries watched in them).
   * Empty when `watch` is not running.
   */
  watchedPaths(): Promise<string[]>;
}

/**
 * A directory on the controller's file system (a mounted volume, a git-sync
 * sidecar's checkout, or a developer's work tree), loaded as a work tree and
 * watched with chokidar — only what plumb reads as desired state:
 * plumb.yaml, the directories under the literal bases of its `inventory` and
 * `policies` globs, `schemas`, and the kustomizations, charts and values files
 * `render:` names; plus `.git/HEAD`, `.git/packed-refs` and `.git/refs/heads`,
 * so a commit or checkout that leaves the files as they were still yields the
 * new SHA. `node_modules`, `.plumb` and the rest of `.git` are never watched,
 * nor is actual state (a snapshot target's file, recorded metrics: a reconcile
 * reads them anew each round). A change of plumb.yaml recomputes the set. A
 * file outside it that a kustomization reaches (`../shared`) is seen on the
 * next interval or webhook, not at once.
 */
export function createLocalPathSource(options: LocalPathSourceOptions): LocalPathSource {
  const dir = resolve(options.path);
  let watcher: DesiredStateWatcher | undefined;
  return {
    description: dir,
    async fetch(signal: AbortSignal): Promise<SourceArtifact> {
      signal.throwIfAborted();
      return { revision: await localRevision(dir), dir };
    },
    watch(onChange: () => void): () => void {
      let timer: NodeJS.Timeout | undefined;
      const w = watchDesiredState(dir, () => {
        clearTimeout(timer);
        timer = setTimeout(onChange, options.debounceMs ?? 500);
      });
      watcher = w;
      return () => {
        clearTimeout(timer);
        if (watcher === w) watcher = undefined;
        w.close();
      };
    },
    async watchedPaths(): Promise<string[]> {
      return watcher ? watcher.watchedPaths() : [];
    },
  };
}

/** A running watch of a repository's desired state (see {@link watchDesiredState}). */
export interface DesiredStateWatcher {
  /** Resolves once the first scan is done: from then on every change is reported. */
  ready(): Promise<void>;
  /** Every watched path, absolute (directories and the entries watched in them), once ready. */
  watchedPaths(): Promise<string[]>;
  close(): void;
}

/**
 * Watches what plumb reads as desired state in the repository at `dir` (the
 * scope of {@link watchScopeOf}, recomputed when plumb.yaml changes) and calls
 * `onEvent` with each changed path, repository-relative with forward slashes,
 * undebounced. `awaitWriteFinishMs`: report a file only once its size has been
 * stable that long (an editor's save in several writes). Used by the
 * controller's local source and by `plumb tui --watch`.
 */
export function watchDesiredState(dir: string, onEvent: (rel: string) => void, options: { awaitWriteFinishMs?: number } = {}): DesiredStateWatcher {
  const root = resolve(dir);
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  let scope = watchScopeOf(root);
  let closed = false;
  const w: FSWatcher = watch(root, {
    ignoreInitial: true,
    ignored: (p: string) => !scope.covers(rel(p)),
    ...(options.awaitWriteFinishMs ? { awaitWriteFinish: { stabilityThreshold: options.awaitWriteFinishMs, pollInterval: 20 } } : {}),
  });
  const ready = new Promise<void>((resolveReady) => w.once('ready', () => resolveReady()));
  const rescope = () => {
    const previous = scope;
    scope = watchScopeOf(root);
    // what the old scope ignored was never scanned: add the new bases so chokidar walks them
    const added = scope.bases.filter((b) => !previous.covers(b));
    if (!closed && added.length) w.add(added.map((b) => resolve(root, b)));
  };
  w.on('all', (_event, path) => {
    const changed = rel(path);
    if (changed === CONFIG_FILE) rescope();
    onEvent(changed);
  });
  w.on('error', () => undefined);
  return {
    ready: () => ready,
    async watchedPaths(): Promise<string[]> {
      await ready;
      const out: string[] = [];
      for (const [parent, names] of Object.entries(w.getWatched())) for (const name of names) out.push(resolve(parent, name));
      return [...new Set(out)].sort();
    },
    close(): void {
      closed = true;
      void w.close();
    },
  };
}

/** plumb.yaml of `dir` (its defaults where it is missing or broken: the reconcile reports that). */
function readConfig(dir: string): PlumbConfig {
  try {
    // on the loader's terms (a FIFO plumb.yaml blocked a plain readFileSync, and so the controller, for good; a
    // link to /dev/zero read to no end): a regular file inside the directory, opened without blocking
    const bytes = readWorktreeFileAgain(dir, CONFIG_FILE);
    return bytes === undefined ? DEFAULT_CONFIG : parseConfigText(bytes.toString('utf8')).config;
  } catch {
    return DEFAULT_CONFIG;
  }
}

/** `.git` entries that name the revision: HEAD, packed refs and the branches. */
const GIT_REVISION = picomatch(['.git', '.git/HEAD', '.git/packed-refs', '.git/refs', '.git/refs/heads', '.git/refs/heads/**'], { dot: true });
const NEVER = new Set(['node_modules', '.plumb']);

/** What the watcher of a local path source covers. */
export interface WatchScope {
  /** Repository-relative paths plumb reads as desired state (files or directories, read recursively). */
  readonly bases: readonly string[];
  /** Holds for a repository-relative path (forward slashes, `''` the root) under a base, leading to one, or naming the revision in `.git`. */
  covers(rel: string): boolean;
}

/** The watch scope of the repository at `dir`, from its plumb.yaml as it is now (its defaults when missing or broken). */
export function watchScopeOf(dir: string): WatchScope {
  return watchScope(readConfig(dir));
}

/** The watch scope of a configuration (see {@link createLocalPathSource}). */
export function watchScope(config: PlumbConfig): WatchScope {
  const bases = new Set<string>([CONFIG_FILE, config.schemas]);
  for (const pattern of [...config.inventory, ...config.policies]) {
    if (pattern.startsWith('!')) continue;
    const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
    bases.add(picomatch.scan(normalized).isGlob ? compileGlob(normalized).base : normalized);
  }
  for (const k of config.render.kustomizations) bases.add(k);
  for (const r of config.render.releases) {
    bases.add(r.chart);
    for (const v of r.values ?? []) bases.add(v);
  }
  const list = [...new Set([...bases].map((b) => b.replace(/^\.\/|\/+$/g, '')))];
  const everything = list.includes('') || list.includes('.');
  const covers = (rel: string): boolean => {
    if (rel === '') return true;
    if (rel === '..' || rel.startsWith('../')) return false;
    const segments = rel.split('/');
    if (segments[0] === '.git') return GIT_REVISION(rel);
    if (segments.some((s) => NEVER.has(s))) return false;
    if (everything) return true;
    return list.some((b) => rel === b || rel.startsWith(`${b}/`) || b.startsWith(`${rel}/`));
  };
  return { bases: list, covers };
}
