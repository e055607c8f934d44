import { useEffect, useState } from 'react';
import { watchDesiredState, type DesiredStateWatcher } from '../../engine/index.js';
import type { TuiSession } from '../engine-session.js';

const DESIRED = /\.(ya?ml|json)$/i;

/**
 * `--watch`: re-plans when a YAML/JSON file of the desired state changes —
 * only where plumb reads it (the engine's `watchDesiredState`, the controller's
 * watcher: plumb.yaml, its inventory and policy globs' directories, schemas,
 * render inputs; never node_modules, dist/ or `.git`'s objects) — debounced
 * so a save that touches several files plans once, and
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
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    const later = (reason: string) => {
      last = reason;
      clearTimeout(timer);
      timer = setTimeout(() => refresh(last), debounceMs);
    };
    let watcher: DesiredStateWatcher | undefined;
    void watchDesiredState(
      root,
      (rel) => {
        if (DESIRED.test(rel)) later(`watch: ${rel}`);
      },
      { awaitWriteFinishMs: 50 },
    ).then((w) => {
      if (closed) return w.close();
      watcher = w;
      void w.ready().then(() => {
        if (!closed) setWatching(true);
      });
    });
    let stopProviders: (() => void) | undefined;
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
      watcher?.close();
    };
  }, [enabled, root, session, refresh, debounceMs]);
  return watching;
}
