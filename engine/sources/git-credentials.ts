import { readFile } from 'node:fs/promises';
import { PlumbError } from '../model/errors.js';

/**
 * Credentials for a remote Git source. They come from a file (a mounted
 * Secret) or an environment variable — never from the command line, where
 * `ps` would show them — and are read on every fetch, so a rotated Secret is
 * picked up without a restart.
 *
 * - `token`: sent as `Authorization: Bearer TOKEN`.
 * - `basic`: `USER:PASSWORD` in one value, sent as HTTP basic auth.
 */
export interface GitCredentialSource {
  readonly type: 'token' | 'basic';
  readonly file?: string;
  readonly env?: string;
}

export interface GitCredentials {
  readonly headers?: Record<string, string>;
  readonly username?: string;
  readonly password?: string;
  /** Every secret string, for redaction from error messages. */
  readonly secrets: readonly string[];
}

export async function readGitCredentials(source: GitCredentialSource | undefined): Promise<GitCredentials> {
  if (!source) return { secrets: [] };
  let raw: string | undefined;
  if (source.file) {
    raw = await readFile(source.file, 'utf8').catch(() => {
      throw new PlumbError('source.credentials-missing', `cannot read the git credentials file ${source.file}`, {
        hint: 'mount the Secret at that path, or pass --git-credentials-env',
      });
    });
  } else if (source.env) {
    raw = process.env[source.env];
    if (raw === undefined) {
      throw new PlumbError('source.credentials-missing', `environment variable ${source.env} is not set`, {
        hint: 'set it from a Secret (env.valueFrom.secretKeyRef)',
      });
    }
  }
  const value = (raw ?? '').trim();
  if (!value) throw new PlumbError('source.credentials-missing', 'the git credentials are empty', { hint: 'put the token (or USER:PASSWORD) in the Secret' });
  if (source.type === 'token') return { headers: { authorization: `Bearer ${value}` }, secrets: [value] };
  const colon = value.indexOf(':');
  if (colon < 1) {
    throw new PlumbError('source.credentials-invalid', 'basic git credentials must be USER:PASSWORD', { hint: 'write them as USER:PASSWORD in the Secret' });
  }
  const username = value.slice(0, colon);
  const password = value.slice(colon + 1);
  return { username, password, secrets: [password, value, Buffer.from(value).toString('base64')] };
}

/** Replaces every secret (and any userinfo in a URL) in `text` by `***`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]+@/g, '$1***@');
  for (const s of secrets) if (s) out = out.split(s).join('***');
  return out;
}
