import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const HEADER = '# recorded by hand for this test: this header must survive every apply\n# (and this second line too)\n';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'plumb-snapshot-concurrent-'));
});
afterEach(() => rm(repo, { recursive: true, force: true }));

/**
 * 200 changes: 100 ConfigMaps to create, 100 recorded with an old value to
 * update. The snapshot carries a header comment and a comment on one object.
 */
async function makeRepo(): Promise<void> {
  await mkdir(join(repo, 'inventory'));
  await mkdir(join(repo, 'observed'));
  await writeFile(join(repo, 'plumb.yaml'), 'targets:\n  recorded: {provider: snapshot, path: observed/snapshot.yaml}\n');
  const docs: string[] = [];
  const recorded: string[] = [];
  for (let i = 0; i < 200; i++) {
    const name = `cm-${String(i).padStart(3, '0')}`;
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop}\ndata: {value: "new-${i}"}\n`);
    if (i % 2 === 0) recorded.push(`  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: ${name}, namespace: shop}\n    data: {value: "old-${i}"}\n`);
  }
  await writeFile(join(repo, 'inventory', 'configmaps.yaml'), docs.join('---\n'));
  await writeFile(
    join(repo, 'observed', 'snapshot.yaml'),
    `${HEADER}apiVersion: plumb.io/v1\nkind: Snapshot\nmetadata:\n  name: recorded\nobjects:\n  # the first object keeps this comment\n${recorded.join('')}`,
  );
}

describe('the snapshot provider under a concurrent apply', () => {
  it('an apply at concurrency 8 of 200 changes loses no write: the next plan has 0 changes, the header comment is intact', async () => {
    await makeRepo();
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve', '--concurrency', '8', '-o', 'json']);
    expect(apply.code, apply.stderr).toBe(0);
    const report = JSON.parse(apply.stdout) as { outcome: string; changes: { result: string }[] };
    expect(report.outcome).toBe('succeeded');
    expect(report.changes.filter((c) => c.result === 'applied')).toHaveLength(200);

    const plan = await runCli(['plan', '--repo', repo, '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(JSON.parse(plan.stdout).summary).toEqual({ create: 0, update: 0, delete: 0, noop: 200, unmanaged: 0 });

    const text = await readFile(join(repo, 'observed', 'snapshot.yaml'), 'utf8');
    expect(text.startsWith(HEADER)).toBe(true);
    expect(text).toContain('  # the first object keeps this comment\n');
    // the untouched style of a replaced object's neighbours and the order by identity are kept
    const names = [...text.matchAll(/name: (cm-\d+)/g)].map((m) => m[1]);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(200);
  });
});
