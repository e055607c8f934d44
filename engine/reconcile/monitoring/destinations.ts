import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NotificationSettings, PositionOf, WebhookSettings } from '../../config/notifications.js';
import type { Diagnostic } from '../../model/diagnostic.js';
import type { Destination } from '../../notify/outbox.js';

export interface ResolveDestinationsOptions {
  /** Repository root: relative `urlFile`/`secretFile` paths start here. */
  readonly root: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly readFile?: (path: string) => string;
  readonly positionOf?: PositionOf;
}

/**
 * The outbox destinations (`itsm`, `slack`) of validated settings, with URLs
 * and secrets read from the controller's environment and files — the only
 * place they are ever read, and they go nowhere but memory. An unset variable
 * or unreadable file is an error diagnostic naming the setting (never the
 * value) and leaves that destination out.
 */
export function resolveDestinations(
  settings: NotificationSettings,
  options: ResolveDestinationsOptions,
): {
  destinations: Record<string, Destination>;
  diagnostics: Diagnostic[];
} {
  const env = options.env ?? process.env;
  const read = options.readFile ?? ((path: string) => readFileSync(path, 'utf8'));
  const positionOf = options.positionOf ?? (() => ({ file: 'plumb.yaml' }));
  const diagnostics: Diagnostic[] = [];
  const destinations: Record<string, Destination> = {};

  const valueOf = (name: string, w: WebhookSettings, what: 'url' | 'secret'): string | undefined | null => {
    const inline = what === 'url' ? w.url : undefined;
    if (inline !== undefined) return inline;
    const envName = what === 'url' ? w.urlEnv : w.secretEnv;
    const file = what === 'url' ? w.urlFile : w.secretFile;
    const setting = envName !== undefined ? `${what}Env` : `${what}File`;
    const missing = (message: string, hint: string) => {
      diagnostics.push({ severity: 'error', code: 'notifications.secret-missing', message, hint, ...positionOf(`/${name}/${setting}`) });
      return null;
    };
    if (envName !== undefined) {
      const v = env[envName]?.trim();
      return v
        ? v
        : missing(`notifications.${name}.${setting}: the environment variable ${envName} is not set`, "set it in the controller's environment (from a Secret)");
    }
    if (file !== undefined) {
      try {
        const v = read(resolve(options.root, file)).trim();
        return v ? v : missing(`notifications.${name}.${setting}: the file ${file} is empty`, 'mount the Secret at that path');
      } catch {
        return missing(`notifications.${name}.${setting}: cannot read the file ${file}`, 'mount the Secret at that path');
      }
    }
    return undefined;
  };

  for (const name of ['itsm', 'slack'] as const) {
    const w = settings[name];
    if (!w) continue;
    const url = valueOf(name, w, 'url');
    const secret = valueOf(name, w, 'secret');
    if (url === null || secret === null || url === undefined) continue;
    if (!isHttpUrl(url)) {
      diagnostics.push({
        severity: 'error',
        code: 'notifications.bad-url',
        message: `notifications.${name}: the configured url is not an http(s) url`,
        hint: 'check the value of the variable or file',
        ...positionOf(`/${name}/${w.urlEnv !== undefined ? 'urlEnv' : 'urlFile'}`),
      });
      continue;
    }
    destinations[name] = { url, timeoutMs: w.timeoutMs, ...(secret ? { secret } : {}) };
  }
  return { destinations, diagnostics };
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
