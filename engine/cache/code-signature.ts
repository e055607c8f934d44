import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { PlumbError } from '../model/errors.js';
import { makeDirectorySync } from '../model/make-directory.js';
import { warnCacheOnce } from './cache-warnings.js';

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
  let existing = readKeyFile(file);
  if (existing === undefined) {
    try {
      makeDirectorySync(dirname(file), 0o700);
      writeFileSync(file, randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      // EEXIST: another run made it first, use its key; anything else: no key, said below
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        warnCacheOnce({
          code: 'cache.key-unusable',
          message: `cannot make the content cache's key (${(e as NodeJS.ErrnoException).code ?? 'error'}): the cache is off`,
          hint: 'set XDG_STATE_HOME to a directory of yours that can be written, or PLUMB_CACHE_KEY (see docs/security.md); PLUMB_CACHE=off says the cache is off on purpose',
          file,
        });
        key = null;
        return undefined;
      }
    }
    existing = readKeyFile(file);
  }
  if (existing && 'problem' in existing) {
    warnCacheOnce({
      code: 'cache.key-unusable',
      message: `the content cache's key ${existing.problem}: not used, the cache is off`,
      hint: existing.hint,
      file,
    });
    key = null;
    return undefined;
  }
  key = existing?.bytes ?? null;
  return key ?? undefined;
}

/** Bytes of key PLUMB_CACHE_KEY must carry at least, written as hex or base64. */
export const MIN_CACHE_KEY_BYTES = 32;

/**
 * PLUMB_CACHE_KEY's bytes, or the reason it is not a key: at least
 * {@link MIN_CACHE_KEY_BYTES} bytes written as hex (64+ characters, `openssl
 * rand -hex 32`) or base64 (44+, `openssl rand -base64 32`; URL-safe too),
 * surrounding white space ignored, and not a run of a few repeated bytes (32
 * random bytes have fewer than 16 distinct values with a probability below
 * 10^-17). A passphrase is refused: how much it would take to guess cannot be
 * told from it, and whoever guesses the key can plant entries every runner
 * trusts.
 */
export function decodeCacheKey(value: string): Buffer | { problem: string } {
  const text = value.trim();
  const bytes = /^(?:[0-9a-f]{2})+$/i.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (!bytes) return { problem: 'is neither hex nor base64' };
  if (bytes.length < MIN_CACHE_KEY_BYTES) return { problem: `holds fewer than ${MIN_CACHE_KEY_BYTES} bytes` };
  if (new Set(bytes).size < 16) return { problem: 'repeats a few bytes: it is not random' };
  return bytes;
}

let shared: { value: string; key: Buffer } | undefined;

/**
 * The key that authenticates everything plumb keeps in its content cache
 * (32 bytes): from `PLUMB_CACHE_KEY` when it is set — a secret the CI system
 * holds (a masked, protected variable), so runners of one project can reuse a
 * cache they restore on purpose; at least 32 random bytes as hex or base64
 * ({@link decodeCacheKey}; `openssl rand -hex 32`), else a PlumbError
 * `cache.weak-key` — else this user's {@link codeSigningKey}. Undefined when
 * neither is at hand: then nothing is read from or written to the cache.
 */
export function cacheRootKey(env: NodeJS.ProcessEnv = process.env): Buffer | undefined {
  const value = env.PLUMB_CACHE_KEY;
  if (!value) return codeSigningKey();
  if (shared?.value !== value) {
    const decoded = decodeCacheKey(value);
    // the message never holds the value, nor its length
    if (!Buffer.isBuffer(decoded))
      throw new PlumbError('cache.weak-key', `PLUMB_CACHE_KEY ${decoded.problem}; it must be at least ${MIN_CACHE_KEY_BYTES} random bytes as hex or base64`, {
        hint: "make one with `openssl rand -hex 32` and keep it in the CI system's secrets; or unset PLUMB_CACHE_KEY (this user's own key is used), or PLUMB_CACHE=off",
      });
    shared = { value, key: createHash('sha256').update('plumb cache key\0').update(value.trim()).digest() };
  }
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
 * The key file's bytes when it can be trusted, undefined when there is none,
 * else what is wrong with it and the fix: a regular file (not a FIFO or device
 * that would block or stream: opened non-blocking, not following a symlink),
 * owned by this user and readable or writable by nobody else — a key another
 * user could read or plant would let them sign cache entries plumb then
 * believes — of 32 bytes.
 */
function readKeyFile(file: string): { bytes: Buffer } | { problem: string; hint: string } | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') return { problem: 'is a symbolic link', hint: `remove ${file}: plumb makes a new key there` };
    return { problem: `cannot be read (${code ?? 'error'})`, hint: `make ${file} readable by you (chmod 600), or remove it: plumb makes a new key` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: 'is not a regular file', hint: `remove ${file}: plumb makes a new key there` };
    if (typeof process.getuid === 'function' && st.uid !== process.getuid())
      return { problem: `belongs to another user (uid ${st.uid})`, hint: `remove ${file}, or set XDG_STATE_HOME to a directory of yours` };
    if ((st.mode & 0o077) !== 0)
      return {
        problem: `can be read or written by others (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`,
        hint: `chmod 600 ${file} (or remove it: plumb makes a new key, and entries signed with the old one are rebuilt)`,
      };
    if (st.size !== 32) return { problem: 'is not 32 bytes long', hint: `remove ${file}: plumb makes a new key there` };
    const bytes = Buffer.alloc(32);
    return readSync(fd, bytes, 0, 32, 0) === 32 ? { bytes } : { problem: 'could not be read whole', hint: `remove ${file}: plumb makes a new key there` };
  } catch (e) {
    return { problem: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, hint: `remove ${file}: plumb makes a new key there` };
  } finally {
    closeSync(fd);
  }
}
