import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { IncidentTracker } from '../../../engine/incidents/incident-tracker.js';
import type { IncidentPayload } from '../../../engine/incidents/types.js';
import { at, shopGraph, stateDir } from './tracker-fixture.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

async function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(await readFile(new URL('../../../schemas/incident-webhook.schema.json', import.meta.url), 'utf8')));
}

describe('schemas/incident-webhook.schema.json', () => {
  it('describes every payload of an incident, from open to resolve', async () => {
    const validate = await validator();
    const t = await IncidentTracker.open({ statePath: join(stateDir(), 'incidents.json'), updateEveryMs: 60_000 });
    const fail = [{ ci: 'endpoint:shop/api-public', reason: 'connection refused' }, { ci: 'endpoint:shop/metrics', reason: 'timed out after 2000 ms' }];
    const payloads: IncidentPayload[] = [
      ...(await t.observe({ now: at(0), failures: fail, recoveries: [], graph: shopGraph() })),
      ...(await t.observe({ now: at(2), failures: fail, recoveries: [], graph: shopGraph() })),
      ...(await t.observe({ now: at(3), failures: [], recoveries: ['endpoint:shop/api-public', 'endpoint:shop/metrics'], graph: shopGraph() })),
    ];
    expect(payloads.map((p) => p.action)).toEqual(['open', 'open', 'update', 'update', 'resolve', 'resolve']);
    for (const p of payloads) {
      expect({ action: p.action, valid: validate(p), errors: validate.errors ?? null }).toEqual({ action: p.action, valid: true, errors: null });
    }
  });

  it('rejects a resolve without resolvedAt and an open with one', async () => {
    const validate = await validator();
    const t = await IncidentTracker.open({ statePath: join(stateDir(), 'incidents.json') });
    const [open] = await t.observe({ now: at(0), failures: [{ ci: 'endpoint:shop/api-public', reason: 'connection refused' }], recoveries: [], graph: shopGraph() });
    expect(validate({ ...open, resolvedAt: at(1).toISOString() })).toBe(false);
    expect(validate({ ...open, action: 'resolve' })).toBe(false);
  });
});
