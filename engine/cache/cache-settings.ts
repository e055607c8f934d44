import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Default bound of the content cache, MiB (PLUMB_CACHE_MAX_MB). */
export const DEFAULT_CACHE_MAX_MB = 1024;
/** Default age after which an unused entry is removed, days (PLUMB_CACHE_MAX_AGE_DAYS). */
export const DEFAULT_CACHE_MAX_AGE_DAYS = 30;

/** Where plumb's persistent content cache lives and how large it may grow. */
export interface CacheSettings {
  /** False with PLUMB_CACHE=off (or 0/false/no): every run parses and renders afresh, nothing is written. */
  readonly enabled: boolean;
  /** Absolute directory of the content cache: `$PLUMB_CACHE_DIR/content`, else `$XDG_CACHE_HOME/plumb/content`, else `~/.cache/plumb/content`. */
  readonly dir: string;
  /** Absolute directory of V8's compile cache (cli/main.ts, Node ≥ 22.1): `compile/` beside {@link dir}. */
  readonly compileDir: string;
  /** Size bound, bytes: beyond it the least recently used entries go first. */
  readonly maxBytes: number;
  /** Entries unused for longer than this are removed, milliseconds. */
  readonly maxAgeMs: number;
}

/**
 * The cache settings from the environment, as kubectl (`KUBECACHEDIR`) and Helm
 * (`HELM_CACHE_HOME`) take theirs: `PLUMB_CACHE_DIR` (shared with the
 * controller's Git cache, which lives beside it in `source/`), else the XDG
 * cache directory; `PLUMB_CACHE=off` turns it off; `PLUMB_CACHE_MAX_MB` and
 * `PLUMB_CACHE_MAX_AGE_DAYS` bound it. A value that is not a positive number
 * falls back to the default (the cache is an optimisation, never a reason to
 * fail a run).
 */
export function cacheSettings(env: NodeJS.ProcessEnv = process.env): CacheSettings {
  const off = /^(off|0|false|no)$/i.test(env.PLUMB_CACHE ?? '');
  // absolute from the start: a relative PLUMB_CACHE_DIR names the directory it named when plumb started
  const root = resolve(env.PLUMB_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'plumb'));
  return {
    enabled: !off,
    dir: join(root, 'content'),
    compileDir: join(root, 'compile'),
    maxBytes: positive(env.PLUMB_CACHE_MAX_MB, DEFAULT_CACHE_MAX_MB) * 1024 * 1024,
    maxAgeMs: positive(env.PLUMB_CACHE_MAX_AGE_DAYS, DEFAULT_CACHE_MAX_AGE_DAYS) * 86_400_000,
  };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && value !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
}
