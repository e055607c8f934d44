import { watch } from 'chokidar';
import { relative } from 'node:path';
import { useEffect, useState } from 'react';
import type { TuiSession } from '../engine-session.js';

/** Not desired state: plumb's own state dir, Git internals, dependencies. */
const IGNORED = /(^|[/\\])(\.git|\.plumb|node_modules)([/\\]|$)/;
const DESIRED = /\.(ya?ml|json)$/i;

/**
 * `--watch`: re-plans when a YAML/JSON file under the repository changes
 * (chokidar, debounced so a save that touches several files plans once) and
 * when a provider that can watch reports drift. Off when `enabled` is false
 * or before the first plan has found the repository root. Returns whether
 * the work tree is being watched (chokidar has finished its first scan).
 */
export function useWatch(opts: {
  readonly enabled: boolean;
  readonly root?: string;
  readonly session: TuiSession;
  readonly refresh: (reason: string) => void;
  readonly debounceMs?: number;
}): boolean {
  const { enabled, root, session, refresh } = opts;
  const debounceMs = opts.debounceMs ?? 250;
  const [watching, setWatching] = useState(false);
  useEffect(() => {
    if (!enabled || !root) return;
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    const later = (reason: string) => {
      last = reason;
      clearTimeout(timer);
      timer = setTimeout(() => refresh(last), debounceMs);
    };
    const watcher = watch(root, {
      ignoreInitial: true,
      ignored: (path: string) => IGNORED.test(relative(root, path)),
      awaitWriteFinish: { stabilityThreshold: 50, pollInterval: 20 },
    });
    watcher.on('ready', () => setWatching(true));
    watcher.on('all', (_event, path) => {
      if (DESIRED.test(path)) later(`watch: ${relative(root, path).split('\\').join('/')}`);
    });
    let stopProviders: (() => void) | undefined;
    let closed = false;
    void session
      .watchProviders?.((e) => later(`drift: ${e.type} ${e.id}`))
      .then((stop) => {
        if (closed) stop();
        else stopProviders = stop;
      });
    return () => {
      closed = true;
      setWatching(false);
      clearTimeout(timer);
      stopProviders?.();
      void watcher.close();
    };
  }, [enabled, root, session, refresh, debounceMs]);
  return watching;
}
