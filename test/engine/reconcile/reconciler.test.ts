import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createControllerMetrics } from '../../../engine/metrics/controller-metrics.js';
import type { ObservedObject } from '../../../engine/providers/contract.js';
import { createFakeProvider, type FakeProvider } from '../../../engine/providers/fake/fake-provider.js';
import { Reconciler, type ReconcileRound } from '../../../engine/reconcile/reconciler.js';
import type { Source, SourceArtifact } from '../../../engine/sources/types.js';

/**
 * The reconciler without a cluster: revisions are directories handed out by an
 * in-memory Source; plumb.yaml declares one file target, and `openProvider`
 * puts the in-memory fake provider (engine/providers/fake/) in its place, for
 * planning and applying alike. The sync policy is automated with self-heal.
 */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const MOTD = 'file:default/motd';

/**
 * A repository revision whose one File CI says `content`; `invalid`: a CI that
 * depends on one that does not exist; `denied`: valid, but a policy denies it.
 */
function revision(content: string, kind: 'valid' | 'invalid' | 'denied' = 'valid'): string {
  const dir = scratch('plumb-rev-');
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(join(dir, 'plumb.yaml'), 'targets:\n  files: {provider: file, roots: [/srv/plumb]}\nsync: {policy: automated, selfHeal: true, prune: false}\n');
  const relations = kind === 'invalid' ? 'relations:\n  - {type: dependsOn, target: file:does-not-exist}\n' : '';
  writeFileSync(
    join(dir, 'inventory', 'motd.yaml'),
    `apiVersion: plumb.io/v1\nkind: File\nmetadata: {name: motd}\nspec: {path: motd, content: ${JSON.stringify(content)}, mode: "0644"}\n${relations}source: {provider: file}\n`,
  );
  if (kind === 'denied') {
    mkdirSync(join(dir, 'policies'));
    writeFileSync(
      join(dir, 'policies', 'frozen.yaml'),
      'apiVersion: plumb.io/v1\nkind: Policy\nmetadata: {name: motd-frozen}\nspec:\n  action: deny\n  scope: change\n' +
        '  validations:\n    - expression: "false"\n      message: "the motd is frozen"\n',
    );
  }
  return dir;
}

/** The content the fake holds for the motd (undefined: absent). */
function content(fake: FakeProvider): unknown {
  const spec = (fake.state.get(MOTD)?.object as { spec?: { content?: unknown } } | undefined)?.spec;
  return spec?.content;
}

function setup() {
  const fake = createFakeProvider({ name: 'file' });
  let current: SourceArtifact | undefined;
  const source: Source = { description: 'in-memory revisions', fetch: async () => current! };
  const rounds: ReconcileRound[] = [];
  const opened: string[] = [];
  const reconciler = new Reconciler({
    source,
    identity: 'test',
    isLeader: () => true,
    metrics: createControllerMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    openProvider: (target) => {
      opened.push(target);
      return fake;
    },
    random: () => 0.5,
    onReconciled: async (round) => void rounds.push(round),
  });
  return { fake, reconciler, rounds, opened, publish: (rev: string, dir: string) => (current = { revision: rev, dir }) };
}

/** Drift: someone edited the motd by hand, keeping plumb's ownership. */
function drift(fake: FakeProvider, text: string): void {
  const before = fake.state.get(MOTD)!;
  const object = before.object as { spec: Record<string, unknown> };
  const edited: ObservedObject = { ...before, object: { ...object, spec: { ...object.spec, content: text } } };
  fake.state.set(MOTD, edited);
}

describe('Reconciler (no cluster, the fake provider)', () => {
  it('applies a good revision through the injected provider and reports Ready', async () => {
    const { fake, reconciler, opened, publish } = setup();
    publish('aaaaaaa1', revision('v1\n'));
    expect(await reconciler.reconcile('start')).toEqual({ result: 'succeeded' });
    expect(content(fake)).toBe('v1\n');
    // planned (discover) and applied through the one injected provider, for the one target
    expect(fake.calls.map((c) => c.operation)).toEqual(expect.arrayContaining(['discover', 'backup', 'apply']));
    expect(new Set(opened)).toEqual(new Set(['files']));
    expect(reconciler.status.lastAppliedRevision).toBe('aaaaaaa1');
    expect(reconciler.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' });
  });

  it('an invalid newest revision is refused and the last good one is still reconciled (drift healed back to it)', async () => {
    const { fake, reconciler, rounds, publish } = setup();
    publish('aaaaaaa1', revision('v1\n'));
    await reconciler.reconcile('start');
    drift(fake, 'edited by hand\n');
    publish('bbbbbbb2', revision('v2\n', 'invalid'));
    const outcome = await reconciler.reconcile('source');
    // the fallback: the last good revision is planned and applied, so the drift is healed
    expect(rounds.at(-1)?.desired?.revision).toBe('aaaaaaa1');
    expect(content(fake)).toBe('v1\n');
    // and the refusal is still reported: terminal, naming both revisions
    expect(outcome.result).toBe('terminal');
    expect(reconciler.status.refusedRevision).toMatchObject({ revision: 'bbbbbbb2', reason: 'InvalidRevision' });
    expect(reconciler.status.lastAppliedRevision).toBe('aaaaaaa1');
    expect(reconciler.status.failure?.message).toContain('still reconciling aaaaaaa');
  });

  it('a denied newest revision is refused and the last good one is still reconciled', async () => {
    const { fake, reconciler, rounds, publish } = setup();
    publish('aaaaaaa1', revision('v1\n'));
    await reconciler.reconcile('start');
    drift(fake, 'edited by hand\n');
    publish('ccccccc3', revision('v3\n', 'denied'));
    const outcome = await reconciler.reconcile('source');
    expect(rounds.at(-1)?.desired?.revision).toBe('aaaaaaa1');
    expect(content(fake)).toBe('v1\n');
    expect(outcome.result).toBe('terminal');
    expect(reconciler.status.refusedRevision).toMatchObject({ revision: 'ccccccc3', reason: 'PolicyDenied' });
    expect(reconciler.status.refusedRevision?.message).toContain('the motd is frozen');
  });

  it('with no good revision to fall back to, nothing is applied', async () => {
    const { fake, reconciler, publish } = setup();
    publish('bbbbbbb2', revision('v2\n', 'invalid'));
    const outcome = await reconciler.reconcile('start');
    expect(outcome.result).toBe('terminal');
    expect(reconciler.status.failure?.message).toContain('no good revision to fall back to');
    expect(fake.calls).toEqual([]);
    expect(content(fake)).toBeUndefined();
  });

  it('a target that cannot be read is a transient failure with backoff, and nothing is applied', async () => {
    const { fake, reconciler, publish } = setup();
    fake.faults = { failDiscover: true };
    publish('aaaaaaa1', revision('v1\n'));
    const outcome = await reconciler.reconcile('start');
    expect(outcome).toMatchObject({ result: 'transient', error: { reason: 'DiscoveryFailed' } });
    expect(reconciler.status.failure).toMatchObject({ kind: 'transient', attempt: 1 });
    expect(fake.calls.map((c) => c.operation)).toEqual(['discover']);
    // the target answers again: the next reconcile applies
    fake.faults = {};
    expect(await reconciler.reconcile('retry')).toEqual({ result: 'succeeded' });
    expect(content(fake)).toBe('v1\n');
  });
});
