import { resolve } from 'node:path';
import { watch } from 'chokidar';
import { localRevision } from './local-revision.js';
import type { Source, SourceArtifact } from './types.js';

export interface LocalPathSourceOptions {
  readonly path: string;
  /** Quiet time after the last file event before `onChange` fires (default 500 ms): an editor's save or a `git pull` is one change, not fifty. */
  readonly debounceMs?: number;
}

/**
 * A directory on the controller's file system (a mounted volume, a git-sync
 * sidecar's checkout, or a developer's work tree), loaded as a work tree and
 * watched with chokidar. `.git/HEAD` and the refs are watched too, so a commit
 * or checkout that leaves the files as they were still yields the new SHA.
 */
export function createLocalPathSource(options: LocalPathSourceOptions): Source {
  const dir = resolve(options.path);
  return {
    description: dir,
    async fetch(signal: AbortSignal): Promise<SourceArtifact> {
      signal.throwIfAborted();
      return { revision: await localRevision(dir), dir };
    },
    watch(onChange: () => void): () => void {
      let timer: NodeJS.Timeout | undefined;
      const fire = () => {
        clearTimeout(timer);
        timer = setTimeout(onChange, options.debounceMs ?? 500);
      };
      const watcher = watch(dir, {
        ignoreInitial: true,
        ignored: (p: string) => /(^|[\\/])(node_modules|\.plumb)([\\/]|$)/.test(p) || /[\\/]\.git[\\/](objects|logs|index\.lock)/.test(p),
      });
      watcher.on('all', fire);
      watcher.on('error', () => undefined);
      return () => {
        clearTimeout(timer);
        void watcher.close();
      };
    },
  };
}
