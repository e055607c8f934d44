import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { IncidentCorrelator } from '../../../engine/correlate/correlator.js';
import type { HealthEvent } from '../../../engine/correlate/events.js';
import type { IncidentPayloadV2 } from '../../../engine/incidents/types.js';
import { graphOf } from '../impact/graph-fixture.js';
import { at, EDGES, SPECS, stateDir } from './tracker-fixture.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

async function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(await readFile(new URL('../../../schemas/incident-webhook.schema.json', import.meta.url), 'utf8')));
}

// the storefront depends on the API: a failing API explains it
const graph = () => graphOf(EDGES, SPECS);
const ev = (ci: string, minute: number, severity: HealthEvent['severity'], kind = 'down', detail = 'connection refused'): HealthEvent => ({
  ci,
  kind,
  time: at(minute).toISOString(),
  detail,
  severity,
});

describe('schemas/incident-webhook.schema.json (version 2)', () => {
  it('describes every payload of correlated incidents, from open through update, warning-only and change-aware, to resolve', async () => {
    const validate = await validator();
    const c = await IncidentCorrelator.open({
      statePath: join(stateDir(), 'incidents.json'),
      windowMs: 0,
      updateEveryMs: 60_000,
      likelyChange: async () => ({
        run: '20260105T085500Z-1a2b',
        time: at(0).toISOString(),
        user: 'ops',
        revision: 'abc',
        planHash: 'sha256:0f',
        outcome: 'succeeded',
        changes: [{ id: 'application:shop/storefront', action: 'update', wave: 1, target: 'recorded' }],
        backup: '20260105T085500Z-1a2b-w1',
        restore: 'plumb restore 20260105T085500Z-1a2b-w1 application:shop/storefront',
      }),
    });
    const payloads: IncidentPayloadV2[] = [];
    c.submit([
      ev('endpoint:shop/api-public', 0, 'major'),
      ev('application:shop/storefront', 0, 'critical', 'unavailable', '0/2 replicas available'),
      ev('endpoint:shop/metrics', 0, 'warning', 'certificate-expiring', 'certificate expires 2026-01-09T00:00:00.000Z'),
    ]);
    payloads.push(...(await c.evaluate({ now: at(1), graph: graph() })));
    payloads.push(...(await c.evaluate({ now: at(2), graph: graph() })));
    c.submit([
      ev('endpoint:shop/api-public', 3, 'cleared'),
      ev('application:shop/storefront', 3, 'cleared', 'unavailable'),
      ev('endpoint:shop/metrics', 3, 'cleared', 'certificate-expiring'),
    ]);
    payloads.push(...(await c.evaluate({ now: at(3), graph: graph() })));
    expect(payloads.map((p) => `${p.action} ${p.failure} ${p.cause.map((x) => x.id)}`)).toEqual([
      'open down endpoint:shop/api-public',
      'open certificate-expiring endpoint:shop/metrics',
      'update down endpoint:shop/api-public',
      'update certificate-expiring endpoint:shop/metrics',
      'resolve down endpoint:shop/api-public',
      'resolve certificate-expiring endpoint:shop/metrics',
    ]);
    expect(payloads[0].change?.restore).toBe('plumb restore 20260105T085500Z-1a2b-w1 application:shop/storefront');
    for (const p of payloads) {
      expect({ action: p.action, valid: validate(p), errors: validate.errors ?? null }).toEqual({ action: p.action, valid: true, errors: null });
    }
  });

  it('rejects a resolve without resolvedAt, an open with one, and a payload without its cause', async () => {
    const validate = await validator();
    const c = await IncidentCorrelator.open({ statePath: join(stateDir(), 'incidents.json'), windowMs: 0 });
    c.submit([ev('endpoint:shop/api-public', 0, 'major')]);
    const [open] = await c.evaluate({ now: at(0), graph: graph() });
    expect(validate(open)).toBe(true);
    expect(validate({ ...open, resolvedAt: at(1).toISOString() })).toBe(false);
    expect(validate({ ...open, action: 'resolve' })).toBe(false);
    expect(validate({ ...open, cause: [] })).toBe(false);
  });
});
