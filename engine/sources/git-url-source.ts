import * as fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { PlumbError } from '../model/errors.js';
import { readGitCredentials, redactSecrets, type GitCredentialSource } from './git-credentials.js';
import type { Source, SourceArtifact } from './types.js';
import { makeDirectory } from '../model/make-directory.js';

export interface GitUrlSourceOptions {
  /** http(s) URL of the repository; userinfo in it is refused (use `credentials`). */
  readonly url: string;
  /** A branch or tag name (default `main`). */
  readonly ref?: string;
  /** A writable directory that holds the fetched objects (the controller's cache emptyDir). */
  readonly cacheDir: string;
  readonly credentials?: GitCredentialSource;
}

/**
 * A remote Git repository over HTTP(S), fetched with isomorphic-git (pure JS:
 * the controller image needs no git binary). Each fetch is shallow (depth 1)
 * and of one ref only, into a bare-style cache: the commit is then loaded by
 * SHA, so no work tree is ever checked out. Objects of earlier fetches stay in
 * the cache, which is what lets the loop fall back to its last good revision.
 *
 * Failures are PlumbErrors whose `data.transient` says whether a retry can
 * help (unreachable, 5xx) or not (401/403/404), with every credential
 * redacted from the message.
 */
export function createGitUrlSource(options: GitUrlSourceOptions): Source {
  const url = new URL(options.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new PlumbError('source.bad-url', `git source must be an http(s) URL, not ${url.protocol}`, { hint: 'pass --git-url https://…' });
  }
  if (url.username || url.password) {
    throw new PlumbError('source.credentials-in-url', 'the git URL must not carry credentials', {
      hint: 'put them in a file or an environment variable (--git-credentials-file / --git-credentials-env)',
    });
  }
  const ref = options.ref ?? 'main';
  const dir = options.cacheDir;
  return {
    description: `${url.href}#${ref}`,
    async fetch(signal: AbortSignal): Promise<SourceArtifact> {
      signal.throwIfAborted();
      const creds = await readGitCredentials(options.credentials);
      await makeDirectory(dir);
      await git.init({ fs, dir, defaultBranch: 'plumb' });
      await git.addRemote({ fs, dir, remote: 'origin', url: url.href, force: true });
      try {
        const result = await git.fetch({
          fs,
          http,
          dir,
          remote: 'origin',
          ref,
          singleBranch: true,
          depth: 1,
          tags: false,
          headers: creds.headers,
          onAuth: () => (creds.username !== undefined ? { username: creds.username, password: creds.password } : { cancel: true }),
          onAuthFailure: () => ({ cancel: true }),
        });
        if (!result.fetchHead)
          throw new PlumbError('source.ref-not-found', `the git source has no ref ${ref}`, { hint: 'check --branch / --tag', data: { transient: false } });
        const commit = await peel(dir, result.fetchHead);
        return { revision: commit, dir, rev: commit };
      } catch (e) {
        throw fetchError(e, ref, creds.secrets);
      }
    },
  };
}

/** An annotated tag's object is a tag: the revision is the commit it points at. */
async function peel(dir: string, oid: string): Promise<string> {
  for (let i = 0; i < 5; i++) {
    const { type, object } = await git.readObject({ fs, dir, oid, format: 'parsed' });
    if (type !== 'tag') return oid;
    oid = (object as { object: string }).object;
  }
  return oid;
}

function fetchError(e: unknown, ref: string, secrets: readonly string[]): PlumbError {
  if (e instanceof PlumbError) return e;
  const err = e as { code?: string; data?: { statusCode?: number }; message?: string; cause?: { code?: string } };
  const message = redactSecrets(String(err.message ?? e), secrets);
  const status = err.data?.statusCode;
  if (status === 401 || status === 403 || err.code === 'UserCanceledError') {
    return new PlumbError('source.auth-failed', `the git server refused the credentials (${status ?? 'authentication required'})`, {
      hint: 'check the token or USER:PASSWORD in the credentials Secret',
      data: { transient: false, status },
    });
  }
  if (status === 404 || err.code === 'NotFoundError') {
    return new PlumbError('source.not-found', `the git repository or ref ${ref} was not found: ${message}`, {
      hint: 'check --git-url and --branch/--tag',
      data: { transient: false, status },
    });
  }
  return new PlumbError('source.unreachable', `cannot fetch the git source: ${message}`, {
    hint: 'the fetch is retried with backoff; check the URL and the network',
    data: { transient: true, status },
  });
}
