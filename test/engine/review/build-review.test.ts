import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../engine/config/types.js';
import { planHash } from '../../../engine/plan/assemble-plan.js';
import { buildReview } from '../../../engine/review/build-review.js';
import { ci, graphOf } from '../plan/fixtures.js';

const host = ci('host:shop/h1', { os: 'linux' }, [], 'inventory/hosts.yaml');
const db15 = ci('database:shop/db', { engine: 'postgres', version: '15', password: 'base-secret' }, [['runsOn', 'host:shop/h1']], 'inventory/db.yaml', 1);
const db16 = ci('database:shop/db', { engine: 'postgres', version: '16', password: 'head-secret' }, [['runsOn', 'host:shop/h1']], 'inventory/db.yaml', 1);
const api = ci('application:shop/api', { replicas: 2 }, [['dependsOn', 'database:shop/db']], 'inventory/api.yaml');
const apiMoved = { ...api, origin: { ...api.origin, file: 'inventory/apps/api.yaml' } };
const old = ci('host:shop/old', {}, [], 'inventory/old.yaml');
const web = ci('application:shop/web', {}, [['runsOn', 'host:shop/h1']], 'inventory/web.yaml');
const schemas = new Map([
  [
    'Database',
    { kind: 'Database', file: 'builtin:Database', schema: { properties: { spec: { properties: { password: { type: 'string', 'x-plumb-secret': true } } } } } },
  ],
]);
const side = (revision: string, cis: ReturnType<typeof ci>[], files: Record<string, string>) => ({
  revision,
  cis,
  files: new Map(Object.entries(files)),
  schemas,
  config: DEFAULT_CONFIG,
});

describe('buildReview', () => {
  const base = side('b'.repeat(40), [host, db15, api, old], {
    'inventory/hosts.yaml': '1',
    'inventory/db.yaml': '2',
    'inventory/api.yaml': '3',
    'inventory/old.yaml': '4',
  });
  const head = side('h'.repeat(40), [host, db16, apiMoved, web], {
    'inventory/hosts.yaml': '1',
    'inventory/db.yaml': '2b',
    'inventory/apps/api.yaml': '3',
    'inventory/web.yaml': '5',
  });
  const run = () => buildReview({ base, head, baseGraph: graphOf(base.cis), headGraph: graphOf(head.cis), now: new Date('2026-01-01T00:00:00Z') });

  it('lists what the pull request adds, changes, renames and removes — and nothing else', async () => {
    const { plan, diagnostics } = await run();
    expect(diagnostics).toEqual([]);
    expect(plan.changes.map((c) => [c.wave, c.action, c.id, c.provider, c.file ?? null])).toEqual([
      [1, 'create', 'application:shop/web', 'none', 'inventory/web.yaml'],
      [1, 'update', 'database:shop/db', 'none', 'inventory/db.yaml'],
      [2, 'delete', 'host:shop/old', 'none', null],
      [0, 'noop', 'application:shop/api', 'none', 'inventory/apps/api.yaml'],
    ]);
    expect(plan.summary).toEqual({ create: 1, update: 1, delete: 1, noop: 1, unmanaged: 0 });
    expect(plan.base).toBe('b'.repeat(40));
    expect(plan.revision).toBe('h'.repeat(40));
    // hashed once, over the whole review (base included), as apply and the plan file check it
    expect(plan.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash(plan)).toBe(plan.hash);
    expect(planHash({ ...plan, base: 'c'.repeat(40) })).not.toBe(plan.hash);
  });

  it('diffs whole documents with secrets redacted', async () => {
    const { plan } = await run();
    const update = plan.changes.find((c) => c.action === 'update')!;
    expect(update.patch).toEqual([
      { op: 'replace', path: '/spec/password', value: '(sensitive)' },
      { op: 'replace', path: '/spec/version', value: '16' },
    ]);
    expect(update.diff).toContain('-  version: "15"');
    expect(update.diff).toContain('(sensitive, changed)');
    expect(JSON.stringify(plan)).not.toMatch(/base-secret|head-secret/);
  });

  it('simulates creates and updates on head and deletes on base', async () => {
    const { plan } = await run();
    expect(plan.impact.sources).toEqual(['application:shop/web', 'database:shop/db', 'host:shop/old']);
    expect(plan.changes.find((c) => c.id === 'database:shop/db')!.impact!.affected.map((a) => a.id)).toEqual(['application:shop/api']);
  });

  it('derives the base graph from the head graph when none is given, for the impact of deletes', async () => {
    const h = side('h'.repeat(40), [host], { 'inventory/hosts.yaml': '1' });
    const b = side('b'.repeat(40), [host, db15, api], { 'inventory/hosts.yaml': '1', 'inventory/db.yaml': '2', 'inventory/api.yaml': '3' });
    const { plan } = await buildReview({ base: b, head: h, headGraph: graphOf([host]), now: new Date(0) });
    expect(plan.changes.map((c) => [c.wave, c.action, c.id])).toEqual([
      [1, 'delete', 'application:shop/api'],
      [2, 'delete', 'database:shop/db'],
    ]);
    expect(plan.changes[1].impact!.affected.map((a) => [a.id, a.state])).toEqual([['application:shop/api', 'down']]);
  });

  it('shows a field removed in the pull request as a change', async () => {
    const noOs = ci('host:shop/h1', {}, [], 'inventory/hosts.yaml');
    const h = side('h'.repeat(40), [noOs], { 'inventory/hosts.yaml': 'x' });
    const b = side('b'.repeat(40), [host], { 'inventory/hosts.yaml': '1' });
    const { plan } = await buildReview({ base: b, head: h, baseGraph: graphOf([host]), headGraph: graphOf([noOs]), now: new Date(0) });
    expect(plan.changes.map((c) => [c.action, c.patch])).toEqual([['update', [{ op: 'remove', path: '/spec/os' }]]]);
  });

  it('adds the drift of the changed CIs against the actual state', async () => {
    const { plan } = await buildReview({
      base,
      head,
      baseGraph: graphOf(base.cis),
      headGraph: graphOf(head.cis),
      now: new Date(0),
      drift: async (changed) => [
        {
          name: 'rec',
          provider: 'snapshot',
          desired: changed,
          observed: [
            { id: db16.id, object: db15.object },
            { id: 'host:shop/stray', object: {} },
          ],
        },
      ],
    });
    expect(plan.drift!.changes.map((c) => [c.action, c.id])).toEqual([
      ['create', 'application:shop/web'],
      ['update', 'database:shop/db'],
    ]);
    expect(plan.drift!.unmanaged).toEqual([]);
  });
});
