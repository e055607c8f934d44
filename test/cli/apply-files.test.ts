import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';
import { planHash } from '../../engine/plan/assemble-plan.js';

/** A fresh copy of test/fixtures/apply-files with an empty root/, so .plumb/ state stays in the copy. */
let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'plumb-apply-files-'));
  await cp(fixture('apply-files'), repo, { recursive: true });
  await mkdir(join(repo, 'root'));
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

const desired = {
  'app.conf': 'listen = 8080\nworkers = 4\n',
  motd: 'welcome to shop\n',
  'vault.token': 's.hunter2-very-secret\n',
};

async function actual(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(repo, 'root'))).sort()) out[name] = await readFile(join(repo, 'root', name), 'utf8');
  return out;
}

describe('plumb apply with the file provider', () => {
  it('creates every file as desired, secrets included, and the next plan has nothing to do', async () => {
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('apply succeeded: 3 applied, 0 failed, 0 not attempted, 0 skipped');
    expect(await actual()).toEqual(desired);
    // waves in order on stderr, each backed up first
    expect(
      apply.stderr
        .split('\n')
        .filter((l) => /^wave|backup|✓ create/.test(l.trim()))
        .map((l) => l.trim().replace(/backup \S+/, 'backup ID')),
    ).toEqual([
      'wave 1 (1 change)',
      'backup ID (1 CI)',
      '✓ create file:default/motd',
      'wave 2 (1 change)',
      'backup ID (1 CI)',
      '✓ create file:default/app-conf',
      'wave 3 (1 change)',
      'backup ID (1 CI)',
      '✓ create file:default/vault-token',
    ]);
    // a secret value never appears in any output
    expect(apply.stdout + apply.stderr).not.toContain('hunter2');
    expect((await runCli(['plan', '--repo', repo, '--detailed-exitcode'])).code).toBe(0);
  });

  it('drift introduced by hand is detected by the next plan and repaired by apply', async () => {
    await runCli(['apply', '--repo', repo, '--auto-approve']);
    await writeFile(join(repo, 'root', 'app.conf'), 'listen = 9999\n');
    const plan = await runCli(['plan', '--repo', repo, '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('~ update file:default/app-conf');
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(apply.code).toBe(0);
    expect(await actual()).toEqual(desired);
  });

  it('a mode removed from Git stops being managed: no change is planned, the file keeps its 0600 (never loosened to the create default)', async () => {
    await runCli(['apply', '--repo', repo, '--auto-approve']);
    const inventory = join(repo, 'inventory', 'files.yaml');
    const text = await readFile(inventory, 'utf8');
    expect(text).toContain('  mode: "0600"\n');
    await writeFile(inventory, text.replace('  mode: "0600"\n', ''));
    const plan = await runCli(['plan', '--repo', repo, '--detailed-exitcode']);
    expect([plan.code, plan.stdout]).toEqual([0, expect.not.stringContaining('vault-token')]);
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(apply.code).toBe(0);
    expect((await stat(join(repo, 'root', 'vault.token'))).mode & 0o7777).toBe(0o600);
    // declaring a mode again is compared and applied as before
    await writeFile(inventory, text.replace('  mode: "0600"\n', '  mode: "0640"\n'));
    const again = await runCli(['plan', '--repo', repo, '--detailed-exitcode']);
    expect([again.code, again.stdout]).toEqual([2, expect.stringContaining('~ update file:default/vault-token')]);
  });

  it('applies a saved plan, and refuses it once the actual state moved on', async () => {
    await runCli(['apply', '--repo', repo, '--auto-approve']);
    await writeFile(join(repo, 'root', 'motd'), 'drift\n');
    expect((await runCli(['plan', '--repo', repo, '--out', join(repo, 'plan.json')])).code).toBe(0);
    await writeFile(join(repo, 'root', 'motd'), 'more drift\n');
    const stale = await runCli(['apply', join(repo, 'plan.json'), '--repo', repo]);
    expect([stale.code, stale.stderr.trim()]).toEqual([
      1,
      'error: plan is stale: file:default/motd changed since it was planned\n  hint: run `plumb plan` again',
    ]);
    expect(await readFile(join(repo, 'root', 'motd'), 'utf8')).toBe('more drift\n');
    await runCli(['plan', '--repo', repo, '--out', join(repo, 'plan.json')]);
    expect((await runCli(['apply', join(repo, 'plan.json'), '--repo', repo])).code).toBe(0);
    expect(await actual()).toEqual(desired);
  });

  it('refuses a plan file edited after planning', async () => {
    await runCli(['plan', '--repo', repo, '--out', join(repo, 'plan.json')]);
    const plan = JSON.parse(await readFile(join(repo, 'plan.json'), 'utf8'));
    plan.changes[0].desired.spec.content = 'tampered\n';
    await writeFile(join(repo, 'plan.json'), JSON.stringify(plan));
    const apply = await runCli(['apply', join(repo, 'plan.json'), '--repo', repo]);
    expect([apply.code, apply.stderr.split('\n')[0]]).toEqual([
      1,
      `error: ${join(repo, 'plan.json')} was modified after it was planned (its hash does not match its content)`,
    ]);
    expect(await actual()).toEqual({});
  });

  // attack: the plan hash is unkeyed — edit a desired object, recompute the hash, and apply wrote it
  it('refuses a plan file whose desired object was edited and its hash recomputed', async () => {
    await runCli(['plan', '--repo', repo, '--out', join(repo, 'plan.json')]);
    const plan = JSON.parse(await readFile(join(repo, 'plan.json'), 'utf8'));
    const motd = plan.changes.find((c: { id: string }) => c.id === 'file:default/motd');
    motd.desired.spec.content = 'tampered\n';
    plan.hash = planHash(plan);
    await writeFile(join(repo, 'plan.json'), JSON.stringify(plan));
    const apply = await runCli(['apply', join(repo, 'plan.json'), '--repo', repo]);
    expect([apply.code, apply.stderr.split('\n')[0]]).toEqual([
      1,
      'error: plan is stale: file:default/motd is not what revision worktree and the actual state plan now',
    ]);
    expect(await actual()).toEqual({});
  });

  // attack: a secret edited in the work tree after `plan --out` was applied silently
  it('refuses a saved plan once a secret changed in the work tree, and says which CI', async () => {
    await runCli(['plan', '--repo', repo, '--out', join(repo, 'plan.json')]);
    const saved = await readFile(join(repo, 'plan.json'), 'utf8');
    expect(saved).not.toContain('hunter2');
    expect(Object.keys(JSON.parse(saved).secretDigests)).toEqual(['file:default/vault-token']);
    const file = join(repo, 'inventory', 'files.yaml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('s.hunter2-very-secret', 's.changed-after-review'));
    const apply = await runCli(['apply', join(repo, 'plan.json'), '--repo', repo]);
    expect([apply.code, apply.stderr.split('\n')[0]]).toEqual([
      1,
      'error: plan is stale: secret values of file:default/vault-token changed since it was planned',
    ]);
    expect(apply.stdout + apply.stderr).not.toContain('changed-after-review');
    expect(await actual()).toEqual({});
  });

  it('without a terminal and without --auto-approve, refuses with a hint', async () => {
    const apply = await runCli(['apply', '--repo', repo]);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('error: apply needs approval and there is no terminal to ask on');
    expect(apply.stderr).toContain('hint: pass --auto-approve');
    expect(await actual()).toEqual({});
  });

  it('a second apply refuses while the target is locked, naming the holder', async () => {
    await mkdir(join(repo, '.plumb', 'locks'), { recursive: true });
    const holder = { target: 'files', owner: 'alice', host: 'elsewhere', pid: 4242, startedAt: '2026-11-25T10:00:00.000Z', planHash: 'p', operation: 'apply' };
    await writeFile(join(repo, '.plumb', 'locks', 'files.lock'), JSON.stringify(holder));
    const apply = await runCli(['apply', '--repo', repo, '--auto-approve']);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain('error: target files is locked by alice@elsewhere pid 4242 since 2026-11-25T10:00:00.000Z (apply)');
    expect(await actual()).toEqual({});
  });
});
