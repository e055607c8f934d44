import { sortDiagnostics, type Diagnostic } from '../model/diagnostic.js';
import { MAX_TIMER_MS, toMilliseconds } from '../model/duration.js';
import { escapePointerToken } from '../model/json-pointer.js';
import { isPlainObject } from '../model/plain-object.js';
import type { Code } from '../model/codes.js';

/** What the Slack destination is told about (engine/incidents/slack-message.ts). */
export type NotifyEvent = 'drift' | 'apply' | 'failure' | 'incident';
export const NOTIFY_EVENTS: readonly NotifyEvent[] = ['drift', 'apply', 'failure', 'incident'];

/**
 * One webhook destination as plumb.yaml declares it. The URL comes inline, or
 * (since a Slack webhook URL is itself a credential) from an environment
 * variable or a file; the signing secret only ever from an environment
 * variable or a file — an inline secret is refused. Values are resolved by the
 * controller at run time (engine/reconcile/monitoring/destinations.ts).
 */
export interface WebhookSettings {
  readonly url?: string;
  readonly urlEnv?: string;
  readonly urlFile?: string;
  /** HMAC-SHA256 signing key of the body (X-Plumb-Signature-256). */
  readonly secretEnv?: string;
  readonly secretFile?: string;
  /** Per delivery attempt. */
  readonly timeoutMs: number;
}

export interface ItsmSettings extends WebhookSettings {
  /** While an incident lasts with nothing new, an `update` is sent this often. */
  readonly updateEveryMs: number;
}

export interface SlackSettings extends WebhookSettings {
  readonly events: readonly NotifyEvent[];
}

/**
 * plumb.yaml `notifications:` with its defaults filled in.
 *
 * ```yaml
 * notifications:
 *   stateDir: .plumb/incidents            # incident state + outbox (a PVC in a cluster)
 *   itsm:  {url: https://itsm.example.com/hooks/plumb, secretEnv: PLUMB_ITSM_SECRET, updateEvery: 15m}
 *   slack: {urlEnv: PLUMB_SLACK_WEBHOOK, events: [drift, apply, failure, incident]}
 *   retry: {base: 1s, max: 5m}            # outbox backoff while a receiver is down
 * ```
 */
export interface NotificationSettings {
  /** Repository-relative or absolute. */
  readonly stateDir: string;
  readonly itsm?: ItsmSettings;
  readonly slack?: SlackSettings;
  readonly retry: { readonly baseMs: number; readonly maxMs: number };
  /** Event correlation (engine/correlate, docs/incidents.md "Correlation"). */
  readonly correlation: CorrelationSettings;
}

/**
 * `notifications.correlation` with its defaults:
 *
 * ```yaml
 * correlation:
 *   window: 30s          # failures no open incident explains wait this long, to be grouped
 *   flapWindow: 10m      # a cause failing again this soon reopens its ticket
 *   changeLookback: 1h   # an apply this long before an incident began may be its trigger
 *   autoRestore: {criticalities: [critical]}   # absent (the default): never restore by itself
 * ```
 */
export interface CorrelationSettings {
  readonly windowMs: number;
  readonly flapWindowMs: number;
  readonly changeLookbackMs: number;
  /**
   * The only way plumb rolls anything back by itself: when an incident takes
   * down (or degrades) a business service of one of these criticalities and
   * names a likely change with a backup, the controller restores the changed
   * CIs from that backup — once per incident and change. Absent: never.
   */
  readonly autoRestore?: { readonly criticalities: readonly string[] };
}

export const DEFAULT_CORRELATION: CorrelationSettings = { windowMs: 30_000, flapWindowMs: 10 * 60_000, changeLookbackMs: 60 * 60_000 };

export const DEFAULT_NOTIFICATIONS: NotificationSettings = {
  stateDir: '.plumb/incidents',
  retry: { baseMs: 1000, maxMs: 5 * 60_000 },
  correlation: DEFAULT_CORRELATION,
};
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_UPDATE_EVERY_MS = 15 * 60_000;

/** Where a JSON Pointer under `/notifications` sits in plumb.yaml (see config-position.ts). */
export type PositionOf = (pointer: string) => Pick<Diagnostic, 'file' | 'line' | 'column'>;

const COMMON_KEYS = ['url', 'urlEnv', 'urlFile', 'secretEnv', 'secretFile', 'timeout'];
const KEYS: Readonly<Record<'itsm' | 'slack' | 'retry' | 'correlation' | 'top', readonly string[]>> = {
  top: ['stateDir', 'itsm', 'slack', 'retry', 'correlation'],
  correlation: ['window', 'flapWindow', 'changeLookback', 'autoRestore'],
  itsm: [...COMMON_KEYS, 'updateEvery'],
  slack: [...COMMON_KEYS, 'events'],
  retry: ['base', 'max'],
};
/** Keys people write for an inline credential: refused with a pointer to `secretEnv`/`secretFile`. */
const INLINE_SECRETS = new Set(['secret', 'token', 'password', 'hmacSecret', 'apiKey']);

