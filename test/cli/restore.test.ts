import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/run-cli.js';

let repo: string;
beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'plumb-restore-'));
  await cp(fixture('apply-files'), repo, { recursive: true });
  await mkdir(join(repo, 'root'));
  expect((await runCli(['apply', '--repo', repo, '--auto-approve'])).code).toBe(0);
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

async function actual(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(join(repo, 'root'))).sort()) out[name] = await readFile(join(repo, 'root', name), 'utf8');
  return out;
}

async function backupNow(): Promise<{ id: string; artifacts: { ci: string; path: string }[] }> {
  const r = await runCli(['backup', '--repo', repo, '-o', 'json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('plumb backup, backups and restore', () => {
  it('lists backups without ever showing a secret value', async () => {
    const taken = await backupNow();
    const list = await runCli(['backups', '--repo', repo, '-o', 'json']);
    const { backups } = JSON.parse(list.stdout);
    expect(backups.map((b: { reason: string }) => b.reason)).toEqual(['apply', 'apply', 'apply', 'on-demand']);
    expect(backups.at(-1)).toEqual(taken);
    expect(backups.at(-1).cis).toEqual([
      { id: 'file:default/app-conf', target: 'files', provider: 'file' },
      { id: 'file:default/motd', target: 'files', provider: 'file' },
      { id: 'file:default/vault-token', target: 'files', provider: 'file' },
    ]);
    const text = await runCli(['backups', '--repo', repo]);
    expect(list.stdout + text.stdout).not.toContain('hunter2');
  });

  it('restores the state a backup holds', async () => {
    const { id } = await backupNow();
    const before = await actual();
    await writeFile(join(repo, 'root', 'motd'), 'broken by hand\n');
    await writeFile(join(repo, 'root', 'vault.token'), 'leaked\n');
    const restore = await runCli(['restore', id, '--repo', repo, '--auto-approve']);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(
      `restore succeeded: 2 of 3 restored, 1 unchanged from backup ${id}\n  unchanged: file:default/app-conf — already equal to the backup; nothing written\n`,
    );
    expect(await actual()).toEqual(before);
  });

  it('a restore of what already equals the backup says unchanged, writes nothing and takes no backup', async () => {
    const { id } = await backupNow();
    const backupsBefore = (await readdir(join(repo, '.plumb', 'backups'))).length;
    const audit = await readFile(join(repo, '.plumb', 'audit.jsonl'), 'utf8');
    const restore = await runCli(['restore', id, '--repo', repo, '--auto-approve', '-o', 'json']);
    expect(restore.code, restore.stderr).toBe(0);
    const report = JSON.parse(restore.stdout);
    expect(report.outcome).toBe('succeeded');
    expect(report.changes.map((c: { id: string; result: string }) => [c.id, c.result])).toEqual([
      ['file:default/motd', 'unchanged'],
      ['file:default/app-conf', 'unchanged'],
      ['file:default/vault-token', 'unchanged'],
    ]);
    expect(report.preRestoreBackup).toBeUndefined();
    expect((await readdir(join(repo, '.plumb', 'backups'))).length).toBe(backupsBefore);
    expect(await readFile(join(repo, '.plumb', 'audit.jsonl'), 'utf8')).toBe(audit);
    const text = await runCli(['restore', id, 'file:default/motd', '--repo', repo, '--auto-approve']);
    expect(text.stdout).toBe(
      `restore succeeded: 0 of 1 restored, 1 unchanged from backup ${id}\n  unchanged: file:default/motd — already equal to the backup; nothing written\n`,
    );
  });

  it('restores only the named CIs', async () => {
    const { id } = await backupNow();
    await writeFile(join(repo, 'root', 'motd'), 'one\n');
    await writeFile(join(repo, 'root', 'app.conf'), 'two\n');
    expect((await runCli(['restore', id, 'file:default/motd', '--repo', repo, '--auto-approve'])).code).toBe(0);
    expect(await readFile(join(repo, 'root', 'motd'), 'utf8')).toBe('welcome to shop\n');
    expect(await readFile(join(repo, 'root', 'app.conf'), 'utf8')).toBe('two\n');
  });

  it('a dry run changes nothing and says what it would do, in plan order', async () => {
    const { id } = await backupNow();
    await writeFile(join(repo, 'root', 'motd'), 'changed\n');
    const before = await actual();
    const backupsBefore = (await readdir(join(repo, '.plumb', 'backups'))).length;
    const dry = await runCli(['restore', id, '--repo', repo, '--dry-run']);
    expect([dry.code, dry.stdout.trim()]).toEqual([
      0,
      [
        `restore (dry run) from backup ${id}: nothing was changed; it would:`,
        '  wave 1: restore file:default/motd',
        '  wave 2: leave file:default/app-conf — unchanged: it already equals the backup',
        '  wave 3: leave file:default/vault-token — unchanged: it already equals the backup',
      ].join('\n'),
    ]);
    // -o json: what would be written is would-apply, never applied
    const json = await runCli(['restore', id, '--repo', repo, '--dry-run', '-o', 'json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect([report.dryRun, report.outcome]).toEqual([true, 'succeeded']);
    expect(report.changes.map((c: { id: string; result: string }) => [c.id, c.result])).toEqual([
      ['file:default/motd', 'would-apply'],
      ['file:default/app-conf', 'unchanged'],
      ['file:default/vault-token', 'unchanged'],
    ]);
    expect(await actual()).toEqual(before);
    expect((await readdir(join(repo, '.plumb', 'backups'))).length).toBe(backupsBefore);
  });

  it('refuses a backup with one byte changed, naming the artifact, and changes nothing', async () => {
    const { id, artifacts } = await backupNow();
    const motd = artifacts.find((a) => a.ci === 'file:default/motd')!;
    const file = join(repo, '.plumb', 'backups', id, motd.path);
    const bytes = await readFile(file);
    bytes[10] ^= 0x20;
    await writeFile(file, bytes);
    await writeFile(join(repo, 'root', 'motd'), 'changed\n');
    const before = await actual();
    const restore = await runCli(['restore', id, '--repo', repo, '--auto-approve']);
    expect([restore.code, restore.stderr.trim()]).toEqual([
      1,
      `error: backup ${id} is corrupt: file:default/motd (${motd.path}: checksum mismatch)\n  hint: nothing was restored; restore from another backup (\`plumb backups\` lists them)`,
    ]);
    expect(await actual()).toEqual(before);
  });

  it('`latest` is the newest backup, in the dry run, the restore and its report', async () => {
    const { id } = await backupNow();
    await writeFile(join(repo, 'root', 'motd'), 'broken by hand\n');
    const dry = await runCli(['restore', 'latest', '--repo', repo, '--dry-run']);
    expect([dry.code, dry.stdout.split('\n')[0]]).toEqual([0, `restore (dry run) from backup ${id}: nothing was changed; it would:`]);
    const restore = await runCli(['restore', 'latest', '--repo', repo, '--auto-approve', '-o', 'json']);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout).backup).toBe(id);
    expect(await readFile(join(repo, 'root', 'motd'), 'utf8')).toBe('welcome to shop\n');
  });

  it('`latest` with no backup yet says so', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'plumb-restore-empty-'));
    try {
      await cp(fixture('apply-files'), empty, { recursive: true });
      const r = await runCli(['restore', 'latest', '--repo', empty, '--dry-run']);
      expect([r.code, r.stderr.split('\n')[0]]).toEqual([1, `error: no backup in ${join(empty, '.plumb', 'backups')} yet, so there is no latest one`]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('an unknown backup id is named', async () => {
    const r = await runCli(['restore', '20200101T000000000Z-000000', '--repo', repo, '--dry-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: no backup 20200101T000000000Z-000000 in');
  });
  it('with the git store, backups are commits in a bare repository and restore the same way', async () => {
    await writeFile(join(repo, 'plumb.yaml'), (await readFile(join(repo, 'plumb.yaml'), 'utf8')) + 'backup: {store: git}\n');
    const { id } = await backupNow();
    expect(existsSync(join(repo, '.plumb', 'backups.git', 'refs', 'backups', id))).toBe(true);
    const { backups } = JSON.parse((await runCli(['backups', '--repo', repo, '-o', 'json'])).stdout);
    expect(backups.map((b: { id: string }) => b.id)).toEqual([id]);
    await writeFile(join(repo, 'root', 'motd'), 'changed\n');
    expect((await runCli(['restore', id, '--repo', repo, '--auto-approve'])).code).toBe(0);
    expect(await readFile(join(repo, 'root', 'motd'), 'utf8')).toBe('welcome to shop\n');
  });
});
