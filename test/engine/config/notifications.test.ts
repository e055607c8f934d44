import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configPositions } from '../../../engine/config/config-position.js';
import { DEFAULT_NOTIFICATIONS, validateNotifications } from '../../../engine/config/notifications.js';
import { resolveDestinations } from '../../../engine/reconcile/monitoring/destinations.js';

/** plumb.yaml text → validated notifications, with positions. */
const check = (text: string) => validateNotifications(parse(text).notifications, configPositions(text));

describe('plumb.yaml notifications', () => {
  it('reads the documented example, filling the defaults', () => {
    expect(
      check(`notifications:
  itsm: {url: https://itsm.example.com/hooks/plumb, secretEnv: PLUMB_ITSM_SECRET, updateEvery: 15m}
  slack: {urlEnv: PLUMB_SLACK_WEBHOOK, events: [incident, drift]}
  stateDir: /var/lib/plumb
`),
    ).toEqual({
      settings: {
        stateDir: '/var/lib/plumb',
        retry: { baseMs: 1000, maxMs: 300_000 },
        correlation: { windowMs: 30_000, flapWindowMs: 600_000, changeLookbackMs: 3_600_000 },
        itsm: { url: 'https://itsm.example.com/hooks/plumb', secretEnv: 'PLUMB_ITSM_SECRET', timeoutMs: 10_000, updateEveryMs: 900_000 },
        slack: { urlEnv: 'PLUMB_SLACK_WEBHOOK', timeoutMs: 10_000, events: ['drift', 'incident'] },
      },
      diagnostics: [],
    });
  });

  it('no section: nothing is sent, incident state under .plumb/incidents', () => {
    expect(validateNotifications(undefined)).toEqual({ settings: DEFAULT_NOTIFICATIONS, diagnostics: [] });
    expect(validateNotifications({})).toEqual({ settings: DEFAULT_NOTIFICATIONS, diagnostics: [] });
  });

  it('refuses an inline secret, a bad url, a bad duration, an unknown event or setting — at their line, never echoing a value', () => {
    const { settings, diagnostics } = check(`notifications:
  itsm:
    url: ftp://token-abc@itsm.example.com
    secret: s3cr3t-value
    updateEvery: soon
  slack:
    url: https://hooks.slack.com/services/T/B/x
    events: [drift, deploys]
  retries: 3
`);
    expect(diagnostics.map((d) => [d.code, `${d.line}:${d.column}`, d.message])).toEqual([
      ['config.invalid', '3:10', 'notifications.itsm.url is not an http(s) url'],
      ['config.inline-secret', '4:13', 'notifications.itsm.secret holds a credential in plumb.yaml'],
      ['config.invalid', '5:18', 'notifications.itsm.updateEvery must be a duration like 30s, 15m or 1h'],
      ['config.invalid', '8:21', 'notifications.slack.events has an unknown event "deploys"'],
      ['config.invalid', '9:12', 'unknown setting notifications.retries'],
    ]);
    expect(JSON.stringify(diagnostics)).not.toMatch(/s3cr3t|token-abc/);
    expect(diagnostics.every((d) => d.severity === 'error' && d.file === 'plumb.yaml' && d.hint)).toBe(true);
    expect(settings).toEqual({ stateDir: '.plumb/incidents', retry: DEFAULT_NOTIFICATIONS.retry, correlation: DEFAULT_NOTIFICATIONS.correlation }); // broken destinations are left out
  });

  it('correlation: window (0 opens at once), flapWindow, changeLookback; a bad one at its line', () => {
    expect(check(`notifications:\n  correlation: {window: 0s, flapWindow: 5m, changeLookback: 2h}\n`).settings.correlation).toEqual({
      windowMs: 0,
      flapWindowMs: 300_000,
      changeLookbackMs: 7_200_000,
    });
    const { diagnostics } = check(`notifications:\n  correlation:\n    window: soon\n    lookback: 1h\n    autoRestore: {criticalities: []}\n`);
    expect(diagnostics.map((d) => [d.line, d.message])).toEqual([
      [3, 'notifications.correlation.window must be a duration like 30s, 15m or 1h'],
      [4, 'unknown setting notifications.correlation.lookback'],
      [5, 'notifications.correlation.autoRestore.criticalities must be a list of business service criticalities'],
    ]);
    expect(check(`notifications:\n  correlation: {autoRestore: {criticalities: [critical, high]}}\n`).settings.correlation.autoRestore).toEqual({
      criticalities: ['critical', 'high'],
    });
    expect(DEFAULT_NOTIFICATIONS.correlation.autoRestore).toBeUndefined(); // never, unless plumb.yaml says so
  });

  it('needs exactly one place for the url', () => {
    const { diagnostics } = check(`notifications:\n  slack: {url: https://a.example.com, urlEnv: SLACK}\n  itsm: {secretEnv: S}\n`);
    expect(diagnostics.map((d) => [d.line, d.message])).toEqual([
      [2, 'notifications.slack needs exactly one of url, urlEnv, urlFile'],
      [3, 'notifications.itsm needs exactly one of url, urlEnv, urlFile'],
    ]);
  });
});

describe('notification destinations at run time', () => {
  it('reads urls and secrets from the environment and files; a missing one is named, never shown', () => {
    const { settings } = validateNotifications({
      itsm: { urlFile: 'secrets/itsm-url', secretEnv: 'ITSM_SECRET' },
      slack: { urlEnv: 'SLACK_URL' },
    });
    const files: Record<string, string> = { '/repo/secrets/itsm-url': 'https://itsm.example.com/hook\n' };
    const readFile = (p: string) => {
      if (!(p in files)) throw new Error('ENOENT');
      return files[p];
    };
    expect(resolveDestinations(settings, { root: '/repo', env: { ITSM_SECRET: 'k3y' }, readFile })).toEqual({
      destinations: { itsm: { url: 'https://itsm.example.com/hook', secret: 'k3y', timeoutMs: 10_000 } },
      diagnostics: [
        {
          severity: 'error',
          code: 'notifications.secret-missing',
          file: 'plumb.yaml',
          message: 'notifications.slack.urlEnv: the environment variable SLACK_URL is not set',
          hint: "set it in the controller's environment (from a Secret)",
        },
      ],
    });
  });
});
