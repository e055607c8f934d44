import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dedupeKeyOf } from '../../../engine/incidents/dedupe-key.js';
import { IncidentTracker } from '../../../engine/incidents/incident-tracker.js';
import type { IncidentPayload } from '../../../engine/incidents/types.js';
import { at, shopGraph, shopGraphWithPartners, stateDir } from './tracker-fixture.js';

const API = 'endpoint:shop/api-public';
const KEY = dedupeKeyOf(API, 'down');
const API_CI = { id: API, kind: 'Endpoint', name: 'api-public', namespace: 'shop' };
const WEBSHOP = { id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' } as const;

function tracker(path = join(stateDir(), 'incidents.json'), updateEveryMs = 10 * 60_000) {
  return IncidentTracker.open({ statePath: path, updateEveryMs });
}

describe('IncidentTracker', () => {
  it('opens one incident for a failure, naming the business services it hits and the risk', async () => {
    const t = await tracker();
    const actions = await t.observe({ now: at(0), failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() });
    expect(actions).toEqual<IncidentPayload[]>([{
      dedupeKey: KEY,
      action: 'open',
      summary: 'endpoint:shop/api-public is down (connection refused) — hits 1 business service, risk high (72)',
      ci: API_CI,
      failure: 'down',
      reason: 'connection refused',
      businessServices: [WEBSHOP],
      risk: { score: 72, level: 'high' },
      firstSeen: at(0).toISOString(),
      lastSeen: at(0).toISOString(),
      revision: 1,
    }]);
  });

  it('stays quiet while the same failure lasts, updates every updateEveryMs, then resolves on recovery', async () => {
    const t = await tracker();
    const graph = shopGraph();
    const down = { failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph };
    const rounds: string[] = [];
    for (const minute of [0, 1, 2, 5, 9, 10, 11, 19, 20]) {
      for (const a of await t.observe({ now: at(minute), ...down })) rounds.push(`${minute}: ${a.action} #${a.revision}`);
    }
    const resolved = await t.observe({ now: at(21), failures: [], recoveries: [API], graph });
    for (const a of resolved) rounds.push(`21: ${a.action} #${a.revision}`);
    expect(rounds).toEqual(['0: open #1', '10: update #2', '20: update #3', '21: resolve #4']);
    expect(resolved).toEqual([{
      dedupeKey: KEY, action: 'resolve', summary: 'endpoint:shop/api-public recovered (down) after 21m',
      ci: API_CI, failure: 'down', reason: 'connection refused', businessServices: [WEBSHOP], risk: { score: 72, level: 'high' },
      firstSeen: at(0).toISOString(), lastSeen: at(20).toISOString(), resolvedAt: at(21).toISOString(), revision: 4,
    }]);
    expect(t.openIncidents()).toEqual([]);
    expect(await t.observe({ now: at(22), failures: [], recoveries: [API], graph })).toEqual([]);
  });

  it('updates at once when the reason or the impact changes', async () => {
    const t = await tracker();
    await t.observe({ now: at(0), failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() });
    const reason = await t.observe({ now: at(1), failures: [{ ci: API, reason: 'unexpected status 503' }], recoveries: [], graph: shopGraph() });
    expect(reason.map((a) => [a.action, a.revision, a.reason])).toEqual([['update', 2, 'unexpected status 503']]);
    // A new revision of the inventory: the partners service now consumes the API too.
    const impact = await t.observe({ now: at(2), failures: [{ ci: API, reason: 'unexpected status 503' }], recoveries: [], graph: shopGraphWithPartners() });
    expect(impact.map((a) => [a.action, a.revision, a.businessServices, a.risk])).toEqual([[
      'update', 3,
      [WEBSHOP, { id: 'businessservice:shop/partners', criticality: 'medium', state: 'degraded' }],
      { score: 73, level: 'high' },
    ]]);
  });

  it('does not re-open after a restart: the state file carries the open incident', async () => {
    const path = join(stateDir(), 'incidents.json');
    const first = await tracker(path);
    await first.observe({ now: at(0), failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() });
    const second = await tracker(path);
    expect(await second.observe({ now: at(3), failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() })).toEqual([]);
    const resolved = await second.observe({ now: at(4), failures: [], recoveries: [API], graph: shopGraph() });
    expect(resolved.map((a) => [a.action, a.revision, a.firstSeen])).toEqual([['resolve', 2, at(0).toISOString()]]);
  });

  it('a recurrence opens a new incident under the same dedupe key, revisions counting on', async () => {
    const path = join(stateDir(), 'incidents.json');
    const t = await tracker(path);
    const fail = { failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() };
    await t.observe({ now: at(0), ...fail });
    await t.observe({ now: at(1), failures: [], recoveries: [API], graph: shopGraph() });
    const again = await (await tracker(path)).observe({ now: at(5), ...fail });
    expect(again.map((a) => [a.dedupeKey, a.action, a.revision, a.firstSeen])).toEqual([[KEY, 'open', 3, at(5).toISOString()]]);
  });

  it('keeps failure kinds apart, and a recovery of one kind resolves only that one', async () => {
    const t = await tracker();
    const both = [{ ci: API, reason: 'connection refused' }, { ci: API, kind: 'certificate-expiring', reason: 'certificate expires in 5 days' }];
    const opened = await t.observe({ now: at(0), failures: both, recoveries: [], graph: shopGraph() });
    expect(opened.map((a) => [a.failure, a.action, a.dedupeKey])).toEqual([
      ['certificate-expiring', 'open', dedupeKeyOf(API, 'certificate-expiring')],
      ['down', 'open', KEY],
    ]);
    // Up again, but the certificate still expires soon.
    const resolved = await t.observe({ now: at(1), failures: [both[1]], recoveries: [API], graph: shopGraph() });
    expect(resolved.map((a) => [a.failure, a.action])).toEqual([['down', 'resolve']]);
    expect(t.openIncidents().map((i) => i.failure)).toEqual(['certificate-expiring']);
    const byKind = await t.observe({ now: at(2), failures: [], recoveries: [{ ci: API, kind: 'certificate-expiring' }], graph: shopGraph() });
    expect(byKind.map((a) => [a.failure, a.action])).toEqual([['certificate-expiring', 'resolve']]);
  });

  it('resolves an incident whose CI left the inventory', async () => {
    const t = await tracker();
    await t.observe({ now: at(0), failures: [{ ci: 'endpoint:shop/metrics', reason: 'timed out after 2000 ms' }], recoveries: [], graph: shopGraph() });
    const gone = await t.observe({ now: at(1), failures: [], recoveries: [], graph: shopGraph() });
    expect(gone).toEqual([]);
    const g = shopGraph();
    g.dropNode('endpoint:shop/metrics');
    const resolved = await t.observe({ now: at(2), failures: [], recoveries: [], graph: g });
    expect(resolved.map((a) => [a.ci.id, a.action, a.reason])).toEqual([['endpoint:shop/metrics', 'resolve', 'the ci is no longer in the inventory']]);
  });

  it('does not record a round whose emit failed, so the next round sends the same actions', async () => {
    const path = join(stateDir(), 'incidents.json');
    let fail = true;
    const sent: IncidentPayload[][] = [];
    const t = await IncidentTracker.open({
      statePath: path,
      emit: async (actions) => {
        if (fail) throw new Error('outbox unavailable');
        sent.push([...actions]);
      },
    });
    const down = { failures: [{ ci: API, reason: 'connection refused' }], recoveries: [], graph: shopGraph() };
    await expect(t.observe({ now: at(0), ...down })).rejects.toThrow('outbox unavailable');
    fail = false;
    await t.observe({ now: at(1), ...down });
    expect(sent.map((a) => a.map((p) => [p.action, p.revision]))).toEqual([[['open', 1]]]);
    expect(JSON.parse(readFileSync(path, 'utf8')).open.map((i: { revision: number }) => i.revision)).toEqual([1]);
  });

  it('refuses a state file that is not one, with a code and a hint', async () => {
    const path = join(stateDir(), 'incidents.json');
    writeFileSync(path, '{"hello": true}');
    await expect(IncidentTracker.open({ statePath: path })).rejects.toMatchObject({ code: 'incidents.bad-state', hint: expect.stringContaining('move the file away') });
  });
});

describe('incidentImpact', () => {
  it('simulates again once the graph is edited', async () => {
    const { incidentImpact } = await import('../../../engine/incidents/incident-impact.js');
    const graph = shopGraph();
    expect(incidentImpact(graph, API).businessServices.map((s) => s.id)).toEqual(['businessservice:shop/webshop']);
    graph.dropNode('businessservice:shop/webshop');
    expect(incidentImpact(graph, API)).toEqual({ businessServices: [], risk: expect.objectContaining({ level: 'low' }) });
  });
});
