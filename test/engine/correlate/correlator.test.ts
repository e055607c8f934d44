import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IncidentCorrelator } from '../../../engine/correlate/correlator.js';
import type { HealthEvent } from '../../../engine/correlate/events.js';
import type { IncidentPayloadV2 } from '../../../engine/incidents/types.js';
import { dedupeKeyOf } from '../../../engine/incidents/dedupe-key.js';
import { graphOf } from '../impact/graph-fixture.js';

/**
 * web-01 hosts three endpoints and the storefront; the shop service needs the
 * storefront and the API; orders run on a redundant pair of databases.
 */
const EDGES = [
  'endpoint:shop/api hostedOn host:dc1/web-01',
  'endpoint:shop/www hostedOn host:dc1/web-01',
  'endpoint:shop/admin hostedOn host:dc1/web-01',
  'application:shop/storefront hostedOn host:dc1/web-01',
  'businessservice:shop/webshop dependsOn application:shop/storefront',
  'businessservice:shop/webshop dependsOn endpoint:shop/api',
  'businessservice:shop/backoffice dependsOn endpoint:shop/admin',
  'endpoint:shop/other hostedOn host:dc1/web-02',
  'application:shop/orders dependsOn database:shop/orders-a',
  'application:shop/orders dependsOn database:shop/orders-b',
  'database:shop/orders-a alternativeTo database:shop/orders-b',
  'endpoint:shop/orders-api dependsOn application:shop/orders',
  'businessservice:shop/ordering dependsOn endpoint:shop/orders-api',
];
const SPECS = {
  'businessservice:shop/webshop': { spec: { criticality: 'critical' } },
  'businessservice:shop/backoffice': { spec: { criticality: 'low' } },
  'businessservice:shop/ordering': { spec: { criticality: 'high' } },
};
const graph = () => graphOf(EDGES, SPECS);
const at = (s: number): Date => new Date(Date.UTC(2026, 0, 5, 9, 0, s));
const ev = (ci: string, s: number, severity: HealthEvent['severity'] = 'major', kind = 'down', detail = 'connection refused'): HealthEvent => ({
  ci,
  kind,
  time: at(s).toISOString(),
  detail,
  severity,
});

async function correlator(windowMs = 30_000) {
  const dir = mkdtempSync(join(tmpdir(), 'plumb-correlate-'));
  const sent: IncidentPayloadV2[] = [];
  const c = await IncidentCorrelator.open({ statePath: join(dir, 'incidents.json'), windowMs, flapWindowMs: 600_000, emit: async (a) => void sent.push(...a) });
  return { c, sent, dir };
}