/**
 * Checks plumb.yaml's `notifications` section and fills its defaults. Every
 * problem is an error diagnostic at the offending setting (`config.invalid`,
 * or `config.inline-secret` for a credential written into the file); the
 * settings returned then leave the broken destination out. Diagnostics come
 * sorted by position. Messages never repeat a value (a URL may embed a token).
 */
export function validateNotifications(
  raw: unknown,
  positionOf: PositionOf = () => ({ file: 'plumb.yaml' }),
): {
  settings: NotificationSettings;
  diagnostics: Diagnostic[];
} {
  const diagnostics: Diagnostic[] = [];
  const error = (pointer: string, message: string, hint: string, code: Code = 'config.invalid') =>
    diagnostics.push({ severity: 'error', code, message, hint, ...positionOf(pointer) });
  if (raw === undefined || raw === null) return { settings: DEFAULT_NOTIFICATIONS, diagnostics };
  if (!isPlainObject(raw)) {
    error('', 'notifications must be a mapping', 'e.g. `notifications: {itsm: {url: https://…}}`');
    return { settings: DEFAULT_NOTIFICATIONS, diagnostics };
  }
  unknownKeys(raw, '', KEYS.top, error);

  let stateDir = DEFAULT_NOTIFICATIONS.stateDir;
  if (raw.stateDir !== undefined) {
    if (typeof raw.stateDir === 'string' && raw.stateDir.trim()) stateDir = raw.stateDir;
    else error('/stateDir', 'notifications.stateDir must be a directory path', 'e.g. `stateDir: /var/lib/plumb` (a persistent volume in a cluster)');
  }

  let retry = DEFAULT_NOTIFICATIONS.retry;
  if (raw.retry !== undefined) {
    if (!isPlainObject(raw.retry)) error('/retry', 'notifications.retry must be a mapping', 'e.g. `retry: {base: 1s, max: 5m}`');
    else {
      unknownKeys(raw.retry, '/retry', KEYS.retry, error);
      const baseMs = duration(raw.retry.base, '/retry/base', retry.baseMs, error);
      const maxMs = duration(raw.retry.max, '/retry/max', retry.maxMs, error);
      if (maxMs < baseMs) error('/retry/max', 'notifications.retry.max must not be shorter than retry.base', 'raise max or lower base');
      retry = { baseMs, maxMs };
    }
  }

  let correlation = DEFAULT_CORRELATION;
  if (raw.correlation !== undefined) {
    if (!isPlainObject(raw.correlation))
      error('/correlation', 'notifications.correlation must be a mapping', 'e.g. `correlation: {window: 30s, flapWindow: 10m, changeLookback: 1h}`');
    else {
      unknownKeys(raw.correlation, '/correlation', KEYS.correlation, error);
      const c = raw.correlation;
      // a window of 0 (open at once) is allowed
      const windowMs =
        c.window === 0 || c.window === '0s' || c.window === '0' ? 0 : duration(c.window, '/correlation/window', DEFAULT_CORRELATION.windowMs, error);
      let autoRestore: CorrelationSettings['autoRestore'];
      if (c.autoRestore !== undefined) {
        const list = isPlainObject(c.autoRestore) ? c.autoRestore.criticalities : undefined;
        if (!isPlainObject(c.autoRestore) || Object.keys(c.autoRestore).some((k) => k !== 'criticalities')) {
          error(
            '/correlation/autoRestore',
            'notifications.correlation.autoRestore must be {criticalities: [...]}',
            'e.g. `autoRestore: {criticalities: [critical]}`; leave it out to never restore by itself',
          );
        } else if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x)) {
          error(
            '/correlation/autoRestore/criticalities',
            'notifications.correlation.autoRestore.criticalities must be a list of business service criticalities',
            'e.g. [critical, high]',
          );
        } else autoRestore = { criticalities: list as string[] };
      }
      correlation = {
        windowMs,
        flapWindowMs: duration(c.flapWindow, '/correlation/flapWindow', DEFAULT_CORRELATION.flapWindowMs, error),
        changeLookbackMs: duration(c.changeLookback, '/correlation/changeLookback', DEFAULT_CORRELATION.changeLookbackMs, error),
        ...(autoRestore ? { autoRestore } : {}),
      };
    }
  }

  const itsmErrors = diagnostics.length;
  const itsm = raw.itsm === undefined ? undefined : webhook(raw.itsm, 'itsm', error);
  const itsmSettings = itsm && {
    ...itsm,
    updateEveryMs: duration((raw.itsm as Record<string, unknown>).updateEvery, '/itsm/updateEvery', DEFAULT_UPDATE_EVERY_MS, error),
  };
  const itsmOk = diagnostics.length === itsmErrors;

  const slackErrors = diagnostics.length;
  const slack = raw.slack === undefined ? undefined : webhook(raw.slack, 'slack', error);
  let events: readonly NotifyEvent[] = NOTIFY_EVENTS;
  if (slack && (raw.slack as Record<string, unknown>).events !== undefined) {
    const list = (raw.slack as Record<string, unknown>).events;
    if (!Array.isArray(list) || list.length === 0)
      error('/slack/events', 'notifications.slack.events must be a list of events', `choose from ${NOTIFY_EVENTS.join(', ')}`);
    else {
      list.forEach((e, i) => {
        if (!NOTIFY_EVENTS.includes(e as NotifyEvent))
          error(`/slack/events/${i}`, `notifications.slack.events has an unknown event ${JSON.stringify(e)}`, `choose from ${NOTIFY_EVENTS.join(', ')}`);
      });
      events = NOTIFY_EVENTS.filter((e) => list.includes(e));
    }
  }
  const slackOk = diagnostics.length === slackErrors;

  const settings: NotificationSettings = {
    stateDir,
    retry,
    correlation,
    ...(itsmSettings && itsmOk ? { itsm: itsmSettings } : {}),
    ...(slack && slackOk ? { slack: { ...slack, events } } : {}),
  };
  return { settings, diagnostics: sortDiagnostics(diagnostics) };
}

