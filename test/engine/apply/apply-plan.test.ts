import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../../engine/apply/apply-plan.js';
import type { ApplyInput } from '../../../engine/apply/types.js';
import { createMemoryAuditLog } from '../../../engine/audit/jsonl-audit-log.js';
import { createDirStore } from '../../../engine/backup/dir-store.js';
import { createGitStore } from '../../../engine/backup/git-store.js';
import { createFileLocker } from '../../../engine/lock/file-locker.js';
import type { FakeProvider } from '../../../engine/providers/fake/fake-provider.js';
import { doc, fakeWith, halfWriteFails, planFor, writes } from './plan-for.js';
import { pluginCode } from '../../../engine/model/codes.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'plumb-apply-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const initial = {
  'host:shop/h1': { cpu: 2 },
  'database:shop/db': { version: '15' },
  'application:shop/app': { replicas: 1 },
};

function setup(fake: FakeProvider, overrides: Partial<ApplyInput> = {}) {
  const audit = createMemoryAuditLog();
  const input: ApplyInput = {
    plan: planFor('t', fake, [
      ['host:shop/h1', 1, { cpu: 4 }],
      ['database:shop/db', 2, { version: '16' }],
      ['application:shop/app', 3, { replicas: 3 }],
    ]),
    providers: new Map([['t', fake]]),
    backupStore: createDirStore(join(dir, 'backups')),
    lock: createFileLocker({ dir: join(dir, 'locks') }),
    audit,
    ...overrides,
  };
  return { input, audit };
}

/** The observed state as bytes: what "byte for byte" compares. */
const snapshot = (fake: FakeProvider) => JSON.stringify([...fake.state].sort());