describe('IncidentCorrelator', () => {
  it('a host whose three endpoints and workload fail: one incident, the host the cause, four symptoms with paths, services named', async () => {
    const { c, sent } = await correlator();
    const g = graph();
    c.submit([ev('endpoint:shop/api', 0), ev('endpoint:shop/www', 1), ev('endpoint:shop/admin', 1), ev('endpoint:shop/other', 0, 'cleared')]);
    expect(await c.evaluate({ now: at(5), graph: g })).toEqual([]); // within the window
    c.submit([ev('application:shop/storefront', 20, 'critical', 'unavailable', '0/2 replicas available')]);
    const [open] = await c.evaluate({ now: at(31), graph: g });
    expect(sent).toHaveLength(1);
    expect(open).toMatchObject({
      schemaVersion: 2,
      action: 'open',
      failure: 'down',
      severity: 'critical',
      revision: 1,
      dedupeKey: dedupeKeyOf('host:dc1/web-01', 'down'),
      ci: { id: 'host:dc1/web-01', kind: 'Host', name: 'web-01', namespace: 'dc1' },
      reason: 'inferred: explains 4 failing CIs',
      cause: [{ id: 'host:dc1/web-01', conditions: [] }],
      businessServices: [
        { id: 'businessservice:shop/backoffice', criticality: 'low', state: 'down' },
        { id: 'businessservice:shop/webshop', criticality: 'critical', state: 'down' },
      ],
      firstSeen: at(0).toISOString(),
    });
    expect(open.symptoms.map((s) => [s.ci.id, s.path.map((p) => p.via ?? p.ci).join(' ')])).toEqual([
      ['application:shop/storefront', 'host:dc1/web-01 hostedOn'],
      ['endpoint:shop/admin', 'host:dc1/web-01 hostedOn'],
      ['endpoint:shop/api', 'host:dc1/web-01 hostedOn'],
      ['endpoint:shop/www', 'host:dc1/web-01 hostedOn'],
    ]);
    expect(open.summary).toBe(`host:dc1/web-01 is down (inferred) — 4 symptoms, hits 2 business services, risk ${open.risk.level} (${open.risk.score})`);

    // nothing new: quiet
    c.submit([ev('endpoint:shop/api', 60), ev('endpoint:shop/www', 60), ev('endpoint:shop/admin', 60)]);
    expect(await c.evaluate({ now: at(61), graph: g })).toEqual([]);
    // recovery: resolved once
    c.submit(['endpoint:shop/api', 'endpoint:shop/www', 'endpoint:shop/admin'].map((ci) => ev(ci, 90, 'cleared')));
    c.submit([ev('application:shop/storefront', 90, 'cleared', 'unavailable')]);
    const resolved = await c.evaluate({ now: at(91), graph: g });
    expect(resolved.map((a) => [a.action, a.revision, a.resolution])).toEqual([['resolve', 2, 'recovered']]);
    expect(await c.evaluate({ now: at(120), graph: g })).toEqual([]);
  });

  it('a failure the open cause explains joins it as an update, not a new incident', async () => {
    const { c } = await correlator(0);
    const g = graph();
    c.submit([ev('endpoint:shop/api', 0), ev('endpoint:shop/www', 0), ev('endpoint:shop/admin', 0)]);
    const first = await c.evaluate({ now: at(1), graph: g });
    expect(first.map((a) => [a.action, a.ci.id, a.symptoms.length])).toEqual([['open', 'host:dc1/web-01', 3]]);
    c.submit([ev('application:shop/storefront', 10, 'critical', 'unavailable', '0/2 replicas available')]);
    const next = await c.evaluate({ now: at(11), graph: g });
    expect(next.map((a) => [a.action, a.dedupeKey, a.symptoms.length])).toEqual([['update', first[0].dedupeKey, 4]]);
  });

  it('one replica of a redundant pair down: an incident for it alone, dependents only at risk; both down: one incident for the pair', async () => {
    const { c } = await correlator(0);
    const g = graph();
    c.submit([ev('database:shop/orders-a', 0), ev('application:shop/orders', 0, 'cleared'), ev('endpoint:shop/orders-api', 0, 'cleared')]);
    const one = await c.evaluate({ now: at(1), graph: g });
    expect(one.map((a) => [a.action, a.cause.map((x) => x.id), a.symptoms.length])).toEqual([['open', ['database:shop/orders-a'], 0]]);
    expect(one[0].businessServices).toEqual([{ id: 'businessservice:shop/ordering', criticality: 'high', state: 'at-risk' }]);

    c.submit([ev('database:shop/orders-b', 10), ev('application:shop/orders', 10), ev('endpoint:shop/orders-api', 10)]);
    const both = await c.evaluate({ now: at(11), graph: g });
    expect(both.map((a) => [a.action, a.dedupeKey === one[0].dedupeKey, a.cause.map((x) => x.id), a.symptoms.map((s) => s.ci.id)])).toEqual([
      ['update', true, ['database:shop/orders-a', 'database:shop/orders-b'], ['application:shop/orders', 'endpoint:shop/orders-api']],
    ]);
    expect(both[0].businessServices).toEqual([{ id: 'businessservice:shop/ordering', criticality: 'high', state: 'down' }]);
  });

  it('a cause that recovers and fails again within the flap window reopens its ticket; after two reopens the resolve waits for a quiet window', async () => {
    const { c } = await correlator(0);
    const g = graph();
    const log: string[] = [];
    let s = 0;
    for (let flap = 0; flap < 4; flap++) {
      c.submit([ev('endpoint:shop/other', s)]);
      for (const a of await c.evaluate({ now: at(s + 1), graph: g })) log.push(`${a.action}#${a.revision}/${a.reopened}`);
      c.submit([ev('endpoint:shop/other', s + 10, 'cleared')]);
      for (const a of await c.evaluate({ now: at(s + 11), graph: g })) log.push(`${a.action}#${a.revision}/${a.reopened}`);
      s += 20;
    }
    expect(log).toEqual(['open#1/0', 'resolve#2/0', 'open#3/1', 'resolve#4/1', 'open#5/2', 'open#6/3'].slice(0, log.length));
    expect(log.filter((l) => l.startsWith('resolve'))).toHaveLength(2);
    expect(c.openIncidents()).toHaveLength(1);
    const quiet = await c.evaluate({ now: at(s + 700), graph: g });
    expect(quiet.map((a) => a.action)).toEqual(['resolve']);
  });

  it('a warning on a CI the cause reaches is related; elsewhere it is an incident of its own kind', async () => {
    const { c } = await correlator(0);
    const g = graph();
    c.submit([
      ev('endpoint:shop/api', 0),
      ev('endpoint:shop/www', 0),
      ev('application:shop/orders', 0, 'warning', 'predicted-exhaustion', 'disk full in 3 days'),
    ]);
    const a = await c.evaluate({ now: at(1), graph: g });
    expect(a.map((x) => [x.action, x.failure, x.ci.id, x.severity])).toEqual([
      ['open', 'down', 'host:dc1/web-01', 'major'],
      ['open', 'predicted-exhaustion', 'application:shop/orders', 'warning'],
    ]);
    expect(a[1].businessServices).toEqual([{ id: 'businessservice:shop/ordering', criticality: 'high', state: 'at-risk' }]);
  });

  it('keeps its state across restarts: a restarted correlator neither re-opens nor forgets', async () => {
    const { c, dir } = await correlator(0);
    const g = graph();
    c.submit([ev('endpoint:shop/api', 0), ev('endpoint:shop/www', 0)]);
    await c.evaluate({ now: at(1), graph: g });
    const again = await IncidentCorrelator.open({ statePath: join(dir, 'incidents.json'), windowMs: 0 });
    expect(await again.evaluate({ now: at(2), graph: g })).toEqual([]);
    expect(again.openIncidents().map((i) => i.cause.map((x) => x.id))).toEqual([['host:dc1/web-01']]);
    expect(JSON.parse(readFileSync(join(dir, 'incidents.json'), 'utf8')).version).toBe(2);
  });

  it('a cause that leaves the inventory resolves its incident as such; what still fails is analysed afresh', async () => {
    const { c } = await correlator(0);
    c.submit([ev('endpoint:shop/api', 0), ev('endpoint:shop/www', 0)]);
    expect((await c.evaluate({ now: at(1), graph: graph() })).map((a) => a.cause.map((x) => x.id).join())).toEqual(['host:dc1/web-01']);
    const without = graph();
    without.dropNode('host:dc1/web-01');
    const next = await c.evaluate({ now: at(2), graph: without });
    expect(next.map((a) => [a.action, a.resolution])).toEqual([['resolve', 'the CI is no longer in the inventory']]);
    const after = await c.evaluate({ now: at(3), graph: without });
    expect(after.map((a) => [a.action, a.cause.map((x) => x.id).join()])).toEqual([
      ['open', 'endpoint:shop/api'],
      ['open', 'endpoint:shop/www'],
    ]);
  });

  it("a producer's clock ahead of ours does not hold its failures past the window", async () => {
    const { c } = await correlator(30_000);
    c.submit([ev('endpoint:shop/other', 3600)]); // an hour in our future
    expect(await c.evaluate({ now: at(0), graph: graph() })).toEqual([]);
    expect((await c.evaluate({ now: at(31), graph: graph() })).map((a) => a.action)).toEqual(['open']);
  });
});
