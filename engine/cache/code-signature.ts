import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

let key: Buffer | null | undefined;

/**
 * Where the key that signs executable cache entries lives: the user's state
 * directory (`$XDG_STATE_HOME/plumb`, else `~/.local/state/plumb`), never the
 * cache directory — a cache is shared or restored by design (`PLUMB_CACHE_DIR`
 * on a CI cache, a GitLab cache shared by every branch's pipelines), so a key
 * kept beside the entries would sign whatever a writer of the cache planted.
 */
export function codeSigningKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  // the XDG base directory spec: a relative XDG_STATE_HOME is invalid and ignored
  const state = env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : join(homedir(), '.local', 'state');
  return join(state, 'plumb', 'cache-code.key');
}

/**
 * This user's 32-byte key for signing code plumb keeps in its content cache
 * (ajv standalone validators of a repository's kind schemas), made on first
 * use (0600; the first of concurrent runs wins); undefined when it cannot be
 * read or made — then nothing executable is cached or run from the cache.
 */
export function codeSigningKey(): Buffer | undefined {
  if (key !== undefined) return key ?? undefined;
  const file = codeSigningKeyFile();
  try {
    const existing = readOrUndefined(file);
    if (existing?.length === 32) return (key = existing);
    mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch {
      // another run made it first (EEXIST): use its key
    }
    const made = readOrUndefined(file);
    key = made?.length === 32 ? made : null;
  } catch {
    key = null;
  }
  return key ?? undefined;
}

let shared: { value: string; key: Buffer } | undefined;

/**
 * The key that authenticates everything plumb keeps in its content cache
 * (32 bytes): from `PLUMB_CACHE_KEY` when it is set — a secret the CI system
 * holds (a masked, protected variable), so runners of one project can reuse a
 * cache they restore on purpose; hashed, so any length of text will do, but it
 * should be at least 32 random bytes (`openssl rand -hex 32`) — else this
 * user's {@link codeSigningKey}. Undefined when neither is at hand: then
 * nothing is read from or written to the cache.
 */
export function cacheRootKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const value = env.PLUMB_CACHE_KEY;
  if (!value) return codeSigningKey();
  if (shared?.value !== value) shared = { value, key: createHash('sha256').update('plumb cache key\0').update(value).digest() };
  return shared.key;
}

/**
 * A 32-byte key for one use of the cache (`purpose`: 'content-cache entry',
 * 'kubernetes dry-run key', …), derived from {@link cacheRootKey} by
 * HMAC-SHA256, so a MAC made for one use is never valid for another (an
 * entry's MAC never signs code). Undefined without a root key.
 */
export function derivedCacheKey(purpose: string, env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const root = cacheRootKey(env);
  return root && createHmac('sha256', root).update(`plumb ${purpose}`).digest();
}

/** HMAC-SHA256 of (cache key, code) under {@link cacheRootKey}; undefined without a key. */
export function signCode(cacheKey: string, code: string): Buffer | undefined {
  const k = cacheRootKey();
  return k && createHmac('sha256', k).update(`${cacheKey.length}:${cacheKey}\0`).update(code).digest();
}

/** Whether `mac` is this user's signature of (cache key, code): code from a cache is run only then. */
export function codeSignatureValid(cacheKey: string, code: string, mac: unknown): boolean {
  const expected = signCode(cacheKey, code);
  return expected !== undefined && mac instanceof Uint8Array && mac.length === expected.length && timingSafeEqual(Buffer.from(mac), expected);
}

/** Forgets the key read (tests that change XDG_STATE_HOME). */
export function resetCodeSigningKey(): void {
  key = undefined;
}

/**
 * The key file's bytes when it can be trusted, else undefined: a regular file
 * (not a FIFO or device that would block or stream: opened non-blocking, not
 * following a symlink), owned by this user and readable or writable by nobody
 * else — a key another user could read or plant would let them sign cache
 * entries plumb then believes.
 */
function readOrUndefined(file: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size !== 32 || (st.mode & 0o077) !== 0) return undefined;
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    const bytes = Buffer.alloc(32);
    return readSync(fd, bytes, 0, 32, 0) === 32 ? bytes : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