describe('applyPlan', () => {
  it('applies every wave in order, backing up each wave before touching it', async () => {
    const fake = fakeWith(initial);
    const { input, audit } = setup(fake);
    const report = await applyPlan(input);
    expect(report.outcome).toBe('succeeded');
    expect(report.changes.map((c) => [c.id, c.result])).toEqual([
      ['host:shop/h1', 'applied'],
      ['database:shop/db', 'applied'],
      ['application:shop/app', 'applied'],
    ]);
    expect(writes(fake)).toEqual([
      'backup host:shop/h1',
      'apply host:shop/h1',
      'health host:shop/h1',
      'backup database:shop/db',
      'apply database:shop/db',
      'health database:shop/db',
      'backup application:shop/app',
      'apply application:shop/app',
      'health application:shop/app',
    ]);
    expect(fake.state.get('database:shop/db')?.object).toMatchObject({ spec: { version: '16' } });
    expect(report.backups).toHaveLength(3);
    expect(audit.records.map((r) => r.event)).toEqual(['apply.started', 'apply.finished']);
  });

  it('a failure in wave k leaves the waves after it untouched', async () => {
    const fake = fakeWith(initial);
    fake.faults = { failApplyIds: ['database:shop/db'] };
    const { input } = setup(fake);
    const report = await applyPlan(input);
    expect({ outcome: report.outcome, failedWave: report.failedWave, results: report.changes.map((c) => c.result) }).toEqual({
      outcome: 'failed',
      failedWave: 2,
      results: ['applied', 'failed', 'not-attempted'],
    });
    expect(fake.state.get('application:shop/app')?.object).toEqual(doc('application:shop/app', initial['application:shop/app']));
    expect(writes(fake).filter((w) => w.includes('application:shop/app'))).toEqual([]);
  });

  it.each(['dir', 'git'])('with rollback-all (%s store), the observed state afterwards equals the state before, byte for byte', async (store) => {
    const fake = fakeWith(initial);
    halfWriteFails(fake, 'application:shop/app');
    const before = snapshot(fake);
    const backupStore = store === 'dir' ? createDirStore(join(dir, 'backups')) : createGitStore(join(dir, 'backups.git'));
    const { input } = setup(fake, { backupStore });
    const report = await applyPlan({ ...input, options: { rollbackOnFailure: true, rollbackAll: true } });
    expect(report.outcome).toBe('rolled-back');
    expect(report.rollbacks.map((r) => [r.wave, r.restored, r.ok])).toEqual([
      [3, ['application:shop/app'], true],
      [2, ['database:shop/db'], true],
      [1, ['host:shop/h1'], true],
    ]);
    expect(snapshot(fake)).toBe(before);
  });

  it('rollback-on-failure alone restores only the failed wave', async () => {
    const fake = fakeWith(initial);
    halfWriteFails(fake, 'database:shop/db');
    const before = fake.state.get('database:shop/db');
    const { input } = setup(fake);
    const report = await applyPlan({ ...input, options: { rollbackOnFailure: true } });
    expect(report.rollbacks.map((r) => [r.wave, r.restored])).toEqual([[2, ['database:shop/db']]]);
    expect(fake.state.get('database:shop/db')).toEqual(before);
    expect(fake.state.get('host:shop/h1')?.object).toMatchObject({ spec: { cpu: 4 } });
  });

  it('a health check that times out counts as failed', async () => {
    const fake = fakeWith(initial);
    fake.faults = { healthHangs: true };
    const { input } = setup(fake);
    const report = await applyPlan({ ...input, options: { healthTimeoutMs: 20 } });
    expect({ outcome: report.outcome, failedWave: report.failedWave, first: report.changes[0], health: report.health }).toEqual({
      outcome: 'failed',
      failedWave: 1,
      first: { id: 'host:shop/h1', target: 't', action: 'update', wave: 1, result: 'unhealthy', message: 'health check timed out after 20ms' },
      health: [{ wave: 1, id: 'host:shop/h1', healthy: false, message: 'health check timed out after 20ms' }],
    });
  });

  it('an unhealthy CI fails its wave and is rolled back with the wave', async () => {
    const fake = fakeWith(initial);
    fake.faults = { unhealthyIds: ['database:shop/db'] };
    const before = fake.state.get('database:shop/db');
    const { input } = setup(fake);
    const report = await applyPlan({ ...input, options: { rollbackOnFailure: true } });
    expect(report.changes.map((c) => c.result)).toEqual(['applied', 'unhealthy', 'not-attempted']);
    expect(fake.state.get('database:shop/db')).toEqual(before);
  });

  it('refuses a stale plan, naming the CIs that changed, before writing anything', async () => {
    const fake = fakeWith(initial);
    const { input } = setup(fake);
    fake.state.set('database:shop/db', { id: 'database:shop/db', object: doc('database:shop/db', { version: '14' }) });
    await expect(applyPlan(input)).rejects.toMatchObject({ code: 'plan.stale', hint: 'run `plumb plan` again', data: { cis: ['database:shop/db'] } });
    expect(writes(fake)).toEqual([]);
  });

  it('refuses a denied plan unless overridden, and records the reason', async () => {
    const fake = fakeWith(initial);
    const { input, audit } = setup(fake);
    const denied = {
      ...input.plan,
      policy: {
        denied: true,
        results: [
          { policy: 'no-prod', ci: 'database:shop/db', action: 'deny' as const, severity: 'high' as const, outcome: 'violated' as const, message: 'no' },
        ],
      },
    };
    await expect(applyPlan({ ...input, plan: denied })).rejects.toMatchObject({ code: 'policy.denied' });
    const report = await applyPlan({ ...input, plan: denied, options: { overridePolicy: 'CHG-42 approved' } });
    expect(report.policyOverride).toBe('CHG-42 approved');
    expect(audit.records[0]).toMatchObject({ event: 'apply.started', policyOverride: 'CHG-42 approved' });
  });

  it('skips deletes unless prune is on', async () => {
    const fake = fakeWith(initial);
    const plan = planFor('t', fake, [['host:shop/h1', 1, null]]);
    const { input } = setup(fake, { plan });
    const skipped = await applyPlan(input);
    expect(skipped.changes).toEqual([
      { id: 'host:shop/h1', target: 't', action: 'delete', wave: 1, result: 'skipped', message: 'delete skipped: prune is off (apply with --prune)' },
    ]);
    expect(fake.state.has('host:shop/h1')).toBe(true);
    // the plan deletes all the target manages and declares nothing: refused unless allowEmpty
    await expect(applyPlan({ ...input, options: { prune: true } })).rejects.toMatchObject({
      code: 'prune.refused',
      data: { guards: ['prune.empty-inventory'] },
    });
    expect(fake.state.has('host:shop/h1')).toBe(true);
    const pruned = await applyPlan({ ...input, options: { prune: true, pruneConfig: { prune: { allowEmpty: true }, targets: {} } } });
    expect(pruned.changes[0].result).toBe('applied');
    expect(fake.state.has('host:shop/h1')).toBe(false);
  });

  it("refuses a prune over prune.maxDeletes before writing anything, and one that takes over another inventory's object without adopt", async () => {
    const fake = fakeWith(initial);
    const plan = planFor('t', fake, [
      ['host:shop/h1', 1, null],
      ['host:shop/h2', 1, { os: 'bsd' }],
    ]);
    const { input } = setup(fake, { plan });
    const before = new Map(fake.state);
    await expect(applyPlan({ ...input, options: { prune: true, pruneConfig: { prune: { maxDeletes: 0 }, targets: {} } } })).rejects.toMatchObject({
      code: 'prune.refused',
      data: { guards: ['prune.max-deletes'] },
    });
    await expect(
      applyPlan({ ...input, options: { prune: true, pruneConfig: { prune: {}, targets: { t: { provider: 'fake', prune: { maxDeletes: '40%' } } } } } }),
    ).rejects.toMatchObject({ code: 'prune.refused' });
    expect(fake.state).toEqual(before);
    const owned = { ...plan, changes: plan.changes.map((c) => (c.id === 'host:shop/h2' ? { ...c, owner: 'other-repo.prod' } : c)) };
    await expect(applyPlan({ ...input, plan: owned })).rejects.toMatchObject({
      code: 'ownership.conflict',
      data: { objects: [{ id: 'host:shop/h2', owner: 'other-repo.prod' }] },
    });
    expect(fake.state).toEqual(before);
    const adopted = await applyPlan({ ...input, plan: owned, options: { adopt: true } });
    expect(adopted.changes.find((c) => c.id === 'host:shop/h2')?.result).toBe('applied');
  });

  it('applies a replace only when opted into (--allow-replace or the annotation), and a cascaded delete with its parent, never on its own', async () => {
    const fake = fakeWith(initial);
    const base = planFor('t', fake, [
      ['host:shop/h1', 1, { cpu: 4 }],
      ['database:shop/db', 1, null],
      ['application:shop/app', 1, null],
    ]);
    const plan = {
      ...base,
      changes: base.changes.map((c) =>
        c.id === 'host:shop/h1'
          ? { ...c, action: 'replace' as const, replace: { fields: ['spec.cpu'], message: 'field is immutable' } }
          : c.id === 'application:shop/app'
            ? { ...c, cascadeOf: 'database:shop/db' }
            : c,
      ),
    };
    const { input } = setup(fake, { plan });
    const opts = { prune: true, pruneConfig: { prune: {}, targets: {} } };
    const refused = await applyPlan({ ...input, options: opts });
    const result = (r: typeof refused, id: string) => r.changes.find((c) => c.id === id)!;
    expect(result(refused, 'host:shop/h1')).toMatchObject({
      result: 'skipped',
      message: expect.stringContaining('needs --allow-replace or its annotation plumb.io/replace: allowed'),
    });
    expect(result(refused, 'application:shop/app')).toMatchObject({ result: 'applied', message: 'deleted with database:shop/db' });
    // the cascaded object was never sent to the provider: the server removes it with its parent
    expect(fake.calls.filter((c) => c.operation === 'apply').map((c) => (c.request as { change: { id: string } }).change.id)).toEqual(['database:shop/db']);

    const fresh = fakeWith(initial);
    const again = setup(fresh, { plan: { ...plan, changes: plan.changes.filter((c) => c.id === 'host:shop/h1') } });
    const allowed = await applyPlan({ ...again.input, options: { allowReplace: true } });
    expect(result(allowed, 'host:shop/h1').result).toBe('applied');
    const annotated = fakeWith(initial);
    const withAnnotation = plan.changes
      .filter((c) => c.id === 'host:shop/h1')
      .map((c) => ({ ...c, desired: { ...c.desired, metadata: { ...(c.desired!.metadata as object), annotations: { 'plumb.io/replace': 'allowed' } } } }));
    const third = setup(annotated, { plan: { ...plan, changes: withAnnotation } });
    expect(result(await applyPlan(third.input), 'host:shop/h1').result).toBe('applied');
  });

  it('bounds the changes in flight inside a wave', async () => {
    const fake = fakeWith({});
    let inFlight = 0;
    let peak = 0;
    const apply = fake.apply!.bind(fake);
    fake.apply = async (req, signal) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return apply(req, signal);
    };
    const entries = Array.from({ length: 10 }, (_, i) => [`host:shop/h${i}`, 1, { i }] as [string, number, Record<string, unknown>]);
    const { input } = setup(fake, { plan: planFor('t', fake, entries) });
    const report = await applyPlan({ ...input, options: { concurrency: 3 } });
    expect(report.outcome).toBe('succeeded');
    expect(peak).toBe(3);
  });

  it('refuses while another apply holds the target lock, and releases its own', async () => {
    const fake = fakeWith(initial);
    const { input } = setup(fake);
    const held = await input.lock.acquire({ targets: ['t'], planHash: 'other', operation: 'apply' });
    await expect(applyPlan(input)).rejects.toMatchObject({ code: 'lock.held', data: { orphaned: false } });
    await held.release();
    expect((await applyPlan(input)).outcome).toBe('succeeded');
    const again = await input.lock.acquire({ targets: ['t'], planHash: null, operation: 'apply' });
    await again.release();
  });

  it('never touches a CI it could not back up', async () => {
    const fake = fakeWith(initial);
    fake.backup = async () => ({ artifacts: [], diagnostics: [{ severity: 'error', code: pluginCode('fake.down'), message: 'backup endpoint down' }] });
    const { input } = setup(fake);
    const report = await applyPlan(input);
    expect(report.changes.map((c) => c.result)).toEqual(['not-attempted', 'not-attempted', 'not-attempted']);
    expect(writes(fake)).toEqual([]);
  });
  it('an abort stops before the next wave, and the run is still audited and unlocked', async () => {
    const fake = fakeWith(initial);
    const { input, audit } = setup(fake);
    const controller = new AbortController();
    const report = await applyPlan({ ...input, hooks: { onWaveEnd: (wave) => wave === 1 && controller.abort() }, options: { signal: controller.signal } });
    expect({ outcome: report.outcome, results: report.changes.map((c) => c.result) }).toEqual({
      outcome: 'aborted',
      results: ['applied', 'not-attempted', 'not-attempted'],
    });
    expect(audit.records.map((r) => [r.event, 'outcome' in r ? r.outcome : undefined])).toEqual([
      ['apply.started', undefined],
      ['apply.finished', 'aborted'],
    ]);
    await (await input.lock.acquire({ targets: ['t'], planHash: null, operation: 'apply' })).release();
  });
});
