import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createControllerMetrics } from '../../../engine/metrics/controller-metrics.js';
import { Reconciler, type ReconcileRound } from '../../../engine/reconcile/reconciler.js';
import type { Source, SourceArtifact } from '../../../engine/sources/types.js';

/**
 * The reconciler without a cluster: revisions are directories handed out by an
 * in-memory Source, the target is the file provider over a temporary root (real
 * files), the sync policy automated with self-heal.
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

/** A repository revision whose one File CI says `content`, or an invalid one. */
function revision(root: string, content: string | 'invalid'): string {
  const dir = scratch('plumb-rev-');
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(
    join(dir, 'plumb.yaml'),
    `targets:\n  files: {provider: file, roots: [${JSON.stringify(root)}]}\nsync: {policy: automated, selfHeal: true, prune: false}\n`,
  );
  const ci =
    content === 'invalid'
      ? 'apiVersion: plumb.io/v1\nkind: File\nmetadata: {name: motd}\nspec: {path: motd, content: "x"}\nrelations:\n  - {type: dependsOn, target: file:does-not-exist}\nsource: {provider: file}\n'
      : `apiVersion: plumb.io/v1\nkind: File\nmetadata: {name: motd}\nspec: {path: motd, content: ${JSON.stringify(content)}, mode: "0644"}\nsource: {provider: file}\n`;
  writeFileSync(join(dir, 'inventory', 'motd.yaml'), ci);
  return dir;
}

function setup() {
  const root = scratch('plumb-root-');
  let current: SourceArtifact | undefined;
  const source: Source = { description: 'in-memory revisions', fetch: async () => current! };
  const rounds: ReconcileRound[] = [];
  const reconciler = new Reconciler({
    source,
    identity: 'test',
    isLeader: () => true,
    metrics: createControllerMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    onReconciled: async (round) => void rounds.push(round),
  });
  return { root, reconciler, rounds, publish: (rev: string, dir: string) => (current = { revision: rev, dir }) };
}

describe('Reconciler (no cluster)', () => {
  it('applies a good revision and reports Ready', async () => {
    const { root, reconciler, publish } = setup();
    publish('aaaaaaa1', revision(root, 'v1\n'));
    expect(await reconciler.reconcile('start')).toEqual({ result: 'succeeded' });
    expect(readFileSync(join(root, 'motd'), 'utf8')).toBe('v1\n');
    expect(reconciler.status.lastAppliedRevision).toBe('aaaaaaa1');
    expect(reconciler.status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' });
  });

  it('an invalid newest revision is refused and the last good one is still reconciled (drift healed back to it)', async () => {
    const { root, reconciler, rounds, publish } = setup();
    publish('aaaaaaa1', revision(root, 'v1\n'));
    await reconciler.reconcile('start');
    writeFileSync(join(root, 'motd'), 'edited by hand\n');
    publish('bbbbbbb2', revision(root, 'invalid'));
    const outcome = await reconciler.reconcile('source');
    // the fallback: the last good revision is planned and applied, so the drift is healed
    expect(rounds.at(-1)?.desired?.revision).toBe('aaaaaaa1');
    expect(readFileSync(join(root, 'motd'), 'utf8')).toBe('v1\n');
    // and the refusal is still reported: terminal, naming both revisions
    expect(outcome.result).toBe('terminal');
    expect(reconciler.status.refusedRevision).toMatchObject({ revision: 'bbbbbbb2', reason: 'InvalidRevision' });
    expect(reconciler.status.lastAppliedRevision).toBe('aaaaaaa1');
    expect(reconciler.status.failure?.message).toContain('still reconciling aaaaaaa');
  });

  it('with no good revision to fall back to, nothing is applied', async () => {
    const { root, reconciler, publish } = setup();
    publish('bbbbbbb2', revision(root, 'invalid'));
    const outcome = await reconciler.reconcile('start');
    expect(outcome.result).toBe('terminal');
    expect(reconciler.status.failure?.message).toContain('no good revision to fall back to');
    expect(() => readFileSync(join(root, 'motd'))).toThrow();
  });
});
