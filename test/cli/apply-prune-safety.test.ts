import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/run-cli.js';

/**
 * The prune guards and ownership against a real snapshot file: an empty
 * inventory, a ceiling, another inventory's objects, legacy labels, and
 * sync.prune (the controller's) versus --prune (the command's).
 */
let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'plumb-prune-safety-'));
  await mkdir(join(repo, 'inventory'));
  await mkdir(join(repo, 'observed'));
});
afterEach(() => rm(repo, { recursive: true, force: true }));

const MINE = { 'plumb.io/managed-by': 'plumb', 'plumb.io/inventory': 'safety.recorded' };
const cm = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop', labels },
  data: { v: '1' },
});
const doc = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: shop}\ndata: {v: "1"}\n`;

async function setup(opts: { plumb?: string; declared: string[]; observed: ReturnType<typeof cm>[] }): Promise<string> {
  await writeFile(
    join(repo, 'plumb.yaml'),
    `inventoryId: safety\ntargets:\n  recorded: {provider: snapshot, path: observed/snapshot.yaml}\nsync: {policy: manual, prune: true}\n${opts.plumb ?? ''}`,
  );
  if (opts.declared.length) await writeFile(join(repo, 'inventory', 'cms.yaml'), opts.declared.map(doc).join('---\n'));
  const snapshot = `# recorded state\n${JSON.stringify({ apiVersion: 'plumb.io/v1', kind: 'Snapshot', metadata: { name: 'recorded' }, objects: opts.observed }, null, 2)}\n`;
  await writeFile(join(repo, 'observed', 'snapshot.yaml'), snapshot);
  return snapshot;
}
const names = async () =>
  [...(await readFile(join(repo, 'observed', 'snapshot.yaml'), 'utf8')).matchAll(/"?name"?: "?(cm-[a-z0-9]+)/g)].map((m) => m[1]).sort();

describe('prune safety of plumb apply', () => {
  it("sync.prune is the controller's: plumb apply deletes only with --prune", async () => {
    await setup({ declared: ['cm-a'], observed: [cm('cm-a', MINE), cm('cm-b', MINE)] });
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('skipped: configmap:shop/cm-b (wave 1) — delete skipped: prune is off (apply with --prune)');
    expect(await names()).toEqual(['cm-a', 'cm-b']);
    expect((await runCli(['apply', '--repo', repo, '--auto-approve', '--prune'])).code).toBe(0);
    expect(await names()).toEqual(['cm-a']);
  });

  it('an inventory that renders nothing is not pruned: refused, nothing changes; allowEmpty lets it through', async () => {
    const before = await setup({ declared: [], observed: [cm('cm-a', MINE), cm('cm-b', MINE)] });
    const plan = await runCli(['plan', '--repo', repo]);
    expect(plan.stdout).toContain(
      'apply --prune will refuse to prune target recorded: the inventory renders no CI for it, so all 2 object(s) it manages would be deleted',
    );
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve', '--prune']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('refusing to prune target recorded: the inventory renders no CI for it, so all 2 object(s) it manages would be deleted');
    expect(apply.stderr).toContain('targets.recorded.prune.allowEmpty: true');
    expect(apply.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(join(repo, 'observed', 'snapshot.yaml'), 'utf8')).toBe(before);

    await writeFile(
      join(repo, 'plumb.yaml'),
      `inventoryId: safety\ntargets:\n  recorded: {provider: snapshot, path: observed/snapshot.yaml, prune: {allowEmpty: true}}\n`,
    );
    expect((await runCli(['apply', '--repo', repo, '--auto-approve', '--prune'])).code).toBe(0);
    expect(await names()).toEqual([]);
  });

  it('prune.maxDeletes refuses a prune over the ceiling and names it', async () => {
    const before = await setup({
      plumb: 'prune: {maxDeletes: {count: 5, percent: 50}}\n',
      declared: ['cm-a'],
      observed: [cm('cm-a', MINE), cm('cm-b', MINE), cm('cm-c', MINE)],
    });
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve', '--prune']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      'refusing to prune target recorded: 2 delete(s), 67% of its 3 managed object(s), is over the ceiling prune.maxDeletes (5 and 50%)',
    );
    expect(await readFile(join(repo, 'observed', 'snapshot.yaml'), 'utf8')).toBe(before);
    // without --prune the guard does not apply: the rest goes through, the deletes are skipped
    expect((await runCli(['apply', '--repo', repo, '--auto-approve'])).code).toBe(0);
  });

  it("prunes only what this inventory owns; takes another inventory's object over only with --adopt; legacy objects are never lost", async () => {
    const other = { 'plumb.io/managed-by': 'plumb', 'plumb.io/inventory': 'other-repo.prod' };
    const legacy = { 'plumb.io/managed-by': 'plumb' };
    await setup({
      declared: ['cm-mine', 'cm-theirs', 'cm-legacy'],
      observed: [
        cm('cm-gone', MINE),
        cm('cm-other', other),
        cm('cm-theirs', other),
        cm('cm-old', legacy),
        { ...cm('cm-legacy', legacy), data: { v: '0' } },
        { ...cm('cm-mine', MINE), data: { v: '0' } },
      ],
    });
    const plan = await runCli(['plan', '--repo', repo, '-o', 'json']);
    const p = JSON.parse(plan.stdout);
    expect(p.changes.filter((c: any) => c.action !== 'noop').map((c: any) => [c.action, c.id, c.owner ?? null])).toEqual([
      ['update', 'configmap:shop/cm-legacy', null],
      ['update', 'configmap:shop/cm-mine', null],
      ['delete', 'configmap:shop/cm-gone', null],
    ]);
    expect(p.unmanaged.map((u: any) => u.id)).toEqual(['configmap:shop/cm-old', 'configmap:shop/cm-other']);
    const text = await runCli(['plan', '--repo', repo]);
    expect(text.stdout).toContain(
      'configmap:shop/cm-old was made by a plumb before inventory ids and no CI of target recorded declares it: it is listed as unmanaged, never pruned',
    );

    // cm-theirs is declared here but owned by other-repo.prod: the snapshot provider compares declared fields only,
    // so it is a noop here; make it a change to see the takeover refused
    await writeFile(join(repo, 'inventory', 'theirs.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-theirs, namespace: shop}\ndata: {v: "2"}\n');
    await writeFile(join(repo, 'inventory', 'cms.yaml'), ['cm-mine', 'cm-legacy'].map(doc).join('---\n'));
    const planned = await runCli(['plan', '--repo', repo]);
    expect(planned.stdout).toContain('~ update configmap:shop/cm-theirs (recorded) inventory/theirs.yaml:1 owned by inventory other-repo.prod: needs --adopt');
    expect(planned.stdout).toContain('configmap:shop/cm-theirs belongs to inventory other-repo.prod; apply refuses to take it over');
    const refused = await runCli(['apply', '--repo', repo, '--auto-approve', '--prune']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refusing to take over configmap:shop/cm-theirs (owned by inventory other-repo.prod)');
    expect((await runCli(['apply', '--repo', repo, '--auto-approve', '--prune', '--adopt'])).code).toBe(0);

    const after = parse(await readFile(join(repo, 'observed', 'snapshot.yaml'), 'utf8')) as { objects: ReturnType<typeof cm>[] };
    const label = (n: string) => after.objects.find((o) => o.metadata.name === n)?.metadata.labels?.['plumb.io/inventory'] ?? null;
    // pruned: only cm-gone; the other inventory's and the undeclared legacy object are still there
    expect(after.objects.map((o) => o.metadata.name).sort()).toEqual(['cm-legacy', 'cm-mine', 'cm-old', 'cm-other', 'cm-theirs']);
    expect({ legacy: label('cm-legacy'), theirs: label('cm-theirs'), other: label('cm-other'), old: label('cm-old') }).toEqual({
      legacy: 'safety.recorded',
      theirs: 'safety.recorded',
      other: 'other-repo.prod',
      old: null,
    });
  });
});