type Report = (pointer: string, message: string, hint: string, code?: Code) => void;

function webhook(raw: unknown, name: 'itsm' | 'slack', error: Report): WebhookSettings | undefined {
  const at = `/${name}`;
  if (!isPlainObject(raw)) {
    error(at, `notifications.${name} must be a mapping`, `e.g. \`${name}: {url: https://…}\``);
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (INLINE_SECRETS.has(key)) {
      error(
        `${at}/${escapePointerToken(key)}`,
        `notifications.${name}.${key} holds a credential in plumb.yaml`,
        'never commit secrets: use secretEnv (an environment variable) or secretFile (a mounted file)',
        'config.inline-secret',
      );
    }
  }
  unknownKeys(Object.fromEntries(Object.entries(raw).filter(([k]) => !INLINE_SECRETS.has(k))), at, KEYS[name], error);
  const sources = ['url', 'urlEnv', 'urlFile'].filter((k) => raw[k] !== undefined);
  if (sources.length !== 1) {
    error(
      sources.length ? `${at}/${sources[1]}` : at,
      `notifications.${name} needs exactly one of url, urlEnv, urlFile`,
      'give the webhook url inline, or the environment variable or file that holds it',
    );
  }
  if (raw.url !== undefined && !isHttpUrl(raw.url))
    error(`${at}/url`, `notifications.${name}.url is not an http(s) url`, 'e.g. https://itsm.example.com/hooks/plumb');
  for (const key of ['urlEnv', 'secretEnv'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw[key]))) {
      error(`${at}/${key}`, `notifications.${name}.${key} must name an environment variable`, 'e.g. PLUMB_ITSM_SECRET');
    }
  }
  for (const key of ['urlFile', 'secretFile'] as const) {
    if (raw[key] !== undefined && (typeof raw[key] !== 'string' || !raw[key]))
      error(`${at}/${key}`, `notifications.${name}.${key} must be a file path`, 'e.g. /var/run/secrets/plumb/itsm-secret');
  }
  if (raw.secretEnv !== undefined && raw.secretFile !== undefined)
    error(`${at}/secretFile`, `notifications.${name} gives both secretEnv and secretFile`, 'keep one');
  const str = (k: string) => (typeof raw[k] === 'string' ? { [k]: raw[k] as string } : {});
  return {
    ...str('url'),
    ...str('urlEnv'),
    ...str('urlFile'),
    ...str('secretEnv'),
    ...str('secretFile'),
    timeoutMs: duration(raw.timeout, `${at}/timeout`, DEFAULT_TIMEOUT_MS, error),
  };
}

/** A duration ({@link toMilliseconds}: `500ms`, `30s`, `15m`, `1h`, a bare number of seconds); a bad one is reported and the default kept. */
function duration(value: unknown, pointer: string, fallback: number, error: Report): number {
  if (value === undefined) return fallback;
  const ms = toMilliseconds(value) ?? 0;
  if (ms > 0 && ms <= MAX_TIMER_MS) return ms;
  error(
    pointer,
    `notifications${pointer.replace(/\//g, '.')} must be a duration like 30s, 15m or 1h${ms > MAX_TIMER_MS ? ', at most 24 days' : ''}`,
    'write the unit: ms, s, m or h (a bare number is seconds)',
  );
  return fallback;
}

function unknownKeys(raw: Record<string, unknown>, at: string, known: readonly string[], error: Report): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key))
      error(`${at}/${escapePointerToken(key)}`, `unknown setting notifications${at.replace(/\//g, '.')}.${key}`, `known settings here: ${known.join(', ')}`);
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
